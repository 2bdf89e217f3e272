"""Hardship records in the shell's search box: by serial or the member's name, for
users who may view the ledger (its list shows the same names). Income is never part
of a hit."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from core.auth.users import Actor
from core.db import db
from core.orgs.models import Member
from core.plugins import hookimpl
from core.plugins.types import SearchHit
from core.search import ESCAPE, contains
from plugins.assistance.models import HardshipRecord
from plugins.assistance.permissions import VIEW
from plugins.assistance.workflow import RECORD_STATES


def search_hits(actor: Actor, query: str, limit: int) -> list[SearchHit]:
    if not actor.can(VIEW):
        return []
    pattern = contains(query)
    rows = db.session.execute(
        select(HardshipRecord, Member.name)
        .join(
            Member,
            (Member.tenant_id == HardshipRecord.tenant_id)
            & (Member.id == HardshipRecord.member_id),
        )
        .where(
            or_(
                HardshipRecord.serial.like(pattern, escape=ESCAPE),
                Member.name.like(pattern, escape=ESCAPE),
            )
        )
        .order_by(HardshipRecord.id.desc())
        .limit(limit)
    ).all()
    return [
        SearchHit(
            f"{record.serial} {name}",
            url_for("assistance.record", record_id=record.id),
            "assistance",
            _(RECORD_STATES.get(record.state, "")),
        )
        for record, name in rows
    ]


@hookimpl
def zugong_search(tenant, actor, query, limit) -> list[SearchHit]:
    return search_hits(actor, query, limit)
