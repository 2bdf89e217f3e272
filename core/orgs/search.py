"""Core's answer to the search box: Party members and org units by name.

Members need ``core.view_members`` (their list shows the same); units are listed to
every member of the tenant who may see the org pages. Deactivated records are left
out: a search finds what a clerk works with today.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from core.auth.users import Actor
from core.db import db
from core.orgs.models import Member, OrgUnit
from core.permissions import MANAGE_ORG
from core.permissions import VIEW_MEMBERS as VIEW
from core.plugins.manager import CORE
from core.plugins.types import SearchHit
from core.search import ESCAPE, contains


def search_hits(actor: Actor, query: str, limit: int) -> list[SearchHit]:
    if not actor.can(VIEW):
        return []
    pattern = contains(query)
    return _members(pattern, limit) + _units(pattern, limit, actor)


def _members(pattern: str, limit: int) -> list[SearchHit]:
    rows = db.session.execute(
        select(Member.id, Member.name, OrgUnit.name)
        .outerjoin(
            OrgUnit, (OrgUnit.tenant_id == Member.tenant_id) & (OrgUnit.id == Member.branch_id)
        )
        .where(Member.is_active, Member.name.like(pattern, escape=ESCAPE))
        .order_by(Member.name, Member.id)
        .limit(limit)
    ).all()
    return [
        SearchHit(name, url_for("orgs.member", member_id=mid), CORE, branch or "")
        for mid, name, branch in rows
    ]


def _units(pattern: str, limit: int, actor: Actor) -> list[SearchHit]:
    rows = db.session.scalars(
        select(OrgUnit)
        .where(OrgUnit.is_active, OrgUnit.name.like(pattern, escape=ESCAPE))
        .order_by(OrgUnit.sort_order, OrgUnit.id)
        .limit(limit)
    ).all()
    editable = actor.can(MANAGE_ORG)
    return [
        SearchHit(
            unit.name,
            url_for("orgs.edit_unit", unit_id=unit.id) if editable else url_for("orgs.units"),
            CORE,
            unit.kind_title,
        )
        for unit in rows
    ]
