"""Issue 12 in supervision: due dates through core.calendar.period_end keep their
estimated mark (stored, on the page, the board, the API and the to-do list, with the
link to the holiday page); the report reminder shows the report's own due date; the
accountability measures are the 问责条例 (2019) terms.

Each fails on main before issue 12: the acknowledgement due date over 2027-01-01 (a year
without data) was stored as a plain date with no mark, the to-do list showed the item's
final deadline for every reminder, and the kinds were 通报批评/诫勉谈话.
"""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest

from plugins.supervision.models import ACCOUNTABILITY_KINDS
from plugins.supervision.services.moves import next_report_due
from tests.factories import bearer, csrf_token, login

API = "/api/v1/t/county/supervision"
PAGES = "/t/county/supervision"
#: What an estimated due date carries (the link to the holiday page is the operators' only).
ESTIMATED = "yes"


@pytest.fixture
def people(app, factory):
    factory.tenant("county", plugins=["supervision"])
    officer = factory.user("county", "officer", roles=["admin", "supervisor"])
    owner = factory.user("county", "owner", roles=["task_owner"])
    return {
        "officer": officer,
        "owner": owner,
        "officer_token": bearer(factory.token(officer)),
        "owner_token": bearer(factory.token(owner)),
    }


def _item(client, people, deadline: str, **extra) -> dict:
    body = {
        "title": "完成换届",
        "source": "meeting",
        "deadline": deadline,
        "assign": True,
        "person_user_id": people["owner"].user_id,
        "leader_user_id": people["officer"].user_id,
        **extra,
    }
    response = client.post(f"{API}/items", json=body, headers=people["officer_token"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


MARK = "//span[contains(@class, 'zg-estimated')]"


def _marks(html: str, element_id: str | None = None) -> list[str]:
    """The links of the estimated marks inside the element ``element_id`` (or anywhere)."""
    tree = lxml.html.fromstring(html)
    scope = f"//*[@id='{element_id}']" if element_id else ""
    assert not tree.xpath("//a[@href='/platform/calendar']")  # a tenant's user: no link
    return [mark.get("data-estimated") for mark in tree.xpath(scope + MARK)]


def _todo_row(client, text: str) -> str:
    page = lxml.html.fromstring(client.get("/t/county/todo").get_data(as_text=True))
    all_rows = page.xpath("//table[@id='todo-table']/tbody/tr")
    rows = [r for r in all_rows if text in r.text_content()]
    assert len(rows) == 1, [r.text_content() for r in all_rows]
    return lxml.html.tostring(rows[0], encoding="unicode")


def test_an_acknowledgement_due_over_new_year_2027_is_marked_everywhere(client, people, set_today):
    set_today(date(2026, 12, 30))  # Wednesday; 2027 has no holiday data
    item = _item(client, people, "2027-02-26")
    # Two working days: 12-31, then 2027-01-01 counted as a working day (estimated).
    assert (item["acknowledge_due"], item["acknowledge_due_estimated"]) == ("2027-01-01", True)
    assert item["deadline_estimated"] is False  # typed by a person, not computed
    listed = client.get(f"{API}/items", headers=people["officer_token"]).get_json()["items"]
    assert [i["acknowledge_due_estimated"] for i in listed] == [True]
    login(client, "officer")
    page = client.get(f"{PAGES}/items/{item['id']}").get_data(as_text=True)
    assert _marks(page, "item-acknowledge-due") == [ESTIMATED]
    assert _marks(page, "item-deadline") == []
    login(client, "owner")
    row = _todo_row(client, "签收提醒")
    assert "2027-01-01" in row and "2027-02-26" not in row
    assert _marks(row) == [ESTIMATED]


def test_an_acknowledgement_within_2026_data_is_not_marked(client, people, set_today):
    set_today(date(2026, 2, 12))  # Thursday before the Spring Festival break (02-15 to 02-23)
    item = _item(client, people, "2026-04-30")
    # 02-13 (Fri), then Saturday 02-14, a make-up working day.
    assert (item["acknowledge_due"], item["acknowledge_due_estimated"]) == ("2026-02-14", False)
    login(client, "officer")
    page = client.get(f"{PAGES}/items/{item['id']}").get_data(as_text=True)
    assert _marks(page, "item-acknowledge-due") == []


@pytest.mark.usefixtures("app_context")
def test_weekly_and_monthly_reports_fall_due_on_a_working_day():
    # A week after Thursday 2026-09-24 is 10-01 (National Day): due 10-08.
    assert next_report_due(date(2026, 9, 24), "weekly").date == date(2026, 10, 8)
    # A month after 2026-01-31 is Saturday 02-28, a make-up working day: not moved.
    assert next_report_due(date(2026, 1, 31), "monthly").date == date(2026, 2, 28)
    assert next_report_due(date(2026, 12, 20), "monthly").estimated is True
    assert next_report_due(date(2026, 1, 31), "once") is None


def test_the_report_reminder_shows_the_reports_own_due_date(client, people, set_today):
    set_today(date(2026, 3, 2))  # Monday
    item = _item(client, people, "2026-06-30", feedback_cycle="weekly")
    login(client, "owner")
    csrf = csrf_token(client, "/t/county/")
    client.post(f"{PAGES}/items/{item['id']}/transitions/acknowledge", data={"csrf_token": csrf})
    got = client.get(f"{API}/items/{item['id']}", headers=people["officer_token"]).get_json()
    assert (got["report_due"], got["report_due_estimated"]) == ("2026-03-09", False)
    set_today(date(2026, 3, 11))
    assert client.post(f"{API}/scan", headers=people["officer_token"]).status_code == 200
    reminders = client.get(f"{API}/reminders", headers=people["owner_token"]).get_json()
    assert [(r["kind"], r["due"]) for r in reminders if r["kind"] == "report"] == [
        ("report", "2026-03-09")
    ]
    row = _todo_row(client, "进展反馈提醒")
    assert "2026-03-09" in row and "2026-06-30" not in row


def test_accountability_measures_are_the_2019_regulation_terms(client, people, set_today):
    titles = {str(t) for t in ACCOUNTABILITY_KINDS.values()}
    assert {"通报", "诫勉", "组织调整或者组织处理", "纪律处分"} <= titles
    assert not titles & {"通报批评", "诫勉谈话"}
    set_today(date(2026, 3, 2))
    item = _item(client, people, "2026-03-05")
    set_today(date(2026, 3, 10))  # overdue, so accountability may be recorded
    url = f"{API}/items/{item['id']}/accountability"
    old = {"kind": "criticism", "subject": "组织科", "reason": "逾期"}
    assert client.post(url, json=old, headers=people["officer_token"]).status_code == 422
    new = {**old, "kind": "admonition"}
    assert client.post(url, json=new, headers=people["officer_token"]).status_code == 201
    login(client, "officer")
    page = client.get(f"{PAGES}/items/{item['id']}").get_data(as_text=True)
    assert "诫勉" in page and "诫勉谈话" not in page
