"""One open episode per provider and regime (a partial unique index); serial sequences reset.

Revision ID: 0070
Revises: 0040
Create Date: 2026-12-04

Before the index is built, a database holding two open episodes of one provider in one regime is
refused with the provider and regime named (close one with an exit decision on an older version,
or correct the data, then upgrade). On PostgreSQL the serial sequences are moved past the largest
loaded id: the demo loader inserted explicit ids and left them behind.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from specialmeasures.store.locks import reset_sequences

revision = "0070"
down_revision = "0040"
branch_labels = None
depends_on = None

_OPEN = sa.text("end_date IS NULL")


def upgrade() -> None:
    conn = op.get_bind()
    twice = conn.execute(
        sa.text(
            "SELECT provider_code, regime, COUNT(*) AS n FROM regime_episodes"
            " WHERE end_date IS NULL GROUP BY provider_code, regime HAVING COUNT(*) > 1"
            " ORDER BY provider_code, regime"
        )
    ).first()
    if twice is not None:
        raise RuntimeError(
            f"cannot upgrade: provider {twice.provider_code} has {twice.n} open episodes in"
            f" regime {twice.regime}; end all but one before upgrading"
        )
    op.create_index(
        "uq_regime_episodes_open",
        "regime_episodes",
        ["provider_code", "regime"],
        unique=True,
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )
    reset_sequences(conn)


def downgrade() -> None:
    op.drop_index("uq_regime_episodes_open", table_name="regime_episodes")
