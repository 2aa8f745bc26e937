"""Qualitative evidence by organisational level: ``trust`` (one trust's) or ``national``.

Revision ID: 0231
Revises: 0230
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0231"
down_revision = "0230"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "evidence_sources",
        sa.Column("level", sa.String(8), nullable=False, server_default="trust"),
    )


def downgrade() -> None:
    with op.batch_alter_table("evidence_sources") as batch:
        batch.drop_column("level")
