"""Petitions in and out: registration (with its rules), the masked outputs, list
filters and exports, conflict declarations.

Inputs refuse unknown fields (the page forms drop them instead), trim text, and check
every reference (category, user, org unit) inside the tenant in scope, so another
tenant's id reads as "does not exist". Outputs carry petitioners only in the masked form
of :mod:`plugins.petitions.confidentiality`; full identities go out solely through the
audited disclosure route.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates,
    validates_schema,
)
from sqlalchemy import select

from core import clock
from core.api.fields import UtcDateTime
from core.attachments.schemas import AttachmentOut
from core.auth.models import Membership
from core.db import MAX_DB_ID, db
from core.orgs.fields import IdNumber, Text, WholeNumber
from core.orgs.models import OrgUnit
from core.orgs.schemas import EXPORT_FORMAT
from core.phones import check_phone
from plugins.petitions.models import (
    CHANNELS,
    KINDS,
    URGENCIES,
)
from plugins.petitions.queries.categories import category_problem
from plugins.petitions.workflow import STATES

#: A collective visit elects at most five representatives (信访工作条例 Art. 20).
MAX_REPRESENTATIVES = 5
MAX_PETITIONERS = 200
MAX_REPORTED = 50
EARLIEST_RECEIPT = date(2000, 1, 1)


def _received(value: date) -> None:
    if value > clock.today():
        raise ValidationError(_("日期不能晚于今天。"))
    if value < EARLIEST_RECEIPT:
        raise ValidationError(_("收件日期不能早于 2000 年。"))


def member_problem(user_id: int) -> str | None:
    """Why this user cannot be named here (not an active member of the tenant)."""
    if not 0 < user_id <= MAX_DB_ID:
        return _("该用户不是本单位人员。")
    found = db.session.scalar(
        select(Membership.id).where(Membership.user_id == user_id, Membership.is_active)
    )
    return None if found else _("该用户不是本单位人员。")


def unit_problem(unit_id: int) -> str | None:
    """Why this org unit cannot be named as a reported person's unit (not the tenant's)."""
    found = None
    if 0 < unit_id <= MAX_DB_ID:
        found = db.session.scalar(select(OrgUnit.id).where(OrgUnit.id == unit_id))
    return None if found else _("本单位没有该组织机构。")


# -- registration ---------------------------------------------------------------------


#: What an ``…_estimated`` flag means (the OpenAPI description).
ESTIMATED_HELP = (
    "该日期按周末估算：所跨年份尚无节假日数据（平台管理 → 节假日 /platform/calendar 载入后，"
    "新计算的日期不再估算）"
)


class PetitionerIn(Schema):
    name = Text(allow_none=True, validate=validate.Length(max=50))
    id_number = IdNumber(allow_none=True)
    phone = Text(allow_none=True, validate=[validate.Length(max=20), check_phone])
    address = Text(allow_none=True, validate=validate.Length(max=200))
    is_representative = fields.Boolean(load_default=False)


class ReportedPersonIn(Schema):
    name = Text(required=True, validate=validate.Length(max=50))
    unit = Text(allow_none=True, validate=validate.Length(max=100))
    unit_id = WholeNumber(
        allow_none=True,
        metadata={
            "description": "被反映人所在单位为本单位组织机构时填写（可设置所在单位人员回避）"
        },
    )
    post = Text(allow_none=True, validate=validate.Length(max=100))
    cadre_rank = Text(allow_none=True, validate=validate.Length(max=30))
    user_id = WholeNumber(
        allow_none=True, metadata={"description": "被反映人是本平台用户时填写（承办时回避）"}
    )

    @validates("unit_id")
    def _unit(self, value: int | None, **_kwargs: Any) -> None:
        if value is not None:
            problem = unit_problem(value)
            if problem:
                raise ValidationError(problem)

    @validates("user_id")
    def _member(self, value: int | None, **_kwargs: Any) -> None:
        if value is not None:
            problem = member_problem(value)
            if problem:
                raise ValidationError(problem)


class PetitionIn(Schema):
    """Registering a petition (登记)."""

    received_on = fields.Date(required=True, validate=_received)
    channel = fields.String(required=True, validate=validate.OneOf(list(CHANNELS)))
    is_12380 = fields.Boolean(load_default=False)
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)))
    category_id = WholeNumber(allow_none=True)
    summary = Text(required=True, validate=validate.Length(max=1000))
    details = Text(allow_none=True, validate=validate.Length(max=20000))
    urgency = fields.String(load_default="normal", validate=validate.OneOf(list(URGENCIES)))
    people_count = WholeNumber(
        validate=validate.Range(min=1, max=100000),
        metadata={"description": "人数；不填时按信访人数计，5 人以上为集体访"},
    )
    is_bypassed_level = fields.Boolean(load_default=False)
    is_anonymous = fields.Boolean(load_default=False)
    petitioners = fields.List(
        fields.Nested(PetitionerIn),
        load_default=list,
        validate=validate.Length(max=MAX_PETITIONERS),
    )
    reported_persons = fields.List(
        fields.Nested(ReportedPersonIn),
        load_default=list,
        validate=validate.Length(max=MAX_REPORTED),
    )

    @validates("category_id")
    def _category(self, value: int | None, **_kwargs: Any) -> None:
        if value is not None:
            problem = category_problem(value)
            if problem:
                raise ValidationError(problem)

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        people = data.get("petitioners") or []
        if data.get("is_anonymous"):
            if people:
                errors["petitioners"] = [_("匿名信访不登记信访人。")]
        elif not any(p.get("name") for p in people):
            errors["petitioners"] = [_("请至少填写一名信访人的姓名，或勾选“匿名”。")]
        if sum(1 for p in people if p.get("is_representative")) > MAX_REPRESENTATIVES:
            errors.setdefault("petitioners", []).append(
                _("集体访推选的代表不超过 %(n)s 人。", n=MAX_REPRESENTATIVES)
            )
        count = data.get("people_count")
        if count is not None and count < len(people):
            errors["people_count"] = [_("人数不能少于登记的信访人数。")]
        if data.get("is_12380") and data.get("channel") not in ("phone", "online"):
            errors["is_12380"] = [_("12380 只适用于来电或网络来源。")]
        if data.get("kind") == "report" and not data.get("reported_persons"):
            errors["reported_persons"] = [_("检举控告须填写被反映人。")]
        if errors:
            raise ValidationError(errors)


class PetitionRegisterForm(PetitionIn):
    """The register page: the rows a clerk typed before ticking 匿名 are not registered
    (the page hides them; the API refuses petitioners on an anonymous petition)."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _anonymous_drops_rows(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if str(data.get("is_anonymous", "")).lower() in fields.Boolean.truthy:
            return {**data, "petitioners": []}
        return data


