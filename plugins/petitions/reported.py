"""The person reported on never sees the petition about him (信访工作条例 Art. 30).

A user entered as a reported person (``ReportedPerson.user_id``) must not learn that the
petition exists, let alone who wrote it: recusal from handling is not enough. So every
ORM select a request runs for that user gets one more loader criterion on ``Petition``
(next to the tenant's): no reported-person row names him. It reaches the lists, search,
the ledger, statistics drill-downs, the to-do list and every page or API that loads the
petition by id (a 404, as for another tenant's row), without each query remembering it.

Jobs and the system actor (no user) see everything: their code decides what they do.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from sqlalchemy import and_, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria

from core.tenancy.session import TenantSession
from plugins.petitions.models import Petition, ReportedPerson

#: The reported-person table itself (not the entity: no criteria inside the criterion),
#: aliased so the subquery never auto-correlates with a query that reads the table too.
_REPORTED = ReportedPerson.__table__.alias("hidden_from_reported")


def viewer_id() -> int | None:
    """The user a request acts for, or ``None`` outside requests and for jobs."""
    if not has_app_context():
        return None
    actor = g.get("actor")
    if actor is None or actor.user is None:
        return None
    # The key from the identity, not ``user.id``: an expired user would be refreshed by a
    # select, which comes back here (endless recursion).
    identity = inspect(actor.user).identity
    return identity[0] if identity else None


def not_reported_on(user_id: int) -> Any:
    """SQL: the petition does not name ``user_id`` as a reported person."""
    rp = _REPORTED.c
    naming = (
        select(rp.id)
        .where(
            and_(
                rp.tenant_id == Petition.tenant_id,
                rp.petition_id == Petition.id,
                rp.user_id == user_id,
            )
        )
        .correlate_except(_REPORTED)
    )
    return ~naming.exists()


def is_reported_on(petition: Petition, user_id: int | None) -> bool:
    return user_id is not None and any(r.user_id == user_id for r in petition.reported_persons)


@event.listens_for(TenantSession, "do_orm_execute")
def _hide_from_reported(state: ORMExecuteState) -> None:
    if not state.is_select:
        return
    user_id = viewer_id()
    if user_id is None:
        return
    state.statement = state.statement.options(
        with_loader_criteria(Petition, not_reported_on(user_id), include_aliases=True)
    )
