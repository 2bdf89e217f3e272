"""assistance settings: the income line per person on the 低保 basis; loans two years at most

Revision ID: assistance_0003
Revises: assistance_0002
Create Date: 2026-12-02

Issue 12: the stored settings change meaning, so the tenants' own values are brought in
line (no table changes; row-level security is unchanged).

* ``rural_income_threshold_fen`` (a household's yearly income, 700 元 by default — the
  sources' historical figure) is gone: identification now compares the income *per
  person* with ``dibao_monthly_fen`` × 12 × ``low_income_percent`` %. A stored household
  figure cannot be turned into a per-person one (it has no household size), so it is
  removed and the tenant gets the new defaults until its administrator sets its 低保标准.
* ``loan_term_months`` above 24 (两年还本) is lowered to 24: the settings schema now
  refuses more, and a stored 36 would make every resolution of the settings fail.

The downgrade leaves the values as they are (the old schema accepts them all).
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "assistance_0003"
down_revision = "assistance_0002"
branch_labels = None
depends_on = None

MAX_TERM = 24
GONE = "rural_income_threshold_fen"


def _settings(value):
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def upgrade() -> None:
    bind = op.get_bind()
    table = sa.table(
        "tenant_plugins",
        sa.column("tenant_id", sa.BigInteger),
        sa.column("plugin", sa.String),
        sa.column("settings", sa.JSON),
    )
    rows = bind.execute(
        sa.select(table.c.tenant_id, table.c.settings).where(table.c.plugin == "assistance")
    ).all()
    for tenant_id, stored in rows:
        settings = _settings(stored)
        changed = settings.pop(GONE, None) is not None
        term = settings.get("loan_term_months")
        if isinstance(term, int) and term > MAX_TERM:
            settings["loan_term_months"], changed = MAX_TERM, True
        if changed:
            bind.execute(
                table.update()
                .where(table.c.tenant_id == tenant_id, table.c.plugin == "assistance")
                .values(settings=settings)
            )


def downgrade() -> None:
    pass
