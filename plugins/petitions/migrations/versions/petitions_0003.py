"""cross-tenant links, long-term petitioners, escalation

Revision ID: petitions_0003
Revises: petitions_0002
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

from core.tenancy import rls  # noqa: F401

revision = "petitions_0003"
down_revision = "petitions_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
