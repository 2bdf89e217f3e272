"""job outbox

Revision ID: core_0005
Revises: core_0003
Create Date: 2026-12-02 04:30:00

Jobs enqueued in a transaction are written to ``job_outbox`` in that transaction and
drained to RQ after it commits (core.jobs.outbox), so a job enqueued while Redis is down
is sent once Redis is back instead of being lost. A global table (platform jobs have no
tenant; the drain reads all rows), hence no row-level security; the partial index holds
only the unsent rows the drain looks for.
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None

TABLE = "job_outbox"
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("call", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_outbox")),
    )
    op.create_index(
        "ix_job_outbox_unsent",
        TABLE,
        ["id"],
        postgresql_where=sa.text("sent_at IS NULL"),
        sqlite_where=sa.text("sent_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_job_outbox_unsent", table_name=TABLE)
    op.drop_table(TABLE)
