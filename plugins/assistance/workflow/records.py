"""Identification and dynamic management of a hardship record (困难党员认定), and the
attachment kind of its proofs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from core import clock
from core.attachments.kinds import AttachmentKind, declare
from core.db import db
from core.i18n import N_
from core.tenancy.models import Tenant
from core.workflow import Transition, Workflow
from plugins.assistance.models import LEVELS, HardshipRecord
from plugins.assistance.permissions import APPROVE, REGISTER, VIEW
from plugins.assistance.queries import records
from plugins.assistance.queries.records import ON_REGISTER, required_documents
from plugins.assistance.services import moves

if TYPE_CHECKING:
    from core.auth.users import Actor


#: Proofs of hardship (申请书, 收入证明, 病历…): sensitive, so every download is audited.
RECORD_FILES = declare(
    AttachmentKind("assistance.record", "assistance", VIEW, audit_downloads=True, max_files=30)
)


# -- Identification -----------------------------------------------------------------------

RECORD_STATES = {
    "applied": N_("已申请"),
    "branch_reviewed": N_("支部大会已初审"),
    "in_notice": N_("公示中"),
    "noticed": N_("公示期满"),
    "approved": N_("党委已审批"),
    "registered": N_("在册"),
    "under_review": N_("年度复核中"),
    "exited": N_("已脱困"),
    "rejected": N_("未通过认定"),
}


def _documents_complete(record: HardshipRecord, _actor: Actor, _data) -> str | None:
    missing = [d for d in required_documents() if d not in (record.documents or [])]
    if missing:
        return _("缺少认定材料：%(docs)s", docs="、".join(missing))
    return None


def _notice_over(record: HardshipRecord, _actor: Actor, _data) -> str | None:
    if record.notice_ends_on is None or clock.today() <= record.notice_ends_on:
        return _("公示期至 %(day)s 结束，期满后才能结束公示", day=record.notice_ends_on)
    if records.open_or_upheld_objections(record):
        return _("公示期间有未处理或成立的异议，不能结束公示")
    return None


def _filed_with(record: HardshipRecord, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    tenant = db.session.get(Tenant, record.tenant_id)
    if not (data.get("filed_with_name") or "").strip() and tenant.parent_id is None:
        return _("须填写备案的组织部门")
    return None


def _new_level(record: HardshipRecord, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if data.get("level") not in LEVELS:
        return _("须选择困难程度")
    if data.get("level") == record.level:
        return _("困难程度未变化，请选择「维持」")
    return None


PRE_REGISTER = ("applied", "branch_reviewed", "in_notice", "noticed")

RECORD_FLOW = Workflow(
    "assistance_record",
    states=RECORD_STATES,
    initial="applied",
    transitions=[
        Transition(
            "branch_review",
            ("applied",),
            "branch_reviewed",
            N_("支部大会初审"),
            permission=REGISTER,
            guards=(_documents_complete,),
        ),
        Transition(
            "publish_notice",
            ("branch_reviewed",),
            "in_notice",
            N_("张榜公示"),
            permission=REGISTER,
            effects=(moves.publish,),
        ),
        Transition(
            "close_notice",
            ("in_notice",),
            "noticed",
            N_("公示期满"),
            permission=REGISTER,
            guards=(_notice_over,),
        ),
        Transition(
            "approve",
            ("noticed",),
            "approved",
            N_("党委审批"),
            permission=APPROVE,
            effects=(moves.approved,),
        ),
        Transition(
            "file",
            ("approved",),
            "registered",
            N_("报组织部备案"),
            permission=REGISTER,
            guards=(_filed_with,),
            effects=(moves.file,),
        ),
        Transition(
            "reject",
            PRE_REGISTER,
            "rejected",
            N_("不予认定"),
            permission=APPROVE,
            comment_required=True,
        ),
        Transition(
            "open_review", ("registered",), "under_review", N_("启动年度复核"), permission=REGISTER
        ),
        Transition(
            "keep",
            ("under_review",),
            "registered",
            N_("维持困难程度"),
            permission=APPROVE,
            effects=(moves.reviewed,),
        ),
        Transition(
            "change_level",
            ("under_review",),
            "registered",
            N_("调整困难程度"),
            permission=APPROVE,
            comment_required=True,
            guards=(_new_level,),
            effects=(moves.reviewed,),
        ),
        Transition(
            "exit",
            ON_REGISTER,
            "exited",
            N_("脱困退出"),
            permission=APPROVE,
            comment_required=True,
            effects=(moves.exited,),
        ),
    ],
)
