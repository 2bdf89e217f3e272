"""attachments and category seeding (web increment)

Revision ID: petitions_0002
Revises: petitions_0001
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

from core.tenancy import rls  # noqa: F401

revision = "petitions_0002"
down_revision = "petitions_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
