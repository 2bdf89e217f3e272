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

MARK = "//span[contains(@class, 'zg-estimated')]/a/@href"


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
    assert deadlines == ["/platform/calendar"]
    listing = world.page("").get_data(as_text=True)
    assert lxml.html.fromstring(listing).xpath(MARK) == ["/platform/calendar"]


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
