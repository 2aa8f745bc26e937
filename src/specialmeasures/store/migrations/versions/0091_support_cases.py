"""Support cases of the RSP and the Provider Improvement Programme: members, exit criteria,
paid support, capability assessments.

Revision ID: 0091
Revises: 0090
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0091"
down_revision = "0090"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "support_cases",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("regime", sa.String(8), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("icb", sa.String(200)),
        sa.Column("director", sa.String(200)),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_by", sa.String(300), nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_support_cases"),
        sa.CheckConstraint(
            "closed_on IS NULL OR closed_on >= opened_on",
            name="ck_support_cases_closed_after_opened",
        ),
    )
    op.create_table(
        "support_case_members",
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("episode_id", sa.Integer),
        sa.Column("joined_on", sa.Date, nullable=False),
        sa.Column("left_on", sa.Date),
        sa.PrimaryKeyConstraint("case_id", "provider_code", name="pk_support_case_members"),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["support_cases.id"],
            name="fk_support_case_members_case_id_support_cases",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_support_case_members_provider", "support_case_members", ["provider_code"])
    op.create_table(
        "exit_criteria",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("provider_code", sa.String(5)),
        sa.Column("criterion", sa.Text, nullable=False),
        sa.Column("agreed_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("updated_on", sa.Date, nullable=False),
        sa.Column("updated_by", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exit_criteria"),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["support_cases.id"],
            name="fk_exit_criteria_case_id_support_cases",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_exit_criteria_case", "exit_criteria", ["case_id"])
    op.create_table(
        "support_costs",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("paid_by", sa.String(16), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_support_costs"),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["support_cases.id"],
            name="fk_support_costs_case_id_support_cases",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("amount > 0", name="ck_support_costs_amount_positive"),
    )
    op.create_table(
        "capability_assessments",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("assessed_by", sa.String(300), nullable=False),
        sa.Column("role", sa.String(300), nullable=False),
        sa.Column("overall", sa.String(8), nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_capability_assessments"),
    )
    op.create_index(
        "ix_capability_assessments_provider",
        "capability_assessments",
        ["provider_code", "assessed_on"],
    )
    op.create_table(
        "capability_ratings",
        sa.Column("assessment_id", sa.Integer, nullable=False),
        sa.Column("area", sa.String(40), nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", "area", name="pk_capability_ratings"),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["capability_assessments.id"],
            name="fk_capability_ratings_assessment_id_capability_assessments",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("capability_ratings")
    op.drop_index("ix_capability_assessments_provider", table_name="capability_assessments")
    op.drop_table("capability_assessments")
    op.drop_table("support_costs")
    op.drop_index("ix_exit_criteria_case", table_name="exit_criteria")
    op.drop_table("exit_criteria")
    op.drop_index("ix_support_case_members_provider", table_name="support_case_members")
    op.drop_table("support_case_members")
    op.drop_table("support_cases")
