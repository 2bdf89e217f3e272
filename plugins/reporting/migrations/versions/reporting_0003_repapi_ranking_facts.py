"""ranking facts

Revision ID: reporting_0003
Revises: reporting_0002
Create Date: 2026-12-02 08:10:00

The ranker's monthly sums per child and document type (plugins/reporting/scoring/
models.py ``RankingFact``), rebuilt by a job: its own rows only, so row-level security
with the tenant policy alone (no grant policy), the key leading with ``tenant_id``.
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "reporting_0003"
down_revision = "reporting_0002"
branch_labels = None
depends_on = None

TABLE = "reporting_ranking_facts"
COUNTS = (
    "submitted",
    "adopted",
    "late",
    *[
        f"{kind}_{level}"
        for kind in ("top", "any", "instr")
        for level in ("county", "city", "province", "centre")
    ],
)


def upgrade() -> None:
    bigint = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        TABLE,
        sa.Column("child_tenant_id", bigint, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("doc_type", sa.String(length=20), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", bigint, nullable=False),
        sa.Column("tenant_id", bigint, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_tenant_id"], ["tenants.id"], name=op.f(f"fk_{TABLE}_child_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{TABLE}_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f(f"uq_{TABLE}_tenant_id_id")),
        sa.UniqueConstraint(
            "tenant_id",
            "month",
            "child_tenant_id",
            "doc_type",
            name=op.f(f"uq_{TABLE}_tenant_id_month_child_tenant_id_doc_type"),
        ),
    )
    rls.enable(TABLE)


def downgrade() -> None:
    rls.disable(TABLE)
    op.drop_table(TABLE)
