"""The supervision plugin's per-tenant settings, with their defaults."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.i18n import N_


class SupervisionSettings(Schema):
    acknowledge_working_days = fields.Integer(
        strict=True,
        load_default=2,
        validate=validate.Range(min=1, max=10),
        metadata={"title": N_("签收期限（工作日）")},
    )
    remind_days_before = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=0, max=30),
        metadata={"title": N_("到期前提醒天数")},
    )
