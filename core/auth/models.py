"""People who log in, their memberships and roles in tenants, and their API tokens."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.db import Base, BigId, TenantOwned, TimestampMixin, tenant_fk, utcnow


class User(TimestampMixin, Base):
    """A person who logs in. Global: one person may serve several tenants."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Platform operators create tenants and choose plugins; they see no tenant's data
    #: without a membership there.
    is_operator: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str | None] = mapped_column(String(10))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Copied into each session at login and compared on every request: raising it
    #: (logout, password change, being disabled) ends every session of the user.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)
        self.end_sessions()

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class LoginAttempt(Base):
    """Recent login attempts, read by the throttle (global: logins precede tenants)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(40))
    ip: Mapped[str] = mapped_column(String(45), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Role(TenantOwned, Base):
    """A named set of permissions in one tenant, provisioned from plugins' defaults."""

    __tablename__ = "roles"
    __tenant_args__ = (UniqueConstraint("tenant_id", "key"),)

    key: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(60))
    #: The plugin that declared it ("core" for core roles); custom roles have none.
    plugin: Mapped[str | None] = mapped_column(String(40))
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)


class Membership(TenantOwned, Base):
    """A user's place in one tenant."""

    __tablename__ = "memberships"
    __tenant_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        tenant_fk("org_unit_id", "org_units"),
        Index("ix_memberships_tenant_id_org_unit_id", "tenant_id", "org_unit_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str | None] = mapped_column(String(50))  # 职务, e.g. 副部长
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The org unit (科室, 党支部 …) the member works in; a plugin may keep records away
    #: from a unit's people (petitions: the reported person's unit, Art. 30).
    org_unit_id: Mapped[int | None] = mapped_column(BigId)

    user: Mapped[User] = relationship()
    roles: Mapped[list[Role]] = relationship(
        secondary="membership_roles",
        primaryjoin="and_(Membership.id == MembershipRole.membership_id,"
        " Membership.tenant_id == MembershipRole.tenant_id)",
        secondaryjoin="and_(Role.id == MembershipRole.role_id,"
        " Role.tenant_id == MembershipRole.tenant_id)",
        viewonly=True,
        order_by="Role.key",
    )


class MembershipRole(TenantOwned, Base):
    __tablename__ = "membership_roles"
    __tenant_args__ = (
        UniqueConstraint("tenant_id", "membership_id", "role_id"),
        tenant_fk("membership_id", "memberships", ondelete="CASCADE"),
        tenant_fk("role_id", "roles", ondelete="CASCADE"),
    )

    membership_id: Mapped[int] = mapped_column(BigId)
    role_id: Mapped[int] = mapped_column(BigId)


class ApiToken(TenantOwned, Base):
    """A bearer token for one user in one tenant; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __tenant_args__ = (
        Index("ix_api_tokens_tenant_id_token_hash", "tenant_id", "token_hash", unique=True),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class Invitation(TenantOwned, Base):
    """An offer to an existing user to join this tenant; it takes effect only when the
    user accepts it after logging in (a tenant cannot pull in another tenant's user)."""

    __tablename__ = "invitations"
    __tenant_args__ = (Index("ix_invitations_tenant_id_user_id", "tenant_id", "user_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    title: Mapped[str | None] = mapped_column(String(50))
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: pending | accepted | declined
    status: Mapped[str] = mapped_column(String(12), default="pending")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
