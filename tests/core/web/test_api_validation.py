"""Bad input to every writing endpoint: a 4xx problem+json naming each bad field, in the
caller's language, and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.api.problem import PROBLEM_MIMETYPE
from core.audit.models import AuditEntry
from core.auth.models import Membership, Role
from core.db import db
from tests.core.web.conftest import in_tenant

LONG = "长" * 300

# (method, path, body, the fields the problem must name)
CASES = [
    ("post", "/tokens", {}, {"name"}),
    ("post", "/tokens", {"name": LONG[:61], "lifetime_days": 366}, {"name", "lifetime_days"}),
    ("post", "/tokens", {"name": 5, "lifetime_days": "30", "x": 1}, {"name", "lifetime_days", "x"}),
    ("post", "/tokens", {"name": "a", "lifetime_days": 1.5}, {"lifetime_days"}),
    ("post", "/tokens", {"name": "a", "lifetime_days": 0}, {"lifetime_days"}),
    (
        "patch",
        "/settings/core",
        {"warning_days": "abc", "unit_full_name": LONG},
        {"warning_days", "unit_full_name"},
    ),
    ("patch", "/settings/core", {"warning_days": None, "colour": None}, {"colour"}),
    ("post", "/users", {}, {"username", "roles"}),
    (
        "post",
        "/users",
        {
            "username": "a b",
            "display_name": LONG,
            "password": "short",
            "roles": "staff",
            "title": 5,
        },
        {"username", "display_name", "password", "roles", "title"},
    ),
    (
        "post",
        "/users",
        {
            "username": "zed",
            "display_name": "Z",
            "password": "a-valid-password-9",
            "roles": [1],
            "admin": True,
        },
        {"roles", "admin"},
    ),
    (
        "patch",
        "/users/{sam}",
        {"roles": "admin", "active": "perhaps", "title": LONG, "x": 1},
        {"roles", "active", "title", "x"},
    ),
    ("post", "/users/{sam}/password", {}, {"password"}),
    ("post", "/users/{sam}/password", {"password": "x" * 201}, {"password"}),
    (
        "patch",
        "/roles/{staff}",
        {"permissions": "core.view_members", "title": ""},
        {"permissions", "title"},
    ),
    ("patch", "/roles/{staff}", {"permissions": [None], "id": 9}, {"permissions", "id"}),
]
WRITERS = sorted({(method, path) for method, path, _body, _fields in CASES})


@pytest.fixture
def ids(app, world) -> dict[str, int]:
    with in_tenant(app, "a"):
        return {
            "sam": db.session.scalar(
                select(Membership.id).where(Membership.user_id == world.sam.user_id)
            ),
            "staff": db.session.scalar(select(Role.id).where(Role.key == "staff")),
        }


def _entries(app) -> int:
    with in_tenant(app, "a"):
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize(("method", "path", "body", "bad"), CASES)
def test_bad_fields_are_named_and_nothing_is_written(
    app, client, world, ids, method, path, body, bad
):
    before = _entries(app)
    call = getattr(client, method)
    response = call("/api/v1/t/a" + path.format(**ids), json=body, headers=world.h("alice"))
    assert response.status_code == 422
    assert response.mimetype == PROBLEM_MIMETYPE
    problem = response.get_json()
    assert problem["status"] == 422 and problem["title"] == "提交的数据有误"
    assert set(problem["errors"]) == bad
    assert _entries(app) == before


@pytest.mark.parametrize(("method", "path"), WRITERS)
def test_a_body_that_is_not_a_json_object_is_400(app, client, world, ids, method, path):
    call = getattr(client, method)
    url = "/api/v1/t/a" + path.format(**ids)
    for kwargs in (
        {"data": "name=x", "content_type": "text/plain"},
        {"json": ["name"]},
        {"data": "{", "content_type": "application/json"},
    ):
        response = call(url, headers=world.h("alice"), **kwargs)
        assert response.status_code == 400
        assert response.mimetype == PROBLEM_MIMETYPE
        assert "JSON" in response.get_json()["detail"]


def test_messages_are_chinese_by_default_and_english_on_request(client, world):
    body = {"name": "", "lifetime_days": 400, "extra": 1}
    zh = client.post("/api/v1/t/a/tokens", json=body, headers=world.h("alice")).get_json()
    assert zh["errors"] == {
        "name": ["长度应在 1 到 60 之间。"],
        "lifetime_days": ["应在 1 到 365 之间。"],
        "extra": ["未知字段。"],
    }
    en = client.post(
        "/api/v1/t/a/tokens", json=body, headers=world.h("alice", **{"Accept-Language": "en"})
    ).get_json()
    assert en["errors"] == {
        "name": ["Length must be between 1 and 60."],
        "lifetime_days": ["Must be greater than or equal to 1 and less than or equal to 365."],
        "extra": ["Unknown field."],
    }
    missing = client.post(
        "/api/v1/t/a/users",
        json={},
        headers=world.h("alice", **{"Accept-Language": "en-US,en;q=0.9"}),
    ).get_json()
    assert missing["errors"]["username"] == ["Missing data for required field."]


def test_bad_query_strings_are_named(client, world):
    response = client.get(
        "/api/v1/t/a/users?limit=abc&active=perhaps&q=" + "x" * 41, headers=world.h("alice")
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"limit", "active", "q"}
    response = client.get("/api/v1/t/a/tokens?limit=201", headers=world.h("alice"))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"limit"}


@pytest.mark.parametrize(
    ("method", "path", "body", "bad"),
    [
        ("post", "/users", {"username": "zed", "roles": ["staff\x00"]}, {"roles"}),
        ("post", "/tokens", {"name": "a\x00b"}, {"name"}),
        ("patch", "/users/{sam}", {"title": "科长\x00"}, {"title"}),
        ("get", "/users?q=%00", None, {"q"}),
    ],
)
def test_text_holding_a_nul_character_is_refused_naming_the_field(
    app, client, world, ids, method, path, body, bad
):
    before = _entries(app)
    call = getattr(client, method)
    kwargs = {"json": body} if body is not None else {}
    response = call("/api/v1/t/a" + path.format(**ids), headers=world.h("alice"), **kwargs)
    assert response.status_code == 422, response.get_data(as_text=True)
    problem = response.get_json()
    assert set(problem["errors"]) == bad
    assert "空字符" in next(iter(problem["errors"].values()))[0]
    assert _entries(app) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/users/{id}/password"), ("patch", "/users/{id}"), ("patch", "/roles/{id}")],
)
def test_an_id_past_bigint_is_not_found(client, world, method, path):
    url = "/api/v1/t/a" + path.format(id=2**64)
    response = getattr(client, method)(url, json={"password": "x"}, headers=world.h("alice"))
    assert response.status_code == 404
    assert response.mimetype == PROBLEM_MIMETYPE
