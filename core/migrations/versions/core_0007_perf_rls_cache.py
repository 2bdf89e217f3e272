"""index-friendly row-level security, and the cache version

Revision ID: core_0007_perf
Revises: core_0006
Create Date: 2026-12-02 08:00:00

Issue 14. Every ``tenant_isolation`` policy (core's tables and the plugins') is
re-created as ``tenant_id = zugong_current_tenant() OR tenant_id = ANY
(zugong_read_tenants())`` (core.tenancy.rls): conditions the planner can answer from the
tenant-leading indexes, where the old ``zugong_tenant_visible`` CASE forced a scan of
every row when RLS was the only filter. Plugin tables created later get the same policy
from ``rls.enable``.

``cache_versions`` holds the counter that tells each process whether its cached plugin
enablement and settings still hold (core.plugins.cache). A global table (no RLS): it
names no tenant.
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "core_0007_perf"
down_revision = "core_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cache_versions",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_versions")),
    )
    op.execute("INSERT INTO cache_versions (name, version) VALUES ('platform', 0)")
    rls.recreate_policies()


def downgrade() -> None:
    if rls.is_postgres():
        tables = op.get_bind().exec_driver_sql(
            "SELECT tablename FROM pg_policies WHERE schemaname = 'public'"
            " AND policyname = 'tenant_isolation'"
        )
        for (table,) in tables.all():
            op.execute(f"DROP POLICY tenant_isolation ON {table}")
            op.execute(
                f"CREATE POLICY tenant_isolation ON {table} "
                "USING (zugong_tenant_visible(tenant_id)) "
                "WITH CHECK (tenant_id = zugong_current_tenant())"
            )
        op.execute(rls.FUNCTIONS)
        op.execute("DROP FUNCTION IF EXISTS zugong_read_tenants()")
    op.drop_table("cache_versions")
