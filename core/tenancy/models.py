"""Tenants (one department of one locality) and which plugins each one enables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigId, TimestampMixin, db, utcnow
from core.i18n import N_

#: The platform's own pseudo-tenant: platform-level audit entries chain here.
PLATFORM_SLUG = "_platform"

TENANT_KINDS = {
    "platform": N_("平台"),
    "province_org_dept": N_("省委组织部"),
    "city_org_dept": N_("市委组织部"),
    "county_org_dept": N_("县委组织部"),
    "organs_work_committee": N_("县直机关工委"),
    "township_committee": N_("乡镇党委"),
    "bureau_committee": N_("局党委"),
}


class Tenant(TimestampMixin, Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    locality_code: Mapped[str] = mapped_column(String(6), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Tenant | None] = relationship(remote_side=[id])

    def ancestors(self) -> list[Tenant]:
        """Parent first, root last."""
        chain, node = [], self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain

    def descendants(self) -> list[Tenant]:
        """Every tenant below this one, breadth first (one query per level)."""
        found: list[Tenant] = []
        level = [self.id]
        while level:
            children = db.session.scalars(
                select(Tenant).where(Tenant.parent_id.in_(level)).order_by(Tenant.slug)
            ).all()
            children = [c for c in children if c not in found]
            found.extend(children)
            level = [c.id for c in children]
        return found

    @property
    def kind_title(self) -> str:
        return _(TENANT_KINDS.get(self.kind, self.kind))

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


class TenantPlugin(Base):
    """A plugin's enablement and settings for one tenant; disabling keeps the data."""

    __tablename__ = "tenant_plugins"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    plugin: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class CacheVersion(Base):
    """A counter raised in every transaction that changes tenants or their plugins
    (:mod:`core.plugins.cache`): each process compares it with the version its cached
    enablement and settings were built at, so no process serves stale ones."""

    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


def tenant_by_slug(slug: str) -> Tenant | None:
    """The active tenant of ``slug``; the same statement reads the cache version, so a
    request learns whether its process's cached enablement and settings still hold at no
    extra round trip."""
    from core.plugins.cache import VERSION, remember_version

    row = db.session.execute(
        select(Tenant, VERSION).where(Tenant.slug == slug, Tenant.is_active)
    ).first()
    if row is None:
        return None
    remember_version(row[1])
    return row[0]


def platform_tenant() -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == PLATFORM_SLUG))
    if tenant is None:
        tenant = Tenant(slug=PLATFORM_SLUG, name="平台", kind="platform", locality_code="000000")
        db.session.add(tenant)
        db.session.flush()
    return tenant
