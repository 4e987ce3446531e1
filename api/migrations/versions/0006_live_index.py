"""live matching index: per-document features

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty at first: the service finds every profile and open need without an entry at start
    # and indexes them (pending), so an existing database needs no data migration.
    op.create_table(
        "index_entries",
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("signature", sa.String(length=300), nullable=True),
        sa.Column("features", sa.LargeBinary(), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IN ('need', 'person')", name=op.f("ck_index_entries_side")),
        sa.CheckConstraint(
            "state IN ('pending', 'ready', 'removed')", name=op.f("ck_index_entries_state")
        ),
        sa.PrimaryKeyConstraint("side", "ref", name=op.f("pk_index_entries")),
    )
    op.create_index(op.f("ix_index_entries_seq"), "index_entries", ["seq"])


def downgrade() -> None:
    op.drop_index(op.f("ix_index_entries_seq"), table_name="index_entries")
    op.drop_table("index_entries")
