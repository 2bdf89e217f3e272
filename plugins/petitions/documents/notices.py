"""The five formal notices of a petition (.docx), from templates a tenant can replace.

受理告知书, 不予受理告知书 (with the reason), 延期办理告知书 (with the reason of the
extension, Art. 34), 答复意见书 (with the reply) and 交办函 (to
the assigned unit, with the report-back deadline) are declared through
``zugong_document_templates`` and printed by :func:`core.documents.services.render`,
which uses the tenant's replacement when it uploaded one. Each is printable only once
the petition reached the decision it tells of (else 409).

A reporter's (检举控告) name is printed only for users holding the addressee permission
(``permissions.ADDRESSEE``), and each such print is audited (``petition.identity_viewed``);
other petitioners are named for whoever prints the notice. The 交办函 of a report
(检举控告) never names the reporter, whoever prints it: it goes to a lower unit, which
may be the reported person's own (信访工作条例 Art. 30).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock
from core.audit.service import record
from core.auth.users import Actor
from core.documents import issued as issuing
from core.documents.member_form import chinese_date, unit_full_name
from core.exports import download_response
from core.i18n import N_
from core.plugins.types import DocumentTemplateDef, RedHead
from core.tenancy.models import Tenant
from core.workflow import IllegalTransition
from plugins.petitions.confidentiality import is_reporter
from plugins.petitions.models import CHANNELS, KINDS, NOT_ACCEPTED_REASONS, OUTCOMES, Petition
from plugins.petitions.permissions import ADDRESSEE
from plugins.petitions.queries.deadlines import close_due, settings_of

DEFAULTS = Path(__file__).parent.parent / "defaults"
IDENTITY_PERMISSION = ADDRESSEE
IDENTITY_VIEWED = "petition.identity_viewed"
#: Issued documents (core.documents.issued) of a petition: kind = the notice's slug, and
#: the slug with this suffix for the version that names the petitioner.
ISSUED_FOR = "petition"
NAMED = ".named"
#: What the petitioner is told to do next, for each reason of non-acceptance.
NOT_ACCEPTED_ADVICE = {
    "legal_channel": N_(
        "请依照有关法律、行政法规规定的程序，通过诉讼、仲裁、行政复议等法定途径向有关机关提出。"
    ),
    "concluded": N_("该事项已依法办结，你（你们）未提出新的事实和理由，本机关不再重复受理。"),
    "outside_remit": N_("请向依法有权处理的机关提出。"),
}

_COMMON_SAMPLE = {
    "serial": "XF-2026-000123",
    "petitioner_name": "王某某",
    "received_on": "2026年9月16日",
    "channel": "来信",
    "kind": "求决",
    "summary": "反映退休待遇未落实问题",
    "unit_full_name": "中共××县委组织部",
    "tenant_name": "××县委组织部",
    "printed_on": "2026年9月20日",
}


@dataclass(frozen=True)
class NoticeKind:
    slug: str  # in the URL: /petitions/<id>/notices/<slug>.docx
    definition: DocumentTemplateDef
    #: Whether the petition reached the decision this notice tells of.
    applies: Callable[[Petition], bool]
    #: Said (409) when it has not.
    not_yet: str
    #: Whether the petitioner may be named in it at all.
    names_petitioner: Callable[[Petition], bool] = lambda _p: True

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def title(self) -> str:
        return str(self.definition.title)


def _definition(
    name: str, title: Any, extra: dict[str, str], red_head: RedHead | None = None
) -> DocumentTemplateDef:
    return DocumentTemplateDef(
        name=f"petitions.{name}",
        title=title,
        default_path=DEFAULTS / f"{name}.docx",
        sample_context={**_COMMON_SAMPLE, **extra},
        red_head=red_head,
    )


ACCEPTANCE = NoticeKind(
    "acceptance",
    _definition(
        "acceptance_notice",
        _l("受理告知书"),
        {"accepted_on": "2026年9月18日", "close_days": "60", "close_due": "2026年11月17日"},
    ),
    lambda p: p.accepted_on is not None,
    N_("此件尚未受理，不能出具受理告知书。"),
)
NON_ACCEPTANCE = NoticeKind(
    "non_acceptance",
    _definition(
        "non_acceptance_notice",
        _l("不予受理告知书"),
        {
            "decided_on": "2026年9月18日",
            "reason": "属诉讼、仲裁、行政复议等法定途径解决的事项",
            "advice": "请依照有关法律、行政法规规定的程序，通过诉讼、仲裁、行政复议等法定途径向有关机关提出。",
        },
    ),
    lambda p: p.not_accepted_reason is not None,
    N_("此件未作出不予受理决定，不能出具不予受理告知书。"),
)
EXTENSION = NoticeKind(
    "extension",
    _definition(
        "extension_notice",
        _l("延期办理告知书"),
        {
            "accepted_on": "2026年9月18日",
            "reason": "需赴外地调取有关材料",
            "extended_days": "30",
            "close_due": "2026年12月17日",
            "extended_on": "2026年11月10日",
        },
    ),
    lambda p: bool(p.extended_days),
    N_("此件未延期办理，不能出具延期办理告知书。"),
)
REPLY = NoticeKind(
    "reply",
    _definition(
        "reply",
        _l("答复意见书"),
        {
            "accepted_on": "2026年9月18日",
            "outcome": "支持",
            "reply_text": "经调查核实，你反映的问题属实，已责成有关单位于10月底前落实。",
            "replied_on": "2026年11月10日",
        },
    ),
    lambda p: p.replied_on is not None and bool(p.reply_text),
    N_("此件尚未办结答复，不能出具答复意见书。"),
)
ASSIGNMENT = NoticeKind(
    "assignment",
    _definition(
        "assignment_letter",
        _l("交办函"),
        {
            "target_name": "××镇党委",
            "decided_on": "2026年9月18日",
            "report_back_due": "2026年10月18日",
            "details": "详细情况见来信。",
        },
        # A 函 to a lower unit goes out under the issuing body's 红头 (GB/T 9704 信函格式);
        # the notices to a petitioner do not carry one.
        RedHead("{{ unit_full_name }}"),
    ),
    lambda p: p.report_back_due is not None and bool(p.target_name),
    N_("此件未交办下级单位，不能出具交办函。"),
    names_petitioner=lambda p: p.kind != "report",
)
NOTICES = {n.slug: n for n in (ACCEPTANCE, NON_ACCEPTANCE, EXTENSION, REPLY, ASSIGNMENT)}


def definitions() -> list[DocumentTemplateDef]:
    return [n.definition for n in NOTICES.values()]


def _petitioner_names(petition: Petition, notice: NoticeKind) -> tuple[str, str | None]:
    """(the addressee printed for anyone, a reporter's real names or ``None``). Only a
    reporter's identity is secret (Art. 30): other petitioners are named for everyone."""
    if petition.is_anonymous or not petition.petitioners:
        return _("匿名信访人"), None
    if not notice.names_petitioner(petition):
        return _("（检举人身份保密）"), None
    names = "、".join(p.name for p in petition.petitioners if p.name)
    if not is_reporter(petition):
        return names or _("信访人"), None
    return _("信访人"), names or None


def context(petition: Petition, tenant: Tenant, notice: NoticeKind) -> dict[str, Any]:
    """The notice's fields as of now, the addressee without the identity (see
    :func:`_petitioner_names`)."""
    values: dict[str, Any] = {
        "serial": petition.serial,
        "petitioner_name": _petitioner_names(petition, notice)[0],
        "received_on": chinese_date(petition.received_on),
        "channel": _(CHANNELS.get(petition.channel, petition.channel)),
        "kind": _(KINDS.get(petition.kind, petition.kind)),
        "summary": notice_summary(petition.summary),
        "unit_full_name": unit_full_name(tenant),
        "tenant_name": tenant.name,
        "printed_on": chinese_date(clock.today()),
    }
    if notice is ACCEPTANCE:
        values["accepted_on"] = chinese_date(petition.accepted_on)
        # The period as accepted: printed first after an extension, the notice must not
        # name the extended end beside “60日” (the extension has its own notice).
        values["close_due"] = chinese_date(
            close_due(petition, settings_of(petition), extended=False).date
        )
        values["close_days"] = str(_close_days(petition))
    elif notice is NON_ACCEPTANCE:
        reason = petition.not_accepted_reason or ""
        values["decided_on"] = chinese_date(petition.decided_on)
        values["reason"] = _(NOT_ACCEPTED_REASONS.get(reason, reason))
        values["advice"] = _(NOT_ACCEPTED_ADVICE[reason]) if reason in NOT_ACCEPTED_ADVICE else ""
    elif notice is EXTENSION:
        values |= _extension(petition)
    elif notice is REPLY:
        values["accepted_on"] = chinese_date(petition.accepted_on)
        values["outcome"] = _(OUTCOMES.get(petition.outcome or "", petition.outcome or ""))
        values["reply_text"] = _listing(petition.reply_text)
        values["replied_on"] = chinese_date(petition.replied_on)
    elif notice is ASSIGNMENT:
        values["target_name"] = petition.target_name or ""
        values["decided_on"] = chinese_date(petition.decided_on)
        values["report_back_due"] = chinese_date(petition.report_back_due)
        values["details"] = _listing(petition.details)
    return values


def _extension(petition: Petition) -> dict[str, Any]:
    """The extension as approved: its days, reason, new end and day of approval."""
    reason = petition.extension_reason or ""
    return {
        "accepted_on": chinese_date(petition.accepted_on),
        "reason": reason.strip().removeprefix("因").rstrip("。；;，, "),
        "extended_days": str(petition.extended_days),
        "close_due": chinese_date(petition.close_due),
        "extended_on": chinese_date(petition.extended_on or clock.today()),
    }


def notice_summary(summary: str) -> str:
    """The summary as the notices quote it: they say “…反映的“X”问题收悉”, so a summary
    written “反映X问题” would read 反映…反映 and 问题”问题 (issue 12)."""
    text = summary.strip()
    text = text.removeprefix("反映").lstrip("：:，, ")
    text = text.removesuffix("的问题").removesuffix("问题") if len(text) > 4 else text
    return text or summary.strip()


def _close_days(petition: Petition) -> int:
    # The statutory period the notice names (信访工作条例 Art. 32: 60日), not the distance
    # to the rolled end date (61 when day 60 is a rest day) nor an extension, which has
    # its own notice.
    return settings_of(petition)["close_days"]


def render(petition: Petition, tenant: Tenant, actor: Actor, slug: str, via: str) -> bytes:
    """The notice ``slug`` of ``petition`` as issued; ``KeyError`` for an unknown notice,
    :class:`IllegalTransition` (409) when the petition has not reached it. The real
    names are printed only for a holder of the identity permission (audited)."""
    notice = NOTICES[slug]
    if not notice.applies(petition):
        raise IllegalTransition(_(notice.not_yet))
    named = actor.can(IDENTITY_PERMISSION) and _petitioner_names(petition, notice)[1] is not None
    kind = f"{slug}{NAMED}" if named else slug
    document = (
        issuing.issued(ISSUED_FOR, petition.id, kind)
        or _issue(petition, tenant, actor, notice)[kind]
    )
    if named:
        record(IDENTITY_VIEWED, obj=petition, detail={"via": via, "document": notice.name})
    return document.content


def _issue(petition: Petition, tenant: Tenant, actor: Actor, notice: NoticeKind) -> dict[str, Any]:
    """Issue the notice on its first print, frozen from then on (issue 12: a later
    extension or edit must not change what was sent). The version naming the petitioner
    is issued at the same time from the same fields, so both say the same thing."""
    values = context(petition, tenant, notice)
    versions = {notice.slug: values}
    real = _petitioner_names(petition, notice)[1]
    if real is not None:
        versions[f"{notice.slug}{NAMED}"] = {**values, "petitioner_name": real}
    return {
        kind: issuing.issue(
            notice.name,
            fields,
            object_type=ISSUED_FOR,
            object_id=petition.id,
            kind=kind,
            issued_by=actor.user_id,
            tenant=tenant,
        )
        for kind, fields in versions.items()
    }


def filename(petition: Petition, slug: str) -> str:
    return f"{NOTICES[slug].title}_{petition.serial}.docx"


def available(petition: Petition) -> list[NoticeKind]:
    """The notices this petition can print now (for links on its page)."""
    return [n for n in NOTICES.values() if n.applies(petition)]


def download(petition: Petition, tenant: Tenant, actor: Actor, slug: str, via: str) -> Any:
    """Notice ``slug`` of ``petition`` as a .docx download (the page's and the API's)."""
    data = render(petition, tenant, actor, slug, via)
    return download_response(data, filename(petition, slug), "docx")


def _listing(text: str | None) -> Any:
    """Text kept with its line breaks in the notice (docxtpl, loaded only when a notice
    is made: with python-docx it is a third of start-up)."""
    from docxtpl import Listing

    return Listing(text or "")
