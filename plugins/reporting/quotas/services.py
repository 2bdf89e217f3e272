"""Setting a child's quota for a period. The quota lives in the parent's rows and is
granted to the child (its parts follow it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core.audit.service import record
from core.db import db
from core.tenancy.grants import grant
from core.tenancy.scope import current_tenant_id
from plugins.reporting.commissions.services import reporting_children
from plugins.reporting.models import CATEGORIES, Quota, QuotaPart
from plugins.reporting.scoring.periods import period


def set_quota(data: Mapping[str, Any]) -> Quota:
    """Create or replace the quota of ``data["child_tenant_id"]`` for the period."""
    child = data["child_tenant_id"]
    if child not in reporting_children(current_tenant_id()):
        raise ValidationError({"child_tenant_id": [_("只能为启用信息报送的直属下级下达任务")]})
    when = period(data["period"], data["year"], data.get("period_number"))
    parts = {p["category"]: p["minimum"] for p in data.get("parts") or []}
    if set(parts) - set(CATEGORIES):
        raise ValidationError({"parts": [_("未知的信息类别")]})
    if sum(parts.values()) > data["total"]:
        raise ValidationError({"parts": [_("各类别的最低数量之和不能超过总数")]})
    quota = db.session.scalar(
        select(Quota).where(
            Quota.child_tenant_id == child,
            Quota.year == when.year,
            Quota.period == when.kind,
            Quota.period_number == when.number,
        )
    )
    if quota is None:
        quota = Quota(
            child_tenant_id=child, year=when.year, period=when.kind, period_number=when.number
        )
        db.session.add(quota)
    quota.total = data["total"]
    db.session.flush()
    for part in db.session.scalars(select(QuotaPart).where(QuotaPart.quota_id == quota.id)):
        db.session.delete(part)
    db.session.flush()
    for category, minimum in parts.items():
        db.session.add(QuotaPart(quota_id=quota.id, category=category, minimum=minimum))
    db.session.flush()
    grant(quota, child, "reporting: a quota set for the child")
    record(
        "reporting.quota_set",
        obj=quota,
        detail={"child": child, "total": quota.total, "parts": parts},
    )
    return quota
