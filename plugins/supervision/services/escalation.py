"""Petitions escalated to supervision (信访督办).

The petitions plugin declares ``zugong_petition_escalate(tenant, actor, petition)``; this
plugin implements it without importing the petitions plugin (DESIGN: a plugin never
imports another): it reads the attributes the hookspec promises on ``petition`` (id,
serial, summary, url, received_on, due, handler_user_id, reason) and answers with its own
:class:`Escalation`, which has the attributes the caller reads (plugin, ref, title, url).
Escalating the same petition twice returns the item opened the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from core import clock
from core.calendar import period_end
from core.db import db
from plugins.supervision.models import SupervisionItem
from plugins.supervision.queries.records import members_by_id
from plugins.supervision.services.items import open_item

if TYPE_CHECKING:
    from core.auth.users import Actor
    from core.tenancy.models import Tenant

ORIGIN = "petitions"
#: A petition escalated without a due date of its own gets this many days.
DEFAULT_DAYS = 15


@dataclass(frozen=True)
class Escalation:
    plugin: str
    ref: str
    title: str
    url: str


def item_url(tenant: Tenant, item: SupervisionItem) -> str:
    return f"/t/{tenant.slug}/supervision/items/{item.id}"


def escalate_petition(tenant: Tenant, actor: Actor, petition: Any) -> Escalation:
    """Open (or find) the supervision item following ``petition`` in ``tenant``."""
    ref = str(petition.id)
    item = db.session.scalar(
        select(SupervisionItem).where(
            SupervisionItem.origin_plugin == ORIGIN, SupervisionItem.origin_ref == ref
        )
    )
    if item is None:
        item = _open_following(actor, petition)
    return Escalation(
        "supervision", str(item.id), f"{item.serial} {item.title}", item_url(tenant, item)
    )


def _open_following(actor: Actor, petition: Any) -> SupervisionItem:
    """立项 for an escalated petition: its due date if still ahead (else the default
    period), its handler if a member here, its summary and reason as requirements."""
    today = clock.today()
    due = petition.due if petition.due and petition.due > today else None
    computed = period_end(today, DEFAULT_DAYS, "natural_days")
    handler = petition.handler_user_id
    requirements = _("信访事项：%(summary)s", summary=petition.summary)
    if petition.reason:
        requirements += "\n" + _("督办理由：%(reason)s", reason=petition.reason)
    item = open_item(
        {
            "title": _("信访督办：%(serial)s", serial=petition.serial)[:200],
            "source": "petition",
            "source_ref": petition.serial,
            "requirements": requirements,
            "person_user_id": handler if handler in members_by_id([handler]) else None,
            "deadline": due or computed.date,
            "priority": "high",
            "feedback_cycle": "weekly",
        },
        actor,
    )
    # The petition's own due date carries its mark if the petition says (its
    # ``due_estimated``); the default period here carries the calendar's.
    item.deadline_estimated = (
        bool(getattr(petition, "due_estimated", False)) if due else computed.estimated
    )
    item.origin_plugin = ORIGIN
    item.origin_ref = str(petition.id)
    item.origin_url = (petition.url or "")[:300] or None
    db.session.flush()
    return item
