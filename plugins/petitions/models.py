"""信访 records: the petition, its petitioners, the people it reports on, its category
taxonomy and the handlers' declared conflicts (回避).

Every table is tenant-owned; references between them are composite ``(tenant_id, id)``
foreign keys, so a petition can never point into another tenant. The one deliberate
exception is the link to a petition forwarded or assigned *from* another tenant
(``source_tenant_id`` + ``source_petition_id``): plain columns, because that link crosses
tenants by design and is followed only inside a cross-tenant scope.
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
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, validates

from core.db import Base, BigId, TenantOwned, tenant_children, tenant_fk, utcnow
from core.i18n import N_
from core.phones import mask_phone, normalize_phone

#: 来源. ``is_12380`` marks the 12380 hotline or website within phone/online.
CHANNELS = {
    "letter": N_("来信"),
    "visit": N_("来访"),
    "phone": N_("来电"),
    "online": N_("网络"),
    "referred": N_("上级转办"),
    "assigned": N_("上级交办"),
    "leader_instruction": N_("领导批示"),
    #: A 复查/复核 request sent up by the body that answered (plugins.petitions.services.crosstenant).
    "review_request": N_("复查复核申请"),
}
#: 性质.
KINDS = {
    "report": N_("检举控告"),
    "appeal": N_("申诉"),
    "suggestion": N_("意见建议"),
    "request": N_("求决"),
    "enquiry": N_("咨询"),
}
URGENCIES = {"normal": N_("一般"), "urgent": N_("紧急"), "very_urgent": N_("特急")}
#: 不予受理的理由 (信访工作条例 Art. 22-23 and the final-decision rule).
NOT_ACCEPTED_REASONS = {
    "legal_channel": N_("属诉讼、仲裁、行政复议等法定途径解决的事项"),
    "concluded": N_("已办结且无新的事实和理由"),
    "outside_remit": N_("不属本部门职责范围"),
}
#: 处理意见: the regulation's three for requests and appeals, four for reports, and
#: mediation or settlement for any kind.
OUTCOMES_DECISION = {"support": N_("支持"), "explain": N_("解释说明"), "reject": N_("不予支持")}
OUTCOMES_REPORT = {
    "substantiated": N_("属实"),
    "partly_substantiated": N_("部分属实"),
    "unsubstantiated": N_("不属实"),
    "no_evidence": N_("查无实据"),
}
OUTCOMES_SETTLEMENT = {"mediated": N_("调解（和解）")}
OUTCOMES = {**OUTCOMES_DECISION, **OUTCOMES_REPORT, **OUTCOMES_SETTLEMENT}
SATISFACTIONS = {
    "satisfied": N_("满意"),
    "basically_satisfied": N_("基本满意"),
    "dissatisfied": N_("不满意"),
}
#: 集体访: five or more people (信访工作条例 Art. 20).
COLLECTIVE_FROM = 5


def outcomes_for(kind: str) -> dict[str, str]:
    """The outcomes a petition of ``kind`` may end with."""
    base = OUTCOMES_REPORT if kind == "report" else OUTCOMES_DECISION
    return {**base, **OUTCOMES_SETTLEMENT}


class PetitionCategory(TenantOwned, Base):
    """问题类别: the tenant's own taxonomy, a tree through ``parent_id``."""

    __tablename__ = "petition_categories"
    __tenant_args__ = (
        tenant_fk("parent_id", "petition_categories"),
        Index("ix_petition_categories_tenant_id_parent_id", "tenant_id", "parent_id", "sort_order"),
        UniqueConstraint("tenant_id", "parent_id", "name"),
    )

    name: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(BigId)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Petition(TenantOwned, Base):
    __tablename__ = "petitions"
    __tenant_args__ = (
        tenant_fk("category_id", "petition_categories"),
        tenant_fk("handler_unit_id", "org_units"),
        tenant_fk("repeat_of_id", "petitions"),
        UniqueConstraint("tenant_id", "serial"),
        # The register (登记簿) in order of receipt, and the to-do list by deadline.
        Index("ix_petitions_tenant_id_received_on_id", "tenant_id", "received_on", "id"),
        # The list filtered by state, newest first (keyset on received_on, id).
        Index(
            "ix_petitions_tenant_id_state_received_on_id", "tenant_id", "state", "received_on", "id"
        ),
        Index("ix_petitions_tenant_id_state_close_due", "tenant_id", "state", "close_due"),
        Index("ix_petitions_tenant_id_state_accept_due", "tenant_id", "state", "accept_due"),
        Index("ix_petitions_tenant_id_handler", "tenant_id", "handler_user_id", "state"),
        # Repeat detection and statistics by category.
        Index("ix_petitions_tenant_id_category_id", "tenant_id", "category_id", "received_on"),
        Index("ix_petitions_tenant_id_repeat_of_id", "tenant_id", "repeat_of_id"),
        Index(
            "ix_petitions_tenant_id_source", "tenant_id", "source_tenant_id", "source_petition_id"
        ),
        # The deadline scan's result: to-do lists and the dashboard by light and due date.
        Index("ix_petitions_tenant_id_light_current_due", "tenant_id", "light", "current_due"),
    )

    #: XF-YYYY-NNNNNN (core.serials), unique in the tenant.
    serial: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    #: Came through the 12380 hotline or website (channel phone or online).
    is_12380: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(BigId)
    #: 主要问题 (the 12380 sites allow 1,000 characters) and the full account.
    summary: Mapped[str] = mapped_column(String(1000))
    details: Mapped[str | None] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(20), default="normal")
    people_count: Mapped[int] = mapped_column(Integer, default=1)
    is_bypassed_level: Mapped[bool] = mapped_column(Boolean, default=False)
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)

    state: Mapped[str] = mapped_column(String(30))

    # -- Screening (受理) ----------------------------------------------------------------
    #: None for a 复查/复核 case opened from below: it runs against ``review_due`` only.
    accept_due: Mapped[date | None] = mapped_column(Date)
    #: Each stored due date keeps whether a year without holiday data was involved
    #: (core.calendar.Due.estimated), so every place that shows it can say so (issue 12).
    accept_due_estimated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    return_due_estimated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    close_due_estimated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    review_due_estimated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    rereview_due_estimated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    current_due_estimated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    decided_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    not_accepted_reason: Mapped[str | None] = mapped_column(String(30))
    #: 转送/交办 to: the body's name, and the tenant when it is one on this platform.
    target_name: Mapped[str | None] = mapped_column(String(100))
    target_tenant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("tenants.id"))
    #: 交办: the lower unit reports the result back by this date.
    report_back_due: Mapped[date | None] = mapped_column(Date)

    # -- Received from another tenant (转送/交办 in) ------------------------------------
    source_tenant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("tenants.id"))
    #: The petition's id in the source tenant: no foreign key, it crosses tenants.
    source_petition_id: Mapped[int | None] = mapped_column(BigId)
    #: A forwarded item outside the remit may be sent back (退回) until this date.
    return_due: Mapped[date | None] = mapped_column(Date)

    # -- Handling ----------------------------------------------------------------------
    handler_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    handler_unit_id: Mapped[int | None] = mapped_column(BigId)
    close_due: Mapped[date | None] = mapped_column(Date)
    extended_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    #: 申请延期: what the handler asked for, until the leader decides.
    extension_requested_days: Mapped[int | None] = mapped_column(Integer)
    extension_request_reason: Mapped[str | None] = mapped_column(Text)
    #: The day the extension was approved (printed on the 延期办理告知书).
    extended_on: Mapped[date | None] = mapped_column(Date)

    # -- Outcome and reply ---------------------------------------------------------------
    outcome: Mapped[str | None] = mapped_column(String(30))
    outcome_basis: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    reply_text: Mapped[str | None] = mapped_column(Text)
    replied_on: Mapped[date | None] = mapped_column(Date)
    satisfaction: Mapped[str | None] = mapped_column(String(30))

    # -- 复查 and 复核 --------------------------------------------------------------------
    review_requested_on: Mapped[date | None] = mapped_column(Date)
    review_due: Mapped[date | None] = mapped_column(Date)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    rereview_requested_on: Mapped[date | None] = mapped_column(Date)
    rereview_due: Mapped[date | None] = mapped_column(Date)
    rereviewed_on: Mapped[date | None] = mapped_column(Date)

    #: 重复件: the earlier petition of the same person about the same matter.
    repeat_of_id: Mapped[int | None] = mapped_column(BigId)

    # -- Links across tenants (plugins.petitions.services.crosstenant) ---------------------------
    #: The copy made in ``target_tenant_id`` by 转送/交办: no foreign key, it crosses tenants.
    target_petition_id: Mapped[int | None] = mapped_column(BigId)
    #: 交办: the result the lower unit reported back when it closed its copy.
    reported_back_on: Mapped[date | None] = mapped_column(Date)
    report_outcome: Mapped[str | None] = mapped_column(String(30))
    report_text: Mapped[str | None] = mapped_column(Text)
    #: This petition *is* a 复查 ("review") or 复核 ("rereview") case opened by a lower
    #: body for its petition ``source_tenant_id``/``source_petition_id``.
    case_type: Mapped[str | None] = mapped_column(String(10))
    #: The current 复查/复核 case of this petition in an upper body, and the answers.
    review_tenant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("tenants.id"))
    review_case_id: Mapped[int | None] = mapped_column(BigId)
    review_answer: Mapped[str | None] = mapped_column(Text)
    rereview_answer: Mapped[str | None] = mapped_column(Text)

    # -- Deadline scan (plugins.petitions.services.lights) ------------------------------------------
    #: The deadline the current state runs against, and its traffic light, as of the
    #: last scan (``None`` when the state has no deadline).
    current_due: Mapped[date | None] = mapped_column(Date)
    light: Mapped[str | None] = mapped_column(String(10))

    # -- Escalation (督办, plugins.petitions.services.escalation) ----------------------------------
    #: A leader flagged the petition for supervision (领导督办) whatever its deadline.
    leader_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalation_plugin: Mapped[str | None] = mapped_column(String(40))
    escalation_ref: Mapped[str | None] = mapped_column(String(100))
    escalation_title: Mapped[str | None] = mapped_column(String(200))
    escalation_url: Mapped[str | None] = mapped_column(String(500))

    petitioners: Mapped[list[Petitioner]] = tenant_children("Petition", "Petitioner", "petition_id")
    reported_persons: Mapped[list[ReportedPerson]] = tenant_children(
        "Petition", "ReportedPerson", "petition_id"
    )

    @hybrid_property
    def is_collective(self) -> bool:
        """集体访/集体信: five or more people (derived, never stored)."""
        return self.people_count >= COLLECTIVE_FROM

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None


