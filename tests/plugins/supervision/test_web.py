"""Pages and API of the supervision plugin: every view answers, the workflow over HTTP,
exports and the bulletin, and bad input answered with 422 and nothing changed."""

from __future__ import annotations

import io
from datetime import date, timedelta
from functools import partial

import pytest
from docx import Document
from openpyxl import load_workbook

from core import clock
from core.db import db
from core.plugins.manager import hook_for
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.factories import bearer, csrf_token, login
from tests.statements import assert_page_cost_is_constant

API = "/api/v1/t/county/supervision"
PAGES = "/t/county/supervision"


@pytest.fixture
def world(app, factory):
    factory.tenant("county", plugins=["supervision"])
    officer = factory.user(
        "county", "officer", roles=["admin", "supervisor"], display_name="督查员"
    )
    owner = factory.user("county", "owner", roles=["task_owner"], display_name="李科长")
    with app.app_context():
        tenant = db.session.query(Tenant).filter_by(slug="county").one()
        with tenant_scope(tenant.id):
            hook_for(tenant).zugong_demo_data(tenant=tenant)
        db.session.commit()
    return {
        "officer": officer,
        "owner": owner,
        "officer_token": factory.token(officer),
        "owner_token": factory.token(owner),
    }


def _new_item(client, token, **extra):
    body = {
        "title": "完成换届",
        "source": "meeting",
        "deadline": (clock.today() + timedelta(days=30)).isoformat(),
        "assign": True,
        **extra,
    }
    response = client.post(f"{API}/items", json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_every_page_answers_with_demo_data(client, world):
    login(client, "officer")
    for path in (
        "/",
        "/items/new",
        "/week",
        "/month-plan",
        "/month-summary",
        "/performance",
        "/overdue",
        "/import",
        "/month-plan?month=2026-02",
        "/?light=red",
    ):
        response = client.get(PAGES + path)
        assert response.status_code == 200, path
    board = client.get(PAGES + "/").get_data(as_text=True)
    assert "基层党组织标准化规范化建设" in board
    item_id = client.get(f"{API}/items", headers=bearer(world["officer_token"])).get_json()[
        "items"
    ][0]["id"]
    page = client.get(f"{PAGES}/items/{item_id}")
    assert page.status_code == 200
    dashboard = client.get("/t/county/").get_data(as_text=True)
    assert "supervision-chart" in dashboard


def test_the_workflow_over_the_api(client, world):
    officer, owner = bearer(world["officer_token"]), bearer(world["owner_token"])
    item = _new_item(
        client,
        world["officer_token"],
        person_user_id=world["owner"].user_id,
        leader_user_id=world["officer"].user_id,
    )
    url = f"{API}/items/{item['id']}"
    move = f"{url}/transitions"
    assert item["state"] == "assigned"
    assert client.post(f"{move}/acknowledge", json={}, headers=owner).get_json()["state"] == (
        "acknowledged"
    )
    report = client.post(
        f"{move}/report", json={"text": "已完成摸底", "percent": 40}, headers=owner
    )
    assert (report.status_code, report.get_json()["percent"]) == (200, 40)
    assert client.post(f"{move}/verify", json={}, headers=officer).status_code == 409
    reminder = client.post(f"{url}/reminders", json={"message": "请加快"}, headers=officer)
    assert reminder.status_code == 201
    mine = client.get(f"{API}/reminders", headers=owner).get_json()
    assert [r["message"] for r in mine] == ["请加快"]
    client.post(f"{move}/request_completion", json={}, headers=owner)
    # The state allows it now, but not the owner's permissions.
    assert client.post(f"{move}/verify", json={}, headers=owner).status_code == 403
    assert client.post(f"{move}/verify", json={}, headers=officer).get_json()["state"] == "closed"
    rated = client.post(f"{move}/rate", json={"rating": "good"}, headers=officer)
    assert rated.get_json()["rating"] == "good"
    history = client.get(f"{url}/history", headers=owner).get_json()["rows"]
    assert [h["transition"] for h in history][-3:] == ["request_completion", "verify", "rate"]


def test_extension_and_back_schedule_over_the_api(client, world):
    officer, owner = bearer(world["officer_token"]), bearer(world["owner_token"])
    item = _new_item(
        client,
        world["officer_token"],
        person_user_id=world["owner"].user_id,
        leader_user_id=world["officer"].user_id,
    )
    url = f"{API}/items/{item['id']}"
    plan = client.post(
        f"{url}/milestones/back-schedule",
        json={
            "steps": [{"title": "方案", "working_days": 3}, {"title": "实施", "working_days": 5}]
        },
        headers=officer,
    )
    assert plan.status_code == 200 and len(plan.get_json()) == 2
    new_deadline = (date.fromisoformat(item["deadline"]) + timedelta(days=10)).isoformat()
    extension = client.post(
        f"{url}/extensions",
        json={"new_deadline": new_deadline, "reason": "等待批复"},
        headers=owner,
    ).get_json()
    decided = client.post(
        f"{url}/extensions/{extension['id']}/decision", json={"approve": True}, headers=officer
    )
    assert decided.get_json()["state"] == "approved"
    assert client.get(url, headers=owner).get_json()["deadline"] == new_deadline


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "x", "source": "不存在", "deadline": "2026-13-01"},
        {"title": "", "source": "meeting", "deadline": "2026-01-01"},
        {"title": "x" * 201, "source": "meeting", "deadline": "2026-01-01"},
        {"title": "x", "source": "meeting", "deadline": "2026-01-01", "person_user_id": 2**62},
        {"title": "x", "source": "meeting", "deadline": "2026-01-01", "section_id": "1; drop"},
        {"title": "x", "source": "meeting", "deadline": "2026-01-01", "unknown": 1},
        {"title": "x", "source": "meeting", "deadline": "2026-01-01", "person_user_id": 999999},
        {
            "title": "x",
            "source": "meeting",
            "deadline": "2026-01-01",
            "milestones": [{"title": "m", "due": "2026-02-01"}],
        },
    ],
)
def test_bad_items_are_refused_with_422_and_nothing_written(client, world, body):
    token = bearer(world["officer_token"])
    before = len(client.get(f"{API}/items?limit=200", headers=token).get_json()["items"])
    response = client.post(f"{API}/items", json=body, headers=token)
    assert response.status_code == 422
    assert response.content_type.startswith("application/problem+json")
    assert len(client.get(f"{API}/items?limit=200", headers=token).get_json()["items"]) == before


