"""A list costs the same number of SQL statements whatever its page holds (issue 14).

Each list and page route is asked for one page of a few rows and again for a page of
ten times as many: the statement count must not grow with the rows, and stays under the
route's budget (request fixed cost included: tenant + cache version, the tenant scope,
token + user, membership + permissions). Statements are counted at the driver
(``before_cursor_execute``), so lazy loads and the scope's ``set_config`` all count.
Rows are made through the API, as a client would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask

from core.db import db
from tests.factories import bearer, login
from tests.perf import seeds
from tests.perf.statements import counting

FEW, MANY = 3, 30
#: The request's fixed cost: tenant + cache version, set_config, token + user,
#: membership + permissions.
FIXED = 4


@dataclass(frozen=True)
class Route:
    path: str  # ``{n}`` is the page size
    seed: Callable[..., None]
    budget: int  # statements, fixed cost included
    page: bool = False  # a page (session cookie), not the API (token)


ROUTES = {
    "members api": Route("/api/v1/t/county/orgs/members?limit={n}", seeds.member, FIXED + 6),
    "units api": Route("/api/v1/t/county/orgs/units", seeds.unit, FIXED + 2),
    "supervision items api": Route(
        "/api/v1/t/county/supervision/items?limit={n}", seeds.item, FIXED + 1
    ),
    "supervision board api": Route("/api/v1/t/county/supervision/board", seeds.item, FIXED + 1),
    # Items + their count, then the filters' three choice lists (people, leaders,
    # sections) that main's board page gained: each one statement whatever the rows.
    "supervision board page": Route("/t/county/supervision/", seeds.item, FIXED + 5, page=True),
    "members page": Route("/t/county/orgs/members?limit={n}", seeds.member, FIXED + 4, page=True),
    "petitions api": Route("/api/v1/t/county/petitions?limit={n}", seeds.petition, FIXED + 1),
    # The page, the categories for the filter and for the rows' names (no use counts:
    # they were counted twice for a select), the warning days.
    "petitions page": Route("/t/county/petitions?limit={n}", seeds.petition, FIXED + 3, page=True),
    # Totals of the period and of the year before, six breakdowns, the lower levels.
    "petitions statistics page": Route(
        "/t/county/petitions/statistics", seeds.petition, FIXED + 9, page=True
    ),
    # The rows, their households and objections; members, their branches and the
    # attachments; and the audit entries of the incomes shown (head upsert and lock,
    # the entries in one INSERT, the head moved on).
    "assistance register api": Route(
        "/api/v1/t/county/assistance/records?limit={n}", seeds.hardship_record, FIXED + 10
    ),
    "assistance register page": Route(
        "/t/county/assistance/", seeds.hardship_record, FIXED + 6, page=True
    ),
    # Every enabled plugin's widgets and to-do lists (four plugins here), each one or two
    # statements; the petitions widget computes its totals and months (two statements;
    # it ran the full statistics twice, sixteen), the navigation is built once; core's
    # 统计报表上报 to-do reads the tenant's submissions and its late rounds (two).
    "dashboard": Route("/t/county/", seeds.petition_and_item, FIXED + 29, page=True),
}


@pytest.fixture
def world(pg_app, pg_factory):
    pg_factory.tenant("county", plugins=["supervision", "petitions", "assistance"])
    roles = ["admin", "supervisor", "petition_leader", "assistance_leader"]
    boss = pg_factory.user("county", "boss", roles=roles)
    return pg_app, {"Authorization": bearer(pg_factory.token(boss))["Authorization"]}


def _count(app: Flask, client, route: Route, rows: int, headers) -> list[str]:
    path = route.path.format(n=rows)
    kwargs = {} if route.page else {"headers": headers}
    assert client.get(path, **kwargs).status_code == 200  # warm: caches and templates
    with app.app_context():
        engine = db.engine
    with counting(engine) as seen:
        response = client.get(path, **kwargs)
    assert response.status_code == 200
    return seen


@pytest.mark.parametrize("name", ROUTES)
def test_statements_do_not_grow_with_the_rows(world, name):
    app, headers = world
    route = ROUTES[name]
    client = app.test_client()
    if route.page:
        login(client, "boss")
    for i in range(FEW):
        route.seed(client, headers, i)
    few = _count(app, client, route, FEW, headers)
    for i in range(FEW, MANY):
        route.seed(client, headers, i)
    many = _count(app, client, route, MANY, headers)
    assert len(many) == len(few), (
        f"{len(few)} statements for {FEW} rows:\n{few!r}\n\n{len(many)} for {MANY}:\n{many!r}"
    )
    print(f"{name}: {len(many)} statements (budget {route.budget})")
    assert len(many) <= route.budget, repr(many)
    assert sum("set_config" in s for s in many) == 1  # the tenant scope, sent once
