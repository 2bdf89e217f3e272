"""record grants

Revision ID: core_0006
Revises: core_0003
Create Date: 2026-12-02 04:40:00.000000

The planned exception to isolation (core.tenancy.grants): one row per granted record and
receiving tenant, kept in the owner's tenant. Row-level security: the owner's usual
policy, plus a read-only policy letting the grantee see the grant rows naming it (the
EXISTS of every grantable table's policy runs as the grantee, so it must see them).
Attachments follow their record: a grantee of the record reads its files.
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "core_0006"
down_revision = "core_0005"
branch_labels = None
depends_on = None

TABLE = "record_grants"
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("record_kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("grantee_tenant_id", BIG_ID, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by_tenant_id", BIG_ID, nullable=False),
        sa.Column("granted_by_user_id", BIG_ID, nullable=True),
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("tenant_id", BIG_ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_record_grants_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["grantee_tenant_id"],
            ["tenants.id"],
            name=op.f("fk_record_grants_grantee_tenant_id_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_tenant_id"],
            ["tenants.id"],
            name=op.f("fk_record_grants_granted_by_tenant_id_tenants"),
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_user_id"],
            ["users.id"],
            name=op.f("fk_record_grants_granted_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_grants")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_record_grants_tenant_id_id")),
        sa.UniqueConstraint(
            "tenant_id",
            "record_kind",
            "record_id",
            "grantee_tenant_id",
            name=op.f("uq_record_grants_tenant_id_record_kind_record_id_grantee_tenant_id"),
        ),
    )
    rls.enable(TABLE)
    if rls.is_postgres():
        op.execute(rls.GRANT_FUNCTIONS)
        op.execute(
            f"CREATE POLICY grantee_read ON {TABLE} FOR SELECT USING ("
            "zugong_grants_readable() AND grantee_tenant_id = zugong_current_tenant())"
        )
    rls.enable_grant_reads("attachments", kind_column="owner_kind", id_column="owner_id")


def downgrade() -> None:
    rls.disable_grant_reads("attachments")
    if rls.is_postgres():
        op.execute(f"DROP POLICY IF EXISTS grantee_read ON {TABLE}")
    rls.disable(TABLE)
    op.drop_table(TABLE)
    if rls.is_postgres():
        op.execute("DROP FUNCTION IF EXISTS zugong_grants_readable()")
