"""Navigation: plugins declare each item's permission, and core shows a user only the
items whose permission they hold, in order (no plugin filters its own items)."""

from __future__ import annotations

from types import SimpleNamespace

from core.plugins.types import NavItem
from core.web import context

ITEMS = [
    NavItem("统计", "stats.page", order=22, permission="petitions.statistics"),
    NavItem("信访件", "petitions.index", order=20, permission="petitions.view"),
    NavItem("工作台", "web.dashboard", order=0),
]


def _nav(monkeypatch, held: set[str]) -> list[str]:
    hooks = SimpleNamespace(zugong_nav_items=lambda tenant, actor: [ITEMS[:2], ITEMS[2:]])
    monkeypatch.setattr(context, "hook_for", lambda tenant: hooks)
    actor = SimpleNamespace(can=lambda key: key in held)
    return [item.endpoint for item in context.nav_items("tenant", actor)]


def test_items_without_a_permission_show_to_everyone(monkeypatch):
    assert _nav(monkeypatch, set()) == ["web.dashboard"]


def test_items_show_to_users_holding_their_permission_in_order(monkeypatch):
    assert _nav(monkeypatch, {"petitions.view"}) == ["web.dashboard", "petitions.index"]
    assert _nav(monkeypatch, {"petitions.view", "petitions.statistics"}) == [
        "web.dashboard",
        "petitions.index",
        "stats.page",
    ]
