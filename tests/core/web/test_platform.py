"""The platform operator's pages: the tenant tree, plugins per tenant/subtree/locality.

The world: two provinces' worth of tenants (a city with two counties and a township under
one of them, and a tenant of another province), people in some of them, and operators
with and without a membership.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
import pytest
from flask import Flask
from sqlalchemy import select, update

from core.audit.models import AuditEntry
from core.auth.models import Membership, Role, User
from core.db import db
from core.tenancy.models import Tenant, TenantPlugin, platform_tenant
from core.tenancy.scope import tenant_scope
from tests.core.plugins import sample_plugin
from tests.factories import PASSWORD, Factory, csrf_token, login

#: Slug → (locality code, parent, kind, plugins).
TENANTS = {
    "city": ("330100", None, "city_org_dept", ["assistance"]),
    "county-a": ("330122", "city", "county_org_dept", ["petitions", "reporting"]),
    "town-a": ("330122", "county-a", "township_committee", []),
    "county-b": ("330127", "city", "county_org_dept", []),
    "other": ("320100", None, "city_org_dept", ["supervision"]),
}


def _build(factory: Factory) -> None:
    for slug, (code, parent, kind, plugins) in TENANTS.items():
        factory.tenant(slug, parent=parent, kind=kind, locality_code=code, plugins=plugins)
    factory.user("county-a", "ann")
    factory.user("county-a", "abe", roles=["staff"])
    factory.user("city", "cat")
    gone = factory.user("county-b", "ben")
    with factory.app.app_context():
        with tenant_scope(factory.tenant_id("county-b")):
            db.session.execute(
                update(Membership).where(Membership.user_id == gone.user_id).values(is_active=False)
            )
        db.session.commit()


def _operator(app: Flask, username: str = "op") -> None:
    with app.app_context():
        user = User(username=username, display_name="平台运维", is_operator=True)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()


def _loose_user(app: Flask, username: str = "nobody") -> None:
    with app.app_context():
        user = User(username=username, display_name="无单位用户")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()


@pytest.fixture
def world(factory: Factory) -> Factory:
    _build(factory)
    _operator(factory.app)
    return factory


@pytest.fixture
def op(app: Flask, world: Factory):
    client = app.test_client()
    assert login(client, "op").status_code == 302
    return client


def _enabled(app: Flask, plugin: str) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(Tenant.slug)
                .join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id)
                .where(TenantPlugin.plugin == plugin, TenantPlugin.enabled)
            )
        )


def _entries(app: Flask, slug: str | None = None) -> list[AuditEntry]:
    """The audit chain of ``slug`` (default: the platform's), oldest first."""
    with app.app_context():
        if slug is None:
            tenant_id = platform_tenant().id
        else:
            tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
        with tenant_scope(tenant_id):
            entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
            for entry in entries:
                db.session.expunge(entry)
        db.session.rollback()
        return entries


def _rows(html: str) -> list[dict]:
    doc = lxml.html.fromstring(html)
    return [
        {
            "slug": tr.get("data-slug"),
            "depth": int(tr.get("data-depth")),
            "members": int(tr.get("data-members")),
            "plugins": [b.get("data-plugin") for b in tr.xpath(".//*[@data-plugin]")],
        }
        for tr in doc.xpath("//table[@id='tenant-tree']/tbody/tr")
    ]


def _post(client, data: dict, path: str = "/platform/plugins"):
    return client.post(path, data={"csrf_token": csrf_token(client, "/platform/plugins"), **data})


# -- the tenant tree ---------------------------------------------------------------------


def test_operator_sees_the_tree_with_plugins_and_active_memberships(op):
    response = op.get("/platform/")
    assert response.status_code == 200
    rows = _rows(response.get_data(as_text=True))
    assert [(r["slug"], r["depth"]) for r in rows] == [
        ("other", 0),
        ("city", 0),
        ("county-a", 1),
        ("town-a", 2),
        ("county-b", 1),
    ]
    by_slug = {r["slug"]: r for r in rows}
    assert by_slug["city"]["plugins"] == ["assistance"]
    assert by_slug["county-a"]["plugins"] == ["petitions", "reporting"]
    assert by_slug["town-a"]["plugins"] == []
    assert by_slug["other"]["plugins"] == ["supervision"]
    # Active memberships only: ben's in county-b was deactivated.
    assert {s: r["members"] for s, r in by_slug.items()} == {
        "other": 0,
        "city": 1,
        "county-a": 2,
        "town-a": 0,
        "county-b": 0,
    }
    html = response.get_data(as_text=True)
    assert "县委组织部" in html and "330122" in html  # kind title and locality code
    assert "_platform" not in html


def test_filter_by_locality_prefix(op):
    rows = _rows(op.get("/platform/?locality=330122").get_data(as_text=True))
    assert [(r["slug"], r["depth"]) for r in rows] == [("county-a", 0), ("town-a", 1)]
    page = op.get("/platform/?locality=330127").get_data(as_text=True)
    assert [r["slug"] for r in _rows(page)] == ["county-b"]
    assert "上级：city单位" in page  # a root only because its parent is filtered out
    assert _rows(op.get("/platform/?locality=44").get_data(as_text=True)) == []
    bad = op.get("/platform/?locality=33a")
    assert bad.status_code == 400
    assert "1 至 6 位数字" in bad.get_data(as_text=True)


def test_each_overview_writes_one_entry_in_the_platform_chain(app, op):
    before = _entries(app)
    tenant_chains = {slug: len(_entries(app, slug)) for slug in TENANTS}
    for _ in range(2):
        assert op.get("/platform/").status_code == 200
    after = _entries(app)
    new = after[len(before) :]
    assert [e.action for e in new] == ["platform.overview", "platform.overview"]
    with app.app_context():
        op_id = db.session.scalar(select(User.id).where(User.username == "op"))
        shown = set(db.session.scalars(select(Tenant.id).where(Tenant.kind != "platform")))
    assert all(e.actor_id == op_id for e in new)
    assert new[0].detail["reason"] == "platform: tenant overview"
    assert set(new[0].detail["tenants"]) == shown
    # Nothing lands in any tenant's own log, and the plugin page reads no tenant data.
    assert {slug: len(_entries(app, slug)) for slug in TENANTS} == tenant_chains
    assert op.get("/platform/plugins").status_code == 200
    assert len(_entries(app)) == len(after)


def test_an_invalid_filter_reads_nothing_across_tenants(app, op):
    before = len(_entries(app))
    assert op.get("/platform/?locality=x").status_code == 400
    assert op.get("/platform/?locality=99").status_code == 200  # matches no tenant
    assert len(_entries(app)) == before


# -- who may enter -----------------------------------------------------------------------


def _platform_requests(app: Flask) -> Iterator[tuple[str, str]]:
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/platform"):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                yield method, rule.rule
    # Unrouted paths and wrong methods must not reveal the area either.
    yield "GET", "/platform"
    yield "GET", "/platform/nothing-here"
    yield "POST", "/platform/"
    yield "DELETE", "/platform/plugins"


@pytest.mark.parametrize("who", ["ann", "nobody"])
def test_everyone_but_an_operator_gets_404(app, world, who):
    if who == "nobody":
        _loose_user(app)
    client = app.test_client()
    assert login(client, who).status_code == 302
    token = csrf_token(client)
    requests = list(_platform_requests(app))
    assert len(requests) >= 6
    for method, path in requests:
        response = client.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 404, (method, path, response.status_code)
    assert _enabled(app, "assistance") == {"city"}
    assert "平台管理" not in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(app, world):
    client = app.test_client()
    for method, path in _platform_requests(app):
        response = client.open(path, method=method)
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/login"), (method, path)


def test_a_deactivated_operator_is_logged_out(app, op):
    with app.app_context():
        db.session.execute(update(User).where(User.username == "op").values(is_active=False))
        db.session.commit()
    response = op.get("/platform/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# -- links -------------------------------------------------------------------------------


def test_operator_without_membership_is_offered_the_platform(op):
    page = op.get("/").get_data(as_text=True)
    assert 'id="platform-home"' in page and 'id="platform-link"' in page
    assert "您尚未加入任何单位" not in page


def test_operator_with_a_membership_sees_the_link_in_the_top_bar(app, world):
    world.user("county-a", "op")  # the operator also serves county-a
    client = app.test_client()
    login(client, "op")
    dashboard = client.get("/t/county-a/").get_data(as_text=True)
    assert 'id="platform-link"' in dashboard
    other = app.test_client()
    login(other, "ann")
    assert 'id="platform-link"' not in other.get("/t/county-a/").get_data(as_text=True)


def test_a_user_without_membership_still_reads_the_old_hint(app, world):
    _loose_user(app)
    client = app.test_client()
    login(client, "nobody")
    page = client.get("/").get_data(as_text=True)
    assert "您尚未加入任何单位" in page and "platform-home" not in page


# -- plugins per tenant, subtree, locality -----------------------------------------------


def test_enable_for_a_locality_prefix_changes_exactly_the_matching_tenants(app, op):
    other_chain = len(_entries(app, "other"))
    response = _post(
        op, {"plugin": "assistance", "action": "enable", "target": "locality", "locality": "3301"}
    )
    assert response.status_code == 200
    assert _enabled(app, "assistance") == {"city", "county-a", "town-a", "county-b"}
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    changes = {
        li.get("data-slug"): li.get("data-changed") for li in doc.xpath("//*[@id='changes']//li")
    }
    assert changes == {"city": "no", "county-a": "yes", "town-a": "yes", "county-b": "yes"}
    # Each tenant that changed logs it in its own chain; the platform logs the action once.
    assert [e.action for e in _entries(app, "county-b")][-1] == "plugin.enabled"
    assert len(_entries(app, "other")) == other_chain
    last = _entries(app)[-1]
    assert last.action == "platform.plugins_changed"
    assert last.detail["plugin"] == "assistance" and last.detail["action"] == "enable"
    assert last.detail["target"] == {"locality": "3301"}
    assert last.detail["targets"] == ["city", "county-a", "town-a", "county-b"]
    assert last.detail["changed"] == ["county-a", "town-a", "county-b"]


def test_enable_under_a_tenant_covers_its_subtree(app, op):
    response = _post(
        op, {"plugin": "supervision", "action": "enable", "target": "under", "tenant": "county-a"}
    )
    assert response.status_code == 200
    assert _enabled(app, "supervision") == {"other", "county-a", "town-a"}
    _post(op, {"plugin": "supervision", "action": "disable", "target": "under", "tenant": "city"})
    assert _enabled(app, "supervision") == {"other"}


def test_one_tenant_alone(app, op):
    response = _post(
        op, {"plugin": "petitions", "action": "disable", "target": "tenant", "tenant": "county-a"}
    )
    assert response.status_code == 200
    assert _enabled(app, "petitions") == set()
    assert _entries(app, "county-a")[-1].action == "plugin.disabled"
    with app.app_context():  # disabling keeps the tenant's row (and its settings)
        county = db.session.scalar(select(Tenant.id).where(Tenant.slug == "county-a"))
        assert db.session.get(TenantPlugin, (county, "petitions")) is not None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"target": "locality"}, "locality", "请填写行政区划代码前缀"),
        ({"target": "locality", "locality": "33x"}, "locality", "1 至 6 位数字"),
        ({"target": "locality", "locality": "44"}, "locality", "没有行政区划代码以此开头的单位"),
        ({"target": "tenant"}, "tenant", "请选择单位"),
        ({"target": "under", "tenant": "nowhere"}, "tenant", "没有标识为“nowhere”的单位"),
        ({"target": "tenant", "tenant": "_platform"}, "tenant", "没有标识为“_platform”的单位"),
        ({"target": "everywhere", "locality": "33"}, "target", "应为以下之一"),
        ({"target": "locality", "locality": "33", "plugin": "nope"}, "plugin", "未知的功能模块"),
        ({"target": "locality", "locality": "33", "action": "toggle"}, "action", "应为以下之一"),
    ],
)
def test_bad_forms_are_refused_in_chinese(app, op, data, field, message):
    before = len(_entries(app))
    response = _post(op, {"plugin": "assistance", "action": "enable", **data})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    doc = lxml.html.fromstring(page)
    assert "is-invalid" in doc.get_element_by_id(
        {"action": "action-enable", "target": "target-tenant"}.get(field, field)
    ).get("class")
    assert _enabled(app, "assistance") == {"city"}
    assert len(_entries(app)) == before