class Petitioner(TenantOwned, Base):
    """信访人 (one or more per petition; none when anonymous)."""

    __tablename__ = "petition_petitioners"
    __tenant_args__ = (
        tenant_fk("petition_id", "petitions", ondelete="CASCADE"),
        Index("ix_petition_petitioners_tenant_id_petition_id", "tenant_id", "petition_id"),
        Index("ix_petition_petitioners_tenant_id_id_number", "tenant_id", "id_number"),
        Index("ix_petition_petitioners_tenant_id_phone", "tenant_id", "phone"),
        Index(
            "ix_petition_petitioners_tenant_id_phone_normalized", "tenant_id", "phone_normalized"
        ),
    )

    petition_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str | None] = mapped_column(String(50))
    #: 公民身份号码 — sensitive: a reporter's identity needs petitions.view_identity.
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(20))
    #: ``phone`` in one form for matching (core.phones.normalize_phone); ``phone`` keeps
    #: what was typed.
    phone_normalized: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    #: One of the (at most five) representatives of a collective visit.
    is_representative: Mapped[bool] = mapped_column(Boolean, default=False)

    @validates("phone")
    def _keep_matching_form(self, _key: str, value: str | None) -> str | None:
        # On the way in, whoever sets the number: what was typed stays in ``phone``.
        self.phone_normalized = (normalize_phone(value) or "")[:20] or None
        return value

    @property
    def masked_id_number(self) -> str | None:
        if not self.id_number:
            return None
        return self.id_number[:3] + "*" * (len(self.id_number) - 7) + self.id_number[-4:]

    @property
    def masked_phone(self) -> str | None:
        # Wholly hidden: 138****5678 still identifies a person in a county (issue 12).
        return mask_phone(self.phone)


