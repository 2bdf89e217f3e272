"""session versions and invitations

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-12-02 04:30:00

``users.session_version``: copied into a session at login and checked on every request,
so logout, a password change or disabling a user ends every session of theirs.
``invitations``: a tenant's offer to an existing user, effective only once the user
accepts it (tenant-owned: composite key, index leading with ``tenant_id``, row-level
security).
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None

TABLE = "invitations"
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        TABLE,
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=50), nullable=True),
        sa.Column("invited_by", BIG_ID, nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("tenant_id", BIG_ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_invitations_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_invitations_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["users.id"], name=op.f("fk_invitations_invited_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_invitations_tenant_id_id")),
    )
    op.create_index("ix_invitations_tenant_id_user_id", TABLE, ["tenant_id", "user_id"])
    rls.enable(TABLE)


def downgrade() -> None:
    rls.disable(TABLE)
    op.drop_index("ix_invitations_tenant_id_user_id", table_name=TABLE)
    op.drop_table(TABLE)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
