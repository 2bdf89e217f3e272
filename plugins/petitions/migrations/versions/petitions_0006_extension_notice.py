"""the day an extension was approved; a review case has no acceptance date

Revision ID: petitions_0006
Revises: petitions_0005
Create Date: 2026-12-02

Issue 12:

* The 延期办理告知书 (信访工作条例 Art. 34) tells the petitioner the extension, its
  reason and the day it was decided. ``petitions.extended_on`` keeps that day (the
  history row's time is the server's clock, not the business day). Existing extended
  rows have none; their notice is dated the day it is first printed.
* 申请延期: ``extension_requested_days`` and ``extension_request_reason`` keep the
  handler's request until the leader approves (``extend``) or refuses it.
* ``petitions.accept_due`` becomes nullable: a 复查/复核 case opened in the upper body
  runs against its 30-day answer period only (``review_due``); the 15-day acceptance
  date its registration set is cleared when the case opens. Existing rows keep theirs.

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
        batch.add_column(sa.Column("extension_requested_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("extension_request_reason", sa.Text(), nullable=True))
        batch.alter_column("accept_due", existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    petitions = sa.table(
        "petitions", sa.column("accept_due", sa.Date()), sa.column("received_on", sa.Date())
    )
    # Cases opened since have none: their receipt day stands in (no 15-day period ran).
    op.execute(
        petitions.update()
        .where(petitions.c.accept_due.is_(None))
        .values(accept_due=petitions.c.received_on)
    )
    with op.batch_alter_table("petitions") as batch:
        batch.alter_column("accept_due", existing_type=sa.Date(), nullable=False)
        batch.drop_column("extension_request_reason")
        batch.drop_column("extension_requested_days")
        batch.drop_column("extended_on")
