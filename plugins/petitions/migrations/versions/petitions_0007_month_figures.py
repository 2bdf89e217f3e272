"""the 汇总's petition figures per tenant and month, kept current by triggers

Revision ID: petitions_0007
Revises: petitions_0006
Create Date: 2026-12-02

Issue 10 (the 2 s target of bench/rollup.py): a province's year roll-up counted
3,000,000 petitions on each load (6 s quiet, 18 s on the shared machine; without
row-level security, 10 of the figures alone took 2 s). ``petition_month_figures``
holds every additive figure per tenant and month of receipt (see
plugins/petitions/month_figures.py); statement-level AFTER triggers with transition
tables add each statement's new rows and subtract its old ones, grouped by tenant and
month, in the writing transaction (set-based: one upsert per statement, not per row;
a statement that changes no figure, such as the deadline scan's lights, writes
nothing). The upsert lands in the written rows' tenants, so the tenant policy admits
it exactly where it admitted the write. Existing petitions are counted once here.

``ix_petitions_tenant_id_open_close_due`` serves the one figure that depends on the
day (未办结且已超期): the accepted, unreplied petitions by closing deadline.
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "petitions_0007"
down_revision = "petitions_0006"
branch_labels = None
depends_on = None

TABLE = "petition_month_figures"
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
    "open_dated": "accepted_on IS NOT NULL AND replied_on IS NULL AND close_due IS NOT NULL",
    **{f"channel_{c}": f"channel = '{c}'" for c in CHANNELS},
    **{f"kind_{k}": f"kind = '{k}'" for k in KINDS},
}
MONTH = "date_trunc('month', received_on)::date"


def _counts(source: str, sign: str) -> str:
    columns = ", ".join(f"{sign}count(*) FILTER (WHERE {c}) AS {n}" for n, c in CONDITIONS.items())
    return f"SELECT tenant_id, {MONTH} AS month, {columns} FROM {source} GROUP BY 1, 2"


def _apply(sources: list[tuple[str, str]]) -> str:
    """The upsert of one statement's change: the sum of its signed counts per tenant and
    month, skipping groups where nothing changed, in key order (two writers of the same
    months lock them in the same order)."""
    names = list(CONDITIONS)
    union = " UNION ALL ".join(_counts(source, sign) for source, sign in sources)
    sums = ", ".join(f"sum({n}) AS {n}" for n in names)
    changed = " OR ".join(f"{n} <> 0" for n in names)
    updates = ", ".join(f"{n} = {TABLE}.{n} + excluded.{n}" for n in names)
    return (
        f"INSERT INTO {TABLE} (tenant_id, month, created_at, {', '.join(names)}) "
        f"SELECT tenant_id, month, now(), {', '.join(names)} FROM ("
        f"SELECT tenant_id, month, {sums} FROM ({union}) AS change GROUP BY 1, 2"
        f") AS delta WHERE {changed} ORDER BY 1, 2 "
        f"ON CONFLICT (tenant_id, month) DO UPDATE SET {updates}"
    )


TRIGGERS = {
    "insert": ("INSERT", "REFERENCING NEW TABLE AS new_rows", [("new_rows", "")]),
    "update": (
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        [("new_rows", ""), ("old_rows", "-")],
    ),
    "delete": ("DELETE", "REFERENCING OLD TABLE AS old_rows", [("old_rows", "-")]),
}


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.BigInteger(), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        *(sa.Column(n, sa.BigInteger(), nullable=False, server_default="0") for n in CONDITIONS),
        sa.UniqueConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "month"),
    )
    with op.batch_alter_table("petitions") as batch:
        batch.create_index(
            "ix_petitions_tenant_id_open_close_due",
            ["tenant_id", "close_due", "received_on"],
            postgresql_where=sa.text("accepted_on IS NOT NULL AND replied_on IS NULL"),
            sqlite_where=sa.text("accepted_on IS NOT NULL AND replied_on IS NULL"),
        )
    if not rls.is_postgres():
        return
    rls.enable(TABLE)
    for name, (event, referencing, sources) in TRIGGERS.items():
        op.execute(
            f"CREATE FUNCTION petitions_month_figures_{name}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {_apply(sources)}; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER petitions_month_figures_{name} AFTER {event} ON petitions "
            f"{referencing} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION petitions_month_figures_{name}()"
        )
    # The petitions already there, once, as the owner: every tenant's. With row security
    # off a role the policies would restrict fails here instead of counting too few.
    op.execute("SET LOCAL row_security = off")
    op.execute(_apply([("petitions", "")]))
    op.execute("SET LOCAL row_security = on")


def downgrade() -> None:
    if rls.is_postgres():
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS petitions_month_figures_{name} ON petitions")
            op.execute(f"DROP FUNCTION IF EXISTS petitions_month_figures_{name}()")
        rls.disable(TABLE)
    with op.batch_alter_table("petitions") as batch:
        batch.drop_index("ix_petitions_tenant_id_open_close_due")
    op.drop_table(TABLE)
