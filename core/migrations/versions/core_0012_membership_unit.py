"""memberships: the org unit a member belongs to

Revision ID: core_0012
Revises: core_0011
Create Date: 2026-12-02 16:30:00.000000

Issue 12 (信访工作条例 Art. 30): a tenant may keep a petition away from the people of the
reported person's unit, so a member may be placed in one of the tenant's org units. The
key is tenant-leading (``(tenant_id, org_unit_id)`` → ``org_units``), so a membership can
never point into another tenant's tree; existing members belong to no unit. No new
table, so row-level security is unchanged.
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0012"
down_revision = "core_0011"
branch_labels = None
depends_on = None

TABLE = "memberships"
FK = "fk_memberships_tenant_id_org_unit_id_org_units"
INDEX = "ix_memberships_tenant_id_org_unit_id"


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("org_unit_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(FK, TABLE, "org_units", ["tenant_id", "org_unit_id"], ["tenant_id", "id"])
    op.create_index(INDEX, TABLE, ["tenant_id", "org_unit_id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_constraint(FK, TABLE, type_="foreignkey")
    op.drop_column(TABLE, "org_unit_id")
