"""The assistance settings (issue 12): loans two years at most, the income line per
person on the local 低保标准, amounts shown and taken in yuan on the settings page; and
the migration that brings stored settings in line."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from alembic import command
from marshmallow import ValidationError

from core.db import db
from core.migrate import alembic_config
from core.plugins.settings import resolved_settings
from core.tenancy.models import Tenant
from plugins.assistance.settings import AssistanceSettings, per_capita_threshold_fen
from tests.conftest import _app
from tests.factories import csrf_token, login


@pytest.mark.parametrize("term", [0, 25, 36, 60])
def test_the_loan_term_may_be_shortened_never_past_two_years(app_context, term):
    with pytest.raises(ValidationError) as caught:
        AssistanceSettings().load({"loan_term_months": term})
    assert "两年还本" in caught.value.messages["loan_term_months"][0]


def test_a_shorter_term_and_the_default_line_are_taken(app_context):
    values = AssistanceSettings().load({"loan_term_months": 12})
    assert values["loan_term_months"] == 12
    # 1,000 元 a person a month × 12 × 150 % = 18,000 元 a person a year.
    assert per_capita_threshold_fen(values) == 1_800_000


@pytest.fixture
def admin(app, factory, client):
    factory.tenant("county", plugins=["assistance"])
    user = factory.user("county", "county_admin")
    login(client, user.username)
    return client


def test_settings_page_shows_and_takes_yuan_and_explains_the_line(app, admin):
    page = admin.get("/t/county/admin/settings").get_data(as_text=True)
    assert "1,000.00 元" in page and "2,000.00 元" in page  # 低保标准, approval limit
    assert "100000" not in page and "200000" not in page  # never 分 on the page
    assert "低保标准 × 12 × 此百分比" in page
    token = csrf_token(admin, "/t/county/admin/settings")
    saved = admin.post(
        "/t/county/admin/settings/assistance",
        data={"csrf_token": token, "dibao_monthly_fen": "1,150.50", "loan_term_months": "18"},
    )
    assert saved.status_code == 302
    with app.app_context():
        tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == "county"))
        values = resolved_settings(tenant, "assistance")
    assert (values["dibao_monthly_fen"], values["loan_term_months"]) == (115_050, 18)


@pytest.mark.parametrize(
    "field, typed, message",
    [("loan_term_months", "36", "两年还本"), ("dibao_monthly_fen", "1000.005", "两位小数")],
)
def test_a_bad_setting_is_refused_beside_its_field_and_nothing_changes(
    app, admin, field, typed, message
):
    token = csrf_token(admin, "/t/county/admin/settings")
    refused = admin.post(
        "/t/county/admin/settings/assistance",
        data={"csrf_token": token, field: typed, "review_months": "6"},
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert message in page and f'value="{typed}"' in page
    with app.app_context():
        tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == "county"))
        assert resolved_settings(tenant, "assistance")["review_months"] == 12


def test_the_migration_drops_the_household_line_and_caps_the_term(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrated = _app(tmp_path, url, url)
    config = alembic_config(migrated)
    command.upgrade(config, "heads")
    command.downgrade(config, "assistance_0002")
    engine = sa.create_engine(url)
    old = {"rural_income_threshold_fen": 70_000, "loan_term_months": 36, "review_months": 6}
    with engine.begin() as conn:  # SQLite leaves the tenant's foreign key unchecked
        conn.execute(
            sa.text(
                "INSERT INTO tenant_plugins VALUES (77, 'assistance', 1, :s, CURRENT_TIMESTAMP)"
            ),
            {"s": json.dumps(old)},
        )
    command.upgrade(config, "heads")
    with engine.connect() as conn:
        stored = conn.scalar(sa.text("SELECT settings FROM tenant_plugins WHERE tenant_id = 77"))
    assert json.loads(stored) == {"loan_term_months": 24, "review_months": 6}
