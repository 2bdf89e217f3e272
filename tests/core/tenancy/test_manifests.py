"""Tenant manifests: applied idempotently; a bad one is rejected with file, field and
reason, and changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db import db
from core.tenancy.models import Tenant, TenantPlugin

REPO_TENANTS = Path(__file__).resolve().parents[3] / "tenants"

CITY = """
slug = "city"
name = "某市委组织部"
kind = "city_org_dept"
locality_code = "330100"

[plugins.reporting]
enabled = true
"""

COUNTY = """
slug = "county"
name = "某县委组织部"
kind = "county_org_dept"
locality_code = "330122"
parent = "city"

[plugins.petitions]
enabled = true
settings = { accept_days = 10 }

[[users]]
username = "county_admin"
display_name = "县管理员"
password = "long-enough-password"
roles = ["admin", "petition_clerk"]
"""


def _write(directory: Path, **files: str) -> Path:
    directory.mkdir(exist_ok=True)
    for name, content in files.items():
        (directory / f"{name}.toml").write_text(content, encoding="utf-8")
    return directory


def _sync(app, directory: Path):
    return app.test_cli_runner().invoke(args=["tenants", "sync", str(directory)])


def _counts():
    return (
        db.session.scalar(
            select(func.count()).select_from(Tenant).where(Tenant.kind != "platform")
        ),
        db.session.scalar(select(func.count()).select_from(TenantPlugin)),
    )


def test_the_demo_manifests_apply(app):
    result = _sync(app, REPO_TENANTS)
    assert result.exit_code == 0, result.output
    with app.app_context():
        county = db.session.scalar(select(Tenant).where(Tenant.slug == "demo-county-a"))
        assert county.parent.slug == "demo-city"
        assert [t.slug for t in county.descendants()] == ["demo-township"]
        assert [
            t.slug
            for t in db.session.scalar(
                select(Tenant).where(Tenant.slug == "demo-township")
            ).ancestors()
        ] == [
            "demo-county-a",
            "demo-city",
            "demo-province",
        ]


def test_sync_is_idempotent(app, tmp_path):
    directory = _write(tmp_path / "t", a_city=CITY, b_county=COUNTY)
    assert _sync(app, directory).exit_code == 0
    with app.app_context():
        first = _counts()
    result = _sync(app, directory)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _counts() == first
        from core.cli import main  # noqa: F401 - the console script imports cleanly

        petitions = db.session.get(
            TenantPlugin,
            (db.session.scalar(select(Tenant.id).where(Tenant.slug == "county")), "petitions"),
        )
        assert petitions.enabled and petitions.settings == {"accept_days": 10}


def test_a_bad_manifest_names_file_field_and_reason_and_changes_nothing(app, tmp_path):
    bad = COUNTY.replace('locality_code = "330122"', 'locality_code = "33012"').replace(
        "accept_days = 10", "accept_days = 99"
    )
    directory = _write(tmp_path / "t", a_city=CITY, b_county=bad)
    result = _sync(app, directory)
    assert result.exit_code == 1
    assert "b_county.toml: locality_code: 应为 6 位行政区划代码" in result.output
    assert (
        "b_county.toml: plugins.petitions.settings.accept_days: 应在 1 到 15 之间" in result.output
    )
    with app.app_context():
        assert _counts() == (0, 0)
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEntry).execution_options(tenant_checked=True)
            )
            == 0
        )


def test_unknown_parent_plugin_and_role_are_reported(app, tmp_path):
    bad = (
        COUNTY.replace('parent = "city"', 'parent = "nowhere"')
        .replace('"petition_clerk"', '"pope"')
        .replace("[plugins.petitions]", "[plugins.astrology]")
    )
    result = _sync(app, _write(tmp_path / "t", b_county=bad))
    assert result.exit_code == 1
    assert "plugins:" in result.output and "astrology" in result.output


def test_broken_toml_is_reported_with_the_file(app, tmp_path):
    result = _sync(app, _write(tmp_path / "t", broken="slug = [unterminated"))
    assert result.exit_code == 1
    assert "broken.toml: TOML syntax" in result.output


def test_production_refuses_the_published_demo_passwords_and_changes_nothing(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = _sync(app, REPO_TENANTS)
    assert result.exit_code == 1
    assert "demo-city.toml: users.city_admin.password: 生产环境" in result.output
    assert "演示密码" in result.output
    with app.app_context():
        assert _counts() == (0, 0)


def test_production_accepts_manifests_with_their_own_passwords(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = _sync(app, _write(tmp_path / "t", a_city=CITY, b_county=COUNTY))
    assert result.exit_code == 0, result.output
