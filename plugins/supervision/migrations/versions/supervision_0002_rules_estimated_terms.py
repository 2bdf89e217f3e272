"""due dates keep their estimated mark; accountability kinds as the 问责条例 (2019) names them

Revision ID: supervision_0002
Revises: supervision_0001
Create Date: 2026-12-02

Issue 12:

* A due date computed over a year without holiday data (weekends only) keeps that mark,
  so pages, lists, the API and the to-do list can show it: ``acknowledge_due_estimated``,
  ``report_due_estimated`` and ``deadline_estimated`` on items (the deadline is computed
  when an item is opened from another plugin), ``due_estimated`` on milestones
  (back-scheduled). Existing rows get ``false``: they were computed before the mark was
  kept, on the years the package covers.
* 问责方式 use the terms of 《中国共产党问责条例》(2019) Art. 8: 检查、通报、改组 for Party
  organisations; 通报、诫勉、组织调整或者组织处理、纪律处分 for leading cadres. Stored keys
  move: ``criticism`` (通报批评) → ``notice`` (通报), ``self_review`` (责令书面检查) →
  ``inspection`` (检查); ``admonition`` keeps its key (its title becomes 诫勉). 约谈 is a
  supervision measure, not a 问责方式: such rows become ``other`` with “约谈：” kept at the
  head of the reason, so nothing recorded is lost. The downgrade maps the keys back
  (rows recorded as a new kind become ``other``).

No new table, so row-level security is unchanged (the tables already have it).
"""

import sqlalchemy as sa
from alembic import op

revision = "supervision_0002"
down_revision = "supervision_0001"
branch_labels = None
depends_on = None

FLAGS = (
    ("supervision_items", "acknowledge_due_estimated"),
    ("supervision_items", "report_due_estimated"),
    ("supervision_items", "deadline_estimated"),
    ("supervision_milestones", "due_estimated"),
)
RENAMED = (("criticism", "notice"), ("self_review", "inspection"))
TALK_PREFIX = "约谈："


def upgrade() -> None:
    for table, column in FLAGS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.false())
            )
    for old, new in RENAMED:
        op.execute(
            sa.text(
                "UPDATE supervision_accountabilities SET kind = :new WHERE kind = :old"
            ).bindparams(old=old, new=new)
        )
    op.execute(
        sa.text(
            "UPDATE supervision_accountabilities SET kind = 'other', reason = :prefix || reason"
            " WHERE kind = 'talk'"
        ).bindparams(prefix=TALK_PREFIX)
    )


def downgrade() -> None:
    for old, new in RENAMED:
        op.execute(
            sa.text(
                "UPDATE supervision_accountabilities SET kind = :old WHERE kind = :new"
            ).bindparams(old=old, new=new)
        )
    op.execute(
        "UPDATE supervision_accountabilities SET kind = 'other'"
        " WHERE kind IN ('organizational', 'discipline', 'reorganization')"
    )
    for table, column in FLAGS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
