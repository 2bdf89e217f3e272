"""Listing members: keyset pages without gaps or repeats, filters, cursors that lie."""

from __future__ import annotations

import base64
import json
from datetime import date
from functools import partial

import pytest

from tests.core.orgs.helpers import World, ident
from tests.statements import assert_page_cost_is_constant

NAMES = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八", "冯九", "陈十", "褚十一"]


@pytest.fixture
def eleven(world: World) -> World:
    for n, name in enumerate(NAMES):
        world.member(name=name, id_number=ident(date(1970 + n, 1, 1), 11))
    return world


def walk(world: World, query: str) -> list[dict]:
    items, cursor, pages = [], None, 0
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        response = world.call("staff", "GET", f"/members?{query}{suffix}")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        items.extend(body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items
        assert pages < 20


@pytest.mark.parametrize(
    "query",
    [
        "limit=3",
        "limit=3&order=asc",
        "sort=name&limit=4",
        "sort=name&order=desc&limit=2",
        "limit=11",
    ],
)
def test_pages_cover_everything_once(eleven: World, query: str):
    items = walk(eleven, query)
    ids = [m["id"] for m in items]
    assert len(ids) == len(set(ids)) == len(NAMES)
    assert {m["name"] for m in items} == set(NAMES)
    if "sort=name" not in query:
        assert ids == sorted(ids, reverse="order=asc" not in query)


def test_a_page_is_exactly_limit_long_and_the_last_has_no_cursor(eleven: World):
    first = eleven.call("staff", "GET", "/members?limit=5").get_json()
    assert len(first["items"]) == 5 and first["next_cursor"]
    last = eleven.call("staff", "GET", "/members?limit=11").get_json()
    assert len(last["items"]) == 11 and last["next_cursor"] is None


def test_equal_names_do_not_lose_rows_at_page_boundaries(world: World):
    for n in range(5):
        world.member(name="张伟", id_number=ident(date(1980, 1, 1 + n), 11))
    items = walk(world, "sort=name&limit=2")
    assert len({m["id"] for m in items}) == 5


def _cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor!!",
        _cursor([1, 2]),  # wrong arity for sort=id
        _cursor(["abc"]),
        _cursor([2**70]),  # would overflow BIGINT
        _cursor([None]),
        base64.urlsafe_b64encode(b"{}").decode(),
    ],
)
def test_bad_cursor_is_a_422_problem(eleven: World, cursor: str):
    response = eleven.call("staff", "GET", f"/members?cursor={cursor}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "cursor" in response.get_json()["errors"]


def test_bad_query_parameters(world: World):
    response = world.call("staff", "GET", "/members?limit=0&sort=age&status=member&colour=red")
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"limit", "sort", "status", "colour"}


def test_filters(world: World):
    committee = world.unit(name="机关党委", kind="committee")
    one = world.unit(name="第一党支部", parent_id=committee["id"])
    two = world.unit(name="第二党支部", parent_id=committee["id"])
    veteran = world.member(
        name="王建国",
        id_number=ident(date(1929, 3, 12), 11),
        joined_on="1948-06-20",
        is_retired=True,
        branch_id=one["id"],
    )
    floating = world.member(
        name="赵磊",
        id_number=ident(date(1990, 4, 27), 13),
        joined_on="2013-07-01",
        is_floating=True,
        branch_id=one["id"],
    )
    probationary = world.member(
        name="何文斌",
        id_number=ident(date(2000, 3, 3), 15),
        joined_on="2026-01-20",
        status="probationary",
        branch_id=two["id"],
    )
    jobless = world.member(
        name="周海涛",
        id_number=ident(date(1968, 7, 16), 17),
        joined_on="1991-03-08",
        is_unemployed=True,
        branch_id=two["id"],
    )
    loose = world.member(name="王小二", id_number=ident(date(1985, 1, 1), 19), joined_on=None)
    gone = world.member(name="王离开", id_number=ident(date(1985, 1, 2), 21))
    world.call("admin", "DELETE", f"/members/{gone['id']}")

    def ids(query: str) -> set[int]:
        response = world.call("staff", "GET", f"/members?{query}")
        assert response.status_code == 200, response.get_json()
        return {m["id"] for m in response.get_json()["items"]}

    assert ids(f"branch_id={one['id']}") == {veteran["id"], floating["id"]}
    assert ids(f"branch_id={committee['id']}") == set()
    assert ids(f"branch_id={committee['id']}&subtree=true") == {
        veteran["id"],
        floating["id"],
        probationary["id"],
        jobless["id"],
    }
    assert ids("status=probationary") == {probationary["id"]}
    assert ids("name=王") == {veteran["id"], loose["id"]}
    assert ids("name=王&include_inactive=true") == {veteran["id"], loose["id"], gone["id"]}
    assert ids("name=%25") == set()  # a LIKE wildcard is only a character
    assert ids("is_veteran=true") == {veteran["id"]}
    assert veteran["id"] not in ids("is_veteran=false") and loose["id"] in ids("is_veteran=false")
    assert ids("is_retired=true") == {veteran["id"]}
    assert ids("is_floating=true") == {floating["id"]}
    assert ids("is_unemployed=true") == {jobless["id"]}
    assert ids("is_floating=false&is_unemployed=false&is_retired=false") == {
        probationary["id"],
        loose["id"],
    }
    assert ids(f"branch_id={two['id']}&is_unemployed=true") == {jobless["id"]}


def _members(world: World, count: int) -> None:
    branch = world.unit(name="第二党支部")
    for n in range(count):
        world.member(
            name=f"党员{n}", id_number=ident(date(1970 + n, 1, 1), 11), branch_id=branch["id"]
        )


def test_a_page_costs_the_same_statements_however_long(world: World):
    _members(world, 12)

    get = partial(world.call, "staff", "GET")
    assert_page_cost_is_constant(world.app, get, "/members", 2, 12)
