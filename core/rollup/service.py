"""The roll-up of a subtree: one row per child (its whole branch summed), the level's own
row and the totals, for every plugin that contributes figures.

Permissions are core's: the page checks ``core.rollup.view`` in the requesting tenant,
and :func:`compute` only ever opens tenants at or below it (anything else is a 404). The
plugins' hooks run inside one audited :func:`~core.tenancy.scope.cross_tenant_scope`
naming exactly the tenants they are asked about, so the ORM criteria and row-level
security both stop a hook from reading further. Hooks return figures per tenant; the
sums per branch and the rates (from summed parts) are computed here, once, for all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import text
from werkzeug.exceptions import NotFound

from core import clock
from core.db import db
from core.plugins.manager import CORE, host
from core.rollup.period import previous
from core.rollup.tree import Node, Subtree, enabled_by_plugin, subtree
from core.rollup.types import FigureSet, Period
from core.tenancy.models import Tenant
from core.tenancy.scope import cross_tenant_scope
from core.tenancy.session import TENANT_CHECKED

HOOK = "zugong_rollup_figures"
AUDIT_ACTION = "rollup.read"
#: Points of the trend line (the chosen period and the ones before it).
TREND_POINTS = 6


@dataclass
class Row:
    """One line of a plugin's table: a child's branch, the level's own figures, or the
    totals (``node`` None). ``enabled`` False is 未启用: nobody in the branch uses it."""

    node: Node | None
    label: str
    enabled: bool
    own: bool = False
    drill: bool = False
    values: dict[str, dict[str, int]] = field(default_factory=dict)
    rates: dict[str, dict[str, float | None]] = field(default_factory=dict)


@dataclass
class PluginRollup:
    plugin: str
    title: str
    sets: list[FigureSet]
    rows: list[Row]
    total: Row

    def set(self, key: str | None) -> FigureSet:
        return next((s for s in self.sets if s.key == key), self.sets[0])


@dataclass
class Rollup:
    tenant: Tenant
    node: Node
    path: list[Node]
    period: Period
    generated_at: datetime
    plugins: list[PluginRollup]

    def plugin(self, name: str | None) -> PluginRollup | None:
        return next((p for p in self.plugins if p.plugin == name), None) or (
            self.plugins[0] if self.plugins else None
        )


def contributors() -> list[str]:
    """Plugins implementing the hook: core first, then by name."""
    caller = getattr(host().pm.hook, HOOK)
    names = {impl.plugin_name for impl in caller.get_hookimpls()}
    return sorted(names, key=lambda n: (n != CORE, n))


def plugin_title(name: str) -> str:
    return _("党员和组织") if name == CORE else host().metas[name].localized_title()


def available(tenant: Tenant, node_id: int | None = None) -> list[str]:
    """The contributing plugins some tenant at or below the node enables (core always)."""
    tree, node = level(tenant, node_id)
    enabled = enabled_by_plugin(tree.below(node.id))
    return [n for n in contributors() if n == CORE or enabled.get(n)]


def level(tenant: Tenant, node_id: int | None) -> tuple[Subtree, Node]:
    """The requesting tenant's subtree and the node shown; a node outside it is a 404,
    exactly like a tenant that does not exist."""
    tree = subtree(tenant.id)
    node = tree.nodes.get(node_id if node_id is not None else tenant.id)
    if node is None:
        raise NotFound()
    return tree, node


def compute(
    tenant: Tenant, period: Period, node_id: int | None = None, plugins: Iterable[str] | None = None
) -> Rollup:
    """The roll-up of ``node_id`` (default: ``tenant`` itself) for ``period``, as seen by
    ``tenant`` (in scope): its own row, one row per child, totals; every plugin, or those
    named by ``plugins``."""
    tree, node = level(tenant, node_id)
    ids = tree.below(node.id)
    enabled = enabled_by_plugin(ids)
    wanted = [n for n in contributors() if plugins is None or n in set(plugins)]
    results: list[PluginRollup] = []
    with cross_tenant_scope(_reason(node, period), ids, action=AUDIT_ACTION):
        _without_jit()
        for name in wanted:
            asked = set(ids) if name == CORE else enabled.get(name, set()) & set(ids)
            if not asked:
                continue  # nobody below uses it: no section at all
            sets = list(host().call_one(name, HOOK, tenant_ids=tuple(sorted(asked)), period=period))
            results.append(_plugin_rollup(name, sets, tree, node, asked))
    return Rollup(tenant, node, tree.path(node.id), period, clock.now(), results)


def trend(
    tenant: Tenant, period: Period, node_id: int | None, plugin: str, set_key: str | None
) -> tuple[list[str], FigureSet | None, list[dict[str, int]]]:
    """The totals of one figure set over the periods up to ``period`` (the trend line):
    period titles, the set, and its summed values per period."""
    tree, node = level(tenant, node_id)
    ids = tree.below(node.id)
    asked = set(ids) if plugin == CORE else enabled_by_plugin(ids).get(plugin, set())
    periods = previous(period, TREND_POINTS)
    points: list[dict[str, int]] = []
    chosen: FigureSet | None = None
    if not asked or plugin not in contributors():
        return [p.title for p in periods], None, []
    with cross_tenant_scope(_reason(node, period) + " (trend)", ids, action=AUDIT_ACTION):
        _without_jit()
        for each in periods:
            sets = host().call_one(plugin, HOOK, tenant_ids=tuple(sorted(asked)), period=each)
            chosen = next((s for s in sets if s.key == set_key), sets[0])
            points.append(_summed(chosen, asked))
    return [p.title for p in periods], chosen, points


def _without_jit() -> None:
    """PostgreSQL's JIT compiles these wide aggregates for longer than they run (measured:
    3.0 of 3.1 s for a province's 10,000 supervision items); off for this transaction."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"), execution_options={TENANT_CHECKED: True})


