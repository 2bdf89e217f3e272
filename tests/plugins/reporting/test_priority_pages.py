"""信息要点 on the pages: the city keeps its priorities (add, edit, retire; a refused form
comes back as typed with the reason beside the field), the county ticks them on the item
form (a round trip through the edit form), the item page and the city's inbox show the
tags, and the inbox filters by one. A tag the county's ancestors do not offer is refused
with the reason, and nothing is saved."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from plugins.reporting.models import ItemTag, Priority, ReportItem
from tests.plugins.reporting.web import (
    FORM,
    html,
    move,
    page_url,
    post,
    scalar,
)
from tests.plugins.reporting.web import clients as clients  # noqa: F401 - the fixture


def _add(client, tenant: str, title: str, year: str = "2026") -> int:
    post(client, page_url(tenant, "/priorities"), {"title": title, "year": year})
    page = html(client, page_url(tenant, f"/priorities?year={year}"))
    found = re.search(rf'data-priority="(\d+)"[^>]*>\s*<td[^>]*><a [^>]*>{title}</a>', page)
    assert found, page
    return int(found.group(1))


def _new_item(client, data: dict, status: int = 303):
    return post(client, page_url("county", "/items/new"), {**FORM, **data}, status=status)


def test_the_city_adds_edits_and_retires_a_priority(app, clients):
    city = clients["city"]
    priority_id = _add(city, "city", "基层治理")
    url = page_url("city", f"/priorities/{priority_id}")
    post(city, url, {"title": "基层治理现代化", "year": "2026"})
    post(city, f"{url}/transitions/retire")
    page = html(city, url)
    assert "基层治理现代化" in page and "已停用" in page
    history = re.search(r'id="priority-history">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r"(新增信息要点|修改信息要点|停用)", history) == [
        "新增信息要点",
        "修改信息要点",
        "停用",
    ]
    assert scalar(app, select(Priority.is_active).where(Priority.id == priority_id)) is False


def test_a_refused_priority_comes_back_as_typed(app, clients):
    city = clients["city"]
    _add(city, "city", "基层治理")
    before = scalar(app, select(func.count(Priority.id)))
    response = post(
        city, page_url("city", "/priorities"), {"title": "基层治理", "year": "2026"}, status=422
    )
    page = response.get_data(as_text=True)
    assert "本年度已有同名的信息要点" in page and 'value="基层治理"' in page
    response = post(
        city, page_url("city", "/priorities"), {"title": "人才工作", "year": "1990"}, status=422
    )
    page = response.get_data(as_text=True)
    assert 'data-error-for="year"' in page and 'value="人才工作"' in page
    assert scalar(app, select(func.count(Priority.id))) == before


def test_the_county_ticks_the_parents_priority_and_the_city_sees_it(app, clients):
    wanted = _add(clients["city"], "city", "基层治理")
    other = _add(clients["city"], "city", "人才工作")
    writer = clients["writer"]
    form = html(writer, page_url("county", "/items/new"))
    assert f'name="priority_ids" value="{wanted}"' in form
    response = _new_item(writer, {"priority_ids": [str(wanted)], "priorities_shown": "1"})
    item_id = int(re.search(r"/items/(\d+)$", response.headers["Location"]).group(1))
    assert 'id="item-tags"' in html(writer, page_url("county", f"/items/{item_id}"))
    edit = html(writer, page_url("county", f"/items/{item_id}/edit"))
    assert re.search(rf'value="{wanted}" id="f-priority-{wanted}" checked', edit)
    move(writer, "county", item_id, "send_for_approval")
    move(clients["leader"], "county", item_id, "approve")
    inbox = html(clients["city"], page_url("city", "/inbox"))
    assert "基层治理</span>" in inbox
    tagged = html(clients["city"], page_url("city", f"/inbox?priority_id={wanted}"))
    assert f"/items/{item_id}" in tagged
    untagged = html(clients["city"], page_url("city", f"/inbox?priority_id={other}"))
    assert f"/items/{item_id}" not in untagged


def test_unticking_every_priority_clears_the_tags(app, clients):
    wanted = _add(clients["city"], "city", "基层治理")
    writer = clients["writer"]
    response = _new_item(writer, {"priority_ids": [str(wanted)], "priorities_shown": "1"})
    item_id = int(re.search(r"/items/(\d+)$", response.headers["Location"]).group(1))
    post(writer, page_url("county", f"/items/{item_id}/edit"), {**FORM, "priorities_shown": "1"})
    assert scalar(app, select(func.count(ItemTag.id)).where(ItemTag.item_id == item_id)) == 0


def test_a_siblings_priority_is_refused_and_nothing_is_saved(app, clients):
    foreign = _add(clients["sibling"], "sibling", "兄弟县的要点")
    before = scalar(app, select(func.count(ReportItem.id)))
    response = _new_item(
        clients["writer"], {"priority_ids": [str(foreign)], "priorities_shown": "1"}, status=422
    )
    page = response.get_data(as_text=True)
    assert "所选信息要点不是上级单位本年度在用的信息要点" in page
    assert FORM["title"] in page
    assert scalar(app, select(func.count(ReportItem.id))) == before
    assert scalar(app, select(func.count(ItemTag.id))) == 0
