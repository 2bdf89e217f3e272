"""The upper level's pages: the ranking and its publication (each child's own rank), an
issue composed, edited, published and read below, a 约稿 sent, answered and followed per
child, and a quota's progress for the parent and the child."""

from __future__ import annotations

import re
from datetime import timedelta

from core import clock
from tests.plugins.reporting.web import (
    FORM,
    adopted,
    html,
    move,
    page_url,
    post,
    submitted,
    tenant_of,
)
from tests.plugins.reporting.web import clients as clients  # noqa: F401 - the fixture


def test_the_ranking_its_publication_and_each_childs_own_rank(clients):
    adopted(clients)
    live = html(clients["city"], page_url("city", "/ranking?period=month&year=2026&number=3"))
    row = re.search(
        r'<tr data-tenant="\d+"><td>1</td><td>county单位</td>.*?data-score>(\d+)<', live
    )
    assert row and int(row.group(1)) > 0
    assert "built-in method" not in live  # an author row's 信息数, not dict.items
    assert 'id="ranking-data"' in live and '"monthly"' in live and "county单位" in live
    html(clients["city"], page_url("city", "/ranking?period=month&year=2026&number=13"), status=422)
    html(clients["writer"], page_url("county", "/ranking"), status=403)
    assert 'data-count="rank"' not in html(clients["writer"], "/t/county/")

    post(
        clients["city"],
        page_url("city", "/rankings"),
        {"period": "month", "year": "2026", "number": "3"},
    )
    listing = html(clients["writer"], page_url("county", "/rankings"))
    ranking_id = int(re.search(r'data-ranking="(\d+)"', listing).group(1))
    detail = html(clients["writer"], page_url("county", f"/rankings/{ranking_id}"))
    assert 'id="my-score"' in detail and re.search(r"data-rank>1<", detail)
    assert re.search(r'data-count="rank">1<', html(clients["writer"], "/t/county/"))
    xlsx = clients["writer"].get(page_url("county", f"/rankings/{ranking_id}/xlsx"))
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    # Published once per period; another tenant tree never sees it.
    post(
        clients["city"],
        page_url("city", "/rankings"),
        {"period": "month", "year": "2026", "number": "3"},
    )
    assert (
        clients["province"].get(page_url("province", f"/rankings/{ranking_id}")).status_code == 404
    )


def test_an_issue_composed_edited_published_and_read_below(clients):
    item_id = adopted(clients)
    city = clients["city"]
    post(city, page_url("city", "/bulletins"), {"title": "示范组工信息"})
    issues = html(city, page_url("city", "/issues"))
    bulletin_id = int(re.search(r"/bulletins/(\d+)/issues", issues).group(1))
    response = post(city, page_url("city", f"/bulletins/{bulletin_id}/issues"))
    issue_url = response.headers["Location"]
    issue_id = int(issue_url.rsplit("/", 1)[1])
    assert clients["writer"].get(page_url("county", f"/issues/{issue_id}")).status_code == 404

    item_page = html(city, page_url("city", f"/items/{item_id}"))
    assert 'id="into-issue"' in item_page and "《示范组工信息》2026年第1期" in item_page
    submission_id = int(re.search(r'name="submission_id" value="(\d+)"', item_page).group(1))
    post(
        city,
        page_url("city", f"/issues/{issue_id}/entries"),
        {"submission_id": submission_id, "item_id": item_id},
    )
    page = html(city, page_url("city", f"/issues/{issue_id}"))
    entry_id = int(re.search(r'data-entry="(\d+)"', page).group(1))
    post(
        city,
        page_url("city", f"/issues/{issue_id}/entries/{entry_id}"),
        {
            "position": "1",
            "edited_title": "积分制管理激发党员活力",
            "editor_note": "此做法值得借鉴。",
            "edited_body": FORM["body"],
        },
    )
    post(city, page_url("city", f"/issues/{issue_id}/transitions/publish"))

    for who, tenant in (("writer", "county"), ("sibling", "sibling")):
        listing = html(clients[who], page_url(tenant, "/issues"))
        assert f'data-issue="{issue_id}" data-state="published"' in listing
        page = html(clients[who], page_url(tenant, f"/issues/{issue_id}"))
        assert "积分制管理激发党员活力" in page and "此做法值得借鉴。" in page
    printed = html(clients["writer"], page_url("county", f"/issues/{issue_id}/print"))
    assert "zg-print-masthead" in printed and 'id="main-nav"' not in printed
    assert clients["province"].get(page_url("province", f"/issues/{issue_id}")).status_code == 404
    chain = html(clients["writer"], page_url("county", f"/items/{item_id}"))
    assert "《示范组工信息》2026年第1期" in chain
    # The submitted text is untouched by the editing.
    assert "我县推行党员积分制管理" in chain
    # A published issue no longer changes.
    post(city, page_url("city", f"/issues/{issue_id}/entries/{entry_id}/remove"))
    assert "积分制管理激发党员活力" in html(city, page_url("city", f"/issues/{issue_id}"))