# -- output ---------------------------------------------------------------------------


class PetitionerOut(Schema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True, metadata={"description": "打码（查看身份另行申请）"})
    phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    is_representative = fields.Boolean()
    identity_hidden = fields.Boolean(metadata={"description": "检举人身份保密，姓名等已隐去"})


class ReportedPersonOut(Schema):
    id = fields.Integer()
    name = fields.String()
    unit = fields.String(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    post = fields.String(allow_none=True)
    cadre_rank = fields.String(allow_none=True)
    user_id = fields.Integer(allow_none=True)


class PetitionSummaryOut(Schema):
    """A row of the list (no petitioners: their identity stays on the detail page)."""

    id = fields.Integer()
    serial = fields.String()
    received_on = fields.Date()
    channel = fields.String()
    is_12380 = fields.Boolean()
    kind = fields.String()
    category_id = fields.Integer(allow_none=True)
    summary = fields.String()
    urgency = fields.String()
    people_count = fields.Integer()
    is_collective = fields.Boolean()
    is_bypassed_level = fields.Boolean()
    is_anonymous = fields.Boolean()
    is_repeat = fields.Boolean()
    state = fields.String()
    state_title = fields.String()
    accept_due = fields.Date(allow_none=True)
    accept_due_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    close_due = fields.Date(allow_none=True)
    close_due_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    current_due = fields.Date(allow_none=True)
    current_due_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    handler_user_id = fields.Integer(allow_none=True)


class PetitionOut(PetitionSummaryOut):
    details = fields.String(allow_none=True)
    category_name = fields.String(allow_none=True)
    repeat_of_id = fields.Integer(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    accepted_on = fields.Date(allow_none=True)
    not_accepted_reason = fields.String(allow_none=True)
    target_name = fields.String(allow_none=True)
    report_back_due = fields.Date(allow_none=True)
    return_due = fields.Date(allow_none=True)
    return_due_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    handler_unit_id = fields.Integer(allow_none=True)
    extended_days = fields.Integer()
    extension_reason = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_basis = fields.String(allow_none=True)
    approved_by = fields.Integer(allow_none=True)
    reply_text = fields.String(allow_none=True)
    replied_on = fields.Date(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    review_due = fields.Date(allow_none=True)
    review_due_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    rereview_due = fields.Date(allow_none=True)
    rereview_due_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    petitioners = fields.List(fields.Nested(PetitionerOut))
    reported_persons = fields.List(fields.Nested(ReportedPersonOut))
    attachments = fields.List(
        fields.Nested(AttachmentOut),
        metadata={"description": "附件（检举件的附件仅对有查看身份权限的人列出）"},
    )
    attachment_count = fields.Integer()
    available_transitions = fields.List(
        fields.String(), metadata={"description": "当前用户此刻可执行的操作"}
    )


class PetitionIdentityOut(Schema):
    id = fields.Integer()
    serial = fields.String()
    petitioners = fields.List(fields.Nested(PetitionerOut))


# -- list -----------------------------------------------------------------------------


class PetitionListQuery(Schema):
    state = fields.String(validate=validate.OneOf(list(STATES)))
    channel = fields.String(validate=validate.OneOf(list(CHANNELS)))
    kind = fields.String(validate=validate.OneOf(list(KINDS)))
    urgency = fields.String(validate=validate.OneOf(list(URGENCIES)))
    category_id = WholeNumber(
        validate=validate.Range(min=1, max=MAX_DB_ID),
        metadata={"description": "含其下级类别"},
    )
    received_from = fields.Date()
    received_to = fields.Date()
    overdue = fields.Boolean(metadata={"description": "已超过受理或办结期限"})
    mine = fields.Boolean(metadata={"description": "只看我承办的"})
    is_12380 = fields.Boolean()
    is_collective = fields.Boolean()
    q = Text(validate=validate.Length(max=100), metadata={"description": "编号或主要问题包含"})
    cursor = fields.String(validate=validate.Length(max=500))
    limit = WholeNumber(load_default=50, validate=validate.Range(min=1, max=200))

    @validates_schema
    def _range(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            raise ValidationError({"received_to": [_("结束日期不能早于开始日期。")]})


class PetitionFilterForm(PetitionListQuery):
    class Meta:
        unknown = EXCLUDE


class PetitionExportQuery(PetitionListQuery):
    format = EXPORT_FORMAT

    class Meta:
        exclude = ("cursor", "limit")


class PetitionConflictIn(Schema):
    user_id = WholeNumber(
        allow_none=True,
        metadata={"description": "声明回避的人；不填为本人（替他人登记须有审批权限）"},
    )
    reason = Text(required=True, validate=validate.Length(max=2000))

    @validates("user_id")
    def _member(self, value: int | None, **_kwargs: Any) -> None:
        if value is not None:
            problem = member_problem(value)
            if problem:
                raise ValidationError(problem)


class PetitionConflictForm(PetitionConflictIn):
    class Meta:
        unknown = EXCLUDE


class PetitionConflictOut(Schema):
    id = fields.Integer()
    petition_id = fields.Integer()
    user_id = fields.Integer()
    reason = fields.String(allow_none=True)
    declared_at = UtcDateTime()
