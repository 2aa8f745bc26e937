"""Improvement Director notes: one confidential note per row, by trust.

Revision ID: 0230
Revises: 0200
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0230"
down_revision = "0200"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "id_notes",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("noted_on", sa.Date, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author", sa.String(300), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_id_notes"),
    )
    op.create_index("ix_id_notes_provider", "id_notes", ["provider_code"])


def downgrade() -> None:
    op.drop_index("ix_id_notes_provider", table_name="id_notes")
    op.drop_table("id_notes")
