"""suggestions keep their calibrated fit (probability the pair is relevant), set by the batch

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing suggestions have no fit until the next batch computes it (NULL: no level shown).
    op.add_column("suggestions", sa.Column("fit", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("suggestions", "fit")
