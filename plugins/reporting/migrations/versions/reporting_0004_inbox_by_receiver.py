"""the inbox reads by receiver

Revision ID: reporting_0004
Revises: reporting_0003
Create Date: 2026-12-02 17:10:00

收件箱 lists the submissions sent to the tenant in scope, newest first, from all its
children: the submissions belong to the senders' tenants, so the tenant-leading index
cannot serve it. Measured (bench/reporting.py, 3,000 children, 270,000 submissions to
the city): the first page read every submission to the city and sorted them (11.7 s);
with this index the page walks it backwards and stops after one page. It leads with
``receiver_tenant_id``, the tenant that reads it (as the grantee index does).
"""

from alembic import op

revision = "reporting_0004"
down_revision = "reporting_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_reporting_submissions_receiver_tenant_id_id",
        "reporting_submissions",
        ["receiver_tenant_id", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_reporting_submissions_receiver_tenant_id_id", "reporting_submissions")
