"""Secret keys of keyed pseudonyms (the site codes shown to researchers).

Revision ID: 0100
Revises: 0040
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pseudonym_keys",
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("purpose", name="pk_pseudonym_keys"),
    )


def downgrade() -> None:
    op.drop_table("pseudonym_keys")
