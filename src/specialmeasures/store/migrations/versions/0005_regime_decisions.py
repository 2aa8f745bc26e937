"""Regime life cycle: judgements entered by people, and decisions' transition and acceptance.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("entered_by", sa.String(300), nullable=False),
        sa.Column("role", sa.String(300), nullable=False),
        sa.Column("entered_on", sa.Date, nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_judgements"),
    )
    op.create_index("ix_judgements_provider", "judgements", ["provider_code", "entered_on"])
    op.add_column("decisions", sa.Column("regime", sa.String(8)))
    op.add_column("decisions", sa.Column("transition", sa.String(32)))
    op.add_column("decisions", sa.Column("accepted", sa.Boolean))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("accepted")
        batch.drop_column("transition")
        batch.drop_column("regime")
    op.drop_index("ix_judgements_provider", table_name="judgements")
    op.drop_table("judgements")
