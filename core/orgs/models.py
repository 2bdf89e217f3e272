"""The org-unit tree of a tenant and the Party members registered in it."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigId, TenantOwned, tenant_fk, tenant_parent
from core.i18n import N_

UNIT_KINDS = {
    "committee": N_("党委"),
    "general_branch": N_("党总支"),
    "branch": N_("党支部"),
    "group": N_("党小组"),
    "section": N_("科室"),
}
#: 状态 of a unit in spreadsheets (exports and imports); the model stores ``is_active``.
UNIT_STATUSES = {"active": N_("正常"), "inactive": N_("已撤销")}
GENDERS = {"male": N_("男"), "female": N_("女")}
MEMBER_STATUSES = {"formal": N_("正式党员"), "probationary": N_("预备党员")}
#: Members who joined before the founding of the PRC are 建国前老党员.
VETERAN_BEFORE = date(1949, 10, 1)


class OrgUnit(TenantOwned, Base):
    __tablename__ = "org_units"
    __tenant_args__ = (
        tenant_fk("parent_id", "org_units"),
        Index("ix_org_units_tenant_id_parent_id", "tenant_id", "parent_id", "sort_order"),
        UniqueConstraint("tenant_id", "code"),
    )

    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(BigId)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[OrgUnit | None] = relationship(
        remote_side="OrgUnit.id",
        primaryjoin="and_(OrgUnit.tenant_id == remote(OrgUnit.tenant_id),"
        " foreign(OrgUnit.parent_id) == remote(OrgUnit.id))",
        viewonly=True,
    )

    @property
    def kind_title(self) -> str:
        return _(UNIT_KINDS.get(self.kind, self.kind))


class Member(TenantOwned, Base):
    __tablename__ = "members"
    __tenant_args__ = (
        tenant_fk("branch_id", "org_units"),
        Index("ix_members_tenant_id_branch_id_id", "tenant_id", "branch_id", "id"),
        Index("ix_members_tenant_id_name", "tenant_id", "name"),
        Index("ix_members_tenant_id_id_number", "tenant_id", "id_number"),
    )

    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    #: 公民身份号码 — sensitive: masked without core.view_identity, views audited.
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(20))
    branch_id: Mapped[int | None] = mapped_column(BigId)
    joined_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="formal")
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)
    is_unemployed: Mapped[bool] = mapped_column(Boolean, default=False)
    is_floating: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)

    branch: Mapped[OrgUnit | None] = tenant_parent("Member", "OrgUnit", "branch_id")

    @property
    def is_veteran(self) -> bool:
        """建国前老党员: joined before 1949-10-01 (derived, never stored)."""
        return self.joined_on is not None and self.joined_on < VETERAN_BEFORE

    @property
    def masked_id_number(self) -> str | None:
        if not self.id_number:
            return None
        return self.id_number[:3] + "*" * (len(self.id_number) - 7) + self.id_number[-4:]
