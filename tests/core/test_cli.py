"""The ``zugong`` command line, as an operator uses it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core import calendar
from core.auth.models import User
from core.db import db
from core.plugins.manager import is_enabled
from core.tenancy.models import Tenant
from tests.factories import bearer


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def test_token_create_prints_a_working_token_once(app, factory, client):
    factory.tenant("alpha")
    factory.tenant("beta")
    factory.user("alpha", "alice")
    result = _run(app, "token", "create", "--tenant", "alpha", "--user", "alice", "--days", "7")
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("zg_")
    assert client.get("/api/v1/t/alpha/me", headers=bearer(token)).status_code == 200
    # another tenant does not know the token: as invalid there as a made-up one
    assert client.get("/api/v1/t/beta/me", headers=bearer(token)).status_code == 401


def test_token_create_refuses_a_non_member(app, factory):
    factory.tenant("alpha")
    factory.tenant("beta")
    factory.user("beta", "bob")
    result = _run(app, "token", "create", "--tenant", "alpha", "--user", "bob")
    assert result.exit_code != 0
    assert "not a member" in result.output


def test_plugins_enable_and_disable_by_tenant_subtree_and_locality(app, factory):
    factory.tenant("city", locality_code="330100", kind="city_org_dept")
    factory.tenant("county", parent="city", locality_code="330122")
    factory.tenant("town", parent="county", locality_code="330122", kind="township_committee")
    factory.tenant("elsewhere", locality_code="410100")

    def enabled(plugin: str) -> set[str]:
        with app.app_context():
            return {t.slug for t in db.session.scalars(select(Tenant)) if is_enabled(t, plugin)} - {
                "_platform"
            }

    assert _run(app, "plugins", "enable", "petitions", "--tenant", "county").exit_code == 0
    assert enabled("petitions") == {"county"}
    assert _run(app, "plugins", "enable", "assistance", "--under", "county").exit_code == 0
    assert enabled("assistance") == {"county", "town"}
    assert _run(app, "plugins", "enable", "reporting", "--locality", "3301").exit_code == 0
    assert enabled("reporting") == {"city", "county", "town"}
    assert _run(app, "plugins", "disable", "reporting", "--locality", "330122").exit_code == 0
    assert enabled("reporting") == {"city"}
    assert _run(app, "plugins", "enable", "nonsense", "--tenant", "city").exit_code != 0
    assert _run(app, "plugins", "enable", "petitions").exit_code != 0  # no target given


def test_tenants_list_shows_the_tree(app, factory):
    factory.tenant("city", name="某市委组织部", locality_code="330100", kind="city_org_dept")
    factory.tenant("county", parent="city", name="某县委组织部")
    output = _run(app, "tenants", "list").output
    assert "county\t330122\tcounty_org_dept\tcity\t某县委组织部" in output
    assert "_platform" not in output


def test_calendar_load_makes_a_year_known(app, tmp_path):
    schedule = tmp_path / "2027.csv"
    schedule.write_text(
        "date,type,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休\n", encoding="utf-8"
    )
    result = _run(app, "calendar", "load", "2027", str(schedule))
    assert result.exit_code == 0, result.output
    with app.app_context():
        calendar.clear_cache()
        assert calendar.year_has_data(2027)
        assert not calendar.is_workday(date(2027, 1, 1))
        assert calendar.is_workday(date(2027, 2, 6))  # a Saturday worked
    bad = tmp_path / "bad.csv"
    bad.write_text("2026-01-01,holiday,wrong year\n", encoding="utf-8")
    assert _run(app, "calendar", "load", "2027", str(bad)).exit_code != 0


def test_users_create_makes_an_operator(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "ops", "--name", "平台运维", "--operator"],
        input="long-password-1\nlong-password-1\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ops"))
        assert user.is_operator and user.check_password("long-password-1")
