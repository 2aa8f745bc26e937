"""Decisions: what a named person with a role decided, when and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from specialmeasures.domain._checks import require_enum, require_text
from specialmeasures.domain.errors import DomainError

__all__ = ["Decision", "DecisionKind"]


class DecisionKind(Enum):
    RECOMMEND_ENTRY = "recommend_entry"
    ENTRY = "entry"
    REINSPECTION = "reinspection"
    RECOMMEND_EXIT = "recommend_exit"
    EXIT = "exit"
    INTERVENTION = "intervention"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Decision:
    """A human decision, recorded against a provider and, where there is one, an episode."""

    provider_code: str
    kind: DecisionKind
    actor: str
    role: str
    decided_at: datetime
    rationale: str
    episode_id: int | None = None
    recommendation_ref: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("decision.provider_code", self.provider_code)
        object.__setattr__(self, "kind", require_enum("decision.kind", self.kind, DecisionKind))
        require_text("decision.actor", self.actor)
        require_text("decision.role", self.role)
        require_text("decision.rationale", self.rationale, max_length=20_000)
        if not isinstance(self.decided_at, datetime):
            raise DomainError("decision.decided_at", self.decided_at, "must be a date and time")
