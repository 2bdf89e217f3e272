"""memberships: the org unit a member belongs to

Revision ID: core_0013
Revises: core_0012
Create Date: 2026-12-02 16:30:00.000000

Issue 12 (信访工作条例 Art. 30): a tenant may keep a petition away from the people of the
reported person's unit, so a member may be placed in one of the tenant's org units. The
key is tenant-leading (``(tenant_id, org_unit_id)`` → ``org_units``), so a membership can
never point into another tenant's tree; existing members belong to no unit. No new
table, so row-level security is unchanged.
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0013"
down_revision = "core_0012"
branch_labels = None
depends_on = None

TABLE = "memberships"
FK = "fk_memberships_tenant_id_org_unit_id_org_units"
INDEX = "ix_memberships_tenant_id_org_unit_id"


def upgrade() -> None:
    # Batch mode: SQLite (the quick test backend) cannot ALTER a table's constraints.
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("org_unit_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(FK, "org_units", ["tenant_id", "org_unit_id"], ["tenant_id", "id"])
        batch.create_index(INDEX, ["tenant_id", "org_unit_id"])


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index(INDEX)
        batch.drop_constraint(FK, type_="foreignkey")
        batch.drop_column("org_unit_id")
