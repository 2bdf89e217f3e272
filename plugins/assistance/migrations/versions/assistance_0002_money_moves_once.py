"""money moves once: a posting is unique per (approval, purpose), a delivery per target

Revision ID: assistance_0002
Revises: assistance_0001
Create Date: 2026-12-02

Concurrent identical requests paid one approved grant several times and one campaign
target several times (issue 11). The row locks in the code stop that; these constraints
make the database refuse the duplicate as well:

* ``assistance_postings.purpose`` — what the approval's money moved for — and
  ``UNIQUE (tenant_id, approval_id, purpose)``. Postings written before this revision
  get ``legacy:<id>`` (unique, so duplicates already paid stay visible as they are and
  can be reversed); the immutability trigger is suspended for that one backfill.
* ``UNIQUE (tenant_id, posting_id)`` on campaign targets: one posting pays one target.

No new table, so row-level security is unchanged (the tables already have it).
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "assistance_0002"
down_revision = "assistance_0001"
branch_labels = None
depends_on = None

TRIGGER = "assistance_postings_immutable"


def upgrade() -> None:
    with op.batch_alter_table("assistance_postings") as batch:
        batch.add_column(sa.Column("purpose", sa.String(length=80), nullable=True))
    if rls.is_postgres():
        op.execute(f"ALTER TABLE assistance_postings DISABLE TRIGGER {TRIGGER}")
    op.execute("UPDATE assistance_postings SET purpose = 'legacy:' || id")
    if rls.is_postgres():
        op.execute(f"ALTER TABLE assistance_postings ENABLE TRIGGER {TRIGGER}")
    with op.batch_alter_table("assistance_postings") as batch:
        batch.alter_column("purpose", existing_type=sa.String(length=80), nullable=False)
        batch.create_unique_constraint(
            op.f("uq_assistance_postings_tenant_id_approval_id_purpose"),
            ["tenant_id", "approval_id", "purpose"],
        )
    with op.batch_alter_table("assistance_campaign_targets") as batch:
        batch.create_unique_constraint(
            op.f("uq_assistance_campaign_targets_tenant_id_posting_id"),
            ["tenant_id", "posting_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("assistance_campaign_targets") as batch:
        batch.drop_constraint(
            op.f("uq_assistance_campaign_targets_tenant_id_posting_id"), type_="unique"
        )
    with op.batch_alter_table("assistance_postings") as batch:
        batch.drop_constraint(
            op.f("uq_assistance_postings_tenant_id_approval_id_purpose"), type_="unique"
        )
        batch.drop_column("purpose")
