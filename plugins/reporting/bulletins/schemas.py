"""Schemas of the bulletin (期刊) API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api.fields import UtcDateTime
from core.api.pagination import CursorQuery
from plugins.reporting.bulletins.workflow import ISSUE_STATES
from plugins.reporting.schemas import Choice, Id, Text


class BulletinIn(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=100))


class BulletinOut(Schema):
    id = fields.Integer()
    title = fields.String()
    is_active = fields.Boolean()


class IssueIn(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2099))


class IssueQuery(CursorQuery):
    bulletin_id = fields.Integer(validate=validate.Range(min=1))
    year = fields.Integer(validate=validate.Range(min=2000, max=2099))
    state = Choice(ISSUE_STATES)


class IssueOut(Schema):
    id = fields.Integer()
    tenant_id = fields.Integer()
    bulletin_id = fields.Integer()
    year = fields.Integer()
    number = fields.Integer()
    label = fields.String()
    state = fields.String()
    state_title = fields.String()
    published_at = UtcDateTime(allow_none=True)


class EntryIn(Schema):
    submission_id = Id(required=True, metadata={"description": "本单位采用的报送记录"})
    position = fields.Integer(validate=validate.Range(min=0, max=10000))
    editor_note = Text(allow_none=True, validate=validate.Length(max=2000))
    edited_title = Text(validate=validate.Length(min=1, max=200))
    edited_body = Text(validate=validate.Length(min=1, max=20000))


class EntryPatch(Schema):
    position = fields.Integer(validate=validate.Range(min=0, max=10000))
    editor_note = Text(allow_none=True, validate=validate.Length(max=2000))
    edited_title = Text(validate=validate.Length(min=1, max=200))
    edited_body = Text(validate=validate.Length(min=1, max=20000))


class EntryOut(Schema):
    id = fields.Integer()
    item_tenant_id = fields.Integer()
    item_id = fields.Integer()
    position = fields.Integer()
    editor_note = fields.String(allow_none=True)
    edited_title = fields.String()
    edited_body = fields.String()
    source = fields.String()


class IssueDetailOut(IssueOut):
    entries = fields.List(fields.Nested(EntryOut))
