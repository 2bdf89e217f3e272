"""网上信访: what the public portal does, for its pages and its JSON API alike.

A member of the public files a petition (named or anonymous) and gets its serial and a
secret query code once; with both they look up its progress, the dates of each decision
and, once closed, the written reply, and rate their satisfaction once. The portal is
open only where the tenant enables the plugin and its ``portal_enabled`` setting.

Every input is checked by :class:`PortalPetitionIn` before anything is written; the
submission and lookup limits per client (:mod:`core.ratelimit`) are checked before any
work is done for the client. A lookup answers the same way — and after the same work —
for a serial that does not exist as for a wrong code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import abort, g
from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)
from sqlalchemy import select

from core import clock
from core.attachments.services import Upload, save_all
from core.auth.users import system_actor
from core.db import MAX_DB_ID, db
from core.i18n import N_
from core.orgs.schemas import IdNumber, Text
from core.plugins.manager import is_enabled
from core.plugins.settings import resolved_settings
from core.ratelimit import Decision, client_key, limiter
from core.tenancy.models import Tenant
from core.workflow import IllegalTransition
from plugins.petitions import querycodes
from plugins.petitions.attachments import PETITION_FILES
from plugins.petitions.models import (
    KINDS,
    NOT_ACCEPTED_REASONS,
    SATISFACTIONS,
    Petition,
    PetitionCategory,
)
from plugins.petitions.services import register
from plugins.petitions.workflow import PETITION_FLOW

PLUGIN = "petitions"
CHANNEL = "online"
SUMMARY_MAX = 1000
DETAILS_MAX = 10_000
#: Lookups (and ratings, which check the code too) per client and hour: with a 59-bit
#: code this makes guessing hopeless, while a petitioner never notices it.
LOOKUPS_PER_HOUR = 20
LOOKUP_WINDOW = timedelta(hours=1)
SUBMIT_WINDOW = timedelta(days=1)
#: Files a petitioner may attach to one submission (each checked by core.attachments).
MAX_UPLOADS = 5
UPLOADS_FIELD = "files"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")

#: What each state means to the petitioner, in plain words.
PUBLIC_STATES = {
    "registered": N_("已收到，正在审查是否受理"),
    "screening": N_("已收到，正在审查是否受理"),
    "accepted": N_("已受理，正在办理"),
    "in_handling": N_("已受理，正在办理"),
    "draft_outcome": N_("已受理，正在办理"),
    "approved": N_("已受理，正在办理"),
    "not_accepted": N_("不予受理"),
    "forwarded": N_("已转送有权处理的机关"),
    "assigned": N_("已交办有关单位办理"),
    "filed": N_("已登记存查"),
    "returned": N_("已退回"),
    "closed": N_("已办结并答复"),
    "rated": N_("已办结并答复，您已评价"),
    "review_requested": N_("复查中"),
    "reviewed": N_("已复查"),
    "rereview_requested": N_("复核中"),
    "final": N_("已终结"),
}
#: States in which the written reply exists and may be shown.
REPLIED = ("closed", "rated", "review_requested", "reviewed", "rereview_requested", "final")


class RateLimited(Exception):
    """Too many submissions or lookups from this client (answered 429)."""

    def __init__(self, decision: Decision, message: str) -> None:
        super().__init__(message)
        self.decision = decision
        self.message = message


class NotFound(Exception):
    """No petition matches this serial and code — said the same way for either."""


# -- input ------------------------------------------------------------------------------


class PlainText(Text):
    """Text a person typed: no control characters (PostgreSQL refuses NUL, and none of
    them belongs in a letter); markup is kept as typed and shown escaped."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is not None and _CONTROL.search(text):
            raise ValidationError(_("含有不可见的控制字符，请删除后重新填写。"))
        return text


def _length(maximum: int, minimum: int | None = None) -> validate.Length:
    return validate.Length(min=minimum, max=maximum)


