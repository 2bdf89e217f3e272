"""The subtree page's service: which descendant is meant (anything else is a 404), and
granting a plugin's roles to members of that descendant."""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import BadRequest, NotFound

from core.audit.service import record
from core.auth.models import Membership, Role
from core.auth.permissions import grant_roles
from core.db import db
from core.permissions import SUBTREE_MANAGE
from core.plugins.manager import enabled_plugins, host
from core.rollup.tree import Node, Subtree, subtree
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope

PERMISSION = SUBTREE_MANAGE


def tree_of(tenant: Tenant) -> Subtree:
    return subtree(tenant.id)


def descendant(tenant: Tenant, node_id: int) -> Tenant:
    """A tenant strictly below ``tenant`` (active branch); itself or any other is a 404."""
    node: Node | None = subtree(tenant.id).nodes.get(node_id)
    if node is None or node.id == tenant.id:
        raise NotFound()
    return db.session.get(Tenant, node.id)


def plugins_of(target: Tenant) -> list[tuple[str, str, bool]]:
    """Every installed plugin: name, title, enabled for ``target``."""
    enabled = set(enabled_plugins(target))
    return [(n, host().metas[n].localized_title(), n in enabled) for n in host().names]


def members_and_roles(target: Tenant, plugin: str) -> tuple[list[Membership], list[Role]]:
    """``target``'s active members and the roles ``plugin`` provisioned there."""
    # Loaded eagerly inside the scope: outside it, their roles are another tenant's rows.
    query = (
        select(Membership)
        .where(Membership.is_active)
        .options(selectinload(Membership.user), selectinload(Membership.roles))
        .order_by(Membership.id)
    )
    with tenant_scope(target.id):
        members = list(db.session.scalars(query))
        roles = list(db.session.scalars(select(Role).where(Role.plugin == plugin)))
    return members, roles


def add_roles(target: Tenant, plugin: str, grants: dict[int, list[str]]) -> int:
    """Add the chosen roles of ``plugin`` to members of ``target`` (keeping their other
    roles); audited in ``target``'s chain. Returns how many members changed."""
    changed = 0
    with tenant_scope(target.id):
        offered = set(db.session.scalars(select(Role.key).where(Role.plugin == plugin)))
        for membership_id, keys in grants.items():
            wanted = set(keys)
            if wanted - offered:
                raise ValueError(_("只能授予该功能模块的角色。"))
            membership = db.session.get(Membership, membership_id)
            if membership is None:
                raise NotFound()
            before = sorted(r.key for r in membership.roles)
            after = sorted(set(before) | wanted)
            if after == before:
                continue
            grant_roles(membership, after)
            record("membership.updated", obj=membership, detail={"roles": after, "before": before})
            changed += 1
    return changed


class GrantForm(Schema):
    """The role grid offered after a plugin is enabled (this page and the tenant's own
    plugins page): one ticked box per ``<membership id>:<role key>``."""

    class Meta:
        unknown = EXCLUDE

    grant = fields.List(fields.String(), load_default=list)


def chosen_grants(items: list[str]) -> dict[int, list[str]]:
    """The ticked boxes as membership id → role keys (a malformed box is a 400)."""
    grants: dict[int, list[str]] = {}
    for item in items:
        member, _sep, key = item.partition(":")
        if not member.isdigit() or not key:
            raise BadRequest(_("授权项无效。"))
        grants.setdefault(int(member), []).append(key)
    return grants
