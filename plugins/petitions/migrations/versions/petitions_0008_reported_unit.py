"""the reported person's unit as an org unit of the tenant

Revision ID: petitions_0008
Revises: petitions_0007
Create Date: 2026-12-02

Issue 12 (信访工作条例 Art. 30): where the tenant turns on ``recuse_reported_unit``, the
people of the reported person's unit do not see the petition. The unit is kept as typed
(``unit``) and may also be tied to the tenant's org tree: ``unit_id``, tenant-leading
``(tenant_id, unit_id)`` → ``org_units`` so it cannot name another tenant's unit, with an
index for the visibility criterion. Existing rows name no org unit. No new table, so
row-level security is unchanged. The members' own unit is core's (core_0012).
"""

import sqlalchemy as sa
from alembic import op

revision = "petitions_0008"
down_revision = "petitions_0007"
branch_labels = None
depends_on = None

TABLE = "petition_reported_persons"
FK = "fk_petition_reported_persons_tenant_id_unit_id_org_units"
INDEX = "ix_petition_reported_persons_tenant_id_unit_id"


def upgrade() -> None:
    # Batch mode: SQLite (the quick test backend) cannot ALTER a table's constraints.
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("unit_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(FK, "org_units", ["tenant_id", "unit_id"], ["tenant_id", "id"])
        batch.create_index(INDEX, ["tenant_id", "unit_id"])


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index(INDEX)
        batch.drop_constraint(FK, type_="foreignkey")
        batch.drop_column("unit_id")
