"""The figures a child submits: its own subtree's roll-up totals, where each of its
children that already submitted to the child's own round of the same period counts
with its frozen snapshot instead of its live figures (the chain 乡镇 → 县 → 市 adds
what was submitted, not what the records say today)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.db import db
from core.rollup.service import PluginRollup, compute
from core.rollup.types import Period
from core.rounds.models import RollupRound, RollupSubmission
from core.tenancy.models import Tenant
from core.tenancy.scope import cross_tenant_scope

#: ``{plugin: {set_key: {figure_key: int}}}``
Figures = dict[str, dict[str, dict[str, int]]]


def period_of(row: RollupRound | RollupSubmission) -> Period:
    return Period(row.period_kind, row.period_start, row.period_end, row.period_title)


def generated(tenant: Tenant, period: Period, plugins: list[str]) -> tuple[Figures, set[int]]:
    """The figures ``tenant`` (in scope) would submit for ``period`` now, and the ids of
    its children whose snapshot stood in for their live figures."""
    rollup = compute(tenant, period, plugins=plugins)
    snapshots = children_snapshots(tenant.id, period)
    figures: Figures = {}
    for part in rollup.plugins:
        figures[part.plugin] = _totals(part, snapshots)
    used = {r.node.id for p in rollup.plugins for r in p.rows if r.node and r.node.id in snapshots}
    return figures, used - {tenant.id}


def _totals(part: PluginRollup, snapshots: dict[int, Figures]) -> dict[str, dict[str, int]]:
    totals = {s.key: dict.fromkeys((f.key for f in s.figures), 0) for s in part.sets}
    for row in part.rows:
        frozen = snapshots.get(row.node.id) if row.node and not row.own else None
        for key, values in row.values.items():
            source = (frozen or {}).get(part.plugin, {}).get(key) if frozen else None
            for figure in totals[key]:
                totals[key][figure] += int(
                    (source if source is not None else values).get(figure, 0)
                )
    return totals


def children_snapshots(tenant_id: int, period: Period) -> dict[int, Figures]:
    """Submitted snapshots of ``tenant_id``'s children for its own round(s) of exactly
    this period (the newest round wins), by child id."""
    round_ids = list(
        db.session.scalars(
            select(RollupRound.id)
            .where(
                RollupRound.period_kind == period.kind,
                RollupRound.period_start == period.start,
                RollupRound.period_end == period.end,
            )
            .order_by(RollupRound.id)
        )
    )
    if not round_ids:
        return {}
    return {s.tenant_id: s.figures or {} for s in submissions_of(tenant_id, round_ids, True)}


def submissions_of(
    parent_id: int, round_ids: list[int], submitted_only: bool = False
) -> list[RollupSubmission]:
    """The children's submissions to ``parent_id``'s rounds, read in one audited scope
    naming the direct children alone (what was submitted to it, nothing further)."""
    children = list(
        db.session.scalars(select(Tenant.id).where(Tenant.parent_id == parent_id, Tenant.is_active))
    )
    if not children:
        return []
    query = select(RollupSubmission).where(
        RollupSubmission.parent_tenant_id == parent_id, RollupSubmission.round_id.in_(round_ids)
    )
    if submitted_only:
        query = query.where(RollupSubmission.state == "submitted")
    with cross_tenant_scope(f"rounds: submissions to {parent_id}", children, action="rollup.read"):
        return list(db.session.scalars(query.order_by(RollupSubmission.round_id)))


def difference(frozen: Figures, live: Figures) -> Figures:
    """Live minus frozen, per figure, only where they differ (the page's 变化 column)."""
    found: Figures = {}
    for plugin, sets in live.items():
        for key, values in sets.items():
            before = frozen.get(plugin, {}).get(key, {})
            for figure, value in values.items():
                delta = int(value) - int(before.get(figure, 0))
                if delta:
                    found.setdefault(plugin, {}).setdefault(key, {})[figure] = delta
    return found


def summed(snapshots: list[Figures]) -> Figures:
    total: Figures = {}
    for figures in snapshots:
        for plugin, sets in figures.items():
            for key, values in sets.items():
                line = total.setdefault(plugin, {}).setdefault(key, {})
                for figure, value in values.items():
                    line[figure] = line.get(figure, 0) + int(value)
    return total


def as_json(figures: Figures) -> dict[str, Any]:
    return {p: {k: dict(v) for k, v in sets.items()} for p, sets in figures.items()}
