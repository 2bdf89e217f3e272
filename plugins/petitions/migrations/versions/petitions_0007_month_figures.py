"""the 汇总's petition figures per tenant and month, quarter and year, kept by triggers

Revision ID: petitions_0007
Revises: petitions_0006
Create Date: 2026-12-02

Issue 10 (the 2 s target of bench/rollup.py): a province's year roll-up counted
3,000,000 petitions on each load (6 s quiet, 18 s on the shared machine; without
row-level security, 10 of the figures alone took 2 s). ``petition_rollup_figures``
holds every additive figure per tenant and month, quarter and year of receipt, and
``petition_open_figures`` the open accepted petitions by month of their closing
deadline besides (see plugins/petitions/month_figures.py); statement-level triggers keep it current in the
writing transaction, set-based (core/rollup/monthly.py). Existing petitions are
counted once here.

``ix_petitions_tenant_id_open_close_due`` serves the live part of the one figure that
depends on the day (未办结且已超期): the current month's open deadlines.
"""

import sqlalchemy as sa
from alembic import op

from core.rollup import monthly

revision = "petitions_0007"
down_revision = "petitions_0006"
branch_labels = None
depends_on = None

TABLE = "petition_rollup_figures"
OPEN_TABLE = "petition_open_figures"
OPEN = "accepted_on IS NOT NULL AND replied_on IS NULL AND close_due IS NOT NULL"
CHANNELS = (
    "letter",
    "visit",
    "phone",
    "online",
    "referred",
    "assigned",
    "leader_instruction",
    "review_request",
)
KINDS = ("report", "appeal", "suggestion", "request", "enquiry")
#: Each column's condition on a petition row (as plugins/petitions/rollup.py counts it).
CONDITIONS = {
    "total": "true",
    "decided": "decided_on IS NOT NULL",
    "accepted": "accepted_on IS NOT NULL",
    "closed": "replied_on IS NOT NULL",
    "closed_on_time": "replied_on IS NOT NULL AND (close_due IS NULL OR replied_on <= close_due)",
    "rated": "satisfaction IS NOT NULL",
    "satisfied": "satisfaction IN ('satisfied', 'basically_satisfied')",
    "repeat": "repeat_of_id IS NOT NULL",
    "collective": "people_count >= 5",
    "bypassed_level": "is_bypassed_level",
    **{f"channel_{c}": f"channel = '{c}'" for c in CHANNELS},
    **{f"kind_{k}": f"kind = '{k}'" for k in KINDS},
}


def upgrade() -> None:
    monthly.install(TABLE, "petitions", "received_on", CONDITIONS)
    monthly.install(
        OPEN_TABLE,
        "petitions",
        "received_on",
        {"open_dated": OPEN},
        # A petition with no deadline counts nowhere (its group sums to zero: skipped).
        {"due_month": "coalesce(date_trunc('month', close_due)::date, received_on)"},
    )
    with op.batch_alter_table("petitions") as batch:
        batch.create_index(
            "ix_petitions_tenant_id_open_close_due",
            ["tenant_id", "close_due", "received_on"],
            postgresql_where=sa.text("accepted_on IS NOT NULL AND replied_on IS NULL"),
            sqlite_where=sa.text("accepted_on IS NOT NULL AND replied_on IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        batch.drop_index("ix_petitions_tenant_id_open_close_due")
    monthly.remove(OPEN_TABLE, "petitions")
    monthly.remove(TABLE, "petitions")
