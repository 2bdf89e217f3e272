"""Every reporting page form is read through core.forms.load_form: bad input is answered
in Chinese, the values typed are kept, and nothing changes."""

from __future__ import annotations

from sqlalchemy import func, select

from plugins.reporting.models import ReportItem, Request, Submission
from plugins.reporting.scoring.models import Ranking
from tests.plugins.reporting.web import (
    FORM,
    flash_page,
    move,
    page_url,
    post,
    scalar,
    submission_of,
    submitted,
    tenant_of,
    write,
)
from tests.plugins.reporting.web import clients as clients  # noqa: F401 - the fixture

TOO_LONG = "长" * 2001


def test_the_item_form_keeps_what_was_typed_beside_its_errors(app, clients):
    before = scalar(app, select(func.count(ReportItem.id)))
    response = clients["writer"].post(
        page_url("county", "/items/new"),
        data={**FORM, "author_ids": ["abc"], "csrf_token": clients["writer"].token},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error-for="author_ids"' in page
    assert FORM["title"] in page and FORM["pen_name"] in page
    assert scalar(app, select(func.count(ReportItem.id))) == before


def test_a_move_with_too_long_a_comment_is_refused_and_changes_nothing(app, clients):
    item_id = write(clients)
    move(clients["writer"], "county", item_id, "send_for_approval", comment=TOO_LONG)
    page = flash_page(clients["writer"], page_url("county", f"/items/{item_id}"))
    assert "长度不能超过 2000" in page
    state = scalar(app, select(ReportItem.state).where(ReportItem.id == item_id))
    assert state == "draft"


def test_a_decision_with_too_long_a_comment_is_refused(app, clients):
    item_id = submitted(clients)
    submission_id = submission_of(clients, "city", item_id)
    before = scalar(app, select(Submission.state).where(Submission.id == submission_id))
    post(
        clients["city"],
        page_url("city", f"/submissions/{submission_id}/transitions/adopt"),
        {"comment": TOO_LONG},
    )
    after = scalar(app, select(Submission.state).where(Submission.id == submission_id))
    assert after == before


def test_an_entry_from_a_bad_item_id_goes_back_to_the_issue(clients):
    response = post(
        clients["city"],
        page_url("city", "/issues/999999/entries"),
        {"item_id": "99999999999999999999999"},
        status=404,
    )
    assert response.status_code == 404


def test_a_bad_quota_stays_on_the_period_shown_with_what_was_typed(app, clients):
    """Issue 13: the quota form named nothing and lost the values (a flash and a
    redirect); now the page of the period shown comes back with the field's error."""
    county = tenant_of(app, "county")
    response = post(
        clients["city"],
        page_url("city", "/quotas"),
        {
            "child_tenant_id": str(county),
            "year": "2026",
            "period": "quarter",
            "period_number": "2",
            "total": "many",
        },
        status=422,
    )
    page = response.get_data(as_text=True)
    assert "2026年第2季度" in page
    assert 'value="many"' in page and "任务总数：" in page


def test_a_bad_ranking_publication_keeps_the_period_and_publishes_nothing(app, clients):
    response = post(
        clients["city"],
        page_url("city", "/rankings"),
        {"period": "month", "year": "2026", "number": "13"},
    )
    location = response.headers["Location"]
    assert "number=13" in location and "period=month" in location
    assert scalar(app, select(func.count(Ranking.id))) == 0


def test_a_refused_commission_comes_back_as_typed(app, clients):
    """Issue 16: the 约稿 form flashed the refusal and redirected, losing what was typed;
    now the page comes back with the reason beside the field and every value kept."""
    before = scalar(app, select(func.count(Request.id)))
    typed = {
        "topic": "基层党建引领乡村振兴典型经验",
        "requirements": "1500字以内，附图片。",
        "deadline": "2026-03-09T18:00",
    }
    response = post(clients["city"], page_url("city", "/requests"), typed, status=422)
    page = response.get_data(as_text=True)
    assert 'data-error-for="child_tenant_ids"' in page and "请选择约稿的下级单位" in page
    assert f'value="{typed["topic"]}"' in page and typed["requirements"] in page
    assert f'value="{typed["deadline"]}"' in page
    assert scalar(app, select(func.count(Request.id))) == before
    county = tenant_of(app, "county")
    sent = post(
        clients["city"], page_url("city", "/requests"), {**typed, "child_tenant_ids": str(county)}
    )
    assert "/requests/" in sent.headers["Location"]
    assert scalar(app, select(func.count(Request.id))) == before + 1
