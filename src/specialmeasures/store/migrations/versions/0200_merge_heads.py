"""Merge the branches of the schema into one head: the real register and A&E statistics (0059),
one open episode per regime (0070), the data version (0085) and NOF, support cases and the
single assessment framework (0092), and the pseudonym keys (0100).

Revision ID: 0200
Revises: 0059, 0070, 0085, 0092, 0100
Create Date: 2026-12-04
"""

from __future__ import annotations

revision = "0200"
down_revision = ("0059", "0070", "0085", "0092", "0100")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
