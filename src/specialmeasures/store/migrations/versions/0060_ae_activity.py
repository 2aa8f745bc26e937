"""NHS England's monthly A&E statistics per reporting organisation, the import in use for each
month, and national standards of indicators.

Revision ID: 0060
Revises: 0040
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0060"
down_revision = "0040"
branch_labels = None
depends_on = None

_COUNTS_REQUIRED = (
    "attendances_type1",
    "attendances_type2",
    "attendances_other",
)
_OVER4_REQUIRED = ("over4_type1", "over4_type2", "over4_other")
_COUNTS_OPTIONAL = (
    "booked_type1",
    "booked_type2",
    "booked_other",
)
_OVER4_OPTIONAL = ("booked_over4_type1", "booked_over4_type2", "booked_over4_other")
_OTHER_OPTIONAL = (
    "admissions_type1",
    "admissions_type2",
    "admissions_other",
    "other_emergency_admissions",
    "dta_4_to_12_hours",
    "dta_over_12_hours",
)


def upgrade() -> None:
    op.create_table(
        "ae_activity",
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("org_code", sa.String(12), nullable=False),
        sa.Column("org_name", sa.String(300), nullable=False),
        sa.Column("parent_org", sa.String(120), nullable=False),
        *(sa.Column(c, sa.Integer, nullable=False) for c in _COUNTS_REQUIRED),
        *(sa.Column(c, sa.Integer) for c in _COUNTS_OPTIONAL),
        *(sa.Column(c, sa.Integer, nullable=False) for c in _OVER4_REQUIRED),
        *(sa.Column(c, sa.Integer) for c in _OVER4_OPTIONAL),
        *(sa.Column(c, sa.Integer) for c in _OTHER_OPTIONAL),
        sa.PrimaryKeyConstraint("import_id", "period", "org_code", name="pk_ae_activity"),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_ae_activity_import_id_imports"
        ),
    )
    op.create_index("ix_ae_activity_period_org", "ae_activity", ["period", "org_code"])
    op.create_table(
        "ae_months",
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("period", name="pk_ae_months"),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_ae_months_import_id_imports"
        ),
    )
    op.create_table(
        "indicator_standards",
        sa.Column("indicator_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_url", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint(
            "indicator_id", "kind", "valid_from", name="pk_indicator_standards"
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name="fk_indicator_standards_indicator_id_indicators",
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from",
            name="ck_indicator_standards_valid_to_after_from",
        ),
    )


def downgrade() -> None:
    op.drop_table("indicator_standards")
    op.drop_table("ae_months")
    op.drop_index("ix_ae_activity_period_org", table_name="ae_activity")
    op.drop_table("ae_activity")
