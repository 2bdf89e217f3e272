"""The petitions API: registering, finding, reading, moving petitions through the
workflow, conflicts — with permissions, bad input, and nothing changed by a refusal."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest

from core.workflow import StateChange
from plugins.petitions.models import Petition, PetitionConflict, Petitioner, ReportedPerson
from tests.factories import Factory
from tests.plugins.petitions.web import World, ident, petition_payload, report_payload
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture
from tests.statements import assert_page_cost_is_constant


def test_register_a_named_petition(world: World):
    category = world.category("人才政策落实")
    body = world.register(category_id=category, urgency="urgent", is_bypassed_level=True)
    assert body["serial"].startswith(f"XF-{date.today().year}-")
    assert body["state"] == "registered" and body["state_title"] == "已登记"
    assert body["category_id"] == category and body["category_name"] == "人才工作 / 人才政策落实"
    assert body["urgency"] == "urgent" and body["is_bypassed_level"] is True
    assert body["people_count"] == 1 and body["is_collective"] is False
    [person] = body["petitioners"]
    assert person["name"] == "王某" and person["phone"] == "13800000000"
    assert person["id_number"] != ident() and person["id_number"].startswith("330")
    assert "*" in person["id_number"]
    assert body["accept_due"] >= (date.today() + timedelta(days=15)).isoformat()
    # Offered: moves this clerk may make now; send_back needs a petition from elsewhere,
    # assign needs the approval permission.
    offered = set(body["available_transitions"])
    assert {"screen", "accept", "not_accept", "forward", "file"} <= offered
    assert not offered & {"send_back", "assign", "approve"}
    history = world.call("clerk", "GET", f"/{body['id']}/history").get_json()
    assert [h["transition"] for h in history] == ["create"]


def test_register_a_collective_visit_with_representatives(world: World):
    people = [{"name": f"村民{i}", "is_representative": i < 5} for i in range(7)]
    body = world.register(channel="visit", petitioners=people, people_count=30)
    assert body["is_collective"] is True and body["people_count"] == 30
    assert sum(p["is_representative"] for p in body["petitioners"]) == 5
    assert len(body["petitioners"]) == 7


def test_register_anonymous_and_a_report_with_reported_persons(world: World):
    anonymous = world.register(is_anonymous=True, petitioners=[], kind="suggestion")
    assert anonymous["is_anonymous"] is True and anonymous["petitioners"] == []
    report = world.call("clerk", "POST", json=report_payload(is_12380=True, channel="online"))
    assert report.status_code == 201
    body = report.get_json()
    assert body["is_12380"] is True
    assert [r["name"] for r in body["reported_persons"]] == ["赵某"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"summary": ...}, "summary"),
        ({"summary": "党" * 1001}, "summary"),
        ({"summary": 12}, "summary"),
        ({"channel": "pigeon"}, "channel"),
        ({"kind": None}, "kind"),
        ({"received_on": "2026-02-30"}, "received_on"),
        ({"received_on": (date.today() + timedelta(days=3)).isoformat()}, "received_on"),
        ({"category_id": 987654321}, "category_id"),
        ({"category_id": "abc"}, "category_id"),
        ({"people_count": 0}, "people_count"),
        ({"people_count": 2.5}, "people_count"),
        ({"petitioners": []}, "petitioners"),
        ({"petitioners": "王某"}, "petitioners"),
        ({"is_anonymous": True}, "petitioners"),  # anonymous, yet a petitioner given
        ({"petitioners": [{"name": "甲", "id_number": "330122197003081234"}]}, "petitioners"),
        ({"petitioners": [{"name": "甲", "phone": "call me"}]}, "petitioners"),
        (
            {"petitioners": [{"name": f"代表{i}", "is_representative": True} for i in range(6)]},
            "petitioners",
        ),
        ({"is_12380": True}, "is_12380"),  # a letter is not the 12380 line
        ({"kind": "report", "reported_persons": []}, "reported_persons"),
        ({"reported_persons": [{"name": "赵", "user_id": 987654321}]}, "reported_persons"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_registrations_are_422_and_write_nothing(world: World, overrides, field):
    response = world.call("clerk", "POST", json=petition_payload(**overrides))
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert world.count(Petition) == 0 and world.count(Petitioner) == 0


def test_another_tenants_category_is_unknown_and_an_inactive_one_refused(world: World):
    theirs = world.category("选人用人", slug="other")
    response = world.call("clerk", "POST", json=petition_payload(category_id=theirs))
    assert response.status_code == 422
    assert response.get_json()["errors"]["category_id"] == ["问题类别不存在。"]
    ours = world.category("其他")
    assert (
        world.call("leader", "PATCH", f"/categories/{ours}", json={"is_active": False}).status_code
        == 200
    )
    response = world.call("clerk", "POST", json=petition_payload(category_id=ours))
    assert response.get_json()["errors"]["category_id"] == ["该问题类别已停用。"]


def test_not_json_and_no_permission(world: World):
    assert world.call("clerk", "POST", data="x", content_type="text/plain").status_code == 400
    assert world.call("staff", "POST", json=petition_payload()).status_code == 403
    assert world.call("staff", "GET").status_code == 403
    assert world.count(Petition) == 0


def test_script_in_text_is_stored_as_text(world: World):
    body = world.register(summary="<script>alert(1)</script>")
    detail = world.call("clerk", "GET", f"/{body['id']}")
    assert detail.get_json()["summary"] == "<script>alert(1)</script>"
    assert detail.mimetype == "application/json"


def test_list_filters_and_keyset_pages(world: World):
    today = date.today()
    ids = [
        world.register(received_on=(today - timedelta(days=d)).isoformat(), summary=f"事项{d}")[
            "id"
        ]
        for d in range(5)
    ]
    report = world.call("clerk", "POST", json=report_payload(summary="举报某某")).get_json()
    world.fire("clerk", ids[0], "accept")

    def listed(**query):
        response = world.call("clerk", "GET", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [p["id"] for p in response.get_json()["items"]]

    assert listed(state="accepted") == [ids[0]]
    assert listed(kind="report") == [report["id"]]
    assert listed(q="事项3") == [ids[3]]
    assert listed(q=report["serial"]) == [report["id"]]
    assert listed(q="%") == []  # LIKE wildcards are plain text
    start, end = (today - timedelta(days=3)).isoformat(), (today - timedelta(days=1)).isoformat()
    assert listed(received_from=start, received_to=end) == [ids[1], ids[2], ids[3]]
    assert listed(overdue="true") == []
    # Newest first, two at a time, never repeating.
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = world.call("clerk", "GET", query_string=query).get_json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted([*ids, report["id"]]) and len(seen) == 6
    assert seen[-1] == ids[4]  # the oldest comes last
    assert world.call("clerk", "GET", query_string={"cursor": "garbage"}).status_code == 422
    bad = world.call(
        "clerk", "GET", query_string={"received_from": "2026-05-02", "received_to": "2026-05-01"}
    )
    assert bad.status_code == 422


def test_list_by_category_includes_subcategories(world: World):
    parent, child = world.category("选人用人"), world.category("拉票贿选")
    inside = world.register(category_id=child)["id"]
    world.register(category_id=world.category("人才政策落实"))
    response = world.call("clerk", "GET", query_string={"category_id": parent})
    assert [p["id"] for p in response.get_json()["items"]] == [inside]


def test_other_tenants_petition_is_404_everywhere(world: World):
    theirs = world.register("outsider")["id"]
    for method, path in [
        ("GET", f"/{theirs}"),
        ("GET", f"/{theirs}/history"),
        ("POST", f"/{theirs}/transitions/accept"),
        ("POST", f"/{theirs}/identity"),
        ("GET", f"/{theirs}/conflicts"),
    ]:
        kwargs = {"json": {}} if method == "POST" else {}
        assert world.call("leader", method, path, **kwargs).status_code == 404, path
    assert world.call("leader", "GET", "/987654321").status_code == 404


def test_the_whole_way_from_registration_to_satisfaction(world: World):
    pid = world.register()["id"]
    assert world.fire("clerk", pid, "screen").status_code == 200
    accepted = world.fire("clerk", pid, "accept", comment="属本部门职责").get_json()
    assert accepted["state"] == "accepted" and accepted["close_due"]
    handled = world.fire("clerk", pid, "assign_handler", handler_user_id=world.users["li"])
    assert handled.status_code == 200 and handled.get_json()["handler_user_id"] == world.users["li"]
    extended = world.fire("leader", pid, "extend", days=30, reason="需调取档案")
    assert extended.status_code == 200
    body = extended.get_json()
    assert body["extended_days"] == 30 and body["extension_reason"] == "需调取档案"
    drafted = world.fire("li", pid, "draft", outcome="support", basis="符合政策")
    assert drafted.get_json()["state"] == "draft_outcome"
    assert world.fire("leader", pid, "approve").get_json()["state"] == "approved"
    closed = world.fire("li", pid, "close", reply_text="已按政策调整").get_json()
    assert closed["state"] == "closed" and closed["replied_on"]
    rated = world.fire("li", pid, "rate", satisfaction="satisfied").get_json()
    assert rated["state"] == "rated" and rated["satisfaction"] == "satisfied"
    history = world.call("clerk", "GET", f"/{pid}/history").get_json()
    assert [h["transition"] for h in history] == [
        "create",
        "screen",
        "accept",
        "assign_handler",
        "extend",
        "draft",
        "approve",
        "close",
        "rate",
    ]
    assert history[2]["comment"] == "属本部门职责" and history[2]["title"] == "受理"
    assert history[4]["data"]["days"] == 30 and history[4]["actor_name"] == "王部长"


def test_not_accept_forward_assign_and_file(world: World):
    town = Factory(world.app).tenant_id("town")
    a, b, c, d = (world.register()["id"] for _ in range(4))
    assert (
        world.fire("clerk", a, "not_accept", reason="legal_channel").get_json()[
            "not_accepted_reason"
        ]
        == "legal_channel"
    )
    assert (
        world.fire("clerk", b, "forward", target_name="县纪委").get_json()["target_name"]
        == "县纪委"
    )
    due = (date.today() + timedelta(days=20)).isoformat()
    refused = world.fire("leader", c, "assign", target_name="某镇党委", report_back_due=due)
    assert refused.status_code == 422  # 交办 only to a child tenant of the platform
    assigned = world.fire("leader", c, "assign", target_tenant_id=town, report_back_due=due)
    assert assigned.get_json()["report_back_due"] == due
    assert assigned.get_json()["target_name"] == "town单位"
    assert world.fire("clerk", d, "file", comment="无可查线索").get_json()["state"] == "filed"


def _state_and_history(world: World, pid: int) -> tuple[str, int]:
    def read():
        from sqlalchemy import func, select

        from core.db import db

        petition = db.session.get(Petition, pid)
        count = db.session.scalar(
            select(func.count()).select_from(StateChange).where(StateChange.record_id == pid)
        )
        return petition.state, count

    return world.in_tenant("county", read)


TOWN, OTHER = "<town>", "<other>"  # a child of county; a tenant beside it


@pytest.mark.parametrize(
    ("who", "name", "body", "status"),
    [
        ("clerk", "approve", {}, 409),  # wrong state (and no permission either)
        ("clerk", "assign", {"target_tenant_id": TOWN, "report_back_due": "2099-01-01"}, 403),
        ("clerk", "not_accept", {}, 422),
        ("clerk", "not_accept", {"reason": "because"}, 422),
        ("clerk", "file", {}, 409),  # a comment is required
        ("clerk", "assign", {"target_name": "某镇"}, 422),
        ("leader", "assign", {"target_tenant_id": TOWN, "report_back_due": "2020-01-01"}, 409),
        ("leader", "assign", {"target_tenant_id": OTHER, "report_back_due": "2099-01-01"}, 422),
        ("clerk", "forward", {"target_name": "   "}, 422),
        ("clerk", "forward", {"target_name": "x" * 101}, 422),
        ("clerk", "send_back", {"comment": "不属本机关"}, 409),  # not received from another body
        ("staff", "accept", {}, 403),
    ],
)
def test_refused_moves_change_nothing(world: World, who, name, body, status):
    tenants = {TOWN: "town", OTHER: "other"}  # placeholders for ids known only at run time
    body = {
        k: Factory(world.app).tenant_id(tenants[v]) if v in tenants else v for k, v in body.items()
    }
    pid = world.register()["id"]
    before = _state_and_history(world, pid)
    response = world.fire(who, pid, name, **body)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert _state_and_history(world, pid) == before


def test_handling_guards_answer_409_with_the_reason(world: World):
    pid = world.register(
        reported_persons=[{"name": "李干事", "user_id": None}],
    )["id"]
    world.fire("clerk", pid, "accept")
    # A reported person who is a user may not handle it.
    reported = world.call(
        "clerk",
        "POST",
        json=report_payload(reported_persons=[{"name": "李干事", "user_id": world.users["li"]}]),
    ).get_json()["id"]
    world.fire("clerk", reported, "accept")
    refused = world.fire("clerk", reported, "assign_handler", handler_user_id=world.users["li"])
    assert (
        refused.status_code == 409 and refused.get_json()["detail"] == "承办人是被反映人，应当回避"
    )
    # A declared conflict too.
    declared = world.call("li", "POST", f"/{pid}/conflicts", json={"reason": "与信访人系亲属"})
    assert declared.status_code == 201 and declared.get_json()["user_id"] == world.users["li"]
    refused = world.fire("clerk", pid, "assign_handler", handler_user_id=world.users["li"])
    assert refused.status_code == 409 and refused.get_json()["detail"] == "承办人已声明回避此件"
    # Not a member of the tenant at all: a 422 on the field.
    outsider = world.fire("clerk", pid, "assign_handler", handler_user_id=world.users["outsider"])
    assert outsider.status_code == 422 and "handler_user_id" in outsider.get_json()["errors"]
    assert _state_and_history(world, pid)[0] == "accepted"
    # Extensions: once, at most 30 days, leader only.
    world.fire("clerk", pid, "assign_handler", handler_user_id=world.users["clerk"])
    assert world.fire("clerk", pid, "extend", days=10, reason="x").status_code == 403
    assert world.fire("leader", pid, "extend", days=31, reason="x").status_code == 422
    assert world.fire("leader", pid, "extend", days=10).status_code == 422
    assert world.fire("leader", pid, "extend", days=10, reason="调查").status_code == 200
    again = world.fire("leader", pid, "extend", days=5, reason="还要")
    assert again.status_code == 409 and again.get_json()["detail"] == "已延期过一次，不能再次延期"
    # The outcome must fit the kind: a request cannot be "属实".
    wrong = world.fire("clerk", pid, "draft", outcome="substantiated", basis="查实")
    assert wrong.status_code == 409 and wrong.get_json()["detail"] == "处理意见不适用于此类信访件"


def test_conflicts_are_listed_declared_once_and_for_others_only_by_leaders(world: World):
    pid = world.register()["id"]
    assert (
        world.call("clerk", "POST", f"/{pid}/conflicts", json={"reason": "亲属"}).status_code == 201
    )
    again = world.call("clerk", "POST", f"/{pid}/conflicts", json={"reason": "亲属"})
    assert again.status_code == 201
    for_li = world.call(
        "clerk", "POST", f"/{pid}/conflicts", json={"reason": "同事", "user_id": world.users["li"]}
    )
    assert for_li.status_code == 403
    by_leader = world.call(
        "leader", "POST", f"/{pid}/conflicts", json={"reason": "同事", "user_id": world.users["li"]}
    )
    assert by_leader.status_code == 201
    assert world.call("leader", "POST", f"/{pid}/conflicts", json={}).status_code == 422
    listed = world.call("clerk", "GET", f"/{pid}/conflicts").get_json()
    assert sorted(c["user_id"] for c in listed) == sorted([world.users["clerk"], world.users["li"]])
    assert world.count(PetitionConflict) == 2
    assert len(world.audit("petition.conflict_declared")) == 2
    assert world.call("staff", "POST", f"/{pid}/conflicts", json={"reason": "x"}).status_code == 403


def test_reported_persons_are_stored(world: World):
    world.call("clerk", "POST", json=report_payload())
    assert world.count(ReportedPerson) == 1


def test_openapi_documents_the_petition_routes(world: World):
    document = world.client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert "/api/v1/t/{tenant}/petitions" in paths
    assert "/api/v1/t/{tenant}/petitions/{petition_id}/transitions/assign_handler" in paths
    body = paths["/api/v1/t/{tenant}/petitions/{petition_id}/transitions/extend"]["post"]
    assert "requestBody" in body


def test_a_list_page_costs_the_same_statements_however_long(world: World):
    for n in range(12):
        world.register(summary=f"第 {n} 件")

    get = partial(world.call, "clerk", "GET")
    assert_page_cost_is_constant(world.app, get, "", 2, 12)