class PortalPetitionIn(Schema):
    """A petition as the public files it (JSON: unknown fields are refused)."""

    is_anonymous = fields.Boolean(load_default=False, metadata={"title": "匿名反映"})
    name = PlainText(validate=_length(50), metadata={"title": "姓名"})
    phone = PlainText(validate=_length(20), metadata={"title": "联系电话"})
    id_number = IdNumber(metadata={"title": "公民身份号码"})
    address = PlainText(validate=_length(200), metadata={"title": "联系地址"})
    kind = fields.String(
        required=True, validate=validate.OneOf(list(KINDS)), metadata={"title": "性质"}
    )
    category_id = fields.Integer(
        strict=False,
        validate=validate.Range(min=1, max=MAX_DB_ID),
        allow_none=True,
        metadata={"title": "问题类别"},
    )
    summary = PlainText(
        required=True, validate=_length(SUMMARY_MAX, 1), metadata={"title": "主要问题"}
    )
    details = PlainText(validate=_length(DETAILS_MAX), metadata={"title": "详细情况"})
    reported_name = PlainText(validate=_length(50), metadata={"title": "被反映人姓名"})
    reported_unit = PlainText(validate=_length(100), metadata={"title": "被反映人单位"})
    reported_post = PlainText(validate=_length(100), metadata={"title": "被反映人职务"})

    @validates_schema(skip_on_field_errors=False)
    def _identity(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("is_anonymous"):
            return
        errors = {}
        if not data.get("name"):
            errors["name"] = [_("实名反映须填写姓名；不愿留名请选择“匿名反映”。")]
        phone = data.get("phone")
        if not phone:
            errors["phone"] = [_("实名反映须留下联系电话，以便告知办理情况。")]
        elif not _PHONE.match(phone):
            errors["phone"] = [_("联系电话格式不正确。")]
        if errors:
            raise ValidationError(errors)


class PortalPetitionForm(PortalPetitionIn):
    """The same from the HTML form: the CSRF token and buttons are not data."""

    class Meta:
        unknown = EXCLUDE


class LookupIn(Schema):
    serial = fields.String(required=True, validate=_length(40, 1), metadata={"title": "信访编号"})
    code = fields.String(required=True, validate=_length(40, 1), metadata={"title": "查询码"})


class LookupForm(LookupIn):
    class Meta:
        unknown = EXCLUDE


class RateIn(LookupIn):
    satisfaction = fields.String(
        required=True, validate=validate.OneOf(list(SATISFACTIONS)), metadata={"title": "满意度"}
    )


class RateForm(RateIn):
    class Meta:
        unknown = EXCLUDE


# -- the portal's tenant ------------------------------------------------------------------


def settings(tenant: Tenant | None = None) -> dict[str, Any]:
    return resolved_settings(tenant or g.tenant, PLUGIN)


def require_open(tenant: Tenant | None = None) -> dict[str, Any]:
    """The plugin's settings if the portal is open for the tenant; 404 otherwise."""
    tenant = tenant or g.tenant
    if not is_enabled(tenant, PLUGIN):
        abort(404)
    found = settings(tenant)
    if not found["portal_enabled"]:
        abort(404)
    return found


def categories() -> list[PetitionCategory]:
    return list(
        db.session.scalars(
            select(PetitionCategory)
            .where(PetitionCategory.is_active)
            .order_by(PetitionCategory.sort_order, PetitionCategory.name)
        )
    )


# -- limits -----------------------------------------------------------------------------


def _tenant_client() -> str:
    # Per tenant: each department sets its own daily limit for its own portal.
    return f"{g.tenant.id}:{client_key()}"


def check_lookup_limit() -> None:
    decision = limiter().hit(
        "petitions.portal.lookup", _tenant_client(), limit=LOOKUPS_PER_HOUR, window=LOOKUP_WINDOW
    )
    if not decision.allowed:
        raise RateLimited(decision, _("查询过于频繁，请一小时后再试。"))


def check_submit_room(daily_limit: int) -> None:
    """Refuse before validating when today's submissions are used up."""
    decision = limiter().peek(
        "petitions.portal.submit", _tenant_client(), limit=daily_limit, window=SUBMIT_WINDOW
    )
    if not decision.allowed:
        raise RateLimited(
            decision, _("今天提交的件数已达上限（%(limit)s 件），请明天再提交。", limit=daily_limit)
        )


def _count_submission(daily_limit: int) -> None:
    decision = limiter().hit(
        "petitions.portal.submit", _tenant_client(), limit=daily_limit, window=SUBMIT_WINDOW
    )
    if not decision.allowed:  # a concurrent submission took the last place
        raise RateLimited(
            decision, _("今天提交的件数已达上限（%(limit)s 件），请明天再提交。", limit=daily_limit)
        )


# -- filing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    petition: Petition
    #: The query code in clear: shown once, never stored.
    code: str

    @property
    def grouped_code(self) -> str:
        return querycodes.grouped(self.code)


def _category_problem(category_id: int | None) -> str | None:
    if category_id is None:
        return None
    found = db.session.get(PetitionCategory, category_id)
    if found is None or not found.is_active:
        return _("请从列表中选择问题类别。")
    return None


def submit(data: dict[str, Any], daily_limit: int, uploads: list[Upload] | None = None) -> Filed:
    """Register a checked submission as an online petition by the system actor, with
    its query code and the files attached. Raises ``ValidationError`` or
    :class:`RateLimited`; either way the request rolls back and nothing is kept."""
    problem = _category_problem(data.get("category_id"))
    if problem:
        raise ValidationError({"category_id": [problem]})
    files = [u for u in uploads or [] if (u.filename or "").strip()]
    if len(files) > MAX_UPLOADS:
        raise ValidationError({UPLOADS_FIELD: [_("最多上传 %(n)s 个附件。", n=MAX_UPLOADS)]})
    anonymous = bool(data.get("is_anonymous"))
    people = []
    if not anonymous:
        people = [
            {k: data.get(k) for k in ("name", "phone", "id_number", "address") if data.get(k)}
        ]
    reported = []
    if data.get("reported_name"):
        reported = [
            {
                "name": data["reported_name"],
                "unit": data.get("reported_unit"),
                "post": data.get("reported_post"),
            }
        ]
    petition = register(
        {
            "received_on": clock.today(),
            "channel": CHANNEL,
            "is_12380": False,
            "kind": data["kind"],
            "category_id": data.get("category_id"),
            "summary": data["summary"],
            "details": data.get("details"),
            "is_anonymous": anonymous,
            "people_count": 1,
        },
        people,
        reported,
        system_actor(),
    )
    save_all(PETITION_FILES.name, petition.id, files, None, field=UPLOADS_FIELD)
    # Counted last: input refused above (fields or files) uses up no place of the day.
    _count_submission(daily_limit)
    return Filed(petition, querycodes.issue(petition))


# -- looking up and rating --------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    title: str
    on: date | None
    text: str | None = None


@dataclass(frozen=True)
class Status:
    """What the petitioner may see: never handlers, sections, outcome drafts or notes."""

    serial: str
    received_on: date
    kind: str
    state: str
    state_text: str
    accept_due: date | None
    close_due: date | None
    notices: list[Notice]
    reply_text: str | None
    replied_on: date | None
    satisfaction: str | None
    can_rate: bool


def status_of(petition: Petition) -> Status:
    notices = [Notice(_("收到信访件"), petition.received_on)]
    if petition.accepted_on:
        notices.append(Notice(_("受理告知"), petition.accepted_on))
    if petition.not_accepted_reason:
        reason = NOT_ACCEPTED_REASONS.get(petition.not_accepted_reason, "")
        notices.append(
            Notice(_("不予受理告知"), petition.decided_on, _(reason) if reason else None)
        )
    if petition.state == "forwarded" or (petition.target_name and not petition.report_back_due):
        notices.append(
            Notice(_("转送告知"), petition.decided_on, _("已转送：%(to)s", to=petition.target_name))
        )
    elif petition.report_back_due:
        notices.append(
            Notice(_("交办告知"), petition.decided_on, _("已交办：%(to)s", to=petition.target_name))
        )
    if petition.extended_days:
        notices.append(
            Notice(
                _("延期告知"),
                None,
                _(
                    "办理期限延长 %(days)s 日，至 %(due)s",
                    days=petition.extended_days,
                    due=petition.close_due,
                ),
            )
        )
    replied = petition.state in REPLIED
    if replied and petition.replied_on:
        notices.append(Notice(_("书面答复"), petition.replied_on))
    if petition.reviewed_on:
        notices.append(Notice(_("复查意见"), petition.reviewed_on))
    if petition.rereviewed_on:
        notices.append(Notice(_("复核意见"), petition.rereviewed_on))
    undecided = petition.state in ("registered", "screening")
    return Status(
        serial=petition.serial,
        received_on=petition.received_on,
        kind=_(KINDS[petition.kind]),
        state=petition.state,
        state_text=_(PUBLIC_STATES.get(petition.state, N_("办理中"))),
        accept_due=petition.accept_due if undecided else None,
        close_due=petition.close_due if petition.accepted_on and not replied else None,
        notices=notices,
        reply_text=petition.reply_text if replied else None,
        replied_on=petition.replied_on if replied else None,
        satisfaction=_(SATISFACTIONS[petition.satisfaction]) if petition.satisfaction else None,
        can_rate=petition.state == "closed",
    )


def lookup(serial: str, code: str) -> Petition:
    """The petition for this serial and code (after counting the lookup)."""
    check_lookup_limit()
    found = querycodes.find(serial, code)
    if found is None:
        raise NotFound()
    return found


def rate(serial: str, code: str, satisfaction: str) -> Petition:
    """Record the petitioner's satisfaction through the workflow's ``rate`` move, so it
    happens once (closed → rated), with history and audit like any other move."""
    petition = lookup(serial, code)
    if petition.state != "closed":
        raise IllegalTransition(
            _("此件当前不能评价：只有已办结并答复、尚未评价的信访件才能评价，且只能评价一次。")
        )
    PETITION_FLOW.fire(
        petition,
        "rate",
        system_actor(),
        comment=_("信访人通过网上信访评价"),
        data={"satisfaction": satisfaction, "via": "portal"},
    )
    return petition
