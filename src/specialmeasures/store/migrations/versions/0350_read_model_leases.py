"""Leases on read-model claims: who computes a read model, and when it last said so.

``owner`` names the worker computing the row; ``heartbeat_at`` is the database clock (seconds
since the epoch) at its last heartbeat. A claim whose heartbeat is older than the lease is taken
over by another worker. Rows are derived data: those of the software before leases are removed.

Revision ID: 0350
Revises: 0300
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0350"
down_revision = "0300"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM read_models")
    with op.batch_alter_table("read_models") as batch:
        batch.add_column(sa.Column("owner", sa.String(64), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("read_models") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("owner")