@pytest.mark.parametrize(
    "path, body",
    [
        ("transitions/report", {"text": "x", "percent": 101}),
        ("transitions/report", {"text": "", "percent": 1}),
        ("transitions/report", {"text": "x", "percent": "50"}),
        ("transitions/rate", {"rating": "满分"}),
        ("reminders", {"message": ""}),
        ("reminders", {"message": "x" * 501}),
        ("extensions", {"new_deadline": "not a date", "reason": "x"}),
        ("accountability", {"kind": "x", "subject": "s", "reason": "r"}),
        ("milestones/back-schedule", {"steps": []}),
        ("milestones/back-schedule", {"steps": [{"title": "a", "working_days": 0}]}),
    ],
)
def test_bad_action_bodies_are_422(client, world, path, body):
    item = _new_item(client, world["officer_token"], person_user_id=world["owner"].user_id)
    response = client.post(
        f"{API}/items/{item['id']}/{path}", json=body, headers=bearer(world["officer_token"])
    )
    assert response.status_code == 422, response.get_json()


def test_bad_query_strings_are_422(client, world):
    token = bearer(world["officer_token"])
    for query in ("month=2026-13", "month=abc", "format=pdf"):
        assert client.get(f"{API}/views/performance?{query}", headers=token).status_code == 422
    assert client.get(f"{API}/board?light=purple", headers=token).status_code == 422
    assert client.get(f"{API}/items?cursor=%%%", headers=token).status_code in (400, 422)


@pytest.mark.parametrize("view", ["month-plan", "month-summary", "performance"])
def test_a_month_outside_the_calendar_is_422_in_chinese(client, world, view):
    token = bearer(world["officer_token"])
    for month in ("0000-01", "1999-12", "2100-01"):
        response = client.get(f"{API}/views/{view}?month={month}", headers=token)
        assert response.status_code == 422, (month, response.get_data(as_text=True))
        assert "月份应为 2000-01 到 2099-12" in response.get_data(as_text=True)
    assert client.get(f"{API}/bulletin?month=0000-01", headers=token).status_code == 422
    assert client.get(f"{API}/views/{view}?month=2000-01", headers=token).status_code == 200


