"""tenant policy for wide cross-tenant reads (roll-up)

Revision ID: core_0008
Revises: core_0007
Create Date: 2026-12-02 07:50:00.000000

A roll-up opens a province's whole subtree (3,000+ tenants) for one read. The tenant
policy called ``zugong_tenant_visible(tenant_id)`` for every row, which parsed the list
of opened tenants again each time: 30,000 petitions took 20 s. Every ``tenant_isolation``
policy now reads the settings once per statement and hashes the opened tenants once
(:data:`core.tenancy.rls.ROLLUP_VISIBLE`); the rows admitted are the same. core_0009
turns it into index conditions.
"""

from alembic import op

from core.tenancy import rls

revision = "core_0008"
down_revision = "core_0007"
branch_labels = None
depends_on = None

_POLICIES = "SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation' AND schemaname = current_schema()"


def _tables() -> list[str]:
    return [row[0] for row in op.get_bind().exec_driver_sql(_POLICIES)]


def upgrade() -> None:
    if not rls.is_postgres():
        return
    op.execute(rls.VISIBILITY_FUNCTIONS)
    for table in _tables():
        op.execute(f"ALTER POLICY tenant_isolation ON {table} USING {rls.ROLLUP_VISIBLE}")


def downgrade() -> None:
    if not rls.is_postgres():
        return
    for table in _tables():
        op.execute(
            f"ALTER POLICY tenant_isolation ON {table} USING (zugong_tenant_visible(tenant_id))"
        )
    op.execute("DROP FUNCTION IF EXISTS zugong_read_tenant_ids()")
    op.execute("DROP FUNCTION IF EXISTS zugong_reads_all()")
