"""index-friendly row-level security, tenant-leading primary keys, the cache version

Revision ID: core_0009
Revises: core_0008
Create Date: 2026-12-02 13:00:00

Issue 14 (written as core_0007_perf on the perf branch, re-chained after the roll-up's
core_0008). Every ``tenant_isolation`` policy (core's tables and the plugins') is
re-created as :data:`core.tenancy.rls.VISIBLE`: ``tenant_id = (SELECT
zugong_current_tenant()) OR tenant_id = ANY ((SELECT zugong_read_tenants()))``. Both
are index conditions on the tenant-leading indexes, each evaluated once per statement;
core_0008's ``OR (SELECT zugong_reads_all()) OR tenant_id IN (...)`` read the settings
once too, but its two extra arms are no index condition, so a statement relying on RLS
alone scanned every row. The rows admitted are the same (reading every tenant is the
array of all tenant ids). Each such table's primary key now leads with ``tenant_id``
(Citus distribution; deploy/SCALING.md). Plugin tables created later get both from
``rls.enable``.

``cache_versions`` holds the counter that tells each process whether its cached plugin
enablement and settings still hold (core.plugins.cache). A global table (no RLS): it
names no tenant.
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "core_0009"
down_revision = "core_0008"
branch_labels = None
depends_on = None

_POLICIES = (
    "SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation'"
    " AND schemaname = current_schema()"
)


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
    # The primary keys keep leading with tenant_id: core_0008 works with either.
    if rls.is_postgres():
        for (table,) in op.get_bind().exec_driver_sql(_POLICIES).all():
            op.execute(f"ALTER POLICY tenant_isolation ON {table} USING {rls.ROLLUP_VISIBLE}")
        # zugong_tenant_visible as core_0001 wrote it, before dropping the function the
        # newer one calls.
        op.execute(rls.FUNCTIONS)
        op.execute("DROP FUNCTION IF EXISTS zugong_read_tenants()")
    op.drop_table("cache_versions")
