"""The subtree a roll-up covers: one recursive query for the tenants, one for which
plugins each enables, then plain dictionaries (no query per level or per tenant)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from core.db import db
from core.rollup.sql import asked
from core.tenancy.models import Tenant, TenantPlugin, subtree_cte


@dataclass(frozen=True)
class Node:
    id: int
    slug: str
    name: str
    parent_id: int | None
    depth: int


@dataclass(frozen=True)
class Subtree:
    """The active tenants at and below ``root``, by id, with their children in order."""

    root: Node
    nodes: dict[int, Node]
    children: dict[int, list[Node]]

    def below(self, node_id: int) -> list[int]:
        """``node_id`` and every id under it (an in-memory walk of the one query's rows)."""
        found, frontier = [node_id], [node_id]
        while frontier:
            frontier = [c.id for n in frontier for c in self.children.get(n, [])]
            found.extend(frontier)
        return found

    def path(self, node_id: int) -> list[Node]:
        """The nodes from the root down to ``node_id`` (for the page's breadcrumb)."""
        chain = [self.nodes[node_id]]
        while chain[-1].id != self.root.id:
            chain.append(self.nodes[chain[-1].parent_id])  # type: ignore[index]
        return list(reversed(chain))


def subtree(root_id: int) -> Subtree:
    """The active subtree of ``root_id``; an inactive tenant hides its whole branch."""
    tree = subtree_cte(root_id)
    rows = db.session.execute(
        select(
            tree.c.id, tree.c.parent_id, tree.c.depth, Tenant.slug, Tenant.name, Tenant.is_active
        )
        .join(Tenant, Tenant.id == tree.c.id)
        .order_by(tree.c.depth, Tenant.locality_code, Tenant.slug)
    ).all()
    nodes: dict[int, Node] = {}
    children: dict[int, list[Node]] = {}
    for tenant_id, parent_id, depth, slug, name, active in rows:
        # Rows come level by level, so a parent is known before its children.
        reachable = depth == 0 or parent_id in nodes
        if not active or not reachable:
            continue
        node = Node(int(tenant_id), slug, name, parent_id, int(depth))
        nodes[node.id] = node
        if depth:
            children.setdefault(int(parent_id), []).append(node)
    return Subtree(nodes[root_id], nodes, children)


def enabled_by_plugin(tenant_ids: Iterable[int]) -> dict[str, set[int]]:
    """Which of ``tenant_ids`` enable each plugin, in one query."""
    ids = list(tenant_ids)
    rows = db.session.execute(
        select(TenantPlugin.plugin, TenantPlugin.tenant_id).where(
            asked(TenantPlugin.tenant_id, ids), TenantPlugin.enabled
        )
    )
    found: dict[str, set[int]] = {}
    for plugin, tenant_id in rows:
        found.setdefault(plugin, set()).add(int(tenant_id))
    return found
