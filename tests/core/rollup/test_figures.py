"""The roll-up against figures computed by hand for a small tree (see :mod:`.world`):
sums per branch, rates from summed parts (not averaged), 未启用 for a branch that does
not use a plugin, drill-down to the leaves, and the scope: only the subtree, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from core.audit.models import AuditEntry
from core.db import db
from core.rollup import service
from core.rollup.period import resolve
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.core.rollup.world import NOV, TODAY, build


@pytest.fixture
def world(app, factory, set_today):
    set_today(TODAY)
    return build(app, factory)


def _rollup(app, ids, viewer="city", node=None, plugins=None):
    with app.app_context(), tenant_scope(ids[viewer]):
        tenant = db.session.get(Tenant, ids[viewer])
        result = service.compute(tenant, resolve(NOV), ids[node] if node else None, plugins)
        db.session.commit()
        return result


def _rows(part):
    return {row.node.slug if row.node else "total": row for row in [*part.rows, part.total]}


def test_petitions_summed_per_branch_with_rates_from_parts(app, world):
    part = _rollup(app, world, plugins=["petitions"]).plugin("petitions")
    rows = _rows(part)
    assert list(rows) == ["city", "county-a", "county-b", "total"]
    city, county_a, county_b, total = rows.values()
    assert city.own and city.label == "本级"
    assert city.values["overview"] | {} == {
        "total": 2,
        "decided": 2,
        "accepted": 2,
        "closed": 2,
        "closed_on_time": 2,
        "open_overdue": 0,
        "rated": 1,
        "satisfied": 1,
        "repeat": 0,
        "collective": 0,
        "bypassed_level": 0,
    }
    # county-a's row is county-a and town-a1 together; October's petition is outside.
    assert county_a.values["overview"]["total"] == 3
    assert county_a.values["overview"]["open_overdue"] == 1  # town-a1's, past 11-25
    assert county_a.rates["overview"]["on_time_rate"] == 0.0
    assert county_a.drill and not county_b.drill
    assert not county_b.enabled  # 未启用, not zeros
    assert total.values["overview"]["total"] == 5
    assert total.values["overview"]["closed"] == 3
    # 2 of 3 replies on time: 66.7 %, where averaging the rows (100 %, 0 %) would say 50.
    assert total.rates["overview"]["on_time_rate"] == 66.7
    assert total.rates["overview"]["satisfaction_rate"] == 50.0
    assert total.rates["overview"]["acceptance_rate"] == 100.0
    assert total.values["channels"] == {
        "letter": 2,
        "visit": 1,
        "phone": 1,
        "online": 1,
        "referred": 0,
        "assigned": 0,
        "leader_instruction": 0,
        **{
            k: 0
            for k in total.values["channels"]
            if k
            not in (
                "letter",
                "visit",
                "phone",
                "online",
                "referred",
                "assigned",
                "leader_instruction",
            )
        },
    }
    assert total.values["kinds"]["request"] == 4 and total.values["kinds"]["report"] == 1


def test_members_and_supervision(app, world):
    result = _rollup(app, world, plugins=["core", "supervision"])
    members = _rows(result.plugin("core"))
    assert members["total"].values["members"]["total"] == 4  # city 2, county-a 1, county-b 1
    assert members["total"].values["members"]["floating"] == 1
    assert members["total"].values["members"]["veterans"] == 1
    assert members["total"].rates["members"]["floating_rate"] == 25.0
    assert members["county-a"].values["org_units"]["branch"] == 1
    supervision = _rows(result.plugin("supervision"))
    assert "city" not in supervision  # the city itself does not use supervision
    assert supervision["county-a"].values["items"] | {} == {
        "total": 2,
        "closed": 1,
        "closed_on_time": 1,
        "open": 1,
        "overdue": 1,
        "red": 1,
        "yellow": 0,
        "green": 0,
    }
    assert supervision["county-b"].values["items"]["yellow"] == 1  # due today
    assert supervision["total"].rates["items"]["completion_rate"] == 33.3
    assert supervision["total"].rates["items"]["on_time_rate"] == 100.0


def test_drill_down_to_a_leaf(app, world):
    county = _rollup(app, world, node="county-a", plugins=["petitions"])
    assert [n.slug for n in county.path] == ["city", "county-a"]
    rows = _rows(county.plugin("petitions"))
    assert list(rows) == ["county-a", "town-a1", "total"]
    assert rows["county-a"].values["overview"]["total"] == 2
    assert rows["town-a1"].values["overview"]["total"] == 1 and not rows["town-a1"].drill
    leaf = _rows(_rollup(app, world, node="town-a1", plugins=["petitions"]).plugin("petitions"))
    assert list(leaf) == ["town-a1", "total"]


@pytest.mark.parametrize("outside", ["province", "city2", "county-c"])
def test_nothing_outside_the_subtree(app, world, outside):
    """Ancestor, sibling and cousin are no node of the city's roll-up (404), and their
    figures are in no total."""
    with pytest.raises(NotFound):
        _rollup(app, world, node=outside)
    result = _rollup(app, world)
    slugs = {r.node.slug for p in result.plugins for r in p.rows}
    assert slugs <= {"city", "county-a", "county-b"}
    assert _rows(result.plugin("core"))["total"].values["members"]["total"] == 4


def test_a_descendant_cannot_roll_up_its_ancestor(app, world):
    with pytest.raises(NotFound):
        _rollup(app, world, viewer="county-a", node="city")
    own = _rows(_rollup(app, world, viewer="county-a", plugins=["petitions"]).plugin("petitions"))
    assert own["total"].values["overview"]["total"] == 3


def test_the_read_is_audited_naming_the_subtree(app, world):
    _rollup(app, world, plugins=["petitions"])
    with app.app_context(), tenant_scope(world["city"]):
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == service.AUDIT_ACTION)
        ).one()
    opened = {world[s] for s in ("city", "county-a", "county-b", "town-a1")}
    assert set(entry.detail["tenants"]) == opened
