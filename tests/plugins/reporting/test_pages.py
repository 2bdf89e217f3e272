"""The reporting pages over HTTP with the forms: a county writes and submits, the city
returns it from its inbox, the county revises, the city sees the differences, adopts and
forwards, the province records a leader's instruction and the county reads the chain;
bad input is answered beside the field and changes nothing; another tenant gets 404;
to-do items and the dashboard follow the records; incidents and 漏报."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from core import clock
from plugins.reporting.models import MissedReport, ReportItem
from tests.plugins.reporting.web import (
    FORM,
    flash_page,
    html,
    move,
    page_url,
    post,
    scalar,
    submission_of,
    submitted,
    write,
)
from tests.plugins.reporting.web import clients as clients  # noqa: F401 - the fixture


def test_the_round_trip_through_the_forms(clients):
    item_id = write(clients)
    page = html(clients["writer"], page_url("county", f"/items/{item_id}"))
    assert 'data-state="draft"' in page and "我县推行党员积分制管理" in page
    assert 'id="move-send_for_approval"' in page and 'id="move-approve"' not in page
    move(clients["writer"], "county", item_id, "send_for_approval")
    page = html(clients["leader"], page_url("county", f"/items/{item_id}"))
    assert 'id="move-approve"' in page and 'id="move-send_back"' in page
    move(clients["leader"], "county", item_id, "approve")

    inbox = html(clients["city"], page_url("city", "/inbox"))
    assert "我县推行党员积分制管理" in inbox and "county单位" in inbox
    submission_id = submission_of(clients, "city", item_id)
    decide = page_url("city", f"/submissions/{submission_id}/transitions/")
    post(clients["city"], decide + "return")  # no comment: refused, nothing changes
    page = flash_page(clients["city"], page_url("city", f"/items/{item_id}"))
    assert 'id="submission-state" data-state="submitted"' in page
    post(clients["city"], decide + "return", {"comment": "请补充具体数据"})

    page = html(clients["writer"], page_url("county", f"/items/{item_id}"))
    assert 'data-state="returned"' in page and 'id="edit-item"' in page
    revised = {**FORM, "body": FORM["body"] + "\r\n\r\n全县已有1200名党员参与。"}
    post(clients["writer"], page_url("county", f"/items/{item_id}/edit"), revised)
    move(clients["writer"], "county", item_id, "send_for_approval")
    move(clients["leader"], "county", item_id, "approve")

    page = html(clients["city"], page_url("city", f"/items/{item_id}"))
    assert 'id="diff-2"' in page and "<ins>" in page and "1200" in page
    post(clients["city"], decide + "adopt")
    post(clients["city"], decide + "forward")
    province_submission = submission_of(clients, "province", item_id)
    assert province_submission != submission_id
    post(
        clients["province"],
        page_url("province", f"/items/{item_id}/instructions"),
        {"leader_name": "王部长", "leader_level": "province", "text": "经验可推广。"},
    )

    chain = html(clients["writer"], page_url("county", f"/items/{item_id}"))
    assert 'data-state="adopted"' in chain
    assert 'data-level="1" data-state="forwarded"' in chain
    assert 'data-level="2" data-state="submitted"' in chain
    assert "王部长" in chain and "经验可推广。" in chain
    printed = html(clients["writer"], page_url("county", f"/items/{item_id}/print"))
    assert "zg-print-page" in printed and 'id="main-nav"' not in printed


def test_bad_input_is_answered_beside_the_field_and_changes_nothing(app, clients):
    before = scalar(app, select(func.count(ReportItem.id)))
    response = clients["writer"].post(
        page_url("county", "/items/new"),
        data={
            **FORM,
            "pen_phone": "not a phone",
            "category": "incident",
            "csrf_token": clients["writer"].token,
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-error-for="pen_phone"' in html and 'data-error-for="occurred_at"' not in html
    after = scalar(app, select(func.count(ReportItem.id)))
    assert after == before


def test_another_tenant_gets_404_on_every_item_route(clients):
    item_id = submitted(clients)
    submission_id = submission_of(clients, "city", item_id)
    for who, tenant in (("sibling", "sibling"), ("province", "province")):
        client = clients[who]
        assert client.get(page_url(tenant, f"/items/{item_id}")).status_code == 404
        assert client.get(page_url(tenant, f"/items/{item_id}/print")).status_code == 404
        post(
            client, page_url(tenant, f"/submissions/{submission_id}/transitions/adopt"), status=404
        )
        post(
            client,
            page_url(tenant, f"/items/{item_id}/instructions"),
            {"leader_name": "x", "leader_level": "city", "text": "x"},
            status=404,
        )
    # The receiving city reads it but cannot make the owner's moves or edit it.
    post(clients["city"], page_url("city", f"/items/{item_id}/transitions/withdraw"), status=404)
    assert clients["city"].get(page_url("city", f"/items/{item_id}/edit")).status_code == 404


def test_every_page_answers_for_its_role(clients):
    for path in ("/", "/items/new", "/incidents", "/?state=draft&category=news"):
        html(clients["writer"], page_url("county", path))
    for path in ("/inbox", "/inbox?state=submitted&category=practice", "/incidents"):
        html(clients["city"], page_url("city", path))
    html(clients["writer"], page_url("county", "/inbox"), status=403)
    html(clients["writer"], page_url("county", "/?cursor=garbage"), status=404)


def test_to_do_and_widgets_appear_while_the_record_waits(clients):
    item_id = write(clients)
    assert "报送审批" not in html(clients["leader"], "/t/county/todo")
    move(clients["writer"], "county", item_id, "send_for_approval")
    assert f"/reporting/items/{item_id}" in html(clients["leader"], "/t/county/todo")
    dashboard = html(clients["leader"], "/t/county/")
    assert re.search(r'data-count="awaiting">1<', dashboard)
    move(clients["leader"], "county", item_id, "approve")
    assert f"/reporting/items/{item_id}" not in html(clients["leader"], "/t/county/todo")
    assert re.search(r'data-count="inbox">1<', html(clients["city"], "/t/city/"))
    assert "收件箱" in html(clients["city"], "/t/city/todo")

    submission_id = submission_of(clients, "city", item_id)
    post(
        clients["city"],
        page_url("city", f"/submissions/{submission_id}/transitions/return"),
        {"comment": "请修改"},
    )
    assert re.search(r'data-count="inbox">0<', html(clients["city"], "/t/city/"))
    assert f"/reporting/items/{item_id}" in html(clients["writer"], "/t/county/todo")
    move(clients["writer"], "county", item_id, "send_for_approval")
    assert f"/reporting/items/{item_id}" not in html(clients["writer"], "/t/county/todo")


def test_an_incident_due_then_late_and_a_missed_report(app, clients):
    occurred = clock.now().strftime("%Y-%m-%dT%H:%M")
    incident = {
        **FORM,
        "category": "incident",
        "occurred_at": occurred,
        "incident_stage": "initial",
    }
    response = post(clients["writer"], page_url("county", "/items/new"), incident)
    item_id = int(response.headers["Location"].rsplit("/", 1)[1])
    todo = html(clients["writer"], "/t/county/todo")
    assert f"/reporting/items/{item_id}" in todo and "突发事件待报送" in todo
    clock.freeze(clock.now() + timedelta(hours=7))
    move(clients["writer"], "county", item_id, "send_for_approval")
    move(clients["leader"], "county", item_id, "approve")
    page = html(clients["writer"], page_url("county", "/incidents"))
    assert "迟报" in page
    assert f"/reporting/items/{item_id}" not in html(clients["writer"], "/t/county/todo")

    county_id = scalar(app, select(ReportItem.tenant_id).where(ReportItem.id == item_id))
    post(
        clients["city"],
        page_url("city", "/missed-reports"),
        {"child_tenant_id": county_id, "title": "某村发生火情", "occurred_at": occurred},
    )
    assert "某村发生火情" in html(clients["writer"], page_url("county", "/incidents"))
    assert "某村发生火情" not in html(clients["sibling"], page_url("sibling", "/incidents"))
    assert scalar(app, select(func.count(MissedReport.id))) == 1
