"""Petitions in the shell's search box: by serial or summary only, through the list's
own query — never by a petitioner's name, which would let anyone probe a reporter's
identity one guess at a time (and no name is ever shown, masked or not)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from core.auth.users import Actor
from core.db import db
from core.plugins import hookimpl
from core.plugins.types import SearchHit
from plugins.petitions.models import Petition
from plugins.petitions.permissions import VIEW
from plugins.petitions.queries.petitions import petition_statement
from plugins.petitions.workflow import STATES


def search_hits(actor: Actor, query: str, limit: int) -> list[SearchHit]:
    if not actor.can(VIEW):
        return []
    statement = petition_statement({"q": query}).order_by(Petition.id.desc()).limit(limit)
    return [
        SearchHit(
            f"{p.serial} {p.summary[:60]}",
            url_for("petitions.detail", petition_id=p.id),
            "petitions",
            _(STATES.get(p.state, "")),
        )
        for p in db.session.scalars(statement)
    ]


@hookimpl
def zugong_search(tenant, actor, query, limit) -> list[SearchHit]:
    return search_hits(actor, query, limit)
