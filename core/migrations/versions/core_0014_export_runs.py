"""export runs (issue 14)

Revision ID: core_0014
Revises: core_0013
Create Date: 2026-12-02 16:40:00

A list export with more rows than a page is made by a job (core.exportruns): this table
records who asked for which export with which filters, how far the job got, and the
stored file. Written by hand after core.exportruns.models: the composite
``(tenant_id, id)`` key, the index leading with ``tenant_id``, and row-level security.
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "core_0014"
down_revision = "core_0013"
branch_labels = None
depends_on = None

TABLE = "export_runs"
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("user_id", BIG_ID, nullable=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("fmt", sa.String(length=4), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("tenant_id", BIG_ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_export_runs_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_export_runs_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_runs")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_export_runs_tenant_id_id")),
    )
    op.create_index("ix_export_runs_tenant_id_user", TABLE, ["tenant_id", "user_id", "created_at"])
    rls.enable(TABLE)


def downgrade() -> None:
    rls.disable(TABLE)
    op.drop_index("ix_export_runs_tenant_id_user", table_name=TABLE)
    op.drop_table(TABLE)
