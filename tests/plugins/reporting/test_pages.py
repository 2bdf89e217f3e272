"""The reporting pages over HTTP with the forms: a county writes and submits, the city
returns it from its inbox, the county revises, the city sees the differences, adopts and
forwards, the province records a leader's instruction and the county reads the chain;
bad input is answered beside the field and changes nothing; another tenant gets 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from core.db import db
from core.tenancy.scope import cross_tenant_scope
from plugins.reporting.models import MissedReport, ReportItem
from tests.factories import csrf_token, login

PLUGINS = ["reporting"]
FORM = {
    "title": "我县推行党员积分制管理",
    "body": "今年以来，我县推行党员积分制管理。\r\n\r\n积分结果与评先评优挂钩。",
    "category": "practice",
    "doc_type": "brief",
    "pen_name": "张三",
    "pen_phone": "0571-88888888",
}


@pytest.fixture
def clients(app, factory):
    """One logged-in client per person: the county's 信息员 and 分管领导, the city's and
    the province's editors, and the sibling county's."""
    factory.tenant("province", kind="province_org_dept", plugins=PLUGINS)
    factory.tenant("city", parent="province", kind="city_org_dept", plugins=PLUGINS)
    factory.tenant("county", parent="city", plugins=PLUGINS)
    factory.tenant("sibling", parent="city", plugins=PLUGINS)
    people = {
        "writer": ("county", ["info_officer"]),
        "leader": ("county", ["info_leader"]),
        "city": ("city", ["info_leader"]),
        "province": ("province", ["info_leader"]),
        "sibling": ("sibling", ["info_leader"]),
    }
    out = {}
    for name, (slug, roles) in people.items():
        factory.user(slug, f"p_{name}", roles=roles, display_name=f"{name}用户")
        client = app.test_client()
        login(client, f"p_{name}")
        client.token = csrf_token(client, f"/t/{slug}/")
        out[name] = client
    return out


def _page(tenant: str, path: str = "/") -> str:
    return f"/t/{tenant}/reporting{path}"


def _post(client, url: str, data: dict | None = None, status: int = 303):
    response = client.post(url, data={**(data or {}), "csrf_token": client.token})
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response


def _html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def _flash(client, url: str) -> str:
    """The page after a redirect, where the flashed outcome shows."""
    return _html(client, url)


def _move(client, tenant: str, item_id: int, name: str, **data):
    _post(client, _page(tenant, f"/items/{item_id}/transitions/{name}"), data)


def _write(clients) -> int:
    response = _post(clients["writer"], _page("county", "/items/new"), FORM)
    return int(re.search(r"/items/(\d+)$", response.headers["Location"]).group(1))


def _submitted(clients) -> int:
    item_id = _write(clients)
    _move(clients["writer"], "county", item_id, "send_for_approval")
    _move(clients["leader"], "county", item_id, "approve")
    return item_id


def _submission_id(clients, tenant: str, item_id: int) -> int:
    page = _html(clients[tenant], _page(tenant, f"/items/{item_id}"))
    return int(re.search(r"/submissions/(\d+)/transitions/adopt", page).group(1))


def _scalar(app, statement):
    """One value read across every tenant (what the test checks, not what a user sees)."""
    with app.app_context(), cross_tenant_scope("test: look"):
        return db.session.scalar(statement)


def test_the_round_trip_through_the_forms(clients):
    item_id = _write(clients)
    page = _html(clients["writer"], _page("county", f"/items/{item_id}"))
    assert 'data-state="draft"' in page and "我县推行党员积分制管理" in page
    assert 'id="move-send_for_approval"' in page and 'id="move-approve"' not in page
    _move(clients["writer"], "county", item_id, "send_for_approval")
    page = _html(clients["leader"], _page("county", f"/items/{item_id}"))
    assert 'id="move-approve"' in page and 'id="move-send_back"' in page
    _move(clients["leader"], "county", item_id, "approve")

    inbox = _html(clients["city"], _page("city", "/inbox"))
    assert "我县推行党员积分制管理" in inbox and "county单位" in inbox
    submission_id = _submission_id(clients, "city", item_id)
    decide = _page("city", f"/submissions/{submission_id}/transitions/")
    _post(clients["city"], decide + "return")  # no comment: refused, nothing changes
    page = _flash(clients["city"], _page("city", f"/items/{item_id}"))
    assert 'id="submission-state" data-state="submitted"' in page
    _post(clients["city"], decide + "return", {"comment": "请补充具体数据"})

    page = _html(clients["writer"], _page("county", f"/items/{item_id}"))
    assert 'data-state="returned"' in page and 'id="edit-item"' in page
    revised = {**FORM, "body": FORM["body"] + "\r\n\r\n全县已有1200名党员参与。"}
    _post(clients["writer"], _page("county", f"/items/{item_id}/edit"), revised)
    _move(clients["writer"], "county", item_id, "send_for_approval")
    _move(clients["leader"], "county", item_id, "approve")

    page = _html(clients["city"], _page("city", f"/items/{item_id}"))
    assert 'id="diff-2"' in page and "<ins>" in page and "1200" in page
    _post(clients["city"], decide + "adopt")
    _post(clients["city"], decide + "forward")
    province_submission = _submission_id(clients, "province", item_id)
    assert province_submission != submission_id
    _post(
        clients["province"],
        _page("province", f"/items/{item_id}/instructions"),
        {"leader_name": "王部长", "leader_level": "province", "text": "经验可推广。"},
    )

    chain = _html(clients["writer"], _page("county", f"/items/{item_id}"))
    assert 'data-state="adopted"' in chain
    assert 'data-level="1" data-state="forwarded"' in chain
    assert 'data-level="2" data-state="submitted"' in chain
    assert "王部长" in chain and "经验可推广。" in chain
    printed = _html(clients["writer"], _page("county", f"/items/{item_id}/print"))
    assert "zg-print-page" in printed and 'id="main-nav"' not in printed


def test_bad_input_is_answered_beside_the_field_and_changes_nothing(app, clients):
    before = _scalar(app, select(func.count(ReportItem.id)))
    response = clients["writer"].post(
        _page("county", "/items/new"),
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
    after = _scalar(app, select(func.count(ReportItem.id)))
    assert after == before


def test_another_tenant_gets_404_on_every_item_route(clients):
    item_id = _submitted(clients)
    submission_id = _submission_id(clients, "city", item_id)
    for who, tenant in (("sibling", "sibling"), ("province", "province")):
        client = clients[who]
        assert client.get(_page(tenant, f"/items/{item_id}")).status_code == 404
        assert client.get(_page(tenant, f"/items/{item_id}/print")).status_code == 404
        _post(client, _page(tenant, f"/submissions/{submission_id}/transitions/adopt"), status=404)
        _post(
            client,
            _page(tenant, f"/items/{item_id}/instructions"),
            {"leader_name": "x", "leader_level": "city", "text": "x"},
            status=404,
        )
    # The receiving city reads it but cannot make the owner's moves or edit it.
    _post(clients["city"], _page("city", f"/items/{item_id}/transitions/withdraw"), status=404)
    assert clients["city"].get(_page("city", f"/items/{item_id}/edit")).status_code == 404


def test_every_page_answers_for_its_role(clients):
    for path in ("/", "/items/new", "/incidents", "/?state=draft&category=news"):
        _html(clients["writer"], _page("county", path))
    for path in ("/inbox", "/inbox?state=submitted&category=practice", "/incidents"):
        _html(clients["city"], _page("city", path))
    _html(clients["writer"], _page("county", "/inbox"), status=403)
    _html(clients["writer"], _page("county", "/?cursor=garbage"), status=404)


def test_to_do_and_widgets_appear_while_the_record_waits(clients):
    item_id = _write(clients)
    assert "报送审批" not in _html(clients["leader"], "/t/county/todo")
    _move(clients["writer"], "county", item_id, "send_for_approval")
    assert f"/reporting/items/{item_id}" in _html(clients["leader"], "/t/county/todo")
    dashboard = _html(clients["leader"], "/t/county/")
    assert re.search(r'data-count="awaiting">1<', dashboard)
    _move(clients["leader"], "county", item_id, "approve")
    assert f"/reporting/items/{item_id}" not in _html(clients["leader"], "/t/county/todo")
    assert re.search(r'data-count="inbox">1<', _html(clients["city"], "/t/city/"))
    assert "收件箱" in _html(clients["city"], "/t/city/todo")

    submission_id = _submission_id(clients, "city", item_id)
    _post(
        clients["city"],
        _page("city", f"/submissions/{submission_id}/transitions/return"),
        {"comment": "请修改"},
    )
    assert re.search(r'data-count="inbox">0<', _html(clients["city"], "/t/city/"))
    assert f"/reporting/items/{item_id}" in _html(clients["writer"], "/t/county/todo")
    _move(clients["writer"], "county", item_id, "send_for_approval")
    assert f"/reporting/items/{item_id}" not in _html(clients["writer"], "/t/county/todo")


def test_an_incident_due_then_late_and_a_missed_report(app, clients):
    occurred = clock.now().strftime("%Y-%m-%dT%H:%M")
    incident = {
        **FORM,
        "category": "incident",
        "occurred_at": occurred,
        "incident_stage": "initial",
    }
    response = _post(clients["writer"], _page("county", "/items/new"), incident)
    item_id = int(response.headers["Location"].rsplit("/", 1)[1])
    todo = _html(clients["writer"], "/t/county/todo")
    assert f"/reporting/items/{item_id}" in todo and "突发事件待报送" in todo
    clock.freeze(clock.now() + timedelta(hours=7))
    _move(clients["writer"], "county", item_id, "send_for_approval")
    _move(clients["leader"], "county", item_id, "approve")
    page = _html(clients["writer"], _page("county", "/incidents"))
    assert "迟报" in page
    assert f"/reporting/items/{item_id}" not in _html(clients["writer"], "/t/county/todo")

    county_id = _scalar(app, select(ReportItem.tenant_id).where(ReportItem.id == item_id))
    _post(
        clients["city"],
        _page("city", "/missed-reports"),
        {"child_tenant_id": county_id, "title": "某村发生火情", "occurred_at": occurred},
    )
    assert "某村发生火情" in _html(clients["writer"], _page("county", "/incidents"))
    assert "某村发生火情" not in _html(clients["sibling"], _page("sibling", "/incidents"))
    assert _scalar(app, select(func.count(MissedReport.id))) == 1


def _adopted(clients) -> int:
    item_id = _submitted(clients)
    submission_id = _submission_id(clients, "city", item_id)
    _post(clients["city"], _page("city", f"/submissions/{submission_id}/transitions/adopt"))
    return item_id


def test_the_ranking_its_publication_and_each_childs_own_rank(clients):
    _adopted(clients)
    live = _html(clients["city"], _page("city", "/ranking?period=month&year=2026&number=3"))
    row = re.search(
        r'<tr data-tenant="\d+"><td>1</td><td>county单位</td>.*?data-score>(\d+)<', live
    )
    assert row and int(row.group(1)) > 0
    assert 'id="ranking-data"' in live and '"monthly"' in live and "county单位" in live
    _html(clients["city"], _page("city", "/ranking?period=month&year=2026&number=13"), status=422)
    _html(clients["writer"], _page("county", "/ranking"), status=403)
    assert 'data-count="rank"' not in _html(clients["writer"], "/t/county/")

    _post(
        clients["city"],
        _page("city", "/rankings"),
        {"period": "month", "year": "2026", "number": "3"},
    )
    listing = _html(clients["writer"], _page("county", "/rankings"))
    ranking_id = int(re.search(r'data-ranking="(\d+)"', listing).group(1))
    detail = _html(clients["writer"], _page("county", f"/rankings/{ranking_id}"))
    assert 'id="my-score"' in detail and re.search(r"data-rank>1<", detail)
    assert re.search(r'data-count="rank">1<', _html(clients["writer"], "/t/county/"))
    xlsx = clients["writer"].get(_page("county", f"/rankings/{ranking_id}/xlsx"))
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    # Published once per period; another tenant tree never sees it.
    _post(
        clients["city"],
        _page("city", "/rankings"),
        {"period": "month", "year": "2026", "number": "3"},
    )
    assert clients["province"].get(_page("province", f"/rankings/{ranking_id}")).status_code == 404


def test_an_issue_composed_edited_published_and_read_below(clients):
    item_id = _adopted(clients)
    city = clients["city"]
    _post(city, _page("city", "/bulletins"), {"title": "示范组工信息"})
    issues = _html(city, _page("city", "/issues"))
    bulletin_id = int(re.search(r"/bulletins/(\d+)/issues", issues).group(1))
    response = _post(city, _page("city", f"/bulletins/{bulletin_id}/issues"))
    issue_url = response.headers["Location"]
    issue_id = int(issue_url.rsplit("/", 1)[1])
    assert clients["writer"].get(_page("county", f"/issues/{issue_id}")).status_code == 404

    item_page = _html(city, _page("city", f"/items/{item_id}"))
    assert 'id="into-issue"' in item_page and "《示范组工信息》2026年第1期" in item_page
    submission_id = int(re.search(r'name="submission_id" value="(\d+)"', item_page).group(1))
    _post(
        city,
        _page("city", f"/issues/{issue_id}/entries"),
        {"submission_id": submission_id, "item_id": item_id},
    )
    page = _html(city, _page("city", f"/issues/{issue_id}"))
    entry_id = int(re.search(r'data-entry="(\d+)"', page).group(1))
    _post(
        city,
        _page("city", f"/issues/{issue_id}/entries/{entry_id}"),
        {
            "position": "1",
            "edited_title": "积分制管理激发党员活力",
            "editor_note": "此做法值得借鉴。",
            "edited_body": FORM["body"],
        },
    )
    _post(city, _page("city", f"/issues/{issue_id}/transitions/publish"))

    for who, tenant in (("writer", "county"), ("sibling", "sibling")):
        listing = _html(clients[who], _page(tenant, "/issues"))
        assert f'data-issue="{issue_id}" data-state="published"' in listing
        page = _html(clients[who], _page(tenant, f"/issues/{issue_id}"))
        assert "积分制管理激发党员活力" in page and "此做法值得借鉴。" in page
    printed = _html(clients["writer"], _page("county", f"/issues/{issue_id}/print"))
    assert "zg-print-masthead" in printed and 'id="main-nav"' not in printed
    assert clients["province"].get(_page("province", f"/issues/{issue_id}")).status_code == 404
    chain = _html(clients["writer"], _page("county", f"/items/{item_id}"))
    assert "《示范组工信息》2026年第1期" in chain
    # The submitted text is untouched by the editing.
    assert "我县推行党员积分制管理" in chain
    # A published issue no longer changes.
    _post(city, _page("city", f"/issues/{issue_id}/entries/{entry_id}/remove"))
    assert "积分制管理激发党员活力" in _html(city, _page("city", f"/issues/{issue_id}"))


def _tenant_id(app, slug: str) -> int:
    from core.tenancy.models import Tenant

    return _scalar(app, select(Tenant.id).where(Tenant.slug == slug))


def test_a_request_sent_answered_and_followed_per_child(app, clients):
    deadline = (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    county = _tenant_id(app, "county")
    response = _post(
        clients["city"],
        _page("city", "/requests"),
        {"topic": "基层治理经验", "deadline": deadline, "child_tenant_ids": str(county)},
    )
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert clients["sibling"].get(_page("sibling", f"/requests/{request_id}")).status_code == 404
    todo = _html(clients["writer"], "/t/county/todo")
    assert f"/reporting/requests/{request_id}" in todo and "约稿待报" in todo
    page = _html(clients["writer"], _page("county", f"/requests/{request_id}"))
    assert 'data-standing="pending"' in page and 'id="answer-request"' in page
    form = _html(
        clients["writer"],
        _page("county", f"/items/new?request_id={request_id}&category=commissioned"),
    )
    assert f'<option value="{request_id}" selected>' in form

    answer = {**FORM, "category": "commissioned", "request_id": str(request_id)}
    response = _post(clients["writer"], _page("county", "/items/new"), answer)
    item_id = int(response.headers["Location"].rsplit("/", 1)[1])
    _move(clients["writer"], "county", item_id, "send_for_approval")
    _move(clients["leader"], "county", item_id, "approve")
    assert f"/reporting/requests/{request_id}" not in _html(clients["writer"], "/t/county/todo")
    followed = _html(clients["city"], _page("city", f"/requests/{request_id}"))
    assert f'data-tenant="{county}" data-standing="on_time"' in followed
    # Bad input: a deadline already past is refused and nothing is sent.
    _post(
        clients["city"],
        _page("city", "/requests"),
        {"topic": "过期", "deadline": "2026-01-01T08:00", "all_children": "1"},
    )
    assert "过期" not in _html(clients["city"], _page("city", "/requests"))


def test_a_quota_set_and_its_progress_for_parent_and_child(app, clients):
    county = _tenant_id(app, "county")
    quota = {
        "child_tenant_id": str(county),
        "year": "2026",
        "period": "quarter",
        "period_number": "1",
        "total": "2",
        "parts-0-category": "practice",
        "parts-0-minimum": "1",
    }
    _post(clients["city"], _page("city", "/quotas"), quota)
    _submitted(clients)
    for who, tenant in (("city", "city"), ("writer", "county")):
        page = _html(clients[who], _page(tenant, "/quotas"))
        assert f'data-tenant="{county}" data-percent="50"' in page, who
    assert f'data-tenant="{county}"' not in _html(clients["sibling"], _page("sibling", "/quotas"))
    assert 'id="quota-progress"' in _html(clients["writer"], "/t/county/")
    # Minimums beyond the total: refused, the quota stays as it was.
    _post(clients["city"], _page("city", "/quotas"), {**quota, "total": "0"})
    assert f'data-tenant="{county}" data-percent="50"' in _html(
        clients["city"], _page("city", "/quotas")
    )
    _html(clients["city"], _page("city", "/quotas?period=quarter&year=2026&number=5"), status=422)
