"""rounds of 统计报表上报 (issue 10)

Revision ID: core_0010
Revises: core_0009
Create Date: 2026-12-02 12:50:00.000000

Two tenant tables written by hand after core.rounds.models: the round (in the opener's
tenant) and the children's submissions (each in the child's tenant), both with the
composite ``(tenant_id, id)`` key and row-level security (the policy of core_0009).
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "core_0010"
down_revision = "core_0009"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _round_columns() -> list[sa.Column]:
    return [
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("plugins", sa.JSON(), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_title", sa.String(length=60), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("tenant_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _tenant_keys(table: str) -> list:
    return [
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f(f"uq_{table}_tenant_id_id")),
    ]


def upgrade() -> None:
    op.create_table(
        "rollup_rounds",
        *_round_columns(),
        sa.Column("opened_by", sa.BigInteger(), nullable=True),
        *_tenant_keys("rollup_rounds"),
    )
    op.create_index(
        "ix_rollup_rounds_tenant_period", "rollup_rounds", ["tenant_id", "period_start"]
    )
    op.create_table(
        "rollup_submissions",
        *_round_columns(),
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.BigInteger(), nullable=True),
        *_tenant_keys("rollup_submissions"),
        sa.UniqueConstraint(
            "tenant_id", "round_id", name=op.f("uq_rollup_submissions_tenant_id_round_id")
        ),
    )
    rls.enable("rollup_rounds")
    rls.enable("rollup_submissions")
    _grant_gained_permissions()


#: What core's default roles gained with the 汇总, rounds and subtree pages (issue 10):
#: roles a tenant already has were written from the old list when it was created.
GAINED = {
    "admin": ("core.rollup.view", "core.rollup.rounds", "core.rollup.submit", "core.subtree.manage"),
    "leader": ("core.rollup.view", "core.rollup.rounds", "core.rollup.submit"),
}


def _grant_gained_permissions() -> None:
    """Once, for every tenant: the roles table has forced row-level security, so the
    migration reads and writes it with every tenant opened (``app.read_tenants = '*'``)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("SELECT set_config('app.read_tenants', '*', true)")
    roles = sa.table(
        "roles",
        sa.column("tenant_id", sa.BigInteger),
        sa.column("id", sa.BigInteger),
        sa.column("key", sa.String),
        sa.column("plugin", sa.String),
        sa.column("permissions", sa.JSON),
    )
    rows = bind.execute(
        sa.select(roles.c.tenant_id, roles.c.id, roles.c.key, roles.c.permissions).where(
            roles.c.plugin == "core", roles.c.key.in_(list(GAINED))
        )
    ).all()
    for tenant_id, role_id, key, held in rows:
        held = list(held or [])
        added = [p for p in GAINED[key] if p not in held]
        if added:
            bind.execute(
                roles.update()
                .where(roles.c.tenant_id == tenant_id, roles.c.id == role_id)
                .values(permissions=held + added)
            )


def downgrade() -> None:
    for table in ("rollup_submissions", "rollup_rounds"):
        rls.disable(table)
        op.drop_table(table)
