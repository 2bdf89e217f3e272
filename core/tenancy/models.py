"""Tenants (one department of one locality) and which plugins each one enables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, String, literal, select
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
        """Parent first, root last (one recursive query, whatever the depth)."""
        ids = [node_id for node_id, _depth in ancestor_ids(self.id)]
        found = {t.id: t for t in db.session.scalars(select(Tenant).where(Tenant.id.in_(ids)))}
        return [found[i] for i in ids if i in found]

    def descendants(self) -> list[Tenant]:
        """Every tenant below this one, breadth first, by slug within a level (one
        recursive query, whatever the depth)."""
        tree = subtree_cte(self.id)
        return list(
            db.session.scalars(
                select(Tenant)
                .join(tree, tree.c.id == Tenant.id)
                .where(tree.c.depth > 0)
                .order_by(tree.c.depth, Tenant.slug)
            )
        )

    @property
    def kind_title(self) -> str:
        return _(TENANT_KINDS.get(self.kind, self.kind))

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


#: A deeper tree is a data error (a cycle): the recursive queries stop there.
MAX_DEPTH = 32


def subtree_cte(root_id: int) -> Any:
    """``(id, parent_id, depth)`` of ``root_id`` (depth 0) and every tenant below it, as
    one recursive CTE: a province of 3,000 counties is one query, not one per level."""
    top = select(Tenant.id, Tenant.parent_id, literal(0).label("depth")).where(Tenant.id == root_id)
    tree = top.cte("tenant_subtree", recursive=True)
    below = select(Tenant.id, Tenant.parent_id, (tree.c.depth + 1).label("depth")).where(
        Tenant.parent_id == tree.c.id, tree.c.depth < MAX_DEPTH
    )
    return tree.union_all(below)


def ancestor_ids(tenant_id: int) -> list[tuple[int, int]]:
    """``(id, depth)`` of the tenant's ancestors, parent (depth 1) first, in one query."""
    start = select(Tenant.parent_id.label("id"), literal(1).label("depth")).where(
        Tenant.id == tenant_id
    )
    chain = start.cte("tenant_ancestors", recursive=True)
    up = select(Tenant.parent_id, (chain.c.depth + 1)).where(
        Tenant.id == chain.c.id, Tenant.parent_id.is_not(None), chain.c.depth < MAX_DEPTH
    )
    chain = chain.union_all(up)
    rows = db.session.execute(
        select(chain.c.id, chain.c.depth).where(chain.c.id.is_not(None)).order_by(chain.c.depth)
    )
    return [(int(i), int(d)) for i, d in rows]


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
    """The active tenant of ``slug`` (a request reads it through
    :func:`core.plugins.cache.request_tenant`, with the cache version)."""
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug, Tenant.is_active))


def platform_tenant() -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == PLATFORM_SLUG))
    if tenant is None:
        tenant = Tenant(slug=PLATFORM_SLUG, name="平台", kind="platform", locality_code="000000")
        db.session.add(tenant)
        db.session.flush()
    return tenant
