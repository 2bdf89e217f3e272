"""The acting person of a request or job, and what they may do in the tenant in scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g

from core.auth.models import Membership, User


@dataclass(frozen=True)
class Actor:
    user: User | None
    membership: Membership | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def name(self) -> str:
        return self.user.display_name if self.user else "系统"

    def can(self, permission: str) -> bool:
        return permission in self.permissions


class _SystemActor(Actor):
    """Scheduled jobs act as the system: their code decides what they do."""

    def can(self, permission: str) -> bool:
        return True


def system_actor() -> Actor:
    return _SystemActor(user=None)


def current_actor() -> Actor:
    actor = g.get("actor")
    if actor is None:
        return Actor(user=None)
    return actor
