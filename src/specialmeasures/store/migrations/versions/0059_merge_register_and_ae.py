"""Merge the ODS register and public record (0050) with the A&E statistics (0060) into one head.

Revision ID: 0059
Revises: 0050, 0060
Create Date: 2026-12-04
"""

from __future__ import annotations

revision = "0059"
down_revision = ("0050", "0060")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
