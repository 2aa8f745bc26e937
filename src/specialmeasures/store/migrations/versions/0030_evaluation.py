"""Evaluation: qualitative evidence (codebook, evidence sources with rapid-assessment summaries
and quotes, codings).

Revision ID: 0030
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_codes",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_evidence_codes"),
    )
    op.create_table(
        "evidence_sources",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("provider_code", sa.String(5), nullable=False),
        sa.Column("collected_on", sa.Date, nullable=False),
        sa.Column("source_type", sa.String(16), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("quotes", sa.Text, nullable=False),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("import_file", sa.String(300), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_sources"),
        sa.UniqueConstraint("ref", name="uq_evidence_sources_ref"),
    )
    op.create_index("ix_evidence_sources_provider", "evidence_sources", ["provider_code"])
    op.create_table(
        "evidence_codings",
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["evidence_sources.id"],
            name="fk_evidence_codings_source_id_evidence_sources",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["code"], ["evidence_codes.code"], name="fk_evidence_codings_code_evidence_codes"
        ),
        sa.PrimaryKeyConstraint("source_id", "code", name="pk_evidence_codings"),
    )


def downgrade() -> None:
    op.drop_table("evidence_codings")
    op.drop_index("ix_evidence_sources_provider", table_name="evidence_sources")
    op.drop_table("evidence_sources")
    op.drop_table("evidence_codes")
