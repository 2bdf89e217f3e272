"""Query codes out, and the reason an escalation or a leader's flag needs."""

from __future__ import annotations

from marshmallow import (
    Schema,
    fields,
    validate,
)

# -- query codes, escalation ---------------------------------------------------------


class ReasonForm(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class QueryCodeOut(Schema):
    serial = fields.String()
    code = fields.String(metadata={"description": "查询码（只此一次明文给出）"})
    portal_url = fields.String()
