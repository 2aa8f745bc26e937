"""Read models shared by every worker over the database, one row per key and data version.

Revision ID: 0260
Revises: 0200
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0260"
down_revision = "0200"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "read_models",
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_text", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("compute_seconds", sa.Float, nullable=True),
        sa.Column("payload", sa.LargeBinary, nullable=True),
        sa.PrimaryKeyConstraint("key_hash", "version", name="pk_read_models"),
    )


def downgrade() -> None:
    op.drop_table("read_models")
