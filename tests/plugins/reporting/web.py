"""The reporting pages' shared test world: a province, a city, a county and its sibling,
a logged-in client per person, and helpers that post the forms as a browser would."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import cross_tenant_scope
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


def page_url(tenant: str, path: str = "/") -> str:
    return f"/t/{tenant}/reporting{path}"


def post(client, url: str, data: dict | None = None, status: int = 303):
    response = client.post(url, data={**(data or {}), "csrf_token": client.token})
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response


def html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def flash_page(client, url: str) -> str:
    """The page after a redirect, where the flashed outcome shows."""
    return html(client, url)


def move(client, tenant: str, item_id: int, name: str, **data):
    post(client, page_url(tenant, f"/items/{item_id}/transitions/{name}"), data)


def write(clients) -> int:
    response = post(clients["writer"], page_url("county", "/items/new"), FORM)
    return int(re.search(r"/items/(\d+)$", response.headers["Location"]).group(1))


def submitted(clients) -> int:
    item_id = write(clients)
    move(clients["writer"], "county", item_id, "send_for_approval")
    move(clients["leader"], "county", item_id, "approve")
    return item_id


def submission_of(clients, tenant: str, item_id: int) -> int:
    page = html(clients[tenant], page_url(tenant, f"/items/{item_id}"))
    return int(re.search(r"/submissions/(\d+)/transitions/adopt", page).group(1))


def scalar(app, statement):
    """One value read across every tenant (what the test checks, not what a user sees)."""
    with app.app_context(), cross_tenant_scope("test: look"):
        return db.session.scalar(statement)


def adopted(clients) -> int:
    item_id = submitted(clients)
    submission_id = submission_of(clients, "city", item_id)
    post(clients["city"], page_url("city", f"/submissions/{submission_id}/transitions/adopt"))
    return item_id


def tenant_of(app, slug: str) -> int:
    return scalar(app, select(Tenant.id).where(Tenant.slug == slug))
