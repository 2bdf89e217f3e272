"""Invitations: how an existing user joins another tenant — by accepting, themselves.

A tenant administrator who names an existing user that is not already theirs (see
:func:`core.auth.members.add_member`) only invites them; the membership exists once the
user, logged in, accepts on the invitations page. An unknown username gets the very same
answer, and nothing is created, so the answer tells nobody whether a username exists.
A platform operator can still place a user directly (``zugong tenants sync``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit.service import record
from core.auth.models import Invitation, Membership, Role, User
from core.auth.permissions import grant_roles
from core.db import db, utcnow
from core.tenancy.models import Tenant
from core.tenancy.scope import cross_tenant_scope, tenant_scope

PENDING, ACCEPTED, DECLINED = "pending", "accepted", "declined"


@dataclass(frozen=True)
class InvitationSent:
    """What the inviting tenant learns: the name it typed, and nothing about the user."""

    username: str

    @property
    def detail(self) -> str:
        return _(
            "如果用户名 %(username)s 已在平台注册，对方登录后可在“邀请”页面接受加入本单位；"
            "若是新用户，请同时填写姓名和初始密码。",
            username=self.username,
        )


def invite(
    user: User | None, username: str, roles: list[Role], title: str | None
) -> InvitationSent:
    """Invite ``user`` (``None``: the name is unknown) into the tenant in scope; the same
    answer and the same audit entry either way."""
    if user is not None:
        pending = db.session.scalar(
            select(Invitation).where(Invitation.user_id == user.id, Invitation.status == PENDING)
        )
        if pending is None:
            pending = Invitation(user_id=user.id, status=PENDING)
            db.session.add(pending)
        pending.roles = [r.key for r in roles]
        pending.title = title
        pending.invited_by = _current_user_id()
        db.session.flush()
    record(
        "invitation.sent",
        object_type="invitations",
        detail={"username": username, "roles": [r.key for r in roles], "title": title},
    )
    return InvitationSent(username)


def _current_user_id() -> int | None:
    from core.auth.users import current_actor

    return current_actor().user_id


@dataclass(frozen=True)
class PendingInvitation:
    id: int
    tenant_id: int
    tenant_name: str
    roles: list[str]
    title: str | None


def pending_for(user: User) -> list[PendingInvitation]:
    """The user's open invitations, from every tenant (read across tenants, audited)."""
    with cross_tenant_scope(
        "invitations: the user's own pending invitations", action="invitation.list"
    ):
        rows = db.session.execute(
            select(Invitation, Tenant.name)
            .join(Tenant, Tenant.id == Invitation.tenant_id)
            .where(Invitation.user_id == user.id, Invitation.status == PENDING, Tenant.is_active)
            .order_by(Invitation.id)
        ).all()
    return [
        PendingInvitation(i.id, i.tenant_id, name, list(i.roles or []), i.title) for i, name in rows
    ]


def has_pending(user: User) -> bool:
    return bool(pending_for(user))


def decide(user: User, invitation_id: int, *, accept: bool) -> bool:
    """Accept or decline one of the user's own pending invitations; ``False`` if there is
    no such invitation (another user's, decided already, or unknown)."""
    mine = {p.id: p for p in pending_for(user)}
    found = mine.get(invitation_id)
    if found is None:
        return False
    with tenant_scope(found.tenant_id):
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.id == invitation_id).with_for_update()
        )
        if invitation is None or invitation.status != PENDING:
            return False  # a concurrent decision won
        invitation.status = ACCEPTED if accept else DECLINED
        invitation.decided_at = utcnow()
        if accept:
            _join(user, invitation)
        db.session.flush()
        record(
            "invitation.accepted" if accept else "invitation.declined",
            obj=invitation,
            detail={"username": user.username, "roles": invitation.roles},
        )
    return True


def _join(user: User, invitation: Invitation) -> None:
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    if membership is None:
        membership = Membership(user_id=user.id)
        db.session.add(membership)
    membership.is_active = True
    membership.title = invitation.title
    db.session.flush()
    # Roles deleted since the invitation are skipped, not an error for the invitee.
    existing = set(db.session.scalars(select(Role.key).where(Role.key.in_(invitation.roles or []))))
    grant_roles(membership, [k for k in invitation.roles or [] if k in existing])
    db.session.flush()
    db.session.expire(membership, ["roles"])
