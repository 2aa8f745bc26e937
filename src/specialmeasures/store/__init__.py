"""Persistence: SQLAlchemy tables, explicit row<->domain mapping, migrations and the repository."""

from specialmeasures.store.database import (
    DatabaseError,
    current_revision,
    ensure_current,
    head_revision,
    migrate,
    open_engine,
    safe_url,
)
from specialmeasures.store.repository import ProviderSummary, RatingInForce, Repository

__all__ = [
    "DatabaseError",
    "ProviderSummary",
    "RatingInForce",
    "Repository",
    "current_revision",
    "ensure_current",
    "head_revision",
    "migrate",
    "open_engine",
    "safe_url",
]
