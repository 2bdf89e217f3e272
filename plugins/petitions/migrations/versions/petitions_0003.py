"""cross-tenant links, long-term petitioners, deadline scan, escalation

Revision ID: petitions_0003
Revises: petitions_0002
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "petitions_0003"
down_revision = "petitions_0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        batch.add_column(sa.Column("target_petition_id", ID, nullable=True))
        batch.add_column(sa.Column("reported_back_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("report_outcome", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("report_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("case_type", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("review_tenant_id", ID, nullable=True))
        batch.add_column(sa.Column("review_case_id", ID, nullable=True))
        batch.add_column(sa.Column("review_answer", sa.Text(), nullable=True))
        batch.add_column(sa.Column("rereview_answer", sa.Text(), nullable=True))
        batch.add_column(sa.Column("current_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("light", sa.String(length=10), nullable=True))
        batch.add_column(
            sa.Column("leader_flagged", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("escalation_plugin", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("escalation_ref", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("escalation_title", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("escalation_url", sa.String(length=500), nullable=True))
        batch.create_foreign_key(
            op.f("fk_petitions_review_tenant_id_tenants"), "tenants", ["review_tenant_id"], ["id"]
        )
        batch.create_index(
            "ix_petitions_tenant_id_light_current_due",
            ["tenant_id", "light", "current_due"],
            unique=False,
        )
    op.create_table(
        "petition_longterm",
        sa.Column("key_type", sa.String(length=10), nullable=False),
        sa.Column("key_value", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("petition_count", sa.Integer(), nullable=False),
        sa.Column("first_received_on", sa.Date(), nullable=True),
        sa.Column("last_received_on", sa.Date(), nullable=True),
        sa.Column("flagged_on", sa.Date(), nullable=False),
        sa.Column("leader_user_id", ID, nullable=True),
        sa.Column("review_months", sa.Integer(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("last_reviewed_on", sa.Date(), nullable=True),
        sa.Column("last_review_note", sa.Text(), nullable=True),
        sa.Column("light", sa.String(length=10), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("tenant_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_user_id"], ["users.id"], name=op.f("fk_petition_longterm_leader_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_petition_longterm_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_longterm")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_petition_longterm_tenant_id_id")),
        sa.UniqueConstraint(
            "tenant_id",
            "key_type",
            "key_value",
            name=op.f("uq_petition_longterm_tenant_id_key_type_key_value"),
        ),
    )
    op.create_index(
        "ix_petition_longterm_tenant_id_leader",
        "petition_longterm",
        ["tenant_id", "leader_user_id", "light"],
        unique=False,
    )
    op.create_index(
        "ix_petition_longterm_tenant_id_next_review_on",
        "petition_longterm",
        ["tenant_id", "next_review_on"],
        unique=False,
    )
    rls.enable("petition_longterm")


def downgrade() -> None:
    rls.disable("petition_longterm")
    op.drop_index("ix_petition_longterm_tenant_id_next_review_on", table_name="petition_longterm")
    op.drop_index("ix_petition_longterm_tenant_id_leader", table_name="petition_longterm")
    op.drop_table("petition_longterm")
    with op.batch_alter_table("petitions") as batch:
        batch.drop_index("ix_petitions_tenant_id_light_current_due")
        batch.drop_constraint(op.f("fk_petitions_review_tenant_id_tenants"), type_="foreignkey")
        for column in (
            "escalation_url",
            "escalation_title",
            "escalation_ref",
            "escalation_plugin",
            "escalated_at",
            "leader_flagged",
            "light",
            "current_due",
            "rereview_answer",
            "review_answer",
            "review_case_id",
            "review_tenant_id",
            "case_type",
            "report_text",
            "report_outcome",
            "reported_back_on",
            "target_petition_id",
        ):
            batch.drop_column(column)
