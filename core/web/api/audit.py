"""``/audit``: the tenant's audit log, filtered by action prefix, object and actor."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api.fields import UtcDateTime
from core.api.pagination import CursorQuery, keyset_page
from core.api.routes import api_route
from core.audit.models import AuditEntry
from core.auth import members
from core.permissions import VIEW_AUDIT
from core.web.api.blueprint import bp


class AuditQuery(CursorQuery):
    action = fields.String(validate=validate.Length(max=80), metadata={"description": "前缀"})
    object_type = fields.String(validate=validate.Length(max=60))
    object_id = fields.String(validate=validate.Length(max=60))
    actor = fields.Integer(metadata={"description": "操作人用户 id"})


class AuditEntryOut(Schema):
    seq = fields.Integer()
    at = UtcDateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String()
    action = fields.String()
    object_type = fields.String(allow_none=True)
    object_id = fields.String(allow_none=True)
    detail = fields.Dict()
    ip = fields.String(allow_none=True)


@api_route(
    bp,
    "/audit",
    summary="本单位的审计日志（按动作前缀、对象、操作人筛选）",
    query=AuditQuery,
    response=AuditEntryOut,
    paginated=True,
    permission=VIEW_AUDIT,
)
def audit(query):
    filters = {k: query.get(k) for k in ("action", "object_type", "object_id", "actor")}
    stmt = members.audit_query(**filters)
    return keyset_page(stmt, [AuditEntry.seq], cursor=query.get("cursor"), limit=query["limit"])
