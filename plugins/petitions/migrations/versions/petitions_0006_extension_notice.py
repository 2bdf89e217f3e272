"""the day an extension was approved, for the extension notice

Revision ID: petitions_0006
Revises: petitions_0005
Create Date: 2026-12-02

Issue 12: the 延期办理告知书 (信访工作条例 Art. 34) tells the petitioner the extension,
its reason and the day it was decided. ``petitions.extended_on`` keeps that day (the
history row's time is the server's clock, not the business day). Existing extended rows
have none; their notice is dated the day it is first printed.

No new table, so row-level security is unchanged. Added by the ``rules`` helper.
"""

import sqlalchemy as sa
from alembic import op

revision = "petitions_0006"
down_revision = "petitions_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        batch.add_column(sa.Column("extended_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        batch.drop_column("extended_on")
