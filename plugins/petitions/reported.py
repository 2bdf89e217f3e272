"""The person reported on never sees the petition about him (信访工作条例 Art. 30).

A user entered as a reported person (``ReportedPerson.user_id``) must not learn that the
petition exists, let alone who wrote it: recusal from handling is not enough. Where the
tenant turns on ``recuse_reported_unit``, neither do the people of the reported person's
unit: a reported person tied to an org unit (``ReportedPerson.unit_id``) hides the
petition from every member placed in that unit (``Membership.org_unit_id``).

So every ORM select a request runs for a user gets one more loader criterion on
``Petition`` (next to the tenant's): :func:`hidden_clause` — no reported-person row names
him or (rule on) his unit. It reaches the lists, search, the ledger, statistics and their
drill-downs (the statistics are ORM selects of ``Petition`` columns, so the criterion
reaches their aggregates too), the to-do list and every page or API that loads the
petition by id (a 404, as for another tenant's row), without each query remembering it.
A statement on the petitions *table* (not the entity) would get no criterion: only jobs,
which see everything, build those.

Jobs and the system actor (no user) see everything: their code decides what they do.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from sqlalchemy import and_, event, inspect, or_, select
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria

from core.auth.models import Membership
from core.plugins.settings import resolved_settings
from core.tenancy.session import TenantSession
from plugins.petitions.models import Petition, ReportedPerson

#: The reported-person and membership tables themselves (not the entities: no criteria
#: inside the criterion), aliased so the subquery never auto-correlates with a query that
#: reads the tables too.
_REPORTED = ReportedPerson.__table__.alias("hidden_from_reported")
_MEMBERS = Membership.__table__.alias("hidden_from_unit")
#: Where a request keeps whether its tenant hides petitions from the reported unit.
_G_UNIT_RULE = "_petitions_recuse_reported_unit"


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


def unit_rule_on() -> bool:
    """Whether the request's tenant keeps petitions from the reported person's unit
    (setting ``recuse_reported_unit``), read once per request."""
    if not has_app_context():
        return False
    if _G_UNIT_RULE in g:
        return bool(g.get(_G_UNIT_RULE))
    # Resolving reads settings tables (selects that come back to the listener): they
    # see the rule as off meanwhile, which touches no petition.
    setattr(g, _G_UNIT_RULE, False)
    tenant = g.get("tenant")
    on = tenant is not None and bool(
        resolved_settings(tenant, "petitions").get("recuse_reported_unit")
    )
    setattr(g, _G_UNIT_RULE, on)
    return on


def hidden_clause(user_id: int, *, by_unit: bool) -> Any:
    """SQL: the petition names ``user_id`` as a reported person or — ``by_unit`` — names
    a reported person of the viewer's unit (in the petition's tenant)."""
    rp = _REPORTED.c
    names = rp.user_id == user_id
    if by_unit:
        m = _MEMBERS.c
        units = select(m.org_unit_id).where(
            m.tenant_id == rp.tenant_id, m.user_id == user_id, m.org_unit_id.is_not(None)
        )
        names = or_(names, rp.unit_id.in_(units.correlate_except(_MEMBERS).scalar_subquery()))
    naming = (
        select(rp.id)
        .where(and_(rp.tenant_id == Petition.tenant_id, rp.petition_id == Petition.id, names))
        .correlate_except(_REPORTED)
    )
    return naming.exists()


def is_hidden(petition: Petition, user_id: int | None) -> bool:
    """The same rule for a loaded petition (an identity-map hit skips the criterion)."""
    if user_id is None:
        return False
    if any(r.user_id == user_id for r in petition.reported_persons):
        return True
    if not unit_rule_on():
        return False
    units = {r.unit_id for r in petition.reported_persons if r.unit_id is not None}
    return bool(units) and _unit_of(user_id, petition.tenant_id) in units


def _unit_of(user_id: int, tenant_id: int) -> int | None:
    actor = g.get("actor")
    membership = getattr(actor, "membership", None)
    if membership is None or membership.tenant_id != tenant_id:
        return None
    return membership.org_unit_id


def _rule_for(state: ORMExecuteState) -> bool:
    """The unit rule for this statement: read (once per request) only when a statement
    reads this plugin's records, so a request that never touches a petition does not
    pay for the settings; once read, every statement gets it."""
    if has_app_context() and _G_UNIT_RULE in g:
        return bool(g.get(_G_UNIT_RULE))
    if any(m.class_.__module__ == Petition.__module__ for m in state.all_mappers):
        return unit_rule_on()
    return False


@event.listens_for(TenantSession, "do_orm_execute")
def _hide_from_reported(state: ORMExecuteState) -> None:
    if not state.is_select:
        return
    user_id = viewer_id()
    if user_id is None:
        return
    clause = ~hidden_clause(user_id, by_unit=_rule_for(state))
    state.statement = state.statement.options(
        with_loader_criteria(Petition, clause, include_aliases=True)
    )
