"""rounds of 统计报表上报 (issue 10)

Revision ID: core_0009_rounds
Revises: core_0008
Create Date: 2026-12-02 12:50:00.000000

Two tenant tables written by hand after core.rounds.models: the round (in the opener's
tenant) and the children's submissions (each in the child's tenant), both with the
composite ``(tenant_id, id)`` key and row-level security. Added by the ``rounds``
helper; another helper adds a perf migration after core_0008 too, so the integrator
may re-chain ``down_revision``.
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "core_0009_rounds"
down_revision = "core_0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _round_columns() -> list[sa.Column]:
    return [
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("plugins", sa.JSON(), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_title", sa.String(length=60), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("tenant_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _tenant_keys(table: str) -> list:
    return [
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f(f"uq_{table}_tenant_id_id")),
    ]


def upgrade() -> None:
    op.create_table(
        "rollup_rounds",
        *_round_columns(),
        sa.Column("opened_by", sa.BigInteger(), nullable=True),
        *_tenant_keys("rollup_rounds"),
    )
    op.create_index(
        "ix_rollup_rounds_tenant_period", "rollup_rounds", ["tenant_id", "period_start"]
    )
    op.create_table(
        "rollup_submissions",
        *_round_columns(),
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.BigInteger(), nullable=True),
        *_tenant_keys("rollup_submissions"),
        sa.UniqueConstraint(
            "tenant_id", "round_id", name=op.f("uq_rollup_submissions_tenant_id_round_id")
        ),
    )
    rls.enable("rollup_rounds")
    rls.enable("rollup_submissions")


def downgrade() -> None:
    for table in ("rollup_submissions", "rollup_rounds"):
        rls.disable(table)
        op.drop_table(table)
