"""Merge the branches of the schema (regime decisions, interventions, evaluation) into one head.

Revision ID: 0040
Revises: 0005, 0020, 0030
Create Date: 2026-11-28
"""

from __future__ import annotations

revision = "0040"
down_revision = ("0005", "0020", "0030")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
