"""CQC inspections and the ratings they publish.

A rating is in force from the inspection's publication date until a later published rating for
the same key question supersedes it. Key questions an inspection did not rate keep their earlier
rating (and date), so an inspection may carry ratings for only some key questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from specialmeasures.domain._checks import require_date, require_order, require_text
from specialmeasures.domain.errors import DomainError
from specialmeasures.domain.rating import KeyQuestion, Rating

__all__ = ["Inspection"]


@dataclass(frozen=True, slots=True)
class Inspection:
    """One CQC inspection of a provider, at trust level."""

    provider_code: str
    inspection_date: date
    publication_date: date
    ratings: Mapping[KeyQuestion, Rating] = field(default_factory=dict)
    source: str = "cqc"
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("inspection.provider_code", self.provider_code)
        require_date("inspection.inspection_date", self.inspection_date)
        require_date("inspection.publication_date", self.publication_date)
        require_order(
            "inspection.inspection_date",
            self.inspection_date,
            "inspection.publication_date",
            self.publication_date,
        )
        clean: dict[KeyQuestion, Rating] = {}
        for question, rating in dict(self.ratings).items():
            kq = question if isinstance(question, KeyQuestion) else KeyQuestion.parse(question)
            if not isinstance(rating, Rating):
                rating = Rating.parse(str(rating), field=f"inspection.ratings.{kq.value}")
            clean[kq] = rating
        if not clean:
            raise DomainError(
                "inspection.ratings", dict(self.ratings), "must rate at least one key question"
            )
        object.__setattr__(self, "ratings", MappingProxyType(clean))

    @property
    def overall(self) -> Rating | None:
        return self.ratings.get(KeyQuestion.OVERALL)

    def rating(self, question: KeyQuestion) -> Rating | None:
        return self.ratings.get(question)

    def count(self, rating: Rating) -> int:
        """How many of the five key questions (not overall) carry ``rating``."""
        return sum(1 for kq in KeyQuestion.five() if self.ratings.get(kq) is rating)
