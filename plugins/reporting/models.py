"""组工信息报送 records.

An item and everything that happens to it — its versions, authors, the submission to
each level it reached (and that level's decision), leaders' instructions — stay in the
submitting tenant's rows, joined by composite ``(tenant_id, id)`` keys. A level the item
was submitted or forwarded to reads them through a core grant naming the item
(``__grantable__``): every row here that follows an item carries ``item_id`` and the
same grant kind. What an upper level owns — its requests (约稿), quotas, bulletins, the
漏报 it records against a child — lives in its own rows; the child reads those it is
named in through grants as well.

A reference from an upper level's row to a child's item (a bulletin entry) crosses
tenants, so it is two plain columns (``item_tenant_id``, ``item_id``), never a foreign key.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, TenantOwned, tenant_fk, utcnow
from core.i18n import N_
from core.tenancy.grants import Grantable

#: The grant kind of an item; every row that follows an item is readable with it.
ITEM_KIND = "reporting_item"
REQUEST_KIND = "reporting_request"
MISSED_KIND = "reporting_missed_report"
QUOTA_KIND = "reporting_quota"
#: A published bulletin issue, granted to every descendant of the publishing tenant.
ISSUE_KIND = "reporting_issue"

FOLLOWS_ITEM = Grantable(kind=ITEM_KIND, id_column="item_id")

CATEGORIES = {
    "news": N_("动态"),
    "practice": N_("经验做法"),
    "problem": N_("问题建议"),
    "opinion": N_("社情民意"),
    "incident": N_("突发事件"),
    "commissioned": N_("约稿"),
}
DOC_TYPES = {"brief": N_("简报"), "special": N_("专报"), "urgent": N_("要情")}
#: 初报 / 续报 / 终报: an incident is reported as a chain.
INCIDENT_STAGES = {"initial": N_("初报"), "followup": N_("续报"), "final": N_("终报")}
#: The level of a leader who writes an instruction (领导批示), also an adoption's level.
LEVELS = {
    "county": N_("县级"),
    "city": N_("市级"),
    "province": N_("省级"),
    "centre": N_("中央"),
}
#: A tenant's kind → the level its adoptions and leaders count at.
LEVEL_OF_KIND = {
    "province_org_dept": "province",
    "city_org_dept": "city",
    "county_org_dept": "county",
}
PERIODS = {"quarter": N_("季度"), "month": N_("月度"), "year": N_("年度")}


class Priority(TenantOwned, Base):
    """信息要点: a reporting priority an upper level keeps and offers to its children."""

    __tablename__ = "reporting_priorities"
    __tenant_args__ = (UniqueConstraint("tenant_id", "year", "title"),)

    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def state(self) -> str:
        """在用 / 停用 as the workflow sees it: the ``is_active`` column, named."""
        return "active" if self.is_active else "retired"

    @state.setter
    def state(self, value: str) -> None:
        self.is_active = value == "active"


class ReportItem(TenantOwned, Base):
    """组工信息: one item written by a tenant, with its current text."""

    __tablename__ = "reporting_items"
    __grantable__ = Grantable(kind=ITEM_KIND)
    __tenant_args__ = (
        UniqueConstraint("tenant_id", "serial"),
        tenant_fk("chain_parent_id", "reporting_items"),
        # 我的报送 (by state, newest first) and the year's lists by category.
        Index("ix_reporting_items_tenant_id_state_id", "tenant_id", "state", "id"),
        Index("ix_reporting_items_tenant_id_year_category", "tenant_id", "year", "category"),
        # A 约稿's answers from one child.
        Index(
            "ix_reporting_items_tenant_id_request", "tenant_id", "request_tenant_id", "request_id"
        ),
    )

    serial: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    #: Paragraphs separated by blank lines, as written.
    body: Mapped[str] = mapped_column(Text)
    #: Characters of the body without whitespace: local rules score by length.
    word_count: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    doc_type: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(30))
    #: The current text's version number (1 until it is returned and revised).
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: 执笔人: the name and phone that go on the submission.
    pen_name: Mapped[str] = mapped_column(String(50))
    pen_phone: Mapped[str] = mapped_column(String(30))
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # 突发事件: when it happened, when it is due upward, and whether it came late.
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    latest_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: 迟报: submitted after ``due_at`` (set automatically on submission).
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    #: 初报/续报/终报, and the item this one follows up.
    incident_stage: Mapped[str | None] = mapped_column(String(20))
    chain_parent_id: Mapped[int | None] = mapped_column(BigId)

    #: The 约稿 this item answers: a request of an ancestor (crosses tenants: no key).
    request_tenant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("tenants.id"))
    request_id: Mapped[int | None] = mapped_column(BigId)


class ItemAuthor(TenantOwned, Base):
    """An author of an item: a user of the tenant."""

    __tablename__ = "reporting_item_authors"
    __grantable__ = FOLLOWS_ITEM
    __tenant_args__ = (
        tenant_fk("item_id", "reporting_items", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "item_id", "user_id"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ItemTag(TenantOwned, Base):
    """A tag against an upper level's reporting priority (信息要点), its title kept."""

    __tablename__ = "reporting_item_tags"
    __grantable__ = FOLLOWS_ITEM
    __tenant_args__ = (
        tenant_fk("item_id", "reporting_items", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "item_id", "priority_tenant_id", "priority_id"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    priority_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    priority_id: Mapped[int] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(String(100))


class ItemVersion(TenantOwned, Base):
    """The text of an item as it was sent for approval: every version is kept."""

    __tablename__ = "reporting_item_versions"
    __grantable__ = FOLLOWS_ITEM
    __tenant_args__ = (
        tenant_fk("item_id", "reporting_items", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "item_id", "number"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    written_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Submission(TenantOwned, Base):
    """The item at one receiving level: submitted (level 1, to the parent) or forwarded
    (转报, level 2 and up), and that level's decision."""

    __tablename__ = "reporting_submissions"
    __grantable__ = FOLLOWS_ITEM
    __tenant_args__ = (
        tenant_fk("item_id", "reporting_items", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "item_id", "level"),
        UniqueConstraint("tenant_id", "item_id", "receiver_tenant_id"),
        # A level's inbox reads each child's submissions to it, by state and date.
        Index(
            "ix_reporting_submissions_tenant_id_receiver",
            "tenant_id",
            "receiver_tenant_id",
            "state",
            "submitted_at",
        ),
        # The inbox's keyset order: all children's submissions to the reader, newest
        # first (reporting_0004).
        Index("ix_reporting_submissions_receiver_tenant_id_id", "receiver_tenant_id", "id"),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    #: 1 for the submitter's parent, 2 for the next ancestor it was forwarded to, …
    level: Mapped[int] = mapped_column(Integer)
    sender_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    receiver_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    state: Mapped[str] = mapped_column(String(30))
    #: The item's version this level received last.
    version: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    #: 采用: the adopting tenant's level (county/city/province/centre), for scoring.
    adopted_level: Mapped[str | None] = mapped_column(String(20))
    #: The bulletin issue it went into, as printed (e.g. 《示范组工信息》2026年第12期).
    issue_label: Mapped[str | None] = mapped_column(String(100))


class Instruction(TenantOwned, Base):
    """领导批示: a leader's written instruction on an item, recorded at any level."""

    __tablename__ = "reporting_instructions"
    __grantable__ = FOLLOWS_ITEM
    __tenant_args__ = (tenant_fk("item_id", "reporting_items", ondelete="CASCADE"),)

    item_id: Mapped[int] = mapped_column(BigId)
    #: The tenant that recorded it (the item's owner or a level it reached).
    recorded_by_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    recorded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    leader_name: Mapped[str] = mapped_column(String(50))
    leader_level: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    instructed_on: Mapped[date] = mapped_column(Date)


class MissedReport(TenantOwned, Base):
    """漏报: an upper level learned of a child's incident elsewhere; the child reads it."""

    __tablename__ = "reporting_missed_reports"
    __grantable__ = Grantable(kind=MISSED_KIND)
    __tenant_args__ = (
        Index("ix_reporting_missed_reports_tenant_id_child", "tenant_id", "child_tenant_id"),
    )

    child_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    title: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


class Request(TenantOwned, Base):
    """约稿: an upper level asks chosen children (or all) for items on a topic."""

    __tablename__ = "reporting_requests"
    __grantable__ = Grantable(kind=REQUEST_KIND)
    __tenant_args__ = (Index("ix_reporting_requests_tenant_id_deadline", "tenant_id", "deadline"),)

    topic: Mapped[str] = mapped_column(String(200))
    requirements: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    all_children: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


class RequestTarget(TenantOwned, Base):
    """A child a request was sent to (every child, when it went to all)."""

    __tablename__ = "reporting_request_targets"
    __grantable__ = Grantable(kind=REQUEST_KIND, id_column="request_id")
    __tenant_args__ = (
        tenant_fk("request_id", "reporting_requests", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "request_id", "child_tenant_id"),
    )

    request_id: Mapped[int] = mapped_column(BigId)
    child_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))


class Quota(TenantOwned, Base):
    """A period's quota (default: a quarter) an upper level sets for one child."""

    __tablename__ = "reporting_quotas"
    __grantable__ = Grantable(kind=QUOTA_KIND)
    __tenant_args__ = (
        UniqueConstraint("tenant_id", "child_tenant_id", "year", "period", "period_number"),
    )

    child_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(10), default="quarter")
    #: The quarter (1-4), the month (1-12), or 1 for the year.
    period_number: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)


class QuotaPart(TenantOwned, Base):
    """How many of the quota's items must be of a kind (e.g. 2 问题建议)."""

    __tablename__ = "reporting_quota_parts"
    __grantable__ = Grantable(kind=QUOTA_KIND, id_column="quota_id")
    __tenant_args__ = (
        tenant_fk("quota_id", "reporting_quotas", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "quota_id", "category"),
    )

    quota_id: Mapped[int] = mapped_column(BigId)
    category: Mapped[str] = mapped_column(String(20))
    minimum: Mapped[int] = mapped_column(Integer)


class Bulletin(TenantOwned, Base):
    """期刊: a bulletin title an upper tenant keeps (e.g. 《示范组工信息》)."""

    __tablename__ = "reporting_bulletins"
    __tenant_args__ = (UniqueConstraint("tenant_id", "title"),)

    title: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Issue(TenantOwned, Base):
    """One numbered issue of a bulletin in a year (2026年第12期)."""

    __tablename__ = "reporting_issues"
    __grantable__ = Grantable(kind=ISSUE_KIND)
    __tenant_args__ = (
        tenant_fk("bulletin_id", "reporting_bulletins"),
        UniqueConstraint("tenant_id", "bulletin_id", "year", "number"),
    )

    bulletin_id: Mapped[int] = mapped_column(BigId)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    #: As printed and recorded on each item's chain: 《示范组工信息》2026年第12期.
    label: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IssueEntry(TenantOwned, Base):
    """An adopted item in an issue: its order, the editor's note and edited text (the
    submitted text stays untouched in the child's rows)."""

    __tablename__ = "reporting_issue_entries"
    __grantable__ = Grantable(kind=ISSUE_KIND, id_column="issue_id")
    __tenant_args__ = (
        tenant_fk("issue_id", "reporting_issues", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "issue_id", "item_tenant_id", "item_id"),
    )

    issue_id: Mapped[int] = mapped_column(BigId)
    item_tenant_id: Mapped[int] = mapped_column(BigId, ForeignKey("tenants.id"))
    item_id: Mapped[int] = mapped_column(BigId)
    position: Mapped[int] = mapped_column(Integer, default=0)
    editor_note: Mapped[str | None] = mapped_column(Text)
    edited_title: Mapped[str] = mapped_column(String(200))
    edited_body: Mapped[str] = mapped_column(Text)
