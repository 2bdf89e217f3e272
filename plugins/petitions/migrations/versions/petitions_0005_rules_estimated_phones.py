"""due dates keep their estimated mark; phones matched in one form

Revision ID: petitions_0005
Revises: petitions_0004
Create Date: 2026-12-02

Issue 12:

* Every stored due date of a petition keeps whether it was computed over a year without
  holiday data (``*_estimated``), so the detail page, the list, the to-do list and the API
  can say so. Existing rows get ``false``.
* ``petition_petitioners.phone_normalized``: the number in one form
  (:func:`core.phones.normalize_phone`: ``137 0000 2222``, ``137-0000-2222`` and
  ``+86 13700002222`` are all ``13700002222``) for repeat detection; ``phone`` keeps what
  was typed. Backfilled here row by row (the same function as the application, so the
  SQLite and PostgreSQL results agree); the index leads with ``tenant_id``.

No new table, so row-level security is unchanged. Added by the ``rules`` helper.
"""

import sqlalchemy as sa
from alembic import op

from core.phones import normalize_phone

revision = "petitions_0005"
down_revision = "petitions_0004"
branch_labels = None
depends_on = None

DUES = ("accept_due", "return_due", "close_due", "review_due", "rereview_due", "current_due")
INDEX = "ix_petition_petitioners_tenant_id_phone_normalized"


def upgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        for due in DUES:
            batch.add_column(
                sa.Column(
                    f"{due}_estimated", sa.Boolean(), nullable=False, server_default=sa.false()
                )
            )
    with op.batch_alter_table("petition_petitioners") as batch:
        batch.add_column(sa.Column("phone_normalized", sa.String(length=20), nullable=True))
    petitioners = sa.table(
        "petition_petitioners",
        sa.column("id", sa.BigInteger()),
        sa.column("phone", sa.String()),
        sa.column("phone_normalized", sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(petitioners.c.id, petitioners.c.phone).where(petitioners.c.phone.is_not(None))
    ).all()
    for row_id, phone in rows:
        connection.execute(
            petitioners.update()
            .where(petitioners.c.id == row_id)
            .values(phone_normalized=(normalize_phone(phone) or "")[:20] or None)
        )
    op.create_index(INDEX, "petition_petitioners", ["tenant_id", "phone_normalized"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="petition_petitioners")
    with op.batch_alter_table("petition_petitioners") as batch:
        batch.drop_column("phone_normalized")
    with op.batch_alter_table("petitions") as batch:
        for due in DUES:
            batch.drop_column(f"{due}_estimated")