def test_items_and_board_filter_by_section_leader_and_person_from_the_query_string(client, world):
    token = bearer(world["officer_token"])
    people = {"person_user_id": world["owner"].user_id, "leader_user_id": world["officer"].user_id}
    mine = _new_item(client, world["officer_token"], **people)
    _new_item(client, world["officer_token"], title="别人的事项", assign=False)
    for key, value in people.items():
        listed = client.get(f"{API}/items?{key}={value}&limit=200", headers=token)
        assert listed.status_code == 200, listed.get_json()
        assert mine["id"] in [i["id"] for i in listed.get_json()["items"]]
        assert all(i[key] == value for i in listed.get_json()["items"])
        board = client.get(f"{API}/board?{key}={value}", headers=token)
        assert board.status_code == 200, board.get_json()
        assert mine["id"] in [r["id"] for r in board.get_json()]
        assert all(r[key] == value for r in board.get_json())
    section_id = client.get(f"{API}/items?limit=200", headers=token).get_json()["items"]
    section_id = next(i["section_id"] for i in section_id if i["section_id"])
    for path in ("items?", "board?"):
        response = client.get(f"{API}/{path}section_id={section_id}", headers=token)
        assert response.status_code == 200, response.get_json()
        rows = response.get_json()["items"] if path == "items?" else response.get_json()
        assert rows and all(r["section_id"] == section_id for r in rows)
    assert client.get(f"{API}/items?section_id=abc", headers=token).status_code == 422


def test_views_export_as_xlsx_and_the_bulletin_as_docx(client, world):
    token = bearer(world["officer_token"])
    for path in (
        "board",
        "views/week",
        "views/month-plan",
        "views/month-summary",
        "views/performance",
        "views/overdue",
    ):
        response = client.get(f"{API}/{path}?format=xlsx", headers=token)
        assert response.status_code == 200, path
        load_workbook(io.BytesIO(response.data))
    overdue = client.get(f"{API}/views/overdue", headers=token).get_json()
    assert [r["title"] for r in overdue["rows"]] == ["干部教育培训年度计划"]
    bulletin = client.get(f"{API}/bulletin", headers=token)
    assert bulletin.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(bulletin.data)).paragraphs)
    assert "干部教育培训年度计划" in text and "逾期" in text


def test_pages_act_on_an_item(client, world):
    login(client, "owner")
    token = bearer(world["officer_token"])
    item = _new_item(client, world["officer_token"], person_user_id=world["owner"].user_id)
    csrf = csrf_token(client, "/t/county/")
    url = f"{PAGES}/items/{item['id']}/transitions"
    client.post(f"{url}/acknowledge", data={"csrf_token": csrf})
    response = client.post(
        f"{url}/report", data={"csrf_token": csrf, "text": "进展", "percent": "150"}
    )
    assert response.status_code == 303
    assert client.get(f"{API}/items/{item['id']}", headers=token).get_json()["state"] == (
        "acknowledged"
    )
    client.post(f"{url}/report", data={"csrf_token": csrf, "text": "进展", "percent": "60"})
    data = client.get(f"{API}/items/{item['id']}", headers=token).get_json()
    assert (data["state"], data["percent"]) == ("in_progress", 60)


