"""record grants: index on the grantee

Revision ID: core_0011
Revises: core_0010
Create Date: 2026-12-02 13:00:00.000000

The grant rows were indexed only by their owner (``tenant_id`` first), so every read
from the grantee's side ("which records was I granted": the reporting inbox, the live
ranking of granted rows) scanned the whole table. This index leads with the grantee and
the kind, then carries the owner and record so the EXISTS of each grant policy is
answered from the index alone.
"""

from alembic import op

revision = "core_0011"
down_revision = "core_0010"
branch_labels = None
depends_on = None

INDEX = "ix_record_grants_grantee"
TABLE = "record_grants"


def upgrade() -> None:
    op.create_index(INDEX, TABLE, ["grantee_tenant_id", "record_kind", "tenant_id", "record_id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
