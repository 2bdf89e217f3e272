"""platform writes: a role and a policy that let a platform job write across tenants

Revision ID: core_0012
Revises: core_0011
Create Date: 2026-12-02 16:40:00

Issue 14: the set-based scans (petitions' lights and reviews, supervision, assistance)
update every tenant's rows in a few statements, but the ``tenant_isolation`` policy's
``WITH CHECK`` admits only the tenant in scope. Each tenant-owned table gets a second,
permissive policy ``platform_write``, ``TO`` the role :data:`core.tenancy.rls.PLATFORM_WRITER`
only: rows of the tenants ``app.write_tenants`` names are readable and writable while the
transaction runs as that role (``SET LOCAL ROLE``, transaction-local like every setting,
so PgBouncer in transaction mode never carries it over). The role cannot log in; only
the login roles of workers are made its members (core.migrate.grant_app_role), so a web
process connecting as another role can never assume it. The app opens it only through
:func:`core.tenancy.scope.platform_write_scope`, which refuses in a request and is audited.
"""

from alembic import op

from core.tenancy import rls

revision = "core_0012"
down_revision = "core_0011"
branch_labels = None
depends_on = None

_POLICIES = (
    "SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation'"
    " AND schemaname = current_schema() ORDER BY tablename"
)


def upgrade() -> None:
    if not rls.is_postgres():
        return
    rls.create_platform_writer()
    for (table,) in op.get_bind().exec_driver_sql(_POLICIES).all():
        rls.enable_platform_writes(table)


def downgrade() -> None:
    if not rls.is_postgres():
        return
    for (table,) in op.get_bind().exec_driver_sql(_POLICIES).all():
        op.execute(f"DROP POLICY IF EXISTS platform_write ON {table}")
    op.execute("DROP FUNCTION IF EXISTS zugong_write_tenants()")
    # The role is cluster-wide (other databases of the server may use it): it stays.
