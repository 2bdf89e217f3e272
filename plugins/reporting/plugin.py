"""The reporting plugin (组工信息报送): declarations, and its models and workflows
(imported here so the metadata, Alembic and the workflow registry see them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.i18n import N_
from core.plugins import hookimpl
from core.plugins.types import PermissionDef, PluginMeta, RoleDef
from plugins.reporting import models as models  # noqa: F401 - registers the tables

PERMISSIONS = [
    PermissionDef("reporting.write", _l("撰写组工信息")),
    PermissionDef("reporting.approve", _l("审批报送")),
    PermissionDef("reporting.adopt", _l("采用下级报送的信息")),
    PermissionDef("reporting.rank", _l("积分排名与通报")),
]


class ReportingSettings(Schema):
    incident_due_hours = fields.Integer(
        strict=True,
        load_default=6,
        validate=validate.Range(min=1, max=24),
        metadata={"title": N_("突发事件报送时限（小时）")},
    )
    incident_latest_hours = fields.Integer(
        strict=True,
        load_default=24,
        validate=validate.Range(min=1, max=72),
        metadata={"title": N_("突发事件最迟报送（小时）")},
    )


@hookimpl
def zugong_plugin_meta() -> PluginMeta:
    return PluginMeta(
        "reporting",
        "信息报送",
        "Information reporting",
        "0.1.0",
        "组工信息的撰写、报送、采用与积分排名",
    )


@hookimpl
def zugong_permissions() -> list[PermissionDef]:
    return PERMISSIONS


@hookimpl
def zugong_default_roles() -> list[RoleDef]:
    return [
        RoleDef("info_officer", "信息员", ("reporting.write",)),
        RoleDef("info_leader", "信息工作分管领导", tuple(p.key for p in PERMISSIONS)),
    ]


@hookimpl
def zugong_settings_schema() -> Schema:
    return ReportingSettings()
