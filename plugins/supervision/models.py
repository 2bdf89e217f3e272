"""督查督办 records: the item (one task, possibly split into sub-items), its milestones,
co-handlers, progress reports, extension requests, reminders and accountability records.

Every table is tenant-owned; references between them are composite ``(tenant_id, id)``
foreign keys. An item escalated from another plugin (a petition) keeps only that
plugin's name, its own key and a URL (``origin_*``): plain columns, because a plugin
never reaches into another plugin's tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned, tenant_fk
from core.i18n import N_

#: 来源 (the domain guide's list).
SOURCES = {
    "priorities": N_("工作要点分解立项"),
    "meeting": N_("部务会议定事项"),
    "instruction": N_("领导批示"),
    "upper": N_("上级交办"),
    "committee_office": N_("党委督查室交办"),
    "proposal": N_("人大建议、政协提案"),
    "petition": N_("信访督办"),
}
#: 反馈周期: how often the responsible person reports progress.
CYCLES = {"weekly": N_("每周"), "monthly": N_("每月"), "once": N_("一次性")}
PRIORITIES = {"normal": N_("一般"), "high": N_("重要"), "urgent": N_("紧急")}
RATINGS = {"excellent": N_("优"), "good": N_("良"), "poor": N_("差")}
LIGHTS = {"green": N_("正常"), "yellow": N_("临期"), "red": N_("逾期")}
#: 问责方式 as 《中国共产党问责条例》(2019) Art. 8 names them: 检查、通报、改组 for a Party
#: organisation; 通报、诫勉、组织调整或者组织处理、纪律处分 for a leading cadre. (The older
#: wording 通报批评/诫勉谈话 is gone: migration supervision_0002 moved the stored keys.)
ACCOUNTABILITY_KINDS = {
    "notice": N_("通报"),
    "admonition": N_("诫勉"),
    "organizational": N_("组织调整或者组织处理"),
    "discipline": N_("纪律处分"),
    "inspection": N_("检查"),
    "reorganization": N_("改组"),
    "other": N_("其他"),
}
REMINDER_KINDS = {
    "acknowledge": N_("签收提醒"),
    "milestone": N_("节点提醒"),
    "milestone_overdue": N_("节点逾期"),
    "deadline": N_("到期提醒"),
    "overdue": N_("逾期提醒"),
    "report": N_("进展反馈提醒"),
    "manual": N_("催办"),
    "escalation": N_("提级督办"),
    "extension": N_("延期申请待审批"),
}
EXTENSION_STATES = {"pending": N_("待审批"), "approved": N_("已批准"), "rejected": N_("未批准")}

OPEN_STATES = ("created", "assigned", "acknowledged", "in_progress", "completion_requested")
CLOSED_STATES = ("closed", "rated", "archived")


class SupervisionItem(TenantOwned, Base):
    """督办事项: one task with its 四落实 (leader, section, person, target)."""

    __tablename__ = "supervision_items"
    __tenant_args__ = (
        tenant_fk("parent_id", "supervision_items"),
        tenant_fk("section_id", "org_units"),
        UniqueConstraint("tenant_id", "serial"),
        # The board (by state and deadline) and its filters.
        Index("ix_supervision_items_tenant_id_state_deadline", "tenant_id", "state", "deadline"),
        Index("ix_supervision_items_tenant_id_leader", "tenant_id", "leader_user_id", "state"),
        Index("ix_supervision_items_tenant_id_person", "tenant_id", "person_user_id", "state"),
        Index("ix_supervision_items_tenant_id_section", "tenant_id", "section_id", "state"),
        Index("ix_supervision_items_tenant_id_parent_id", "tenant_id", "parent_id"),
        Index("ix_supervision_items_tenant_id_closed_on", "tenant_id", "closed_on"),
        Index("ix_supervision_items_tenant_id_origin", "tenant_id", "origin_plugin", "origin_ref"),
    )

    #: DC-YYYY-NNNN (core.serials), unique in the tenant.
    serial: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))
    #: 来源文号 or description (e.g. 部务会纪要〔2026〕3号).
    source_ref: Mapped[str | None] = mapped_column(String(200))
    #: 目标要求.
    requirements: Mapped[str | None] = mapped_column(Text)
    leader_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    section_id: Mapped[int | None] = mapped_column(BigId)
    person_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    deadline: Mapped[date] = mapped_column(Date)
    #: Each computed due date keeps whether a year without holiday data was involved
    #: (core.calendar.Due.estimated), so every place that shows it can say so.
    deadline_estimated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    feedback_cycle: Mapped[str] = mapped_column(String(10), default="monthly")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    parent_id: Mapped[int | None] = mapped_column(BigId)

    state: Mapped[str] = mapped_column(String(30))
    #: Stored by the scan job (the board computes it live with the same expression).
    light: Mapped[str | None] = mapped_column(String(10))
    assigned_on: Mapped[date | None] = mapped_column(Date)
    acknowledge_due: Mapped[date | None] = mapped_column(Date)
    acknowledge_due_estimated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    #: The next progress report is due by this day (None: cycle "once" or not started).
    report_due: Mapped[date | None] = mapped_column(Date)
    report_due_estimated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    last_report_on: Mapped[date | None] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer, default=0)
    completion_requested_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    rating: Mapped[str | None] = mapped_column(String(10))
    escalated_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))

    #: Escalated from another plugin: its name, its key and where to see it.
    origin_plugin: Mapped[str | None] = mapped_column(String(40))
    origin_ref: Mapped[str | None] = mapped_column(String(40))
    origin_url: Mapped[str | None] = mapped_column(String(300))

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def closed_on_time(self) -> bool | None:
        if self.closed_on is None:
            return None
        return self.closed_on <= self.deadline


class SupervisionCoHandler(TenantOwned, Base):
    """协办人: users who help the responsible person and may report progress."""

    __tablename__ = "supervision_co_handlers"
    __tenant_args__ = (
        tenant_fk("item_id", "supervision_items", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "item_id", "user_id"),
        Index("ix_supervision_co_handlers_tenant_id_user_id", "tenant_id", "user_id"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))


class SupervisionMilestone(TenantOwned, Base):
    """时间节点: a step of the item, due on a day (often back-scheduled 倒排工期)."""

    __tablename__ = "supervision_milestones"
    __tenant_args__ = (
        tenant_fk("item_id", "supervision_items", ondelete="CASCADE"),
        Index("ix_supervision_milestones_tenant_id_item_id", "tenant_id", "item_id", "seq"),
        Index("ix_supervision_milestones_tenant_id_due", "tenant_id", "due"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    due: Mapped[date] = mapped_column(Date)
    due_estimated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    done_on: Mapped[date | None] = mapped_column(Date)


class SupervisionReport(TenantOwned, Base):
    """进展反馈: what was done, how far along (percent)."""

    __tablename__ = "supervision_reports"
    __tenant_args__ = (
        tenant_fk("item_id", "supervision_items", ondelete="CASCADE"),
        Index("ix_supervision_reports_tenant_id_item_id", "tenant_id", "item_id", "reported_on"),
        Index("ix_supervision_reports_tenant_id_reported_on", "tenant_id", "reported_on"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    author_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int] = mapped_column(Integer)
    reported_on: Mapped[date] = mapped_column(Date)


class SupervisionExtension(TenantOwned, Base):
    """延期申请: approved (or not) by the item's responsible leader."""

    __tablename__ = "supervision_extensions"
    __tenant_args__ = (
        tenant_fk("item_id", "supervision_items", ondelete="CASCADE"),
        Index("ix_supervision_extensions_tenant_id_item_id", "tenant_id", "item_id", "state"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    requested_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    old_deadline: Mapped[date] = mapped_column(Date)
    new_deadline: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_comment: Mapped[str | None] = mapped_column(Text)


class SupervisionReminder(TenantOwned, Base):
    """A reminder (催办) in someone's to-do list. ``occasion`` names why it was sent
    (e.g. ``deadline-2026-03-31-before``): unique per item, so a scan never sends the
    same reminder twice."""

    __tablename__ = "supervision_reminders"
    __tenant_args__ = (
        tenant_fk("item_id", "supervision_items", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "item_id", "occasion"),
        Index("ix_supervision_reminders_tenant_id_user_id", "tenant_id", "user_id", "done_at"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    occasion: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(String(500))
    due: Mapped[date | None] = mapped_column(Date)
    sender_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupervisionAccountability(TenantOwned, Base):
    """问责记录 on an overdue or poorly done item (e.g. 通报, 诫勉)."""

    __tablename__ = "supervision_accountabilities"
    __tenant_args__ = (
        tenant_fk("item_id", "supervision_items", ondelete="CASCADE"),
        Index("ix_supervision_accountabilities_tenant_id_item_id", "tenant_id", "item_id"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


class SupervisionRollupFigures(TenantOwned, Base):
    """The 汇总's item figures per tenant and calendar month, quarter and year of the
    deadline, pre-aggregated (supervision_0003, :mod:`core.rollup.monthly`): kept current
    by PostgreSQL triggers on ``supervision_items`` inside each writing transaction. The
    roll-up reads them for whole months and counts live only the open items not yet due
    (their lights depend on the day); SQLite counts the items."""

    __tablename__ = "supervision_rollup_figures"
    __tenant_args__ = (UniqueConstraint("tenant_id", "span", "start"),)

    span: Mapped[str] = mapped_column(String(7))
    start: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    closed: Mapped[int] = mapped_column(BigInteger, default=0)
    closed_on_time: Mapped[int] = mapped_column(BigInteger, default=0)
    open: Mapped[int] = mapped_column(BigInteger, default=0)
