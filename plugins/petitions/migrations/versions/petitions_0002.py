"""petition list by state in order of receipt (web increment)

The clerks' list filters by state and pages newest first by keyset on
``(received_on, id)``; this index serves it without a sort. Category seeding needs no
schema: it runs when a tenant enables the plugin.

Revision ID: petitions_0002
Revises: petitions_0001
"""

from alembic import op

revision = "petitions_0002"
down_revision = "petitions_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_petitions_tenant_id_state_received_on_id",
        "petitions",
        ["tenant_id", "state", "received_on", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_petitions_tenant_id_state_received_on_id", table_name="petitions")
