"""Issue 12 in petitions: every stored due date keeps its estimated mark (API, detail
page, to-do, with the link to the holiday page), the 复查/复核 request windows follow the
period-end rule, and the upper body's case shows its answer deadline from the start.

Each fails on main: the due dates were plain dates (no ``*_estimated``), and a window
whose 30th day fell in the National Day break closed on that holiday.
"""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest

from core.workflow import IllegalTransition
from plugins.petitions.workflow import PETITION_FLOW as FLOW
from tests.plugins.petitions.test_workflow import _closed
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture

MARK = "//span[contains(@class, 'zg-estimated')]/@data-estimated"
#: The mark links to the holiday page only for the platform's operators (for a clerk the
#: page is a 404: the crawler found that link failing for every tenant login).
CALENDAR_LINK = "//a[@href='/platform/calendar']"


def test_an_acceptance_due_in_a_year_without_data_is_marked(world, set_today):
    set_today(date(2026, 12, 28))
    created = world.register(received_on="2026-12-28")
    got = world.call("clerk", "GET", f"/{created['id']}").get_json()
    # 15 days after 12-28 is 2027-01-12: 2027 has no holiday data.
    assert (got["accept_due"], got["accept_due_estimated"]) == ("2027-01-12", True)
    assert got["current_due_estimated"] is True
    world.login("clerk")
    page = world.page(f"/{created['id']}").get_data(as_text=True)
    deadlines = lxml.html.fromstring(page).xpath("//*[@id='deadlines']" + MARK)
    assert deadlines == ["yes"]
    assert lxml.html.fromstring(page).xpath(CALENDAR_LINK) == []
    listing = world.page("").get_data(as_text=True)
    assert lxml.html.fromstring(listing).xpath(MARK) == ["yes"]


def test_an_acceptance_due_within_2026_is_not_marked(world, set_today):
    set_today(date(2026, 9, 16))
    created = world.register(received_on="2026-09-16")
    got = world.call("clerk", "GET", f"/{created['id']}").get_json()
    assert (got["accept_due"], got["accept_due_estimated"]) == ("2026-10-08", False)


@pytest.fixture
def _reply_on_sept_1(set_today):
    set_today(date(2026, 9, 1))


@pytest.mark.usefixtures("_reply_on_sept_1")
def test_the_review_window_ending_on_national_day_runs_to_the_next_working_day(
    new_petition, clerk, leader, users, set_today
):
    petition = _closed(new_petition(date(2026, 9, 1)), clerk, leader, users)
    assert petition.replied_on == date(2026, 9, 1)
    # 30 days after 09-01 is 10-01, the first day of the break (to 10-07).
    set_today(date(2026, 10, 9))
    with pytest.raises(IllegalTransition, match="不能申请复查"):
        FLOW.fire(petition, "request_review", clerk)
    set_today(date(2026, 10, 8))
    FLOW.fire(petition, "request_review", clerk)
    assert petition.review_due == date(2026, 11, 9)  # 11-07 is a Saturday
    assert petition.review_due_estimated is False


@pytest.mark.parametrize("typed", ["137 0000 2222", "137-0000-2222", "+86 13700002222"])
def test_a_phone_written_another_way_is_the_same_petitioner(new_petition, set_today, typed):
    set_today(date(2026, 9, 16))
    first = new_petition(date(2026, 9, 1), petitioners=[{"name": "王某", "phone": "13700002222"}])
    again = new_petition(date(2026, 9, 16), petitioners=[{"name": "王某", "phone": typed}])
    assert again.repeat_of_id == first.id
    assert again.petitioners[0].phone == typed  # what was typed is kept
    assert again.petitioners[0].phone_normalized == "13700002222"


def test_a_masked_phone_shows_no_digit(new_petition):
    petition = new_petition(petitioners=[{"name": "王某", "phone": "138 5678 5678"}])
    masked = petition.petitioners[0].masked_phone
    assert masked and not any(c.isdigit() for c in masked)


def test_the_periodic_review_of_long_term_petitioners_is_not_called_fuhe(world):
    world.login("leader")
    page = world.page("/longterm").get_data(as_text=True)
    assert "定期研判" in page
    assert "复核" not in page


def test_notices_quote_the_summary_without_doubled_words():
    from plugins.petitions.documents.notices import notice_summary

    assert notice_summary("反映离休干部待遇未落实问题") == "离休干部待遇未落实"
    assert notice_summary("反映：村务不公开的问题") == "村务不公开"
    assert notice_summary("道路维修") == "道路维修"
    assert notice_summary("问题") == "问题"


def test_the_acceptance_notice_names_60_days_when_day_60_is_a_rest_day(
    new_petition, clerk, set_today
):
    from core.db import db
    from core.tenancy.models import Tenant
    from plugins.petitions.documents.notices import ACCEPTANCE, context

    set_today(date(2026, 9, 16))
    petition = new_petition(date(2026, 9, 16))
    FLOW.fire(petition, "accept", clerk)
    # 60 days after 09-16 is Sunday 11-15: the period ends Monday 11-16 (61 days).
    assert petition.close_due == date(2026, 11, 16)
    values = context(petition, db.session.get(Tenant, petition.tenant_id), ACCEPTANCE)
    assert values["close_days"] == "60"
