"""How to bring a reporting item, and its submission to the parent, into any state of
their workflows, for the generated race test (tests/core/test_workflow_races.py).

The race's county and city are made a reporting tree (province → city → county, the
plugin enabled on each) once per case. The one actor writes, approves and adopts.

A submission is a row of the county (the item's owner) that the city decides. The race
runs each contender in the county's scope, which is where
:func:`plugins.reporting.services.decide` writes it too; the decision is fired
:func:`~plugins.reporting.levels.acting_as` the receiving level, as ``decide`` does.
The linked moves (the other side's action carried over) are fired the way the workflow's
own effects fire them, in :func:`~plugins.reporting.levels.linked_move`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from itertools import count
from typing import Any

from core.db import db
from core.plugins import enablement
from core.tenancy.models import Tenant
from core.tenancy.scope import current_tenant_id
from plugins.reporting import services
from plugins.reporting.bulletins import services as bulletins
from plugins.reporting.bulletins.workflow import ISSUE_FLOW
from plugins.reporting.levels import (
    PLUGIN,
    acting_as,
    first_submission,
    linked_move,
    reporting_parent,
)
from plugins.reporting.models import Issue, IssueEntry, Priority, ReportItem, Submission
from plugins.reporting.permissions import ADOPT, APPROVE, VIEW, WRITE
from plugins.reporting.priorities import services as priorities
from plugins.reporting.priorities.workflow import PRIORITY_FLOW
from plugins.reporting.workflow import ITEM_FLOW, SUBMISSION_FLOW, is_linked
from tests.plugins.reporting.conftest import ITEM
from tests.race import Scenarios, World

PERMISSIONS = frozenset({VIEW, WRITE, APPROVE, ADOPT})


def _tree(world: World) -> None:
    """The race's county and its city enable reporting, and the city gets a province
    above it (enabling it too), so a submission can be forwarded."""
    county = db.session.get(Tenant, world.tenant_id)
    city = county.parent
    province = Tenant(
        slug="province",
        name="province单位",
        kind="province_org_dept",
        locality_code="330000",
    )
    db.session.add(province)
    db.session.flush()
    city.parent_id = province.id
    city.kind = "city_org_dept"
    db.session.flush()
    for tenant in (province, city, county):
        enablement.enable(tenant, PLUGIN)
    db.session.flush()


@contextmanager
def _as_receiver() -> Iterator[None]:
    """As the level the submission went to: the parent of the tenant in scope (the
    owner), carried into the owner's scope as :func:`services.decide` carries it."""
    parent = reporting_parent(current_tenant_id())
    with acting_as(parent.id):
        yield


def _item(world: World) -> ReportItem:
    item = services.create_item(ITEM, world.actor)
    db.session.flush()
    return item


def _returned_by_the_parent(item: ReportItem, world: World) -> None:
    """The city returns the item's submission for revision (the item shows it)."""
    with _as_receiver():
        SUBMISSION_FLOW.fire(first_submission(item), "return", world.actor, comment="请补充数据")


_SUBMITTED = ["send_for_approval", "approve"]

ITEMS = Scenarios(
    workflow=ITEM_FLOW,
    model=ReportItem,
    permissions=PERMISSIONS,
    prepare=_tree,
    create=_item,
    paths={
        "draft": [],
        "awaiting_approval": ["send_for_approval"],
        "submitted": _SUBMITTED,
        "returned": [*_SUBMITTED, _returned_by_the_parent],
    },
    firing=lambda t: linked_move() if is_linked(ITEM_FLOW.transition(t)) else nullcontext(),
)


# -- The submission: created by approving an item; ``obj`` is its first submission ------


def _submission(world: World) -> Submission:
    item = _item(world)
    for move in _SUBMITTED:
        ITEM_FLOW.fire(item, move, world.actor)
    db.session.flush()
    return first_submission(item)


def _withdraw_item(submission: Submission, world: World) -> None:
    """The county withdraws its item before the city acted (the submission follows)."""
    item = db.session.get(ReportItem, submission.item_id)
    ITEM_FLOW.fire(item, "withdraw", world.actor)


def _submission_firing(transition: str) -> AbstractContextManager[Any]:
    if is_linked(SUBMISSION_FLOW.transition(transition)):
        return linked_move()
    return _as_receiver()


SUBMISSIONS = Scenarios(
    workflow=SUBMISSION_FLOW,
    model=Submission,
    permissions=PERMISSIONS,
    prepare=_tree,
    create=_submission,
    paths={
        "submitted": [],
        "adopted": ["adopt"],
        "returned": ["return"],
        "withdrawn": [_withdraw_item],
    },
    firing=_submission_firing,
)


# -- An issue of a bulletin (期刊): publishing needs at least one entry --------------------

_BULLETINS = count(1)


def _issue(world: World) -> Any:
    """A draft issue with one entry. The entry is put in directly: composing it through
    ``bulletins.add_entry`` needs an adopted submission from a child, and the race's
    county has none; publishing only asks that the issue is not empty."""
    bulletin = bulletins.create_bulletin(f"竞态期刊{next(_BULLETINS)}")
    issue = bulletins.create_issue(bulletin, world.actor)
    item = _item(world)
    db.session.add(
        IssueEntry(
            issue_id=issue.id,
            item_tenant_id=item.tenant_id,
            item_id=item.id,
            position=1,
            edited_title=item.title,
            edited_body=item.body,
        )
    )
    db.session.flush()
    return issue


ISSUES = Scenarios(
    workflow=ISSUE_FLOW,
    model=Issue,
    permissions=PERMISSIONS,
    prepare=_tree,
    create=_issue,
    paths={"draft": []},
)


# -- A reporting priority (信息要点): retired and restored --------------------------------

_PRIORITIES = count(1)


def _priority(world: World) -> Priority:
    title = f"竞态信息要点{next(_PRIORITIES)}"
    return priorities.create_priority({"year": 2026, "title": title}, world.actor)


PRIORITIES = Scenarios(
    workflow=PRIORITY_FLOW,
    model=Priority,
    permissions=PERMISSIONS,
    prepare=_tree,
    create=_priority,
    paths={"active": [], "retired": ["retire"]},
)


SCENARIOS = [ITEMS, SUBMISSIONS, ISSUES, PRIORITIES]
