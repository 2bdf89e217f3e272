"""Declared state machines for plugin records, written once for every plugin.

A plugin declares its states and transitions; :meth:`Workflow.fire` locks the record's
row (:mod:`core.locking`), checks the source state, the actor's permission and the
guards, moves the record, and leaves a history row (:class:`StateChange`) and an audit
entry. An illegal move raises
:class:`IllegalTransition`, which the API answers with 409 and a clear message.

    review = Workflow("petition", states={"registered": "已登记", ...}, transitions=[
        Transition("accept", ("screening",), "accepted", "受理",
                   permission="petitions.screen", guards=(within_deadline,)),
    ])
    review.fire(petition, "accept", actor, comment="属本部门职责")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import JSON, BigInteger, DateTime, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from core.audit.service import record
from core.db import Base, TenantOwned, db, utcnow
from core.locking import RowNotLockable, lock_for_update

if TYPE_CHECKING:
    from core.auth.users import Actor

#: A guard returns ``None`` when the move may go ahead, or the reason it may not.
Guard = Callable[[Any, "Actor", Mapping[str, Any]], str | None]
Effect = Callable[[Any, "Actor", Mapping[str, Any]], None]


class WorkflowError(Exception):
    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IllegalTransition(WorkflowError):
    """The record's state, or a guard, does not allow this move (HTTP 409)."""


class TransitionForbidden(WorkflowError):
    """The actor lacks the permission for this move (HTTP 403)."""

    status = 403


class StateChange(TenantOwned, Base):
    """One move of one record: who, when, from, to, why."""

    __tablename__ = "state_changes"
    __tenant_args__ = (
        Index("ix_state_changes_tenant_id_record", "tenant_id", "workflow", "record_id", "at"),
    )

    workflow: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(BigInteger)
    transition: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str] = mapped_column(String(50))
    comment: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


#: Every declared workflow by name, so audit entries of its moves can be titled.
DECLARED: dict[str, Workflow] = {}


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    title: str
    permission: str | None = None
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    comment_required: bool = False


@dataclass
class Workflow:
    name: str
    states: dict[str, str]  # state → title
    transitions: list[Transition]
    initial: str
    state_attr: str = "state"
    _by_name: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {t.name: t for t in self.transitions}
        DECLARED[self.name] = self
        for t in self.transitions:
            unknown = {*t.sources, t.target} - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}.{t.name}: unknown states {sorted(unknown)}")

    def state_of(self, obj: Any) -> str:
        return getattr(obj, self.state_attr)

    def state_title(self, state: str) -> str:
        return _(self.states.get(state, state))

    def transition(self, name: str) -> Transition:
        if name not in self._by_name:
            raise IllegalTransition(_("未知的操作：%(name)s", name=name))
        return self._by_name[name]

    def available(
        self, obj: Any, actor: Actor, data: Mapping[str, Any] | None = None
    ) -> list[Transition]:
        """The moves this actor could make now (for showing the allowed actions)."""
        return [
            t
            for t in self.transitions
            if self.state_of(obj) in t.sources
            and (t.permission is None or actor.can(t.permission))
            and not _first_refusal(t.guards, obj, actor, data or {})
        ]

    def start(self, obj: Any, actor: Actor, comment: str | None = None) -> StateChange:
        """Put a new record in its initial state, with the first history row."""
        setattr(obj, self.state_attr, self.initial)
        return self._log(obj, actor, "create", None, self.initial, comment, {})

    def fire(
        self,
        obj: Any,
        name: str,
        actor: Actor,
        comment: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> StateChange:
        data = dict(data or {})
        t = self.transition(name)
        # Before any check: a second identical request waits here, then sees the new
        # state and is refused — the move (and its money) happens once.
        try:
            lock_for_update(obj)
        except RowNotLockable as exc:
            raise IllegalTransition(
                _("该记录属于其他单位，本单位不能执行「%(action)s」", action=_(t.title))
            ) from exc
        current = self.state_of(obj)
        if current not in t.sources:
            raise IllegalTransition(
                _(
                    "当前状态为「%(state)s」，不能执行「%(action)s」",
                    state=self.state_title(current),
                    action=_(t.title),
                )
            )
        if t.permission and not actor.can(t.permission):
            raise TransitionForbidden(_("您没有执行「%(action)s」的权限", action=_(t.title)))
        if t.comment_required and not (comment or "").strip():
            raise IllegalTransition(_("执行「%(action)s」须填写说明", action=_(t.title)))
        refusal = _first_refusal(t.guards, obj, actor, data)
        if refusal:
            raise IllegalTransition(refusal)
        setattr(obj, self.state_attr, t.target)
        change = self._log(obj, actor, t.name, current, t.target, comment, data)
        for effect in t.effects:
            effect(obj, actor, data)
        return change

    def note(
        self,
        obj: Any,
        event: str,
        actor: Actor,
        comment: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> StateChange:
        """Record something that happened to the record without moving it (it was
        escalated, a linked record changed): a history row from and to its current
        state, and an audit entry ``<workflow>.<event>`` (title it through
        ``zugong_audit_actions``). ``event`` must not be a transition's name."""
        if event in self._by_name or event == "create":
            raise ValueError(f"{self.name}.{event} is a transition: fire it instead")
        state = self.state_of(obj)
        return self._log(obj, actor, event, state, state, comment, dict(data or {}))

    def history(self, obj: Any) -> list[StateChange]:
        return list(
            db.session.scalars(
                select(StateChange)
                .where(StateChange.workflow == self.name, StateChange.record_id == obj.id)
                .order_by(StateChange.at, StateChange.id)
            )
        )

    def _log(
        self,
        obj: Any,
        actor: Actor,
        transition: str,
        source: str | None,
        target: str,
        comment: str | None,
        data: Mapping[str, Any],
    ) -> StateChange:
        if obj.id is None:
            db.session.flush()
        safe_data = _jsonable(data)
        change = StateChange(
            workflow=self.name,
            record_id=obj.id,
            transition=transition,
            from_state=source,
            to_state=target,
            actor_id=actor.user_id,
            actor_name=actor.name,
            comment=comment,
            data=safe_data,
        )
        db.session.add(change)
        record(
            f"{self.name}.{transition}",
            obj=obj,
            detail={"from": source, "to": target, "comment": comment, **safe_data},
        )
        return change


def _first_refusal(
    guards: Iterable[Guard], obj: Any, actor: Actor, data: Mapping[str, Any]
) -> str | None:
    for guard in guards:
        reason = guard(obj, actor, data)
        if reason:
            return reason
    return None


def _jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, str | int | float | bool | None) else str(v) for k, v in data.items()
    }
