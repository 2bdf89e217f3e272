"""Schemas of the 约稿 API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api.fields import UtcDateTime
from core.api.pagination import CursorQuery
from plugins.reporting.commissions.queries import ANSWER_STATES
from plugins.reporting.schemas import AwareDateTime, Id, ItemOut, Text


class RequestIn(Schema):
    topic = Text(required=True, validate=validate.Length(min=1, max=200))
    requirements = Text(load_default="", validate=validate.Length(max=5000))
    deadline = AwareDateTime(required=True)
    all_children = fields.Boolean(load_default=False, metadata={"description": "发给全部下级"})
    child_tenant_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=5000))


class RequestOut(Schema):
    id = fields.Integer()
    tenant_id = fields.Integer()
    topic = fields.String()
    requirements = fields.String()
    deadline = UtcDateTime()
    all_children = fields.Boolean()
    created_at = UtcDateTime()


class AnswerOut(Schema):
    tenant_id = fields.Integer()
    name = fields.String()
    answers = fields.Integer()
    first_submitted_at = UtcDateTime(allow_none=True)
    standing = fields.String(metadata={"description": " / ".join(ANSWER_STATES)})
    standing_title = fields.String()


class RequestDetailOut(RequestOut):
    #: The sender: each child's standing. A child: its own standing only.
    answers = fields.List(fields.Nested(AnswerOut))
    #: A child: its own items answering the request.
    own_items = fields.List(fields.Nested(ItemOut))


class RequestListQuery(CursorQuery):
    pass
