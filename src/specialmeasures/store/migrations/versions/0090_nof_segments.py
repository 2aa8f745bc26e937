"""NHS Oversight Framework 2025/26: metric inputs per quarter and stored segments.

Revision ID: 0090
Revises: 0040
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0090"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nof_inputs",
        sa.Column("quarter", sa.String(6), nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("metric_id", sa.String(64), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("quarter", "provider_code", "metric_id", name="pk_nof_inputs"),
    )
    op.create_table(
        "nof_segments",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("quarter", sa.String(6), nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("org_type", sa.String(16), nullable=False),
        sa.Column("metrics_scored", sa.Integer, nullable=False),
        sa.Column("raw_score", sa.Float),
        sa.Column("delivery_segment", sa.Integer, nullable=False),
        sa.Column("segment", sa.Integer, nullable=False),
        sa.Column("in_deficit", sa.Boolean, nullable=False),
        sa.Column("capped", sa.Boolean, nullable=False),
        sa.Column("pip", sa.Boolean, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("rank_low", sa.Integer, nullable=False),
        sa.Column("rank_high", sa.Integer, nullable=False),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("policy", sa.String(40), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("computed_by", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_nof_segments"),
        sa.CheckConstraint("segment BETWEEN 0 AND 5", name="ck_nof_segments_segment_range"),
        sa.UniqueConstraint("quarter", "provider_code", name="uq_nof_segments_quarter_provider"),
    )
    op.create_index("ix_nof_segments_provider", "nof_segments", ["provider_code", "quarter"])


def downgrade() -> None:
    op.drop_index("ix_nof_segments_provider", table_name="nof_segments")
    op.drop_table("nof_segments")
    op.drop_table("nof_inputs")
