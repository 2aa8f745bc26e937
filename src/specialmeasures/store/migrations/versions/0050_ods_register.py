"""The ODS register and the public record: open and close dates, region and ICB codes of
providers; created, updated and skipped counts of imports; successors; public-record episodes.

Revision ID: 0050
Revises: 0040
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.add_column(sa.Column("open_date", sa.Date))
        batch.add_column(sa.Column("close_date", sa.Date))
        batch.add_column(sa.Column("region_code", sa.String(5)))
        batch.add_column(sa.Column("icb_code", sa.String(5)))
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("rows_created", sa.Integer))
        batch.add_column(sa.Column("rows_updated", sa.Integer))
        batch.add_column(sa.Column("skipped", sa.Text))
    op.create_table(
        "provider_successors",
        sa.Column("predecessor_code", sa.String(5), nullable=False),
        sa.Column("successor_code", sa.String(5), nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("verified_from", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(
            "predecessor_code", "successor_code", name="pk_provider_successors"
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_provider_successors_import_id_imports"
        ),
    )
    op.create_index("ix_provider_successors_successor", "provider_successors", ["successor_code"])
    op.create_table(
        "public_record_episodes",
        sa.Column("episode_id", sa.Integer, nullable=False),
        sa.Column("trust_name", sa.String(300), nullable=False),
        sa.Column("start_event", sa.String(32), nullable=False),
        sa.Column("start_published", sa.String(10), nullable=False),
        sa.Column("start_precision", sa.String(40), nullable=False),
        sa.Column("start_latest", sa.Date, nullable=False),
        sa.Column("end_event", sa.String(32)),
        sa.Column("end_published", sa.String(10)),
        sa.Column("end_precision", sa.String(40)),
        sa.Column("end_latest", sa.Date),
        sa.Column("end_basis", sa.String(120), nullable=False),
        sa.Column("source_url", sa.String(500), nullable=False),
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("episode_id", name="pk_public_record_episodes"),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["regime_episodes.id"],
            name="fk_public_record_episodes_episode_id_regime_episodes",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name="fk_public_record_episodes_import_id_imports"
        ),
    )


def downgrade() -> None:
    op.drop_table("public_record_episodes")
    op.drop_index("ix_provider_successors_successor", table_name="provider_successors")
    op.drop_table("provider_successors")
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("skipped")
        batch.drop_column("rows_updated")
        batch.drop_column("rows_created")
    with op.batch_alter_table("providers") as batch:
        batch.drop_column("icb_code")
        batch.drop_column("region_code")
        batch.drop_column("close_date")
        batch.drop_column("open_date")
