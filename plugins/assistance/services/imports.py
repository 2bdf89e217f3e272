"""The import of an existing register spreadsheet (已有困难党员台账): rows checked by
their schema, then against the member registry and the register; all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates
from sqlalchemy import select

from core import clock
from core.audit.service import record as audit
from core.calendar import add_months
from core.db import db
from core.imports import ImportRejected, ImportReport, read_xlsx, rows_to_write
from core.orgs.fields import Choice, Text
from core.orgs.id_numbers import normalize
from core.orgs.models import Member
from core.serials import next_serial
from plugins.assistance.models import CATEGORIES, CAUSES, LEVELS, MAX_INCOME_FEN, HardshipRecord
from plugins.assistance.queries.records import open_record_serial, settings
from plugins.assistance.workflow import RECORD_FLOW

IMPORT_HEADERS: dict[str, str] = {
    "公民身份号码": "id_number",
    "姓名": "name",
    "类别": "category",
    "困难程度": "level",
    "致困原因": "causes",
    "家庭人口": "household_size",
    "家庭年收入（元）": "income_yuan",
    "备注": "notes",
}


class RegisterImportRow(Schema):
    """One row of an existing 困难党员台账: the member by ID number (core registry)."""

    id_number = Text(required=True, validate=validate.Length(min=15, max=18))
    name = Text(required=True, validate=validate.Length(max=50))
    category = Choice(CATEGORIES, required=True)
    level = Choice(LEVELS, required=True)
    causes = Text(required=True, validate=validate.Length(max=200))
    household_size = fields.Integer(required=True, validate=validate.Range(min=1, max=30))
    income_yuan = fields.Decimal(required=True, validate=validate.Range(min=0))
    notes = Text(allow_none=True, validate=validate.Length(max=2000))

    @validates("income_yuan")
    def _whole_fen(self, value: Decimal, **_kwargs: Any) -> None:
        if value.as_tuple().exponent < -2:
            raise ValidationError(_("金额最多保留两位小数"))
        if value * 100 > MAX_INCOME_FEN:
            raise ValidationError(_("收入数额不合理，请核对"))

    @validates("causes")
    def _known_causes(self, value: str, **_kwargs: Any) -> None:
        labels = {_(t): k for k, t in CAUSES.items()} | {t: k for k, t in CAUSES.items()}
        unknown = [c for c in _split(value) if c not in labels and c not in CAUSES]
        if unknown:
            raise ValidationError(_("未知的致困原因：%(causes)s", causes="、".join(unknown)))


def _split(text: str) -> list[str]:
    return [c.strip() for c in text.replace("，", "、").replace(",", "、").split("、") if c.strip()]


def _cause_keys(text: str) -> list[str]:
    labels = {t: k for k, t in CAUSES.items()}
    return [c if c in CAUSES else labels[c] for c in _split(text)]


def import_register(stream: IO[bytes], actor, *, valid_only: bool = False) -> ImportReport:
    """Rows checked by the schema, then against the member registry (ID number and name
    must match a member) and the register (no second open record); nothing is written
    unless every row passes, or ``valid_only`` was chosen. Imported records are on the
    register at once (they were identified before), with a history row saying so."""
    report = read_xlsx(stream, RegisterImportRow(), IMPORT_HEADERS)
    members: dict[int, int] = {}
    for row in report.rows:
        if row.data is None:
            continue
        member_id, error = _member_of(row.data, set(members.values()))
        if error:
            row.errors.setdefault("id_number", []).append(error)
        else:
            members[row.row_number] = member_id
    try:
        rows_to_write(report, valid_only)  # all or nothing, unless valid_only was chosen
    except ImportRejected:
        return report
    for row in report.valid_rows:
        _write(row.data, members[row.row_number], actor)
    db.session.flush()
    audit("assistance.imported", detail={"rows": len(report.valid_rows)})
    return report


def _member_of(data: dict[str, Any], seen: set[int]) -> tuple[int | None, str | None]:
    """The member a row is about, or why the row cannot be imported."""
    number = normalize(data["id_number"]) or data["id_number"]
    member = db.session.scalar(select(Member).where(Member.id_number == number))
    if member is None or member.name != data["name"]:
        return None, _("党员信息中没有此身份证号和姓名的党员")
    if member.id in seen:
        return None, _("同一党员在文件中出现多次")
    existing = open_record_serial(member.id)
    if existing:
        return None, _("该党员已有台账 %(serial)s", serial=existing)
    return member.id, None


def _write(data: dict[str, Any], member_id: int, actor) -> HardshipRecord:
    today = clock.today()
    income = int(data["income_yuan"] * 100)
    record = HardshipRecord(
        serial=next_serial("KN", width=4, year=today.year),
        member_id=member_id,
        applied_on=today,
        category=data["category"],
        level=data["level"],
        causes=_cause_keys(data["causes"]),
        household_income_fen=income,
        household_size=data["household_size"],
        per_head_income_fen=income // data["household_size"],
        documents=[],
        notes=data.get("notes"),
        filed_on=today,
        review_due=add_months(today, settings()["review_months"]),
    )
    record.state = "registered"
    db.session.add(record)
    # Identified before this system existed: one history row says where it came from.
    RECORD_FLOW._log(record, actor, "import", None, "registered", _("导入已有台账"), {})
    return record