def _reason(node: Node, period: Period) -> str:
    return f"rollup: {node.slug} {period.start.isoformat()}..{period.end.isoformat()}"


def _summed(figures: FigureSet, tenant_ids: Iterable[int]) -> dict[str, int]:
    total = dict.fromkeys((f.key for f in figures.figures), 0)
    for tenant_id in tenant_ids:
        for key, value in figures.values.get(tenant_id, {}).items():
            if key in total:
                total[key] += int(value)
    return total


def rate_values(figures: FigureSet, values: dict[str, int]) -> dict[str, float | None]:
    """Each rate from the summed parts, in percent with one decimal (None: nothing to divide)."""
    found: dict[str, float | None] = {}
    for rate in figures.rates:
        part = sum(values.get(k, 0) for k in rate.numerator)
        whole = sum(values.get(k, 0) for k in rate.denominator)
        found[rate.key] = round(100 * part / whole, 1) if whole else None
    return found


def _branch_sums(
    figures: FigureSet, branch_of: dict[int, int], keys: list[int]
) -> dict[int, dict[str, int]]:
    """The set's values summed per branch in one pass over the tenants that answered."""
    sums = {key: dict.fromkeys((f.key for f in figures.figures), 0) for key in keys}
    for tenant_id, values in figures.values.items():
        total = sums.get(branch_of.get(tenant_id, -1))
        if total is None:
            continue  # not asked about (a hook answering more is ignored, never shown)
        for key, value in values.items():
            if key in total:
                total[key] += int(value)
    return sums


def _plugin_rollup(
    name: str, sets: list[FigureSet], tree: Subtree, node: Node, asked: set[int]
) -> PluginRollup:
    children = tree.children.get(node.id, [])
    branch_of = {t: child.id for child in children for t in tree.below(child.id) if t in asked}
    if node.id in asked:
        branch_of[node.id] = node.id
    keys = [node.id, *(c.id for c in children)]
    sums = {figures.key: _branch_sums(figures, branch_of, keys) for figures in sets}

    def row(key: int | None, target: Node | None, label: str, enabled: bool, **flags) -> Row:
        line = Row(target, label, enabled, **flags)
        for figures in sets:
            if key is None:  # the totals: every branch
                values = dict.fromkeys((f.key for f in figures.figures), 0)
                for branch in sums[figures.key].values():
                    for k, v in branch.items():
                        values[k] += v
            else:
                values = sums[figures.key][key]
            line.values[figures.key] = values
            line.rates[figures.key] = rate_values(figures, values)
        return line

    rows = [row(node.id, node, _("本级"), True, own=True)] if node.id in asked else []
    for child in children:
        enabled = any(branch_of.get(t) == child.id for t in tree.below(child.id))
        rows.append(row(child.id, child, child.name, enabled, drill=child.id in tree.children))
    total = row(None, None, _("合计"), bool(asked))
    return PluginRollup(name, plugin_title(name), sets, rows, total)
