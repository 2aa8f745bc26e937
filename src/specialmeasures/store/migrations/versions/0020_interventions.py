"""Interventions: Improvement Directors, buddying, funding, plans, leadership, OAG and returns.

Revision ID: 0020
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "improvement_directors",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("background", sa.String(32), nullable=False),
        sa.Column("previous_smq_experience", sa.Boolean, nullable=False),
        sa.Column("max_trusts", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "max_trusts BETWEEN 1 AND 6", name="ck_improvement_directors_max_trusts_range"
        ),
        sa.UniqueConstraint("name", name="uq_improvement_directors_name"),
        sa.PrimaryKeyConstraint("id", name="pk_improvement_directors"),
    )
    op.create_table(
        "director_assignments",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("director_id", sa.Integer, nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("intensive_months", sa.Integer, nullable=False),
        sa.Column("maintenance_months", sa.Integer, nullable=False),
        sa.Column("hours_intensive", sa.Float, nullable=False),
        sa.Column("hours_maintenance", sa.Float, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.Column("end_reason", sa.Text),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date > start_date",
            name="ck_director_assignments_end_after_start",
        ),
        sa.ForeignKeyConstraint(
            ["director_id"],
            ["improvement_directors.id"],
            name="fk_director_assignments_director_id_improvement_directors",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_director_assignments"),
    )
    op.create_index(
        "ix_director_assignments_provider", "director_assignments", ["provider_code", "start_date"]
    )
    op.create_index(
        "ix_director_assignments_director", "director_assignments", ["director_id", "start_date"]
    )
    op.create_table(
        "buddy_arrangements",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("buddy_code", sa.String(5), nullable=False),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("arranged_by", sa.String(24), nullable=False),
        sa.Column("paid", sa.Boolean, nullable=False),
        sa.Column("mou_date", sa.Date),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("review_date", sa.Date),
        sa.Column("end_date", sa.Date),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name="ck_buddy_arrangements_end_after_start",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_buddy_arrangements"),
    )
    op.create_index("ix_buddy_arrangements_provider", "buddy_arrangements", ["provider_code"])
    op.create_index("ix_buddy_arrangements_buddy", "buddy_arrangements", ["buddy_code"])
    op.create_table(
        "funding_applications",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("episode_id", sa.Integer),
        sa.Column("applied_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("approved_amount", sa.Integer),
        sa.Column("approved_by", sa.String(300)),
        sa.Column("approved_on", sa.Date),
        sa.PrimaryKeyConstraint("id", name="pk_funding_applications"),
    )
    op.create_index(
        "ix_funding_applications_provider", "funding_applications", ["provider_code", "applied_on"]
    )
    op.create_table(
        "funding_aims",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column(
            "application_id",
            sa.Integer,
            nullable=False,
        ),
        sa.Column("aim", sa.Text, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_funding_aims_amount_positive"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["funding_applications.id"],
            name="fk_funding_aims_application_id_funding_applications",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_funding_aims"),
    )
    op.create_table(
        "funding_spend",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column(
            "application_id",
            sa.Integer,
            nullable=False,
        ),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("spent_on", sa.Date, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_funding_spend_amount_positive"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["funding_applications.id"],
            name="fk_funding_spend_application_id_funding_applications",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_funding_spend"),
    )
    op.create_table(
        "plan_actions",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("inspection_id", sa.Integer),
        sa.Column("finding_kind", sa.String(16), nullable=False),
        sa.Column("finding", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("domains", sa.String(120), nullable=False),
        sa.Column("owner", sa.String(300), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_actions"),
    )
    op.create_index("ix_plan_actions_provider", "plan_actions", ["provider_code"])
    op.create_table(
        "plan_updates",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column(
            "action_id",
            sa.Integer,
            nullable=False,
        ),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_actions.id"],
            name="fk_plan_updates_action_id_plan_actions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_plan_updates"),
    )
    op.create_table(
        "deep_dives",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.Column("findings", sa.Text, nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="ck_deep_dives_end_after_start"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_deep_dives"),
    )
    op.create_table(
        "leadership_terms",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("post", sa.String(24), nullable=False),
        sa.Column("holder", sa.String(300), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.Column("interim", sa.Boolean, nullable=False),
        sa.Column("previous_smq_experience", sa.Boolean, nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="ck_leadership_terms_end_after_start"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_leadership_terms"),
    )
    op.create_index(
        "ix_leadership_terms_provider", "leadership_terms", ["provider_code", "post", "start_date"]
    )
    op.create_table(
        "oag_members",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("body", sa.String(16), nullable=False),
        sa.Column("member_name", sa.String(300), nullable=False),
        sa.UniqueConstraint("provider_code", "body", "member_name", name="uq_oag_members_member"),
        sa.PrimaryKeyConstraint("id", name="pk_oag_members"),
    )
    op.create_table(
        "oag_item_requests",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("body", sa.String(16), nullable=False),
        sa.Column("item", sa.String(120), nullable=False),
        sa.UniqueConstraint("provider_code", "body", "item", name="uq_oag_item_requests_item"),
        sa.PrimaryKeyConstraint("id", name="pk_oag_item_requests"),
    )
    op.create_table(
        "monthly_returns",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("submitted_by", sa.String(300), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=False), nullable=False),
        sa.UniqueConstraint("provider_code", "period", name="uq_monthly_returns_period"),
        sa.PrimaryKeyConstraint("id", name="pk_monthly_returns"),
    )
    op.create_table(
        "return_values",
        sa.Column(
            "return_id",
            sa.Integer,
            nullable=False,
        ),
        sa.Column("item", sa.String(120), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["monthly_returns.id"],
            name="fk_return_values_return_id_monthly_returns",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("return_id", "item", name="pk_return_values"),
    )
    op.create_table(
        "intervention_records",
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("provider_code", "kind", name="pk_intervention_records"),
    )


def downgrade() -> None:
    op.drop_table("intervention_records")
    op.drop_table("return_values")
    op.drop_table("monthly_returns")
    op.drop_table("oag_item_requests")
    op.drop_table("oag_members")
    op.drop_index("ix_leadership_terms_provider", table_name="leadership_terms")
    op.drop_table("leadership_terms")
    op.drop_table("deep_dives")
    op.drop_table("plan_updates")
    op.drop_index("ix_plan_actions_provider", table_name="plan_actions")
    op.drop_table("plan_actions")
    op.drop_table("funding_spend")
    op.drop_table("funding_aims")
    op.drop_index("ix_funding_applications_provider", table_name="funding_applications")
    op.drop_table("funding_applications")
    op.drop_index("ix_buddy_arrangements_buddy", table_name="buddy_arrangements")
    op.drop_index("ix_buddy_arrangements_provider", table_name="buddy_arrangements")
    op.drop_table("buddy_arrangements")
    op.drop_index("ix_director_assignments_director", table_name="director_assignments")
    op.drop_index("ix_director_assignments_provider", table_name="director_assignments")
    op.drop_table("director_assignments")
    op.drop_table("improvement_directors")
