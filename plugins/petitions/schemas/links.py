"""The back office's links: targets across tenants, a petition's links, escalation,
query codes, and 信访老户 (long-term petitioners) in, out and listed."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api.pagination import CursorQuery
from core.db import MAX_DB_ID
from plugins.petitions.confidentiality import masked_key
from plugins.petitions.models import LongtermPetitioner


class QueryCodeOut(Schema):
    serial = fields.String()
    code = fields.String(metadata={"description": "查询码（只此一次明文给出）"})
    portal_url = fields.String()


class TenantRef(Schema):
    id = fields.Integer()
    name = fields.String()


class TargetsOut(Schema):
    forward = fields.List(fields.Nested(TenantRef), metadata={"description": "可转送的单位"})
    assign = fields.List(fields.Nested(TenantRef), metadata={"description": "可交办的下级单位"})


class LinksOut(Schema):
    id = fields.Integer()
    serial = fields.String()
    state = fields.String()
    target_name = fields.String(allow_none=True)
    target_tenant_id = fields.Integer(allow_none=True)
    target_petition_id = fields.Integer(allow_none=True)
    report_back_due = fields.Date(allow_none=True)
    reported_back_on = fields.Date(allow_none=True)
    report_outcome = fields.String(allow_none=True)
    report_text = fields.String(allow_none=True)
    source_tenant_id = fields.Integer(allow_none=True)
    source_petition_id = fields.Integer(allow_none=True)
    case_type = fields.String(allow_none=True)
    review_tenant_id = fields.Integer(allow_none=True)
    review_case_id = fields.Integer(allow_none=True)
    review_answer = fields.String(allow_none=True)
    rereview_answer = fields.String(allow_none=True)
    current_due = fields.Date(allow_none=True)
    light = fields.String(allow_none=True)
    leader_flagged = fields.Boolean()
    escalated_at = fields.DateTime(allow_none=True)
    escalation_plugin = fields.String(allow_none=True)
    escalation_ref = fields.String(allow_none=True)
    escalation_title = fields.String(allow_none=True)
    escalation_url = fields.String(allow_none=True)


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class EscalationOut(Schema):
    available = fields.Boolean(metadata={"description": "本单位启用了承接督办的模块"})
    eligible = fields.Boolean(metadata={"description": "此件现在可以升级督办"})
    refusal = fields.String(allow_none=True)
    petition = fields.Nested(LinksOut)


class LongtermOut(Schema):
    id = fields.Integer()
    key_type = fields.String()
    masked_key = fields.Method("_masked", metadata={"description": "证件号或电话（脱敏）"})
    name = fields.String(allow_none=True)
    reason = fields.String()
    petition_count = fields.Integer()
    first_received_on = fields.Date(allow_none=True)
    last_received_on = fields.Date(allow_none=True)
    flagged_on = fields.Date()
    leader_user_id = fields.Integer(allow_none=True)
    review_months = fields.Integer()
    next_review_on = fields.Date(allow_none=True)
    last_reviewed_on = fields.Date(allow_none=True)
    last_review_note = fields.String(allow_none=True)
    light = fields.String(allow_none=True)
    is_active = fields.Boolean()

    def _masked(self, row: LongtermPetitioner) -> str:
        return masked_key(row)


class LongtermQuery(CursorQuery):
    include_inactive = fields.Boolean(load_default=False)
    mine = fields.Boolean(load_default=False, metadata={"description": "只看本人包案的"})


class LongtermIn(Schema):
    leader_user_id = fields.Integer(
        allow_none=True, strict=True, validate=validate.Range(min=1, max=MAX_DB_ID)
    )
    review_months = fields.Integer(strict=True, validate=validate.Range(min=1, max=12))
    is_active = fields.Boolean()


class LongtermForm(LongtermIn):
    """The page's form: the leader (blank: none yet), the cycle, and the case closed."""

    class Meta:
        unknown = "exclude"


class LongtermListForm(LongtermQuery):
    class Meta:
        unknown = "exclude"


class ReviewIn(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=5000))
