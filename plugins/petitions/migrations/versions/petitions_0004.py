"""public portal query codes and submissions

Revision ID: petitions_0004
Revises: petitions_0003

The portal's secret query codes (查询码), kept only as salted scrypt digests, one per
petition filed online. Written by hand after the model; composite foreign key into
petitions, row-level security like every tenant-owned table.
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "petitions_0004"
down_revision = "petitions_0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "petition_query_codes",
        sa.Column("petition_id", ID, nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("tenant_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "petition_id"],
            ["petitions.tenant_id", "petitions.id"],
            name=op.f("fk_petition_query_codes_tenant_id_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_petition_query_codes_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_query_codes")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_petition_query_codes_tenant_id_id")),
        sa.UniqueConstraint(
            "tenant_id",
            "petition_id",
            name=op.f("uq_petition_query_codes_tenant_id_petition_id"),
        ),
    )
    rls.enable("petition_query_codes")


def downgrade() -> None:
    rls.disable("petition_query_codes")
    op.drop_table("petition_query_codes")
