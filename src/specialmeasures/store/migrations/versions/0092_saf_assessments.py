"""CQC single assessment framework: assessments and their evidence category scores.

Revision ID: 0092
Revises: 0091
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0092"
down_revision = "0091"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saf_assessments",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("published_on", sa.Date, nullable=False),
        sa.Column("inspection_id", sa.Integer, nullable=False),
        sa.Column("import_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_saf_assessments"),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name="fk_saf_assessments_inspection_id_inspections",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_saf_assessments_import_id_imports"
        ),
        sa.UniqueConstraint("ref", name="uq_saf_assessments_ref"),
    )
    op.create_index(
        "ix_saf_assessments_provider", "saf_assessments", ["provider_code", "published_on"]
    )
    op.create_table(
        "saf_scores",
        sa.Column("assessment_id", sa.Integer, nullable=False),
        sa.Column("key_question", sa.String(16), nullable=False),
        sa.Column("quality_statement", sa.String(40), nullable=False),
        sa.Column("evidence_category", sa.String(24), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(
            "assessment_id", "quality_statement", "evidence_category", name="pk_saf_scores"
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["saf_assessments.id"],
            name="fk_saf_scores_assessment_id_saf_assessments",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("score BETWEEN 1 AND 4", name="ck_saf_scores_score_scale"),
    )


def downgrade() -> None:
    op.drop_table("saf_scores")
    op.drop_index("ix_saf_assessments_provider", table_name="saf_assessments")
    op.drop_table("saf_assessments")
