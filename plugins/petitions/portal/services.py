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

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import abort, g
from flask_babel import gettext as _
from marshmallow import (
    ValidationError,
)

from core import clock
from core.attachments.services import Upload, save_all
from core.auth.users import system_actor
from core.db import db
from core.i18n import N_
from core.plugins.manager import is_enabled
from core.plugins.settings import resolved_settings
from core.ratelimit import Decision, client_key, limiter
from core.tenancy.models import Tenant
from core.workflow import IllegalTransition
from plugins.petitions.attachments import PETITION_FILES
from plugins.petitions.models import (
    KINDS,
    NOT_ACCEPTED_REASONS,
    SATISFACTIONS,
    Petition,
    PetitionCategory,
)
from plugins.petitions.queries.categories import CategoryEntry, category_tree
from plugins.petitions.services import querycodes
from plugins.petitions.services.registration import register
from plugins.petitions.workflow import PETITION_FLOW

PLUGIN = "petitions"
CHANNEL = "online"
#: Lookups (and ratings, which check the code too) per client and hour: with a 59-bit
#: code this makes guessing hopeless, while a petitioner never notices it.
LOOKUPS_PER_HOUR = 20
LOOKUP_WINDOW = timedelta(hours=1)
SUBMIT_WINDOW = timedelta(days=1)
#: Files a petitioner may attach to one submission (each checked by core.attachments).
MAX_UPLOADS = 5
UPLOADS_FIELD = "files"

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


def categories() -> list[CategoryEntry]:
    """The active categories as the tree the tenant built (depth first, with depth)."""
    return category_tree(include_inactive=False, counted=False)


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


def _petition_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "received_on": clock.today(),
        "channel": CHANNEL,
        "is_12380": False,
        "kind": data["kind"],
        "category_id": data.get("category_id"),
        "summary": data["summary"],
        "details": data.get("details"),
        "is_anonymous": bool(data.get("is_anonymous")),
        "people_count": 1,
    }


def _people(data: dict[str, Any]) -> list[dict[str, Any]]:
    if data.get("is_anonymous"):
        return []
    return [{k: data.get(k) for k in ("name", "phone", "id_number", "address") if data.get(k)}]


def _reported(data: dict[str, Any]) -> list[dict[str, Any]]:
    if not data.get("reported_name"):
        return []
    unit, post = data.get("reported_unit"), data.get("reported_post")
    return [{"name": data["reported_name"], "unit": unit, "post": post}]


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
    petition = register(_petition_fields(data), _people(data), _reported(data), system_actor())
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


def _decision_notices(petition: Petition) -> list[Notice]:
    """What was decided on receipt: accepted, refused (why), forwarded or assigned."""
    notices = []
    if petition.accepted_on:
        notices.append(Notice(_("受理告知"), petition.accepted_on))
    if petition.not_accepted_reason:
        reason = NOT_ACCEPTED_REASONS.get(petition.not_accepted_reason, "")
        notices.append(
            Notice(_("不予受理告知"), petition.decided_on, _(reason) if reason else None)
        )
    to = petition.target_name
    if petition.state == "forwarded" or (to and not petition.report_back_due):
        notices.append(Notice(_("转送告知"), petition.decided_on, _("已转送：%(to)s", to=to)))
    elif petition.report_back_due:
        notices.append(Notice(_("交办告知"), petition.decided_on, _("已交办：%(to)s", to=to)))
    return notices


def _handling_notices(petition: Petition, replied: bool) -> list[Notice]:
    """What came later: an extension, the written reply, 复查 and 复核 answers."""
    notices = []
    if petition.extended_days:
        # Art. 34: the petitioner is told the extension and its reason.
        text = _(
            "办理期限延长 %(days)s 日，至 %(due)s",
            days=petition.extended_days,
            due=petition.close_due,
        )
        if petition.extension_reason:
            text += _("；延期理由：%(reason)s", reason=petition.extension_reason.strip())
        notices.append(Notice(_("延期告知"), petition.extended_on, text))
    if replied and petition.replied_on:
        notices.append(Notice(_("书面答复"), petition.replied_on))
    if petition.reviewed_on:
        notices.append(Notice(_("复查意见"), petition.reviewed_on))
    if petition.rereviewed_on:
        notices.append(Notice(_("复核意见"), petition.rereviewed_on))
    return notices


def status_of(petition: Petition) -> Status:
    replied = petition.state in REPLIED
    notices = [
        Notice(_("收到信访件"), petition.received_on),
        *_decision_notices(petition),
        *_handling_notices(petition, replied),
    ]
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
