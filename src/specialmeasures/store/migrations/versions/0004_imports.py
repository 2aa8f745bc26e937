"""Imports of public files, location-level CQC ratings, and the public SMQ record.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("sheet", sa.String(64), nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("rows_applied", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("actor", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
        sa.UniqueConstraint("kind", "sha256", "sheet", name="uq_imports_kind_file_sheet"),
    )
    op.create_table(
        "location_ratings",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("location_id", sa.String(32), nullable=False),
        sa.Column("location_name", sa.String(300), nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("service_group", sa.String(200), nullable=False),
        sa.Column("key_question", sa.String(16), nullable=False),
        sa.Column("rating", sa.Integer),
        sa.Column("rating_text", sa.String(40), nullable=False),
        sa.Column("publication_date", sa.Date, nullable=False),
        sa.Column("report_type", sa.String(40), nullable=False),
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_location_ratings"),
        sa.ForeignKeyConstraint(
            ["provider_code"],
            ["providers.code"],
            name="fk_location_ratings_provider_code_providers",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_location_ratings_import_id_imports"
        ),
        sa.UniqueConstraint(
            "location_id",
            "service_group",
            "key_question",
            "publication_date",
            name="uq_location_ratings_key",
        ),
    )
    op.create_index("ix_location_ratings_provider", "location_ratings", ["provider_code"])
    op.create_table(
        "real_smq_events",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("trust_name", sa.String(300), nullable=False),
        sa.Column("regime", sa.String(8), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("event_date", sa.String(10), nullable=False),
        sa.Column("date_precision", sa.String(40), nullable=False),
        sa.Column("earliest", sa.Date, nullable=False),
        sa.Column("latest", sa.Date, nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("ratings_note", sa.Text, nullable=False),
        sa.Column("source_url", sa.String(500), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_real_smq_events"),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_real_smq_events_import_id_imports"
        ),
    )
    op.create_index("ix_real_smq_events_trust", "real_smq_events", ["trust_name"])


def downgrade() -> None:
    op.drop_index("ix_real_smq_events_trust", table_name="real_smq_events")
    op.drop_table("real_smq_events")
    op.drop_index("ix_location_ratings_provider", table_name="location_ratings")
    op.drop_table("location_ratings")
    op.drop_table("imports")
