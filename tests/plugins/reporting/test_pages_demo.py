"""The demo as the README's logins find it: the province above the city, reporting on
every level, an item in every state, one forwarded and instructed above, a published
issue, a 约稿 with one missing answer, a late incident, a published ranking; and every
reporting page of each demo tenant answers 200 to its own people and 404 to another
tree's."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.banner import demo_logins
from core.db import db
from core.demo import TENANTS_DIR, first_start
from core.tenancy.models import Tenant
from core.tenancy.scope import cross_tenant_scope
from plugins.reporting.models import Instruction, Issue, ReportItem, Request, Submission
from plugins.reporting.scoring.models import Ranking
from plugins.reporting.workflow import ITEM_STATES
from tests.factories import csrf_token, login

PASSWORD = "zugong-demo-1"
PAGES = {
    "info_b": (
        "demo-county-b",
        ["/", "/items/new", "/incidents", "/issues", "/requests", "/quotas", "/rankings"],
    ),
    "city_editor": (
        "demo-city",
        ["/inbox", "/ranking", "/issues", "/requests", "/quotas", "/incidents", "/rankings"],
    ),
    "province_editor": ("demo-province", ["/inbox", "/ranking", "/issues", "/quotas"]),
}


@pytest.fixture
def demo(app):
    with app.app_context():
        lines = first_start(app)
    return lines


def _count(app, model, *where) -> int:
    with app.app_context(), cross_tenant_scope("test: the demo's records"):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.embedded  # `make run`'s first start, proven on SQLite too
def test_the_demo_tells_the_whole_story(app, demo):
    # The start banner lists the demo logins (core.banner), the province's editor among them.
    with app.app_context():
        assert any("province_editor" in line for line in demo_logins(TENANTS_DIR))
    with app.app_context():
        city = db.session.scalar(select(Tenant).where(Tenant.slug == "demo-city"))
        assert city.parent.slug == "demo-province"
    for state in ITEM_STATES:
        assert _count(app, ReportItem, ReportItem.state == state) > 0, state
    assert _count(app, Submission, Submission.level == 2, Submission.state == "adopted") > 0
    assert _count(app, Instruction, Instruction.leader_level == "province") > 0
    assert _count(app, Issue, Issue.state == "published") > 0
    assert _count(app, ReportItem, ReportItem.is_late) > 0
    assert _count(app, Ranking) > 0
    assert _count(app, Request) > 0


def _client(app, username: str):
    client = app.test_client()
    assert login(client, username, PASSWORD).status_code == 302
    return client


def test_every_reporting_page_answers_its_people_and_404s_another_tree(app, demo):
    for username, (slug, paths) in PAGES.items():
        client = _client(app, username)
        for path in paths:
            response = client.get(f"/t/{slug}/reporting{path}")
            assert response.status_code == 200, (username, path)
    city = _client(app, "city_editor")
    standing = city.get("/t/demo-city/reporting/requests").get_data(as_text=True)
    request_id = re.search(r'id="sent-requests".*?data-request="(\d+)"', standing, re.S).group(1)
    answers = city.get(f"/t/demo-city/reporting/requests/{request_id}").get_data(as_text=True)
    assert 'data-standing="on_time"' in answers and 'data-standing="missing"' in answers
    ranking = city.get("/t/demo-city/reporting/ranking").get_data(as_text=True)
    assert re.search(r"<td>1</td><td>示范[AB]县委组织部</td>", ranking)

    county = _client(app, "info_b")
    mine = county.get("/t/demo-county-b/reporting/").get_data(as_text=True)
    ids = re.findall(r'data-item="(\d+)"', mine)
    item_pages = [f"/t/demo-county-b/reporting/items/{i}" for i in ids]
    chains = "".join(county.get(url).get_data(as_text=True) for url in item_pages)
    assert "王省长" in chains and "《示范组工信息》" in chains
    # Another tree: county A's writer on county B's items, in its own tenant's URLs.
    other = _client(app, "info_a")
    csrf_token(other, "/t/demo-county-a/")
    for item_id in ids:
        assert other.get(f"/t/demo-county-a/reporting/items/{item_id}").status_code == 404
        assert other.get(f"/t/demo-county-b/reporting/items/{item_id}").status_code == 404
