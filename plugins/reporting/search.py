"""组工信息 in the shell's search box: the tenant's own items by serial or title, for
users who may view them (items other tenants submitted here are read through their
grant on the receiving pages, not searched).

A hit links to the item's page; until the plugin has one (``reporting.item``), there
is nothing a user could open, so there are no hits.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from core.auth.users import Actor
from core.plugins import hookimpl
from core.plugins.types import SearchHit
from core.search import newest_matching
from plugins.reporting.models import ReportItem
from plugins.reporting.permissions import VIEW
from plugins.reporting.workflow import ITEM_STATES

PAGE = "reporting.item"


def search_hits(actor: Actor, query: str, limit: int) -> list[SearchHit]:
    if not actor.can(VIEW) or not _has_page():
        return []
    rows = newest_matching(ReportItem, [ReportItem.serial, ReportItem.title], query, limit)
    return [
        SearchHit(
            f"{item.serial} {item.title}",
            url_for(PAGE, item_id=item.id),
            "reporting",
            _(ITEM_STATES.get(item.state, "")),
        )
        for item in rows
    ]


def _has_page() -> bool:
    try:
        url_for(PAGE, item_id=1)
    except BuildError:
        return False
    return True


@hookimpl
def zugong_search(tenant, actor, query, limit) -> list[SearchHit]:
    return search_hits(actor, query, limit)
