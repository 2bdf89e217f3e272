"""The guards of the petition moves: each answers why the move may not be made now
(a message) or ``None``; none writes. 回避, deadlines, windows for 复查/复核 and the
fields a move needs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from core import clock
from core.calendar import period_end
from core.db import db
from plugins.petitions.models import (
    NOT_ACCEPTED_REASONS,
    SATISFACTIONS,
    Petition,
    PetitionConflict,
    ReportedPerson,
    outcomes_for,
)
from plugins.petitions.queries.deadlines import settings_of
from plugins.petitions.services.moves import REVIEW_REQUEST_DAYS

if TYPE_CHECKING:
    from core.auth.users import Actor


def reason_code(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if data.get("reason") not in NOT_ACCEPTED_REASONS:
        return _("须选择不予受理的理由")
    return None


def target_named(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("target_name") or "").strip():
        return _("须填写接收单位")
    return None


def report_back_due(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    due = data.get("report_back_due")
    if not isinstance(due, date) or due <= clock.today():
        return _("须填写晚于今天的报结期限")
    return None


def came_from_another_body(petition: Petition, _actor: Actor, _data) -> str | None:
    if petition.source_tenant_id is None:
        return _("只有转送、交办来的信访件才能退回")
    return None


def within_return_window(petition: Petition, _actor: Actor, _data) -> str | None:
    if petition.return_due is not None and clock.today() > petition.return_due:
        return _(
            "收到后超过 %(days)s 个工作日，不能退回",
            days=settings_of(petition)["return_working_days"],
        )
    return None


def no_conflict(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    """回避 (Art. 28): not the person reported on, nor one who declared a conflict."""
    user_id = data.get("handler_user_id")
    if not user_id:
        return _("须指定承办人")
    reported = db.session.scalar(
        select(ReportedPerson.id).where(
            ReportedPerson.petition_id == petition.id, ReportedPerson.user_id == user_id
        )
    )
    if reported:
        return _("承办人是被反映人，应当回避")
    declared = db.session.scalar(
        select(PetitionConflict.id).where(
            PetitionConflict.petition_id == petition.id, PetitionConflict.user_id == user_id
        )
    )
    if declared:
        return _("承办人已声明回避此件")
    return None


def extension_allowed(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if petition.extended_days:
        return _("已延期过一次，不能再次延期")
    limit = settings_of(petition)["extension_max_days"]
    days = data.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        return _("须填写延期天数")
    if days > limit:
        return _("延期天数不能超过 %(days)s 日", days=limit)
    if petition.close_due is not None and clock.today() > petition.close_due:
        return _("办理期限已过，不能再延期")
    return None


def outcome_fits(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if data.get("outcome") not in outcomes_for(petition.kind):
        return _("处理意见不适用于此类信访件")
    if not (data.get("basis") or "").strip():
        return _("须写明事实和依据")
    return None


def reply_given(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if not (data.get("reply_text") or "").strip():
        return _("须填写书面答复意见")
    return None


def satisfaction_known(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    if data.get("satisfaction") not in SATISFACTIONS:
        return _("须选择满意度")
    return None


def request_window_end(answered: date) -> date:
    """The last day to request 复查/复核: 30 days after the answer, the period-end rule
    applying (a window ending on a holiday runs to the next working day)."""
    return period_end(answered, REVIEW_REQUEST_DAYS, "natural_days").date


def review_window_open(petition: Petition, _actor: Actor, _data) -> str | None:
    assert petition.replied_on is not None
    if clock.today() > request_window_end(petition.replied_on):
        return _("答复后超过 30 日，不能申请复查")
    return None


def rereview_window_open(petition: Petition, _actor: Actor, _data) -> str | None:
    assert petition.reviewed_on is not None
    if clock.today() > request_window_end(petition.reviewed_on):
        return _("复查意见作出后超过 30 日，不能申请复核")
    return None


def window_passed(petition: Petition, _actor: Actor, _data) -> str | None:
    answered = petition.reviewed_on if petition.state == "reviewed" else petition.replied_on
    if answered and clock.today() <= request_window_end(answered):
        return _("申请复查、复核的期限未满，不能终结")
    return None


def answered_here(petition: Petition, _actor: Actor, _data) -> str | None:
    """A 复查/复核 sent to an upper body on this platform is answered there."""
    if petition.review_case_id is not None:
        return _("复查、复核已提交上级机关办理，答复将自动回传")
    return None
