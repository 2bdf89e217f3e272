"""One search box across the tenant's enabled plugins (the ``zugong_search`` hook).

Core asks only the plugins enabled for the tenant (``hook_for``) and, among them, only
those the user holds a permission of; each plugin's query runs under the request's
tenant scope and applies the plugin's own visibility rules, so a hit is always a record
the user could open. Hits come back grouped by plugin, in navigation order.

Plugins build their ``LIKE`` pattern with :func:`contains`, which escapes ``%`` and
``_`` so a query matches its text literally.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select

from core.auth.users import Actor
from core.db import db
from core.plugins.manager import CORE, enabled_plugins, hook_for, host
from core.plugins.types import SearchHit
from core.tenancy.models import Tenant

#: Hits asked of each plugin: a search box answers with the best few, not a report.
PER_PLUGIN = 20
ESCAPE = "\\"


class SearchQuery(Schema):
    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "编号、标题或姓名"},
    )


@dataclass(frozen=True)
class HitGroup:
    plugin: str
    title: str
    hits: list[SearchHit]


def contains(query: str) -> str:
    """A ``LIKE … ESCAPE '\\'`` pattern matching ``query`` anywhere, literally."""
    text = query.strip()
    for char in (ESCAPE, "%", "_"):
        text = text.replace(char, ESCAPE + char)
    return f"%{text}%"


def newest_matching(model: type, columns: list, query: str, limit: int) -> list:
    """The newest ``limit`` rows of ``model`` (by id) where any of ``columns`` holds
    ``query`` literally; the tenant scope of the session does the tenant filtering."""
    pattern = contains(query)
    matches = or_(*(column.like(pattern, escape=ESCAPE) for column in columns))
    statement = select(model).where(matches).order_by(model.id.desc()).limit(limit)
    return list(db.session.scalars(statement))


def search(tenant: Tenant, actor: Actor, query: str, limit: int = PER_PLUGIN) -> list[HitGroup]:
    """The hits of every plugin the user may use here, grouped, each group capped."""
    text = query.strip()
    if not text:
        return []
    allowed = _plugins_of(tenant, actor)
    found: dict[str, list[SearchHit]] = {}
    for hits in hook_for(tenant).zugong_search(tenant=tenant, actor=actor, query=text, limit=limit):
        for hit in hits or ():
            if hit.plugin in allowed:
                found.setdefault(hit.plugin, []).append(hit)
    order = {name: i for i, name in enumerate(allowed)}
    return [
        HitGroup(name, _plugin_title(name), hits[:limit])
        for name, hits in sorted(found.items(), key=lambda kv: order[kv[0]])
    ]


def _plugins_of(tenant: Tenant, actor: Actor) -> list[str]:
    """Core and the enabled plugins of which the user holds some permission."""
    declared = host().permissions()
    held = {declared[p][0] for p in declared if actor.can(p)}
    return [name for name in (CORE, *enabled_plugins(tenant)) if name in held]


def _plugin_title(name: str) -> str:
    if name == CORE:
        return _("组织与党员")
    meta = host().metas.get(name)
    return meta.localized_title() if meta else name
