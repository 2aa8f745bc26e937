"""Initial schema: providers, inspections and ratings, regime episodes, decisions, indicators,
observations, dataset metadata and the synthetic data's latent truth.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_dataset_meta"),
    )
    op.create_table(
        "providers",
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("teaching", sa.Boolean, nullable=False),
        sa.Column("setting", sa.String(16), nullable=False),
        sa.Column("region", sa.String(120), nullable=False),
        sa.Column("system", sa.String(120), nullable=False),
        sa.Column("beds", sa.Integer),
        sa.Column("annual_income_gbp", sa.Float),
        sa.Column("staff_headcount", sa.Integer),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_providers"),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("inspection_date", sa.Date, nullable=False),
        sa.Column("publication_date", sa.Date, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inspections"),
        sa.ForeignKeyConstraint(
            ["provider_code"], ["providers.code"], name="fk_inspections_provider_code_providers"
        ),
        sa.CheckConstraint(
            "publication_date >= inspection_date",
            name="ck_inspections_published_after_inspected",
        ),
    )
    op.create_index(
        "ix_inspections_provider_published", "inspections", ["provider_code", "publication_date"]
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("inspection_id", sa.Integer, nullable=False),
        sa.Column("key_question", sa.String(16), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ratings"),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name="fk_ratings_inspection_id_inspections",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 4", name="ck_ratings_rating_scale"),
        sa.UniqueConstraint("inspection_id", "key_question", name="uq_ratings_inspection_question"),
    )
    op.create_table(
        "regime_episodes",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("regime", sa.String(8), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.Column("state", sa.String(24), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_regime_episodes"),
        sa.ForeignKeyConstraint(
            ["provider_code"], ["providers.code"], name="fk_regime_episodes_provider_code_providers"
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="ck_regime_episodes_end_after_start"
        ),
    )
    op.create_index(
        "ix_regime_episodes_provider", "regime_episodes", ["provider_code", "start_date"]
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("episode_id", sa.Integer),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(300), nullable=False),
        sa.Column("role", sa.String(300), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("recommendation_ref", sa.String(300)),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(
            ["provider_code"], ["providers.code"], name="fk_decisions_provider_code_providers"
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["regime_episodes.id"], name="fk_decisions_episode_id_regime_episodes"
        ),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("unit", sa.String(120), nullable=False),
        sa.Column("polarity", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("domain", sa.String(16)),
        sa.Column("multiplier", sa.Float, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_indicators"),
    )
    op.create_table(
        "observations",
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("indicator_id", sa.String(64), nullable=False),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("numerator", sa.Float),
        sa.Column("denominator", sa.Float),
        sa.Column("expected", sa.Float),
        sa.PrimaryKeyConstraint("provider_code", "indicator_id", "period", name="pk_observations"),
        sa.ForeignKeyConstraint(
            ["provider_code"], ["providers.code"], name="fk_observations_provider_code_providers"
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicators.id"], name="fk_observations_indicator_id_indicators"
        ),
    )
    op.create_index("ix_observations_indicator_period", "observations", ["indicator_id", "period"])
    op.create_table(
        "truth_latent_quality",
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("quality", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("provider_code", "period", name="pk_truth_latent_quality"),
        sa.ForeignKeyConstraint(
            ["provider_code"],
            ["providers.code"],
            name="fk_truth_latent_quality_provider_code_providers",
        ),
    )
    op.create_table(
        "truth_records",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("provider_code", sa.String(5)),
        sa.Column("payload", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_truth_records"),
        sa.ForeignKeyConstraint(
            ["provider_code"], ["providers.code"], name="fk_truth_records_provider_code_providers"
        ),
    )
    op.create_index("ix_truth_records_kind", "truth_records", ["kind"])


def downgrade() -> None:
    for name in (
        "truth_records",
        "truth_latent_quality",
        "observations",
        "indicators",
        "decisions",
        "regime_episodes",
        "ratings",
        "inspections",
        "providers",
        "dataset_meta",
    ):
        op.drop_table(name)
