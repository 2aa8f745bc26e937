"""The data version: one counter row bumped by every change to the data, not by reads.

Revision ID: 0085
Revises: 0040
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0085"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_data_version"),
    )
    # Start from the newest audit row (the version caches were keyed on before), so that the
    # counter only ever moves forward.
    newest = op.get_bind().execute(sa.text("SELECT COALESCE(MAX(seq), 0) FROM audit_log"))
    op.bulk_insert(table, [{"id": 1, "version": int(newest.scalar_one())}])


def downgrade() -> None:
    op.drop_table("data_version")
