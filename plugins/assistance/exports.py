"""The register's .xlsx (困难党员台账 and its 分类统计) as a core export
(core.exportruns): answered at once for a page of records, made by a job for more."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import select

from core import clock
from core.audit.service import record
from core.exportruns.service import count_of
from core.exportruns.types import ExportDef
from core.exports import FileKind, Sheet
from plugins.assistance import documents
from plugins.assistance.models import HardshipRecord
from plugins.assistance.permissions import VIEW
from plugins.assistance.presenters import may_see_income


class RegisterExportQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx"]))


def register_count(_filters: Mapping[str, Any]) -> int:
    return count_of(select(HardshipRecord.id))


def register_sheet(_filters: Mapping[str, Any], _fmt: FileKind) -> Sheet:
    """The register, with incomes for those who may see them (an audited view of them)."""
    full = may_see_income()
    if full:
        record("assistance.income_viewed", detail={"via": "export"})
    return documents.register_sheet(full)


REGISTER_EXPORT = ExportDef(
    "assistance.register",
    VIEW,
    _l("困难党员台账"),
    RegisterExportQuery,
    count=register_count,
    sheet=register_sheet,
    filename=lambda _filters: f"困难党员台账_{g.tenant.name}_{clock.today():%Y%m%d}",
    formats=("xlsx",),
    extra=lambda _filters: documents.register_summary(),
)