class ReportedPerson(TenantOwned, Base):
    """被反映人: name, unit, post and cadre rank (which decides jurisdiction)."""

    __tablename__ = "petition_reported_persons"
    __tenant_args__ = (
        tenant_fk("petition_id", "petitions", ondelete="CASCADE"),
        tenant_fk("unit_id", "org_units"),
        Index("ix_petition_reported_persons_tenant_id_petition_id", "tenant_id", "petition_id"),
        Index("ix_petition_reported_persons_tenant_id_name", "tenant_id", "name"),
        Index("ix_petition_reported_persons_tenant_id_user_id", "tenant_id", "user_id"),
        Index("ix_petition_reported_persons_tenant_id_unit_id", "tenant_id", "unit_id"),
    )

    petition_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(50))
    #: The unit as the petition names it (free text, kept as written) …
    unit: Mapped[str | None] = mapped_column(String(100))
    #: … and, where the clerk ties it to the tenant's org tree, that unit: its people may
    #: be kept away from the petition (setting ``recuse_reported_unit``, Art. 30).
    unit_id: Mapped[int | None] = mapped_column(BigId)
    post: Mapped[str | None] = mapped_column(String(100))
    cadre_rank: Mapped[str | None] = mapped_column(String(30))
    #: Set when the reported person is a user of this platform: they may not handle it.
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))


