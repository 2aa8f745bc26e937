"""Merge the branches of the schema into one head: Improvement Director notes and the level of
evidence sources (0231), the read models shared by workers (0260) and the shared
login throttle (0270).

Revision ID: 0300
Revises: 0231, 0260, 0270
Create Date: 2026-12-04
"""

from __future__ import annotations

revision = "0300"
down_revision = ("0231", "0260", "0270")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
