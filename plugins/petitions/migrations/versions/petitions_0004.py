"""public portal query codes and submissions

Revision ID: petitions_0004
Revises: petitions_0003
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

from core.tenancy import rls  # noqa: F401

revision = "petitions_0004"
down_revision = "petitions_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
