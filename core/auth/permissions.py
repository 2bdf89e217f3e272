"""Which permissions a member holds in a tenant.

A permission counts only if it was declared by core or by a plugin the tenant enables,
so disabling a plugin takes its permissions away without touching roles.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from core.auth.models import Membership, MembershipRole, Role
from core.db import db
from core.plugins.manager import CORE, enabled_plugins, host
from core.tenancy.models import Tenant


def permissions_of(membership: Membership, tenant: Tenant) -> frozenset[str]:
    granted = db.session.scalars(
        select(Role.permissions)
        .join(MembershipRole, MembershipRole.role_id == Role.id)
        .where(MembershipRole.membership_id == membership.id)
    ).all()
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
