"""The reporting plugin's settings (layered: plugin default → platform → ancestors →
the tenant, so a city's choice is its counties' default)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.i18n import N_

#: An incident is due upward within the tenant's setting, never later than this.
INCIDENT_LATEST_HOURS = 24


class ReportingSettings(Schema):
    incident_due_hours = fields.Integer(
        strict=True,
        load_default=6,
        validate=validate.Range(min=1, max=INCIDENT_LATEST_HOURS),
        metadata={"title": N_("突发事件报送时限（小时）")},
    )
    serial_prefix = fields.String(
        load_default="XX",
        validate=validate.Regexp(r"^[A-Z]{1,6}\Z"),
        metadata={"title": N_("信息编号前缀")},
    )
