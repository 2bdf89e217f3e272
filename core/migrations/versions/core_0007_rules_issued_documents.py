"""issued documents

Revision ID: core_0007
Revises: core_0006
Create Date: 2026-12-02

Issue 12: a formal document once issued is frozen — the .docx as sent is stored and
reprinted as is, not rendered again from today's data (an acceptance notice regenerated
after an extension said 90日 instead of the 60日 it was sent with). One row per
``(tenant_id, object_type, object_id, kind)``, the composite ``(tenant_id, id)`` key like
every tenant table, and row-level security. Written by hand after the model
(core.documents.models.IssuedDocument). Added by the ``rules`` helper; other helpers may
add core_0007 in parallel, so the integrator may re-chain ``down_revision``.
"""

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None

TABLE = "issued_documents"
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("template_name", sa.String(length=80), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_by", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.Column("tenant_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_issued_documents_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_issued_documents_issued_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_issued_documents_tenant_id_id")),
        sa.UniqueConstraint(
            "tenant_id",
            "object_type",
            "object_id",
            "kind",
            name=op.f("uq_issued_documents_tenant_id_object_type_object_id_kind"),
        ),
    )
    rls.enable(TABLE)


def downgrade() -> None:
    rls.disable(TABLE)
    op.drop_table(TABLE)
