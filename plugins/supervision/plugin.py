"""The supervision plugin (督查督办): declarations, and its models and workflow (imported
here so the metadata, Alembic and the workflow registry see them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.i18n import N_
from core.plugins import hookimpl
from core.plugins.types import PermissionDef, PluginMeta, RoleDef
from plugins.supervision import models as models  # noqa: F401 - registers the tables
from plugins.supervision import workflow as workflow  # noqa: F401 - declares the workflow

PERMISSIONS = [
    PermissionDef("supervision.view", _l("查看督办事项")),
    PermissionDef("supervision.assign", _l("立项交办")),
    PermissionDef("supervision.report", _l("反馈进展")),
    PermissionDef("supervision.verify", _l("核验办结与评价")),
]


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


@hookimpl
def zugong_plugin_meta() -> PluginMeta:
    return PluginMeta(
        "supervision", "督查督办", "Supervision", "0.1.0", "工作任务的立项、交办、督促与办结"
    )


@hookimpl
def zugong_permissions() -> list[PermissionDef]:
    return PERMISSIONS


@hookimpl
def zugong_default_roles() -> list[RoleDef]:
    return [
        RoleDef("supervisor", "督查专员", tuple(p.key for p in PERMISSIONS)),
        RoleDef("task_owner", "责任人", ("supervision.view", "supervision.report")),
    ]


@hookimpl
def zugong_settings_schema() -> Schema:
    return SupervisionSettings()
