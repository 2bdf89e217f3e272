"""The two declared state machines of 组工信息报送, and the incident deadlines.

An item, as its own tenant sees it (``reporting_item``)::

    draft|returned ─ send_for_approval ─▶ awaiting_approval
    awaiting_approval ─ send_back (comment) ─▶ draft
    awaiting_approval ─ approve (报送审批; grants the parent) ─▶ submitted
    submitted ─ withdraw (before the parent acts; revokes the grant) ─▶ draft
    submitted ─ returned | declined | adopted (linked: the parent decided) ─▶ …

The item at each receiving level (``reporting_submission``), decided by that level::

    submitted ─ return (comment) ─▶ returned     submitted ─ decline ─▶ declined
    submitted ─ adopt (采用) ─▶ adopted ─ forward (转报; grants the next ancestor) ─▶ forwarded
    submitted ─ withdraw (linked: the item was withdrawn) ─▶ withdrawn
    returned|withdrawn ─ resubmit (linked: the revised item was approved again) ─▶ submitted

A level decides on rows of the submitter's tenant: :func:`acting_as` carries the deciding
tenant into the owner's scope (see :func:`plugins.reporting.services.decide`), and the
guards below check that the deciding tenant is the receiving one. Linked moves record what
the other side did; nobody fires them by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from core import clock
from core.calendar import period_end
from core.db import db
from core.i18n import N_
from core.plugins.manager import is_enabled
from core.plugins.settings import resolved_settings
from core.tenancy.grants import grant, revoke
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id, granted_scope, tenant_scope
from core.workflow import Transition, Workflow
from plugins.reporting.attachments import grant_files, revoke_files
from plugins.reporting.models import (
    LEVEL_OF_KIND,
    ItemVersion,
    ReportItem,
    Submission,
)
from plugins.reporting.permissions import ADOPT, APPROVE, WRITE
from plugins.reporting.settings import INCIDENT_LATEST_HOURS

if TYPE_CHECKING:
    from core.auth.users import Actor

PLUGIN = "reporting"

ITEM_STATES = {
    "draft": N_("草稿"),
    "awaiting_approval": N_("待审批"),
    "submitted": N_("已报送"),
    "returned": N_("退回修改"),
    "declined": N_("未采用"),
    "adopted": N_("已采用"),
}
SUBMISSION_STATES = {
    "submitted": N_("待处理"),
    "returned": N_("已退回"),
    "declined": N_("未采用"),
    "adopted": N_("已采用"),
    "forwarded": N_("已转报"),
    "withdrawn": N_("已撤回"),
}
#: Things that happen to an item without moving it (audit ``reporting_item.<event>``).
NOTE_TITLES = {
    "edited": N_("修改信息"),
    "instructed": N_("登记领导批示"),
    "in_issue": N_("编入期刊"),
}
#: A level's decision on a first-level submission shows on the item as this state.
ITEM_STATE_OF_DECISION = {"return": "returned", "decline": "declined", "adopt": "adopted"}


# -- The deciding tenant and linked moves ------------------------------------------------

_ACTING: ContextVar[int | None] = ContextVar("reporting_acting_tenant", default=None)
_LINKED: ContextVar[bool] = ContextVar("reporting_linked_move", default=False)


@contextmanager
def acting_as(tenant_id: int) -> Iterator[None]:
    """Moves inside the block are made by ``tenant_id`` (a receiving level), even while
    the owner's tenant is in scope for the write."""
    token = _ACTING.set(tenant_id)
    try:
        yield
    finally:
        _ACTING.reset(token)


def acting_tenant_id() -> int:
    acting = _ACTING.get()
    return acting if acting is not None else current_tenant_id()


@contextmanager
def linked_move() -> Iterator[None]:
    token = _LINKED.set(True)
    try:
        yield
    finally:
        _LINKED.reset(token)


def _linked(_obj: Any, _actor: Actor, _data) -> str | None:
    if not _LINKED.get():
        return _("此操作随另一方的办理自动完成，不能手动执行")
    return None


def is_linked(transition: Transition) -> bool:
    """Moves that record the other side's action: never offered, never routed."""
    return _linked in transition.guards


# -- Incident deadlines (clock hours in Asia/Shanghai) -----------------------------------


