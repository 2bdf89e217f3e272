"""Supervision items in the shell's search box: by serial or title, for users who may
view the board (who see every item of the tenant there)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from core.auth.users import Actor
from core.db import db
from core.plugins.types import SearchHit
from core.search import ESCAPE, contains
from plugins.supervision.models import SupervisionItem
from plugins.supervision.permissions import VIEW
from plugins.supervision.workflow import STATES


def search_hits(actor: Actor, query: str, limit: int) -> list[SearchHit]:
    if not actor.can(VIEW):
        return []
    pattern = contains(query)
    rows = db.session.scalars(
        select(SupervisionItem)
        .where(
            or_(
                SupervisionItem.serial.like(pattern, escape=ESCAPE),
                SupervisionItem.title.like(pattern, escape=ESCAPE),
            )
        )
        .order_by(SupervisionItem.id.desc())
        .limit(limit)
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