def test_progress_reports_carry_attachments(client, world):
    owner_token = bearer(world["owner_token"])
    item = _new_item(client, world["officer_token"], person_user_id=world["owner"].user_id)
    login(client, "owner")
    csrf = csrf_token(client, "/t/county/")
    url = f"{PAGES}/items/{item['id']}/transitions"
    client.post(f"{url}/acknowledge", data={"csrf_token": csrf})
    pdf = (io.BytesIO(b"%PDF-1.4\n% minutes of the meeting\n"), "会议纪要.pdf")
    response = client.post(
        f"{url}/report",
        data={
            "csrf_token": csrf,
            "text": "已召开会议",
            "percent": "30",
            "files": pdf,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    reports = client.get(f"{API}/items/{item['id']}/reports", headers=owner_token).get_json()
    assert [a["filename"] for a in reports[0]["attachments"]] == ["会议纪要.pdf"]
    download = client.get(reports[0]["attachments"][0]["url"], headers=owner_token)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    # A file whose content is not what its name says is refused, and the report with it.
    fake = (io.BytesIO(b"MZ\x90\x00 not a pdf"), "报告.pdf")
    client.post(
        f"{url}/report",
        data={
            "csrf_token": csrf,
            "text": "再次反馈",
            "percent": "50",
            "files": fake,
        },
        content_type="multipart/form-data",
    )
    reports = client.get(f"{API}/items/{item['id']}/reports", headers=owner_token).get_json()
    assert len(reports) == 1
    # More files later, through the API, by the report's author.
    more = client.post(
        f"{API}/items/{item['id']}/reports/{reports[0]['id']}/attachments",
        data={"files": (io.BytesIO(b"plain text notes"), "说明.txt")},
        content_type="multipart/form-data",
        headers=owner_token,
    )
    assert more.status_code == 201, more.get_json()


def test_an_open_item_can_be_corrected_but_not_its_deadline(client, world):
    officer = bearer(world["officer_token"])
    item = _new_item(client, world["officer_token"], person_user_id=world["owner"].user_id)
    url = f"{API}/items/{item['id']}"
    fixed = client.patch(url, json={"title": "完成换届选举", "priority": "urgent"}, headers=officer)
    assert (fixed.status_code, fixed.get_json()["title"]) == (200, "完成换届选举")
    assert client.patch(url, json={"deadline": "2026-12-31"}, headers=officer).status_code == 422
    moved = client.patch(url, json={"person_user_id": world["officer"].user_id}, headers=officer)
    assert moved.status_code == 422  # assigned: the person stays
    owner = bearer(world["owner_token"])
    assert client.patch(url, json={"title": "x"}, headers=owner).status_code == 403


def test_an_item_opened_on_the_page_keeps_its_milestones_and_co_handlers(client, world):
    login(client, "officer")
    csrf = csrf_token(client, "/t/county/")
    deadline = clock.today() + timedelta(days=40)
    response = client.post(
        f"{PAGES}/items/new",
        data={
            "csrf_token": csrf,
            "title": "页面立项的事项",
            "source": "meeting",
            "person_user_id": str(world["owner"].user_id),
            "co_handler_ids": [str(world["officer"].user_id)],
            "deadline": deadline.isoformat(),
            "milestones-0-title": "制定方案",
            "milestones-0-due": (deadline - timedelta(days=20)).isoformat(),
            "milestones-1-title": "",
            "milestones-1-due": "",
            "assign": "1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    item_id = int(response.headers["Location"].rsplit("/", 1)[1])
    token = bearer(world["officer_token"])
    item = client.get(f"{API}/items/{item_id}", headers=token).get_json()
    assert (item["state"], item["person_user_id"]) == ("assigned", world["owner"].user_id)
    milestones = client.get(f"{API}/items/{item_id}/milestones", headers=token).get_json()
    assert [m["title"] for m in milestones] == ["制定方案"]
    refused = client.post(
        f"{PAGES}/items/new",
        data={"csrf_token": csrf, "title": "", "source": "meeting", "deadline": "2026-13-01"},
    )
    assert refused.status_code == 422
    assert "必填项" in refused.get_data(as_text=True) or "不能为空" in refused.get_data(
        as_text=True
    )


def test_the_item_page_back_schedules_and_decides_an_extension(client, world):
    owner_token, officer_token = bearer(world["owner_token"]), bearer(world["officer_token"])
    item = _new_item(
        client,
        world["officer_token"],
        person_user_id=world["owner"].user_id,
        leader_user_id=world["officer"].user_id,
    )
    login(client, "officer")
    csrf = csrf_token(client, "/t/county/")
    actions = f"{PAGES}/items/{item['id']}/actions"
    steps = {
        "csrf_token": csrf,
        "steps-0-title": "方案",
        "steps-0-working_days": "3",
        "steps-1-title": "实施",
        "steps-1-working_days": "5",
        "steps-2-title": "",
        "steps-2-working_days": "",
    }
    assert client.post(f"{actions}/back_schedule", data=steps).status_code == 303
    milestones = client.get(f"{API}/items/{item['id']}/milestones", headers=officer_token)
    assert [m["title"] for m in milestones.get_json()] == ["方案", "实施"]
    bad = {**steps, "steps-0-working_days": "0"}
    client.post(f"{actions}/back_schedule", data=bad)
    milestones = client.get(f"{API}/items/{item['id']}/milestones", headers=officer_token)
    assert [m["title"] for m in milestones.get_json()] == ["方案", "实施"]  # nothing changed
    new_deadline = (date.fromisoformat(item["deadline"]) + timedelta(days=9)).isoformat()
    extension = client.post(
        f"{API}/items/{item['id']}/extensions",
        json={"new_deadline": new_deadline, "reason": "等待批复"},
        headers=owner_token,
    ).get_json()
    decided = client.post(
        f"{actions}/approve_extension",
        data={"csrf_token": csrf, "extension_id": str(extension["id"])},
    )
    assert decided.status_code == 303
    assert (
        client.get(f"{API}/items/{item['id']}", headers=officer_token).get_json()["deadline"]
        == new_deadline
    )
    assert client.post(f"{actions}/no_such_action", data={"csrf_token": csrf}).status_code == 404


def test_an_item_page_costs_the_same_statements_however_long(app, client, world):
    token = bearer(world["officer_token"])
    listed = client.get(f"{API}/items?limit=200", headers=token).get_json()["items"]
    for n in range(6 - len(listed)):
        _new_item(client, world["officer_token"], title=f"事项 {n}", assign=False)

    get = partial(client.get, headers=token)
    assert_page_cost_is_constant(app, get, f"{API}/items", 1, 6)
