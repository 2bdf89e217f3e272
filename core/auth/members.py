"""Tenant administration services shared by the admin pages and the core API.

People: adding a user to the tenant in scope (a new user with an initial password, a
former member who is this tenant's alone, or else an invitation the user must accept),
changing a member's roles, title, status and org unit, resetting a password. Roles: changing a
role's permissions. Audit: the filtered log of the tenant. (Which tokens an actor may
see and revoke: :mod:`core.auth.token_access`; a plugin's settings as administrators see
them: :mod:`core.plugins.settings_view`.)

Everything here runs inside the tenant scope of the request and audits its changes. A
rule that protects the tenant (an administrator cannot take away their own right to manage
users) raises :class:`AdminConflict`; bad input raises marshmallow's ``ValidationError``
naming the field, so both the API (problem+json) and the pages (form errors) report it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import Select, or_, select

from core.audit.models import AuditEntry
from core.audit.service import record
from core.auth import invitations
from core.auth.invitations import InvitationSent
from core.auth.models import Membership, MembershipRole, Role, User
from core.auth.permissions import grant_roles
from core.auth.users import Actor
from core.db import MAX_DB_ID, db
from core.orgs.models import OrgUnit
from core.plugins.manager import CORE, enabled_plugins, host
from core.tenancy.models import Tenant
from core.tenancy.scope import cross_tenant_scope

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]{2,40}$"  # as in tenant manifests
#: The permission an administrator may never take away from themselves.
MANAGE_USERS = "core.manage_users"


class AdminConflict(Exception):
    """The change contradicts the tenant's state (answered 409 with the message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- people -----------------------------------------------------------------------------


def roles_by_key(keys: list[str]) -> list[Role]:
    """This tenant's roles named by ``keys``, in that order; unknown keys are a field error."""
    found = {r.key: r for r in db.session.scalars(select(Role).where(Role.key.in_(keys)))}
    missing = [k for k in dict.fromkeys(keys) if k not in found]
    if missing:
        raise ValidationError(
            {"roles": [_("本单位没有这些角色：%(keys)s", keys="、".join(missing))]}
        )
    return [found[k] for k in dict.fromkeys(keys)]


