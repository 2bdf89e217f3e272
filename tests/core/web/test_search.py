"""The shell's search box: hits from core and the enabled plugins, grouped by plugin,
and never a record the user could not open (another tenant's, a plugin they may not
use, a disabled plugin's, a petitioner's name)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import clock
from core.db import db
from core.orgs.models import Member, OrgUnit
from core.search import contains
from plugins.petitions.models import Petition
from tests.core.web.conftest import in_tenant
from tests.factories import Factory, login


@pytest.fixture
def world(app, factory: Factory):
    factory.tenant("a", plugins=["supervision", "petitions"])
    factory.tenant("b", plugins=["supervision"])
    factory.user("a", "boss", roles=["admin", "supervisor", "petition_leader"])
    factory.user("a", "reader", roles=["staff"])  # members only: no plugin
    factory.user("b", "other", roles=["admin", "supervisor"])
    for slug, title in (("a", "乡村振兴驻村工作"), ("b", "乡村振兴示范点")):
        with in_tenant(app, slug):
            db.session.add(OrgUnit(name="振兴村党支部", kind="branch"))
            db.session.add(Member(name="张振兴", gender="male"))
            _item(title)
            db.session.commit()
    with in_tenant(app, "a"):
        _petition("反映振兴路修路问题", "report")
        db.session.commit()


def _item(title: str) -> None:
    from core.auth.users import system_actor
    from plugins.supervision.services import items

    items.open_item(
        {"title": title, "source": "meeting", "deadline": clock.today() + timedelta(days=9)},
        system_actor(),
    )


def _petition(summary: str, kind: str) -> None:
    from core.auth.users import Actor
    from plugins.petitions.services.registration import register

    register(
        {"received_on": date(2026, 1, 5), "channel": "letter", "kind": kind, "summary": summary},
        [{"name": "王检举"}],
        [],
        Actor(user=None, permissions=frozenset({"petitions.register"})),
    )


def _groups(client, query: str) -> str:
    response = client.get("/t/a/search", query_string={"q": query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_hits_come_grouped_by_plugin_from_this_tenant_only(client, world):
    login(client, "boss")
    html = _groups(client, "振兴")
    assert 'data-plugin="core"' in html and 'data-plugin="supervision"' in html
    assert 'data-plugin="petitions"' in html
    assert "张振兴" in html and "振兴村党支部" in html
    assert "乡村振兴驻村工作" in html
    assert "乡村振兴示范点" not in html  # tenant b's item
    assert html.index('data-plugin="core"') < html.index('data-plugin="supervision"')


def test_a_user_without_the_plugins_permission_gets_none_of_its_records(client, world):
    login(client, "reader")
    html = _groups(client, "振兴")
    assert "张振兴" in html
    assert 'data-plugin="supervision"' not in html and "乡村振兴" not in html
    assert 'data-plugin="petitions"' not in html


def test_a_petition_is_found_by_its_summary_never_by_a_name(client, world, app):
    login(client, "boss")
    assert "反映振兴路修路问题" in _groups(client, "修路")
    assert "反映振兴路修路问题" not in _groups(client, "王检举")  # a reporter's name
    with in_tenant(app, "a"):
        petition = db.session.query(Petition).one()
        serial = petition.serial
    assert "反映振兴路修路问题" in _groups(client, serial)


def test_wildcards_match_literally_and_a_bad_query_is_refused(client, world):
    login(client, "boss")
    assert "乡村振兴" not in _groups(client, "%")
    assert "乡村振兴" not in _groups(client, "_")
    assert contains("a%b_c") == "%a\\%b\\_c%"
    response = client.get("/t/a/search", query_string={"q": "长" * 101})
    assert response.status_code == 400
    assert "搜索内容" in response.get_data(as_text=True)
    assert client.get("/t/a/search").status_code == 200  # the empty box: no error


def test_another_tenants_search_page_is_not_found(client, world):
    login(client, "boss")
    assert client.get("/t/b/search", query_string={"q": "振兴"}).status_code == 404
