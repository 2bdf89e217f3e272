"""The reporting lists and pages cost the same number of SQL statements whatever their
page holds (issue 14), in the pattern of :mod:`tests.perf.test_statement_budgets`.

A city with reporting, and counties under it: 我的报送 (the county's items), the city's
收件箱 (page and API), its bulletin issues, its 约稿, the quotas and the live ranking. Each
is asked for a page of a few rows and again for ten times as many: the count must not
grow, and stays under the route's budget. Rows are made with the plugin's services: an
item's way up takes moves in two tenants (the county's leader approves, the city adopts),
as the reporting tests make them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core import clock
from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import granted_scope, tenant_scope
from plugins.reporting import services
from plugins.reporting.bulletins import services as bulletins
from plugins.reporting.commissions import services as commissions
from plugins.reporting.models import Bulletin, Submission
from plugins.reporting.permissions import PERMISSIONS
from plugins.reporting.quotas import services as quotas
from tests.factories import bearer, login
from tests.perf.statements import counting
from tests.perf.test_statement_budgets import FEW, FIXED, MANY

PLUGINS = ["reporting"]
ALL = frozenset(p.key for p in PERMISSIONS)
ITEM = {
    "title": "推行党员积分制管理",
    "body": "今年以来，全县推行党员积分制管理。\n\n积分结果与评先评优挂钩。",
    "category": "practice",
    "doc_type": "brief",
    "pen_name": "张三",
    "pen_phone": "13800000000",
}


@dataclass
class World:
    app: Any
    factory: Any
    headers: dict[str, dict[str, str]]  # tenant slug → its editor's bearer header

    def actor(self, username: str) -> Actor:
        user = db.session.scalar(select(User).where(User.username == username))
        return Actor(user=user, permissions=ALL)

    def tenant_id(self, slug: str) -> int:
        return db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))


def _submit(world: World, slug: str, i: int, *, adopt: bool = False) -> None:
    """An item of ``slug`` written, approved and submitted to the city (and adopted)."""
    with tenant_scope(world.tenant_id(slug)):
        item = services.create_item({**ITEM, "title": f"{ITEM['title']}{i}"}, world.actor(slug))
        services.move_item(item, "send_for_approval", world.actor(slug))
        services.move_item(item, "approve", world.actor(slug))
        db.session.flush()
        item_id = item.id
    if adopt:
        with tenant_scope(world.tenant_id("city")), granted_scope("test: the city adopts"):
            first = db.session.scalar(select(Submission).where(Submission.item_id == item_id))
            services.decide(first, "adopt", world.actor("city"))
    db.session.commit()


def _new_county(world: World, i: int) -> str:
    """One more county under the city, with its editor (quotas and ranking rows are
    per child)."""
    slug = f"county{i}"
    world.factory.tenant(slug, parent="city", plugins=PLUGINS)
    world.factory.user(slug, slug, roles=["info_leader"])
    return slug


def _item(world: World, i: int) -> None:
    _submit(world, "county", i)


def _ranked(world: World, i: int) -> None:
    _submit(world, _new_county(world, i), i, adopt=True)


def _quota(world: World, i: int) -> None:
    slug = _new_county(world, i)
    with tenant_scope(world.tenant_id("city")):
        today = clock.today()
        quotas.set_quota(
            {
                "child_tenant_id": world.tenant_id(slug),
                "year": today.year,
                "period": "quarter",
                "period_number": (today.month - 1) // 3 + 1,
                "total": 5,
                "parts": [{"category": "practice", "minimum": 1}],
            }
        )
        db.session.commit()


def _issue(world: World, i: int) -> None:
    with tenant_scope(world.tenant_id("city")):
        bulletin = db.session.scalar(select(Bulletin)) or bulletins.create_bulletin("示范组工信息")
        bulletins.create_issue(bulletin, world.actor("city"))
        db.session.commit()


def _request(world: World, i: int) -> None:
    with tenant_scope(world.tenant_id("city")):
        deadline = clock.now() + timedelta(days=7)
        body = {"topic": f"约稿{i}", "deadline": deadline, "all_children": True}
        commissions.create_request(body, world.actor("city"))
        db.session.commit()


@dataclass(frozen=True)
class Route:
    path: str  # ``{n}`` is the page size, ``{year}`` and ``{quarter}`` today's
    seed: Callable[[World, int], None]
    budget: int  # statements, fixed cost included
    viewer: str = "city"  # whose page or token
    page: bool = False  # a page (session cookie), not the API (token)
    scopes: int = 1  # ``set_config`` statements: the request's, and one per opening


API = "/api/v1/t/{viewer}/reporting"
PAGE = "/t/{viewer}/reporting"
PERIOD = "year={year}&period=quarter&number={quarter}"

#: One audited cross-tenant opening (a granted read of what the children sent): the
#: audit entry's four statements and the scope's ``set_config``.
OPENING = 5

ROUTES = {
    # The items, and their tags in one statement.
    "my items api": Route(API + "/items?limit={n}", _item, FIXED + 2, viewer="county"),
    "my items page": Route(PAGE + "/", _item, FIXED + 1, viewer="county", page=True),
    # Submissions, their items, the tenants' names, the tags.
    "inbox api": Route(API + "/inbox?limit={n}", _item, FIXED + OPENING + 4, scopes=2),
    # Submissions, items, tags; the filters: own priorities, the ancestors, theirs, the
    # children.
    "inbox page": Route(PAGE + "/inbox", _item, FIXED + OPENING + 7, page=True, scopes=2),
    "issues api": Route(API + "/issues?limit={n}", _issue, FIXED + OPENING + 1, scopes=2),
    # The issues, their publishers' names, the bulletins to compose in.
    "issues page": Route(PAGE + "/issues", _issue, FIXED + OPENING + 3, page=True, scopes=2),
    "requests api": Route(API + "/requests/sent?limit={n}", _request, FIXED + 1),
    "requests page": Route(PAGE + "/requests", _request, FIXED + OPENING + 4, page=True, scopes=2),
    # The quotas with what was sent, and their parts (one statement each).
    "quotas api": Route(API + "/quotas?" + PERIOD, _quota, FIXED + OPENING + 2, scopes=2),
    # ... and the children and their names for the form.
    "quotas page": Route(
        PAGE + "/quotas?" + PERIOD, _quota, FIXED + OPENING + 4, page=True, scopes=2
    ),
    "ranking api": Route(API + "/ranking?" + PERIOD, _ranked, FIXED + OPENING + 1, scopes=2),
    # One opening for the children's ranking, the authors' and the monthly chart.
    "ranking page": Route(
        PAGE + "/ranking?" + PERIOD, _ranked, FIXED + OPENING + 4, page=True, scopes=2
    ),
}


@pytest.fixture
def world(pg_app, pg_factory) -> World:
    pg_factory.tenant("city", kind="city_org_dept", plugins=PLUGINS)
    pg_factory.tenant("county", parent="city", plugins=PLUGINS)
    headers = {}
    for slug in ("city", "county"):
        person = pg_factory.user(slug, slug, roles=["info_leader"])
        headers[slug] = {"Authorization": bearer(pg_factory.token(person))["Authorization"]}
    return World(pg_app, pg_factory, headers)


def _count(world: World, client, route: Route, rows: int) -> list[str]:
    today = clock.today()
    path = route.path.format(
        viewer=route.viewer, n=rows, year=today.year, quarter=(today.month - 1) // 3 + 1
    )
    kwargs = {} if route.page else {"headers": world.headers[route.viewer]}
    warm = client.get(path, **kwargs)  # caches and templates
    assert warm.status_code == 200, warm.get_data(as_text=True)[:2000]
    with world.app.app_context():
        engine = db.engine
    with counting(engine) as seen:
        response = client.get(path, **kwargs)
    assert response.status_code == 200
    return seen


def _seed(world: World, route: Route, numbers: range) -> None:
    for i in numbers:
        with world.app.app_context():
            route.seed(world, i)


@pytest.mark.parametrize("name", ROUTES)
def test_reporting_statements_do_not_grow_with_the_rows(world, name):
    route = ROUTES[name]
    client = world.app.test_client()
    if route.page:
        login(client, route.viewer)
    _seed(world, route, range(FEW))
    few = _count(world, client, route, FEW)
    _seed(world, route, range(FEW, MANY))
    many = _count(world, client, route, MANY)
    assert len(many) == len(few), (
        f"{len(few)} statements for {FEW} rows:\n{few!r}\n\n{len(many)} for {MANY}:\n{many!r}"
    )
    scopes = sum("set_config" in s for s in many)
    print(f"{name}: {len(many)} statements (budget {route.budget}), {scopes} set_config")
    assert len(many) <= route.budget, repr(many)
    # The tenant scope is sent once, and once more for each audited opening.
    assert scopes == route.scopes, repr(many)