def test_a_request_sent_answered_and_followed_per_child(app, clients):
    deadline = (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    county = tenant_of(app, "county")
    response = post(
        clients["city"],
        page_url("city", "/requests"),
        {"topic": "基层治理经验", "deadline": deadline, "child_tenant_ids": str(county)},
    )
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert clients["sibling"].get(page_url("sibling", f"/requests/{request_id}")).status_code == 404
    todo = html(clients["writer"], "/t/county/todo")
    assert f"/reporting/requests/{request_id}" in todo and "约稿待报" in todo
    page = html(clients["writer"], page_url("county", f"/requests/{request_id}"))
    assert 'data-standing="pending"' in page and 'id="answer-request"' in page
    form = html(
        clients["writer"],
        page_url("county", f"/items/new?request_id={request_id}&category=commissioned"),
    )
    assert f'<option value="{request_id}" selected>' in form

    answer = {**FORM, "category": "commissioned", "request_id": str(request_id)}
    response = post(clients["writer"], page_url("county", "/items/new"), answer)
    item_id = int(response.headers["Location"].rsplit("/", 1)[1])
    move(clients["writer"], "county", item_id, "send_for_approval")
    move(clients["leader"], "county", item_id, "approve")
    assert f"/reporting/requests/{request_id}" not in html(clients["writer"], "/t/county/todo")
    followed = html(clients["city"], page_url("city", f"/requests/{request_id}"))
    assert f'data-tenant="{county}" data-standing="on_time"' in followed
    # Bad input: a deadline already past is refused (the form comes back as typed, with
    # the reason) and nothing is sent.
    refused = post(
        clients["city"],
        page_url("city", "/requests"),
        {"topic": "过期", "deadline": "2026-01-01T08:00", "all_children": "1"},
        status=422,
    )
    assert "截止时间须晚于现在" in refused.get_data(as_text=True)
    assert "过期" not in html(clients["city"], page_url("city", "/requests"))


def test_a_quota_set_and_its_progress_for_parent_and_child(app, clients):
    county = tenant_of(app, "county")
    quota = {
        "child_tenant_id": str(county),
        "year": "2026",
        "period": "quarter",
        "period_number": "1",
        "total": "2",
        "parts-0-category": "practice",
        "parts-0-minimum": "1",
    }
    post(clients["city"], page_url("city", "/quotas"), quota)
    submitted(clients)
    for who, tenant in (("city", "city"), ("writer", "county")):
        page = html(clients[who], page_url(tenant, "/quotas"))
        assert f'data-tenant="{county}" data-percent="50"' in page, who
    assert f'data-tenant="{county}"' not in html(clients["sibling"], page_url("sibling", "/quotas"))
    assert 'id="quota-progress"' in html(clients["writer"], "/t/county/")
    # Minimums beyond the total: refused with the form as typed, the quota as it was.
    post(clients["city"], page_url("city", "/quotas"), {**quota, "total": "0"}, status=422)
    assert f'data-tenant="{county}" data-percent="50"' in html(
        clients["city"], page_url("city", "/quotas")
    )
    html(clients["city"], page_url("city", "/quotas?period=quarter&year=2026&number=5"), status=422)
