"""Sending a 约稿 and linking an answer to it.

The request and its targets live in the sender's rows; each child named is granted the
request (its targets follow it), so the child reads it in its granted scope and answers
with items of its own that name it (``request_tenant_id``, ``request_id``: a reference
across tenants, two plain columns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core import clock
from core.audit.service import record
from core.auth.users import Actor
from core.db import db
from core.tenancy.grants import grant
from core.tenancy.models import Tenant, TenantPlugin
from core.tenancy.scope import current_tenant_id
from plugins.reporting.deadlines import utc
from plugins.reporting.models import ReportItem, Request, RequestTarget


def reporting_children(parent_id: int) -> list[int]:
    """The active direct children of ``parent_id`` that enable reporting."""
    return list(
        db.session.scalars(
            select(Tenant.id)
            .join(TenantPlugin, TenantPlugin.tenant_id == Tenant.id)
            .where(
                Tenant.parent_id == parent_id,
                Tenant.is_active,
                TenantPlugin.plugin == "reporting",
                TenantPlugin.enabled,
            )
            .order_by(Tenant.id)
        )
    )


def create_request(data: Mapping[str, Any], actor: Actor) -> Request:
    """约稿 from the tenant in scope to the chosen children (or all of them)."""
    children = reporting_children(current_tenant_id())
    chosen = (
        children
        if data.get("all_children")
        else list(dict.fromkeys(data.get("child_tenant_ids") or []))
    )
    if not chosen:
        raise ValidationError({"child_tenant_ids": [_("请选择约稿的下级单位")]})
    if set(chosen) - set(children):
        raise ValidationError({"child_tenant_ids": [_("只能向启用信息报送的直属下级约稿")]})
    deadline = utc(data["deadline"])
    if deadline <= utc(clock.now()):
        raise ValidationError({"deadline": [_("截止时间须晚于现在")]})
    request = Request(
        topic=data["topic"],
        requirements=data.get("requirements") or "",
        deadline=deadline,
        all_children=bool(data.get("all_children")),
        created_by=actor.user_id,
    )
    db.session.add(request)
    db.session.flush()
    for child_id in chosen:
        db.session.add(RequestTarget(request_id=request.id, child_tenant_id=child_id))
    db.session.flush()
    for child_id in chosen:
        grant(request, child_id, "reporting: 约稿 sent to the child")
    record("reporting.request_sent", obj=request, detail={"children": chosen})
    return request


def link_answer(item: ReportItem, request_id: int | None) -> None:
    """Make ``item`` (of the tenant in scope) an answer to the parent's request
    ``request_id`` (``None`` unlinks). The request must have been sent to this tenant;
    read in the caller's granted scope, anything else is not found."""
    if request_id is None:
        item.request_tenant_id = item.request_id = None
        return
    target = db.session.scalar(
        select(RequestTarget).where(
            RequestTarget.request_id == request_id,
            RequestTarget.child_tenant_id == current_tenant_id(),
        )
    )
    if target is None:
        raise ValidationError({"request_id": [_("没有找到发给本单位的这项约稿")]})
    item.request_tenant_id, item.request_id = target.tenant_id, request_id
