"""A reporting tree: a province, a city under it, a county and its sibling under the city,
and a cousin under another city; people in their roles; a settable clock; helpers that
act as a tenant and bring an item to a state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest

from core import clock
from core.auth.models import User
from core.auth.users import Actor
from core.db import db
from core.tenancy.scope import granted_scope, tenant_scope
from plugins.reporting import services
from plugins.reporting.models import ReportItem
from plugins.reporting.permissions import ADOPT, APPROVE, RANK, WRITE

PLUGINS = ["reporting"]
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=clock.TZ)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    clock.freeze(NOW)
    yield
    clock.freeze(None)
    clock.set_offset(timedelta(0))


@pytest.fixture
def tree(app_context, factory) -> dict[str, int]:
    ids = {"province": factory.tenant("province", kind="province_org_dept", plugins=PLUGINS)}
    ids["city"] = factory.tenant("city", parent="province", kind="city_org_dept", plugins=PLUGINS)
    ids["county"] = factory.tenant("county", parent="city", plugins=PLUGINS)
    ids["sibling"] = factory.tenant("sibling", parent="city", plugins=PLUGINS)
    ids["other_city"] = factory.tenant(
        "other_city", parent="province", kind="city_org_dept", plugins=PLUGINS
    )
    ids["cousin"] = factory.tenant("cousin", parent="other_city", plugins=PLUGINS)
    return ids


@pytest.fixture
def people(tree, factory) -> dict[str, Actor]:
    """信息员 and 分管领导 of the county, the city's and the province's 信息科 editors."""
    plan = {
        "writer": ("county", {WRITE}),
        "leader": ("county", {WRITE, APPROVE}),
        "city_editor": ("city", {WRITE, APPROVE, ADOPT, RANK}),
        "province_editor": ("province", {WRITE, APPROVE, ADOPT, RANK}),
        "sibling_editor": ("sibling", {WRITE, APPROVE, ADOPT, RANK}),
    }
    actors = {}
    for name, (slug, permissions) in plan.items():
        person = factory.user(slug, name, roles=(), display_name=name)
        actors[name] = Actor(
            user=db.session.get(User, person.user_id), permissions=frozenset(permissions)
        )
    return actors


@pytest.fixture
def as_tenant(tree) -> Callable[..., object]:
    """``with as_tenant("city"):`` — that tenant in scope, reading what was granted to it."""

    @contextmanager
    def enter(slug: str, *, grants: bool = True) -> Iterator[None]:
        with tenant_scope(tree[slug]):
            if not grants:
                yield
                return
            with granted_scope(f"test: {slug} reads what was granted"):
                yield

    return enter


ITEM = {
    "title": "县委组织部推行“党员积分制”管理",
    "body": "今年以来，我县在全县推行党员积分制管理。\n\n积分结果与评先评优挂钩。",
    "category": "practice",
    "doc_type": "brief",
    "pen_name": "张三",
    "pen_phone": "13800000000",
}


@pytest.fixture
def new_item(people, as_tenant) -> Callable[..., ReportItem]:
    def make(**overrides) -> ReportItem:
        with as_tenant("county", grants=False):
            item = services.create_item({**ITEM, **overrides}, people["writer"])
            db.session.flush()
        return item

    return make


@pytest.fixture
def submitted(new_item, people, as_tenant) -> Callable[..., ReportItem]:
    """An item written, approved by the county's leader and submitted to the city."""

    def make(**overrides) -> ReportItem:
        item = new_item(**overrides)
        with as_tenant("county", grants=False):
            services.move_item(item, "send_for_approval", people["writer"])
            services.move_item(item, "approve", people["leader"])
            db.session.flush()
        return item

    return make