def add_member(
    *,
    username: str,
    roles: list[str],
    title: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> Membership | InvitationSent:
    """Add ``username`` to the tenant in scope.

    A new name with a display name and an initial password creates the user. A user who
    is this tenant's alone (a former member serving no other tenant) is reactivated with
    the given roles. Anyone else — a user of another tenant, or a name given without a
    display name and password — is only invited, and the answer is the same whether or
    not the name exists (:mod:`core.auth.invitations`): no tenant can pull in another
    tenant's user or learn which usernames exist.
    """
    role_rows = roles_by_key(roles)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None and (display_name or password):
        return _create_member(username, display_name, password, role_rows, title)
    if user is not None and (display_name or password):
        message = _("该用户名已被使用。若要邀请该用户加入本单位，请只填写用户名，姓名和密码留空。")
        raise AdminConflict(message)
    membership = None
    if user is not None:
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    if membership is not None and membership.is_active:
        raise AdminConflict(_("该用户已是本单位成员。"))
    if membership is None or _belongs_elsewhere(membership):
        return invitations.invite(user, username, role_rows, title)
    membership.is_active = True
    membership.title = title
    db.session.flush()
    _set_roles(membership, role_rows)
    _record_joined("membership.reactivated", membership, role_rows, title, created=False)
    return membership


def _create_member(
    username: str,
    display_name: str | None,
    password: str | None,
    role_rows: list[Role],
    title: str | None,
) -> Membership:
    errors = {}
    if not display_name:
        errors["display_name"] = [_("新用户需要填写姓名。")]
    if not password:
        errors["password"] = [_("新用户需要设置初始密码。")]
    if errors:
        raise ValidationError(errors)
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    membership = Membership(user_id=user.id, is_active=True, title=title)
    db.session.add(membership)
    db.session.flush()
    _set_roles(membership, role_rows)
    _record_joined("membership.added", membership, role_rows, title, created=True)
    return membership


def _record_joined(
    action: str, membership: Membership, role_rows: list[Role], title: str | None, *, created: bool
) -> None:
    record(
        action,
        obj=membership,
        detail={
            "username": membership.user.username,
            "new_user": created,
            "roles": [r.key for r in role_rows],
            "title": title,
        },
    )


_UNSET: Any = object()


def update_member(
    actor: Actor,
    membership: Membership,
    *,
    roles: list[str] | None = None,
    title: str | None = _UNSET,
    active: bool | None = None,
    org_unit_id: int | None = _UNSET,
) -> Membership:
    """Change roles, title, status or unit (None/unset: as is; but org_unit_id=None: no unit)."""
    own = actor.membership is not None and actor.membership.id == membership.id
    before = _member_state(membership)
    if roles is not None:
        role_rows = roles_by_key(roles)
        if own and not _grants(role_rows, MANAGE_USERS):
            raise AdminConflict(_("不能移除自己的管理员角色（管理用户与角色的权限）。"))
    if active is False and own:
        raise AdminConflict(_("不能停用自己在本单位的成员资格。"))
    if org_unit_id is not _UNSET and org_unit_id is not None:
        check_unit(org_unit_id)
    if roles is not None:
        _set_roles(membership, role_rows)
    if title is not _UNSET:
        membership.title = title
    if org_unit_id is not _UNSET:
        membership.org_unit_id = org_unit_id
    if active is not None:
        if membership.is_active and not active:
            membership.user.end_sessions()
        membership.is_active = active
    db.session.flush()
    after = _member_state(membership)
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if changed:
        record(
            "membership.updated",
            obj=membership,
            detail={"username": membership.user.username, "changes": changed},
        )
    return membership


def deactivate_member(actor: Actor, membership: Membership) -> None:
    """Remove a member from the tenant (the membership is kept, inactive)."""
    if actor.membership is not None and actor.membership.id == membership.id:
        raise AdminConflict(_("不能停用自己在本单位的成员资格。"))
    if not membership.is_active:
        return
    membership.is_active = False
    membership.user.end_sessions()
    db.session.flush()
    record("membership.deactivated", obj=membership, detail={"username": membership.user.username})


def reset_password(membership: Membership, password: str) -> None:
    """Set a member's password; every session of theirs ends.

    A user who also serves another tenant, or a platform operator, is not this tenant's to
    take over: their password can be changed only by themselves or a platform operator.
    """
    user = membership.user
    if _belongs_elsewhere(membership):
        raise AdminConflict(_("该用户还属于其他单位，只能由本人或平台管理员重置密码。"))
    user.set_password(password)
    db.session.flush()
    record("membership.password_reset", obj=membership, detail={"username": user.username})


def _belongs_elsewhere(membership: Membership) -> bool:
    """Whether the member also serves another tenant (or runs the platform): then this
    tenant may neither take over their password nor pull them back in unasked."""
    user = membership.user
    if user.is_operator:
        return True
    with cross_tenant_scope(
        "members: does the user belong to other tenants", action="membership.password_check"
    ):
        elsewhere = db.session.scalar(
            select(Membership.id)
            .where(
                Membership.user_id == user.id,
                Membership.tenant_id != membership.tenant_id,
                Membership.is_active,
            )
            .limit(1)
        )
    return elsewhere is not None


def _set_roles(membership: Membership, roles: list[Role]) -> None:
    grant_roles(membership, [r.key for r in roles])
    db.session.flush()
    db.session.expire(membership, ["roles"])


def _grants(roles: list[Role], permission: str) -> bool:
    return any(permission in (r.permissions or ()) for r in roles)


def _member_state(membership: Membership) -> dict[str, Any]:
    return {
        "roles": [r.key for r in membership.roles],
        "title": membership.title,
        "active": membership.is_active,
        "org_unit_id": membership.org_unit_id,
    }


def check_unit(org_unit_id: int) -> None:
    """A member may be placed only in an active org unit of the tenant in scope."""
    unit = db.session.get(OrgUnit, org_unit_id) if 0 < org_unit_id <= MAX_DB_ID else None
    if unit is None or not unit.is_active:
        raise ValidationError({"org_unit_id": [_("本单位没有该组织机构（或已撤销）。")]})


def memberships_query(
    *, active: bool | None = None, role: str | None = None, q: str | None = None
) -> Select:
    """Members of the tenant in scope, filtered (paginate by ``Membership.id``)."""
    stmt = select(Membership).join(User, User.id == Membership.user_id)
    if active is not None:
        stmt = stmt.where(Membership.is_active.is_(active))
    if role:
        with_role = (
            select(MembershipRole.membership_id)
            .join(Role, Role.id == MembershipRole.role_id)
            .where(Role.key == role)
        )
        stmt = stmt.where(Membership.id.in_(with_role))
    if q:
        stmt = stmt.where(
            or_(
                User.username.icontains(q, autoescape=True),
                User.display_name.icontains(q, autoescape=True),
            )
        )
    return stmt


# -- roles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermissionInfo:
    key: str
    title: str
    plugin: str
    sensitive: bool
    live: bool  # declared by core or a plugin this tenant enables


def declared_permissions(tenant: Tenant) -> list[PermissionInfo]:
    """Every declared permission, core first, then by plugin and key."""
    live = {CORE, *enabled_plugins(tenant)}
    infos = [
        PermissionInfo(key, str(perm.title), plugin, perm.sensitive, plugin in live)
        for key, (plugin, perm) in host().permissions().items()
    ]
    return sorted(infos, key=lambda p: (p.plugin != CORE, p.plugin, p.key))


def update_role(
    actor: Actor,
    role: Role,
    *,
    permissions: list[str] | None = None,
    title: str | None = None,
) -> Role:
    """Change a role's permissions (each must be declared) or title."""
    before = {"title": role.title, "permissions": list(role.permissions or [])}
    if permissions is not None:
        declared = host().permissions()
        unknown = [p for p in dict.fromkeys(permissions) if p not in declared]
        if unknown:
            raise ValidationError(
                {"permissions": [_("没有声明这些权限：%(keys)s", keys="、".join(unknown))]}
            )
        new = list(dict.fromkeys(permissions))
        if actor.membership is not None and MANAGE_USERS in (role.permissions or ()):
            mine = db.session.scalars(
                select(Role)
                .join(MembershipRole, MembershipRole.role_id == Role.id)
                .where(MembershipRole.membership_id == actor.membership.id)
            ).all()
            if role in mine and MANAGE_USERS not in new:
                others = [r for r in mine if r.id != role.id]
                if not _grants(others, MANAGE_USERS):
                    raise AdminConflict(
                        _("不能移除自己的管理员权限：您正是通过该角色管理用户与角色。")
                    )
        role.permissions = new
    if title is not None:
        role.title = title
    db.session.flush()
    after = {"title": role.title, "permissions": list(role.permissions or [])}
    if after != before:
        record("role.updated", obj=role, detail={"key": role.key, "before": before, "after": after})
    return role


# -- audit ------------------------------------------------------------------------------


def audit_query(
    *,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    actor: int | None = None,
) -> Select:
    """The tenant's audit entries, filtered (paginate by ``AuditEntry.seq``)."""
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    if actor is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor)
    return stmt
