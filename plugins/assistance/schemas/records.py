"""The register's bodies, responses and list query: records, households, objections,
documents."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api.pagination import CursorQuery
from core.attachments.schemas import AttachmentOut
from plugins.assistance.models import (
    CATEGORIES,
    CAUSES,
    LEVELS,
    MAX_INCOME_FEN,
    RELATIONS,
)
from plugins.assistance.schemas.common import Id, Text


class HouseholdIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    relation = fields.String(load_default="other", validate=validate.OneOf(list(RELATIONS)))
    age = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=130))
    health = Text(50, allow_none=True)
    annual_income_fen = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(min=0, max=MAX_INCOME_FEN)
    )


class RecordIn(Schema):
    member_id = Id(required=True, metadata={"description": "党员（core 党员信息）编号"})
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    causes = fields.List(
        fields.String(validate=validate.OneOf(list(CAUSES))),
        required=True,
        validate=validate.Length(min=1, max=len(CAUSES)),
    )
    household_income_fen = fields.Integer(
        strict=True, validate=validate.Range(min=0, max=MAX_INCOME_FEN)
    )
    household_size = fields.Integer(strict=True, validate=validate.Range(min=1, max=30))
    household = fields.List(
        fields.Nested(HouseholdIn), load_default=list, validate=validate.Length(max=30)
    )
    documents = fields.List(Text(50), load_default=list, validate=validate.Length(max=20))
    applied_by_member = fields.Boolean(load_default=True)
    applied_on = fields.Date()
    notes = Text(2000, allow_none=True)
    dues_unpaid_months = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(min=0, max=600)
    )
    rated_unqualified_recently = fields.Boolean(load_default=False)
    under_disciplinary_review = fields.Boolean(load_default=False)


class HouseholdOut(Schema):
    id = fields.Integer()
    name = fields.String()
    relation = fields.String()
    age = fields.Integer(allow_none=True)
    health = fields.String(allow_none=True)
    annual_income_fen = fields.Integer(
        allow_none=True, metadata={"description": "无 assistance.view_income 权限时为 null"}
    )


class ObjectionOut(Schema):
    id = fields.Integer()
    raised_on = fields.Date()
    content = fields.String()
    resolution = fields.String(allow_none=True)
    resolved_on = fields.Date(allow_none=True)
    upheld = fields.Boolean()


class RecordOut(Schema):
    id = fields.Integer()
    serial = fields.String()
    member_id = fields.Integer()
    member_name = fields.String()
    id_number = fields.String(allow_none=True, metadata={"description": "打码的身份证号"})
    branch_name = fields.String(allow_none=True)
    category = fields.String()
    level = fields.String()
    causes = fields.List(fields.String())
    state = fields.String()
    state_title = fields.String()
    applied_on = fields.Date()
    household_size = fields.Integer()
    household_income_fen = fields.Integer(allow_none=True)
    per_head_income_fen = fields.Integer(allow_none=True)
    documents = fields.List(fields.String())
    notice_starts_on = fields.Date(allow_none=True)
    notice_ends_on = fields.Date(allow_none=True)
    approved_on = fields.Date(allow_none=True)
    filed_with_name = fields.String(allow_none=True)
    filed_on = fields.Date(allow_none=True)
    review_due = fields.Date(allow_none=True)
    exited_on = fields.Date(allow_none=True)
    notes = fields.String(allow_none=True)
    household = fields.List(fields.Nested(HouseholdOut))
    objections = fields.List(fields.Nested(ObjectionOut))
    attachments = fields.List(fields.Nested(AttachmentOut))
    actions = fields.List(fields.String(), metadata={"description": "当前用户可执行的操作"})


class RecordListQuery(CursorQuery):
    state = fields.String(validate=validate.Length(max=30))
    level = fields.String(validate=validate.OneOf(list(LEVELS)))
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))


class DocumentsIn(Schema):
    documents = fields.List(Text(50), required=True, validate=validate.Length(max=20))


class ObjectionIn(Schema):
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ResolutionIn(Schema):
    resolution = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    upheld = fields.Boolean(required=True)
