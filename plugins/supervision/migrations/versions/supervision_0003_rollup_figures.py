"""the 汇总's item figures per tenant and month, quarter and year, kept by triggers

Revision ID: supervision_0003
Revises: supervision_0002
Create Date: 2026-12-02

Issue 10 (the 2 s target of bench/rollup.py): a province's year roll-up counted and
lit 1,000,000 items on each load. ``supervision_rollup_figures`` holds the additive
figures per tenant and month, quarter and year of the deadline (to date, closed, closed
on time, open); statement-level triggers keep it current in the writing transaction,
set-based (core/rollup/monthly.py). Existing items are counted once here. The lights
and 已超期 depend on the day: the roll-up counts the open items not yet due live.
"""

from core.rollup import monthly

revision = "supervision_0003"
down_revision = "supervision_0002"
branch_labels = None
depends_on = None

TABLE = "supervision_rollup_figures"
OPEN_STATES = "('created', 'assigned', 'acknowledged', 'in_progress', 'completion_requested')"
CLOSED_STATES = "('closed', 'rated', 'archived')"
#: Each column's condition on an item (as plugins/supervision/rollup.py counts it).
CONDITIONS = {
    "total": "true",
    "closed": f"state IN {CLOSED_STATES}",
    "closed_on_time": f"state IN {CLOSED_STATES} AND closed_on <= deadline",
    "open": f"state IN {OPEN_STATES}",
}


def upgrade() -> None:
    monthly.install(TABLE, "supervision_items", "deadline", CONDITIONS)


def downgrade() -> None:
    monthly.remove(TABLE, "supervision_items")