def test_csrf_is_required(app, op):
    data = {"plugin": "assistance", "action": "enable", "target": "locality", "locality": "33"}
    assert op.post("/platform/plugins", data=data).status_code == 400
    assert op.post("/platform/plugins", data={**data, "csrf_token": "forged"}).status_code == 400
    assert _enabled(app, "assistance") == {"city"}


# -- all or nothing, with a plugin that depends on another --------------------------------


@pytest.fixture
def sample_app(sibling_app) -> Flask:
    """The same database as ``app``, with the sample plugin (depends on assistance)."""
    return sibling_app("sample", EXTRA_PLUGINS=[("sample", sample_plugin)])


@pytest.fixture
def sample_op(sample_app: Flask):
    _build(Factory(sample_app))
    _operator(sample_app)
    client = sample_app.test_client()
    login(client, "op")
    return client


def test_a_dependency_error_rolls_back_every_tenant(sample_app, sample_op):
    chains = {slug: len(_entries(sample_app, slug)) for slug in TENANTS}
    platform_before = len(_entries(sample_app))
    # city (assistance enabled) comes first and would succeed; county-a lacks assistance.
    response = _post(
        sample_op, {"plugin": "sample", "action": "enable", "target": "under", "tenant": "city"}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "请先启用：assistance" in page and "所有单位均未作更改" in page
    assert "county-a单位" in page
    assert _enabled(sample_app, "sample") == set()
    assert {slug: len(_entries(sample_app, slug)) for slug in TENANTS} == chains
    assert len(_entries(sample_app)) == platform_before
    with sample_app.app_context():
        city = db.session.scalar(select(Tenant.id).where(Tenant.slug == "city"))
        with tenant_scope(city):  # the roles enable() provisioned are gone too
            assert db.session.scalar(select(Role).where(Role.key == "sample_user")) is None
        db.session.rollback()


def test_disabling_a_dependency_rolls_back_too(sample_app, sample_op):
    assert (
        _post(
            sample_op,
            {"plugin": "sample", "action": "enable", "target": "tenant", "tenant": "city"},
        ).status_code
        == 200
    )
    _post(
        sample_op,
        {"plugin": "assistance", "action": "enable", "target": "locality", "locality": "330122"},
    )
    assert _enabled(sample_app, "assistance") == {"city", "county-a", "town-a"}
    # county-a and town-a could drop assistance, but city's sample still needs it.
    response = _post(
        sample_op,
        {"plugin": "assistance", "action": "disable", "target": "under", "tenant": "city"},
    )
    assert response.status_code == 409
    assert "以下模块依赖它，请先停用：sample" in response.get_data(as_text=True)
    assert _enabled(sample_app, "assistance") == {"city", "county-a", "town-a"}
    assert _enabled(sample_app, "sample") == {"city"}


# -- the command line shares the targeting -------------------------------------------------


def test_cli_enables_by_locality_after_the_refactor(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plugins", "enable", "assistance", "--locality", "3301"])
    assert result.exit_code == 0, result.output
    assert "enabled assistance for county-b" in result.output
    assert _enabled(app, "assistance") == {"city", "county-a", "town-a", "county-b"}
    result = runner.invoke(args=["plugins", "disable", "assistance", "--under", "county-a"])
    assert result.exit_code == 0, result.output
    assert _enabled(app, "assistance") == {"city", "county-b"}
    result = runner.invoke(args=["plugins", "enable", "reporting", "--tenant", "other"])
    assert result.exit_code == 0, result.output
    assert _enabled(app, "reporting") == {"county-a", "other"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "city", "--locality", "33"], "只指定一项"),
        ([], "只指定一项"),
        (["--under", "nowhere"], "没有标识为“nowhere”的单位"),
        (["--locality", "33-01"], "1 至 6 位数字"),
    ],
)
def test_cli_refuses_bad_targets(app, world, args, message):
    result = app.test_cli_runner().invoke(args=["plugins", "enable", "assistance", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert _enabled(app, "assistance") == {"city"}
