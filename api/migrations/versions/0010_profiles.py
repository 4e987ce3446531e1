"""whole profiles: language levels, researchers' offers, collaboration proposals

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing profiles start with no level, offer or detail ('{}', '[]' and '' on both
    # databases; the ORM writes its own defaults from then on).
    op.add_column(
        "people", sa.Column("language_levels", sa.JSON(), server_default="{}", nullable=False)
    )
    op.add_column("people", sa.Column("offers", sa.JSON(), server_default="[]", nullable=False))
    op.add_column(
        "people", sa.Column("offer_details", sa.Text(), server_default="", nullable=False)
    )
    op.create_table(
        "collaboration_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["needs.id"],
            name=op.f("fk_collaboration_proposals_need_id_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_collaboration_proposals_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collaboration_proposals")),
        sa.UniqueConstraint(
            "need_id", "person_id", name=op.f("uq_collaboration_proposals_need_id")
        ),
    )
    op.create_index(
        op.f("ix_collaboration_proposals_need_id"), "collaboration_proposals", ["need_id"]
    )
    op.create_index(
        op.f("ix_collaboration_proposals_person_id"), "collaboration_proposals", ["person_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_collaboration_proposals_person_id"), "collaboration_proposals")
    op.drop_index(op.f("ix_collaboration_proposals_need_id"), "collaboration_proposals")
    op.drop_table("collaboration_proposals")
    op.drop_column("people", "offer_details")
    op.drop_column("people", "offers")
    op.drop_column("people", "language_levels")