class PetitionConflict(TenantOwned, Base):
    """A user declared a conflict of interest on a petition (回避, Art. 28)."""

    __tablename__ = "petition_conflicts"
    __tenant_args__ = (
        tenant_fk("petition_id", "petitions", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "petition_id", "user_id"),
    )

    petition_id: Mapped[int] = mapped_column(BigId)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


#: Why a person counts as a long-term petitioner (信访老户).
LONGTERM_REASONS = {
    "frequent": N_("多次信访"),
    "unresolved": N_("长期未解决"),
}


class LongtermPetitioner(TenantOwned, Base):
    """信访老户: a person (by ID number, else phone) with many petitions in a window, or
    one left unresolved for over a year; a leader in charge (包案领导) reviews the case
    periodically. Flagged by a set-based job (:mod:`plugins.petitions.services.longterm`)."""

    __tablename__ = "petition_longterm"
    __tenant_args__ = (
        UniqueConstraint("tenant_id", "key_type", "key_value"),
        Index("ix_petition_longterm_tenant_id_leader", "tenant_id", "leader_user_id", "light"),
        Index("ix_petition_longterm_tenant_id_next_review_on", "tenant_id", "next_review_on"),
    )

    #: "id_number" or "phone": what identifies the person across petitions.
    key_type: Mapped[str] = mapped_column(String(10))
    key_value: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(String(20))
    petition_count: Mapped[int] = mapped_column(Integer, default=0)
    first_received_on: Mapped[date | None] = mapped_column(Date)
    last_received_on: Mapped[date | None] = mapped_column(Date)
    flagged_on: Mapped[date] = mapped_column(Date)
    #: 包案领导 and the review cycle; the first review falls due one cycle after flagging.
    leader_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    review_months: Mapped[int] = mapped_column(Integer, default=3)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    last_review_note: Mapped[str | None] = mapped_column(Text)
    #: The review's traffic light as of the last scan.
    light: Mapped[str | None] = mapped_column(String(10))
    #: Closed (化解) cases stay on record but leave the lists and to-do lists.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class PetitionQueryCode(TenantOwned, Base):
    """The secret 查询码 of a petition filed on the public portal.

    Only a salted scrypt digest is kept (:mod:`plugins.petitions.services.querycodes`): the code
    is shown to the petitioner once, and nobody — staff included — can read it back.
    One per petition.
    """

    __tablename__ = "petition_query_codes"
    __tenant_args__ = (
        tenant_fk("petition_id", "petitions", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "petition_id"),
    )

    petition_id: Mapped[int] = mapped_column(BigId)
    salt: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
