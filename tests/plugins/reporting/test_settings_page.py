"""The scoring table on the settings page reads in words and takes one number per cell
(the crawler found ``request_missed`` and a Python dict shown to administrators; the
table could not be changed from the page at all)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.db import db
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from tests.factories import csrf_token, login

PAGE = "/t/county/admin/settings"


@pytest.fixture
def admin(factory, client):
    factory.tenant("county", plugins=["reporting"])
    login(client, factory.user("county", "county_admin").username)
    return client


def _settings(app) -> dict:
    with app.app_context():
        tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == "county"))
        return resolved_settings(tenant, "reporting")


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_scoring_table_shows_titles_never_keys(admin):
    page = _visible(admin.get(PAGE).get_data(as_text=True))
    assert "约稿未报 2" in page and "省级 · 专报 10" in page and "取最高一级" in page
    for key in ("request_missed", "brief", "special", "highest"):
        assert key not in page


def test_one_cell_changed_keeps_the_others_and_blank_inherits_again(app, admin):
    token = csrf_token(admin, PAGE)
    saved = admin.post(
        "/t/county/admin/settings/reporting",
        data={"csrf_token": token, "scoring_penalties.missed": "5"},
    )
    assert saved.status_code == 302
    assert _settings(app)["scoring_penalties"] == {"late": 1, "missed": 5, "request_missed": 2}
    cleared = admin.post(
        "/t/county/admin/settings/reporting",
        data={"csrf_token": token, "scoring_penalties.missed": ""},
    )
    assert cleared.status_code == 302
    assert _settings(app)["scoring_penalties"]["missed"] == 3


@pytest.mark.parametrize("bad", ["五", "1.5", "2000"])
def test_a_bad_cell_is_a_clear_error_and_changes_nothing(app, admin, bad):
    token = csrf_token(admin, PAGE)
    answer = admin.post(
        "/t/county/admin/settings/reporting",
        data={"csrf_token": token, "scoring_adoption_points.city.urgent": bad},
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "整数" in page or "0 到 1000" in page
    assert f'value="{bad}"' in page  # what was typed stays in the input
    assert _settings(app)["scoring_adoption_points"]["city"]["urgent"] == 6
