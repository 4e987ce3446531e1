"""offers: end date, deadline and pay of a need; applications and their history

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'received', 'seen', 'interview', 'retained', 'refused', 'hired', 'withdrawn'"


def upgrade() -> None:
    op.add_column("needs", sa.Column("end_date", sa.Date(), nullable=True))
    op.add_column("needs", sa.Column("deadline", sa.Date(), nullable=True))
    op.add_column("needs", sa.Column("pay", sa.String(length=200), nullable=True))
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("cv_file", sa.String(length=80), nullable=True),
        sa.Column("cv_name", sa.String(length=200), nullable=True),
        sa.Column("cv_bytes", sa.Integer(), nullable=True),
        sa.Column("cv_skills", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_applications_status")),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["needs.id"],
            name=op.f("fk_applications_need_id_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_applications_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("person_id", "need_id", name="uq_applications_person_need"),
    )
    op.create_index(op.f("ix_applications_need_id"), "applications", ["need_id"])
    op.create_index(op.f("ix_applications_person_id"), "applications", ["person_id"])
    op.create_index(op.f("ix_applications_status"), "applications", ["status"])
    op.create_table(
        "application_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_events_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_events")),
    )
    op.create_index(
        op.f("ix_application_events_application_id"), "application_events", ["application_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_application_events_application_id"), table_name="application_events")
    op.drop_table("application_events")
    op.drop_index(op.f("ix_applications_status"), table_name="applications")
    op.drop_index(op.f("ix_applications_person_id"), table_name="applications")
    op.drop_index(op.f("ix_applications_need_id"), table_name="applications")
    op.drop_table("applications")
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy would recreate a referenced table.
    op.drop_column("needs", "pay")
    op.drop_column("needs", "deadline")
    op.drop_column("needs", "end_date")
