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
from datetime import timedelta

import pytest
from flask import Flask

from core import clock
from core.db import db
from tests.core.orgs.helpers import ident, member_payload
from tests.factories import bearer, login
from tests.perf.statements import counting

FEW, MANY = 3, 30
#: The request's fixed cost: tenant + cache version, set_config, token + user,
#: membership + permissions.
FIXED = 4


def _member(client, headers, i: int) -> None:
    response = client.post(
        "/api/v1/t/county/orgs/members",
        json=member_payload(name=f"党员{i}", id_number=ident(sequence=11 + 2 * i)),
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()


def _unit(client, headers, i: int) -> None:
    body = {"name": f"第{i}支部", "kind": "branch"}
    response = client.post("/api/v1/t/county/orgs/units", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()


def _item(client, headers, i: int) -> None:
    body = {
        "title": f"督办事项{i}",
        "source": "meeting",
        "deadline": (clock.today() + timedelta(days=30)).isoformat(),
        "assign": False,
    }
    response = client.post("/api/v1/t/county/supervision/items", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()


@dataclass(frozen=True)
class Route:
    path: str  # ``{n}`` is the page size
    seed: Callable[..., None]
    budget: int  # statements, fixed cost included
    page: bool = False  # a page (session cookie), not the API (token)


ROUTES = {
    "members api": Route("/api/v1/t/county/orgs/members?limit={n}", _member, FIXED + 6),
    "units api": Route("/api/v1/t/county/orgs/units", _unit, FIXED + 2),
    "supervision items api": Route(
        "/api/v1/t/county/supervision/items?limit={n}", _item, FIXED + 1
    ),
    "supervision board api": Route("/api/v1/t/county/supervision/board", _item, FIXED + 1),
    # Items + their count, then the filters' three choice lists (people, leaders,
    # sections) that main's board page gained: each one statement whatever the rows.
    "supervision board page": Route("/t/county/supervision/", _item, FIXED + 5, page=True),
    "members page": Route("/t/county/orgs/members?limit={n}", _member, FIXED + 4, page=True),
}


@pytest.fixture
def world(pg_app, pg_factory):
    pg_factory.tenant("county", plugins=["supervision"])
    boss = pg_factory.user("county", "boss", roles=["admin", "supervisor"])
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
