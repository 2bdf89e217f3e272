"""The supervision pages as a clerk uses them: the item form's choices (leaders for
责任领导, sections for 责任科室), the edit page, the action panel showing only the moves
possible now, messages that say what happened, the board by keyset, the history in
words and Beijing time, and the to-do list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import db
from core.orgs.models import OrgUnit
from plugins.supervision.models import SupervisionItem
from tests.core.web.conftest import in_tenant
from tests.factories import Factory, csrf_token, login

PAGES = "/t/county/supervision"


@pytest.fixture
def world(app, factory: Factory):
    factory.tenant("county", plugins=["supervision"])
    people = {
        "officer": factory.user("county", "officer", roles=["supervisor"], display_name="督查员"),
        "boss": factory.user("county", "boss", roles=["supervision_leader"], display_name="王部长"),
        "owner": factory.user("county", "owner", roles=["task_owner"], display_name="李科长"),
    }
    with in_tenant(app, "county"):
        section = OrgUnit(name="组织科", kind="section")
        branch = OrgUnit(name="东村党支部", kind="branch")
        db.session.add_all([section, branch])
        db.session.commit()
        units = {"section": section.id, "branch": branch.id}
    return {"people": people, "units": units}


def _options(html: str, name: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return [t.strip() for t in re.findall(r"<option[^>]*>([^<]*)</option>", select_html)]


def _post(client, path: str, data: dict):
    return client.post(path, data={"csrf_token": csrf_token(client, PAGES + "/"), **data})


def _create(client, world, **extra):
    people, units = world["people"], world["units"]
    data = {
        "title": "完成村级换届",
        "source": "meeting",
        "leader_user_id": str(people["boss"].user_id),
        "section_id": str(units["section"]),
        "person_user_id": str(people["owner"].user_id),
        "deadline": (clock.today() + timedelta(days=30)).isoformat(),
        "feedback_cycle": "weekly",
        "priority": "high",
        "assign": "1",
        **extra,
    }
    return _post(client, PAGES + "/items/new", data)


def test_the_form_offers_leaders_as_leaders_and_sections_as_sections(client, world):
    login(client, "officer")
    html = client.get(PAGES + "/items/new").get_data(as_text=True)
    assert _options(html, "leader_user_id") == ["—", "王部长"]
    assert _options(html, "section_id") == ["—", "组织科"]
    assert "李科长" in _options(html, "person_user_id")


def test_an_item_is_created_from_the_form_with_its_people_and_section(app, client, world):
    login(client, "officer")
    response = _create(client, world)
    assert response.status_code == 302, response.get_data(as_text=True)
    with in_tenant(app, "county"):
        item = db.session.scalars(select(SupervisionItem)).one()
        assert (item.leader_user_id, item.person_user_id, item.section_id) == (
            world["people"]["boss"].user_id,
            world["people"]["owner"].user_id,
            world["units"]["section"],
        )
        assert (item.state, item.priority, item.feedback_cycle) == ("assigned", "high", "weekly")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已立项" in page


def test_a_branch_is_refused_as_section_and_the_form_keeps_its_values(client, world):
    login(client, "officer")
    response = _create(client, world, section_id=str(world["units"]["branch"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-error-for="section_id"' in html and "东村党支部不是科室" in html
    assert 'value="完成村级换届"' in html
    assert re.search(r'<option value="\d+" selected>王部长</option>', html)


def test_the_edit_page_corrects_an_open_item(app, client, world):
    login(client, "officer")
    location = _create(client, world).headers["Location"]
    item_id = int(location.rstrip("/").split("/")[-1])
    edit = f"{PAGES}/items/{item_id}/edit"
    html = client.get(edit).get_data(as_text=True)
    assert 'value="完成村级换届"' in html
    assert 'name="person_user_id"' not in html  # assigned: the person stays
    response = _post(client, edit, {"title": "完成村级换届选举", "priority": "urgent"})
    assert response.status_code == 303
    assert "已保存对" in client.get(response.headers["Location"]).get_data(as_text=True)
    with in_tenant(app, "county"):
        item = db.session.get(SupervisionItem, item_id)
        assert (item.title, item.priority) == ("完成村级换届选举", "urgent")
    blank = _post(client, edit, {"title": "", "priority": "normal"})
    assert blank.status_code == 422  # the form shows the title: blank is refused
    assert 'data-error-for="title"' in blank.get_data(as_text=True)
    bad = _post(client, edit, {"title": "完成村级换届选举", "leader_user_id": "999999"})
    assert bad.status_code == 422
    assert 'data-error-for="leader_user_id"' in bad.get_data(as_text=True)
    with in_tenant(app, "county"):
        assert db.session.get(SupervisionItem, item_id).priority == "urgent"  # unchanged


def test_the_panel_shows_the_moves_of_now_and_says_what_happened(client, world):
    login(client, "officer")
    location = _create(client, world).headers["Location"]
    officer_page = client.get(location).get_data(as_text=True)
    assert 'data-action="accountability"' not in officer_page  # not overdue, not rated
    assert 'data-action="acknowledge"' not in officer_page  # the person's move
    client.post("/logout", data={"csrf_token": csrf_token(client, location)})
    login(client, "owner")
    page = client.get(location).get_data(as_text=True)
    assert 'data-action="acknowledge"' in page and 'data-action="verify"' not in page
    response = _post(client, location + "/transitions/acknowledge", {})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    deadline = (clock.today() + timedelta(days=30)).isoformat()
    assert f"已签收，期限 {deadline}" in page
    assert "操作已完成" not in page
    history = re.search(r'<table[^>]*id="history".*?</table>', page, re.S).group(0)
    assert "签收" in history and "已签收" in history and "李科长" in history
    assert not re.search(r"\b(acknowledge|acknowledged|assign)\b", history)
    # Beijing time: the row written now shows today's Shanghai date and hour.
    assert clock.now().strftime("%Y-%m-%d %H:") in history


def test_the_board_pages_by_keyset(app, client, world):
    from core.auth.users import system_actor
    from plugins.supervision.services import items

    with in_tenant(app, "county"):
        for n in range(60):
            items.open_item(
                {
                    "title": f"事项{n:02d}",
                    "source": "meeting",
                    "deadline": clock.today() + timedelta(days=10 + n),
                },
                system_actor(),
            )
        db.session.commit()
    login(client, "officer")
    first = client.get(PAGES + "/").get_data(as_text=True)
    assert first.count("data-item-id=") == 50
    assert 'data-count="green">60<' in first  # the counts cover every page
    cursor = re.search(r'id="next-page" href="[^"]*cursor=([^"&]+)', first).group(1)
    second = client.get(PAGES + "/", query_string={"cursor": cursor}).get_data(as_text=True)
    assert second.count("data-item-id=") == 10
    assert "事项59" in second and "事项00" not in second
    assert client.get(PAGES + "/", query_string={"cursor": "garbage"}).status_code == 400
