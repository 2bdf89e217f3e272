"""Which permissions a member holds in a tenant.

A permission counts only if it was declared by core or by a plugin the tenant enables,
so disabling a plugin takes its permissions away without touching roles.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, delete, select

from core.auth.models import Membership, MembershipRole, Role
from core.db import db
from core.plugins.manager import CORE, enabled_plugins, host
from core.tenancy.models import Tenant


def permissions_of(membership: Membership, tenant: Tenant) -> frozenset[str]:
    granted = db.session.scalars(
        select(Role.permissions)
        .join(
            MembershipRole,
            and_(MembershipRole.tenant_id == Role.tenant_id, MembershipRole.role_id == Role.id),
        )
        .where(MembershipRole.membership_id == membership.id)
    ).all()
    return live_permissions(granted, tenant)


def membership_with_permissions(
    user_id: int, tenant: Tenant
) -> tuple[Membership | None, frozenset[str]]:
    """The user's active membership in the tenant in scope and what it may do, in one
    statement (the membership joined with its roles' permission lists)."""
    rows = db.session.execute(
        select(Membership, Role.permissions)
        .outerjoin(
            MembershipRole,
            and_(
                MembershipRole.tenant_id == Membership.tenant_id,
                MembershipRole.membership_id == Membership.id,
            ),
        )
        .outerjoin(
            Role,
            and_(Role.tenant_id == MembershipRole.tenant_id, Role.id == MembershipRole.role_id),
        )
        .where(Membership.user_id == user_id, Membership.is_active)
    ).all()
    if not rows:
        return None, frozenset()
    return rows[0][0], live_permissions([perms for _m, perms in rows], tenant)


def live_permissions(granted: Iterable[list[str] | None], tenant: Tenant) -> frozenset[str]:
    """The granted permissions that count in ``tenant``: declared by core or by a plugin
    it enables (both lookups are in memory: the host's table, the cached enablement)."""
    live = {CORE, *enabled_plugins(tenant)}
    declared = host().permissions()
    return frozenset(
        perm
        for perms in granted
        for perm in perms or ()
        if perm in declared and declared[perm][0] in live
    )


def grant_roles(membership: Membership, role_keys: list[str]) -> None:
    """Replace the member's roles with ``role_keys`` (unknown keys raise KeyError)."""
    roles = {r.key: r for r in db.session.scalars(select(Role).where(Role.key.in_(role_keys)))}
    missing = set(role_keys) - set(roles)
    if missing:
        raise KeyError(sorted(missing))
    db.session.execute(delete(MembershipRole).where(MembershipRole.membership_id == membership.id))
    for key in role_keys:
        db.session.add(MembershipRole(membership_id=membership.id, role_id=roles[key].id))


def role_titles() -> dict[str, str]:
    """Every default role's title by key (core's and every installed plugin's), for
    showing a role named by its key where no tenant's row is at hand."""
    titles: dict[str, str] = {}
    for name in (CORE, *host().names):
        for role in host().default_roles(name):
            titles[role.key] = role.title
    return titles