def aware(value: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back naive."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def utc(value: datetime) -> datetime:
    """The UTC form every time is stored in (SQLite would keep the wall time only)."""
    return aware(value).astimezone(UTC)


def incident_due(occurred_at: datetime, due_hours: int) -> tuple[datetime, datetime]:
    """When an incident that happened at ``occurred_at`` is due upward, and the latest it
    may come (24 hours), in UTC. Clock hours, not working days: midnight changes nothing."""
    start = utc(occurred_at)
    due = period_end(start, min(due_hours, INCIDENT_LATEST_HOURS), "clock_hours").at
    latest = period_end(start, INCIDENT_LATEST_HOURS, "clock_hours").at
    assert due is not None and latest is not None  # clock-hour periods carry the instant
    return due.astimezone(UTC), latest.astimezone(UTC)


def is_late(item: ReportItem, at: datetime) -> bool:
    """迟报: an incident submitted after it was due."""
    return item.due_at is not None and utc(at) > aware(item.due_at)


def settings_of(tenant_id: int) -> dict[str, Any]:
    return resolved_settings(db.session.get(Tenant, tenant_id), PLUGIN)


def reporting_parent(tenant_id: int) -> Tenant | None:
    """The parent an item of ``tenant_id`` goes up to, if it enables reporting."""
    tenant = db.session.get(Tenant, tenant_id)
    parent = tenant.parent if tenant is not None else None
    if parent is None or not parent.is_active or not is_enabled(parent, PLUGIN):
        return None
    return parent


# -- Guards -----------------------------------------------------------------------------


def _has_parent(item: ReportItem, _actor: Actor, _data) -> str | None:
    if reporting_parent(item.tenant_id) is None:
        return _("本单位没有启用信息报送的上级单位，无法报送")
    return None


def _parent_has_not_acted(item: ReportItem, _actor: Actor, _data) -> str | None:
    first = first_submission(item)
    if first is None or first.state != "submitted":
        return _("上级已处理该信息，不能撤回")
    return None


def _receiver_decides(submission: Submission, _actor: Actor, _data) -> str | None:
    if acting_tenant_id() != submission.receiver_tenant_id:
        return _("只有接收报送的单位可以处理该信息")
    return None


def _receiver_has_parent(submission: Submission, _actor: Actor, _data) -> str | None:
    if reporting_parent(submission.receiver_tenant_id) is None:
        return _("本单位没有启用信息报送的上级单位，无法转报")
    return None


# -- Effects ----------------------------------------------------------------------------


def first_submission(item: ReportItem) -> Submission | None:
    return db.session.scalar(
        select(Submission).where(Submission.item_id == item.id, Submission.level == 1)
    )


def _keep_version(item: ReportItem, actor: Actor) -> None:
    """The text as submitted: one version per submission, never overwritten."""
    db.session.add(
        ItemVersion(
            item_id=item.id,
            number=item.version,
            title=item.title,
            body=item.body,
            word_count=item.word_count,
            written_by=actor.user_id,
        )
    )


def _submit(item: ReportItem, actor: Actor, _data) -> None:
    """报送: keep the version, mark an incident late, open the parent's submission and
    grant the item to the parent."""
    now = utc(clock.now())
    parent = reporting_parent(item.tenant_id)
    _keep_version(item, actor)
    item.submitted_at = now
    item.is_late = is_late(item, now)
    first = first_submission(item)
    if first is None:
        db.session.add(
            Submission(
                item_id=item.id,
                level=1,
                sender_tenant_id=item.tenant_id,
                receiver_tenant_id=parent.id,
                state=SUBMISSION_FLOW.initial,
                version=item.version,
                submitted_at=now,
            )
        )
        db.session.flush()
    else:
        first.version, first.submitted_at = item.version, now
        with linked_move():
            SUBMISSION_FLOW.fire(first, "resubmit", actor, data={"version": item.version})
    grant(item, parent.id, "reporting: submitted to the parent")
    grant_files(item, parent.id, "reporting: the item's files, submitted to the parent")


def _withdraw(item: ReportItem, actor: Actor, _data) -> None:
    first = first_submission(item)
    with linked_move():
        SUBMISSION_FLOW.fire(first, "withdraw", actor)
    revoke(item, first.receiver_tenant_id, "reporting: withdrawn before the parent acted")
    revoke_files(item, first.receiver_tenant_id, "reporting: withdrawn before the parent acted")


def _next_version(item: ReportItem, _actor: Actor, _data) -> None:
    item.version += 1  # the next submission is a new version; the one sent stays kept


def _decided(submission: Submission, actor: Actor, data: Mapping[str, Any]) -> None:
    """A level's decision: who and when; on a first-level submission, the item shows it."""
    submission.decided_at = utc(clock.now())
    submission.decided_by = actor.user_id
    if submission.level != 1:
        return
    item = db.session.get(ReportItem, submission.item_id)
    move = ITEM_STATE_OF_DECISION[data["decision"]]
    with linked_move():
        ITEM_FLOW.fire(item, move, actor, comment=data.get("comment"))


def _return(submission: Submission, actor: Actor, data: Mapping[str, Any]) -> None:
    _decided(submission, actor, {**data, "decision": "return"})


def _decline(submission: Submission, actor: Actor, data: Mapping[str, Any]) -> None:
    _decided(submission, actor, {**data, "decision": "decline"})


def _adopt(submission: Submission, actor: Actor, data: Mapping[str, Any]) -> None:
    receiver = db.session.get(Tenant, submission.receiver_tenant_id)
    submission.adopted_level = LEVEL_OF_KIND.get(receiver.kind, "county")
    _decided(submission, actor, {**data, "decision": "adopt"})


def _forward(submission: Submission, actor: Actor, _data) -> None:
    """转报: the adopting level sends the item on to its own parent, passing the grant on."""
    parent = reporting_parent(submission.receiver_tenant_id)
    item = db.session.get(ReportItem, submission.item_id)
    db.session.add(
        Submission(
            item_id=submission.item_id,
            level=submission.level + 1,
            sender_tenant_id=submission.receiver_tenant_id,
            receiver_tenant_id=parent.id,
            state=SUBMISSION_FLOW.initial,
            version=submission.version,
            submitted_at=utc(clock.now()),
        )
    )
    db.session.flush()
    with _granting_as(submission.receiver_tenant_id):
        grant(item, parent.id, "reporting: forwarded to the next level")
        # The forwarding level sees the files only through its own grant on them.
        with granted_scope("reporting: forwarding an item's files"):
            grant_files(item, parent.id, "reporting: the item's files, forwarded")


@contextmanager
def _granting_as(tenant_id: int) -> Iterator[None]:
    """Pass a grant on as the forwarding level (grants check the tenant in scope)."""
    with tenant_scope(tenant_id):
        yield


# -- The declarations -------------------------------------------------------------------

ITEM_FLOW = Workflow(
    "reporting_item",
    states=ITEM_STATES,
    initial="draft",
    transitions=[
        Transition(
            "send_for_approval",
            ("draft", "returned"),
            "awaiting_approval",
            N_("提交审批"),
            permission=WRITE,
        ),
        Transition(
            "send_back",
            ("awaiting_approval",),
            "draft",
            N_("退回修改（本单位）"),
            permission=APPROVE,
            comment_required=True,
        ),
        Transition(
            "approve",
            ("awaiting_approval",),
            "submitted",
            N_("批准报送"),
            permission=APPROVE,
            guards=(_has_parent,),
            effects=(_submit,),
        ),
        Transition(
            "withdraw",
            ("submitted",),
            "draft",
            N_("撤回"),
            permission=WRITE,
            guards=(_parent_has_not_acted,),
            effects=(_withdraw, _next_version),
        ),
        Transition(
            "returned",
            ("submitted",),
            "returned",
            N_("上级退回修改"),
            guards=(_linked,),
            effects=(_next_version,),
        ),
        Transition("declined", ("submitted",), "declined", N_("上级未采用"), guards=(_linked,)),
        Transition("adopted", ("submitted",), "adopted", N_("上级采用"), guards=(_linked,)),
    ],
)

SUBMISSION_FLOW = Workflow(
    "reporting_submission",
    states=SUBMISSION_STATES,
    initial="submitted",
    transitions=[
        Transition(
            "return",
            ("submitted",),
            "returned",
            N_("退回修改"),
            permission=ADOPT,
            guards=(_receiver_decides,),
            effects=(_return,),
            comment_required=True,
        ),
        Transition(
            "decline",
            ("submitted",),
            "declined",
            N_("不予采用"),
            permission=ADOPT,
            guards=(_receiver_decides,),
            effects=(_decline,),
        ),
        Transition(
            "adopt",
            ("submitted",),
            "adopted",
            N_("采用"),
            permission=ADOPT,
            guards=(_receiver_decides,),
            effects=(_adopt,),
        ),
        Transition(
            "forward",
            ("adopted",),
            "forwarded",
            N_("转报上级"),
            permission=ADOPT,
            guards=(_receiver_decides, _receiver_has_parent),
            effects=(_forward,),
        ),
        Transition("withdraw", ("submitted",), "withdrawn", N_("下级撤回"), guards=(_linked,)),
        Transition(
            "resubmit",
            ("returned", "withdrawn"),
            "submitted",
            N_("重新报送"),
            guards=(_linked,),
        ),
    ],
)
