"""Supervision items in the shell's search box: by serial or title, for users who may
view the board (who see every item of the tenant there)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from core.auth.users import Actor
from core.plugins.types import SearchHit
from core.search import newest_matching
from plugins.supervision.models import SupervisionItem
from plugins.supervision.permissions import VIEW
from plugins.supervision.workflow import STATES


def search_hits(actor: Actor, query: str, limit: int) -> list[SearchHit]:
    if not actor.can(VIEW):
        return []
    rows = newest_matching(
        SupervisionItem, [SupervisionItem.serial, SupervisionItem.title], query, limit
    )
    return [
        SearchHit(
            f"{item.serial} {item.title}",
            url_for("supervision.item", item_id=item.id),
            "supervision",
            _(STATES.get(item.state, "")),
        )
        for item in rows
    ]
