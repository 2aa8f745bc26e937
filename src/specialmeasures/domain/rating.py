"""The CQC four-point rating scale and the five key questions.

Ratings are ordered: ``Rating.OUTSTANDING > Rating.GOOD > Rating.REQUIRES_IMPROVEMENT >
Rating.INADEQUATE``, so "Requires improvement or better" is ``rating >= Rating.REQUIRES_IMPROVEMENT``.

>>> Rating.parse("RI") is Rating.REQUIRES_IMPROVEMENT
True
>>> Rating.parse("Requires improvement") >= Rating.INADEQUATE
True
>>> KeyQuestion.parse("Well-led").label
'Well-led'
"""

from __future__ import annotations

from enum import Enum, IntEnum

from specialmeasures.domain.errors import DomainError

__all__ = ["KeyQuestion", "Rating"]


class Rating(IntEnum):
    """CQC rating, best to worst: Outstanding, Good, Requires improvement, Inadequate."""

    INADEQUATE = 1
    REQUIRES_IMPROVEMENT = 2
    GOOD = 3
    OUTSTANDING = 4

    @property
    def label(self) -> str:
        return _RATING_LABELS[self]

    @property
    def short(self) -> str:
        return _RATING_SHORT[self]

    @classmethod
    def parse(cls, text: str, *, field: str = "rating") -> Rating:
        """Parse a full name, a short code (O, G, RI, I) or an enum name, case-insensitively."""
        key = " ".join(str(text).replace("_", " ").replace("-", " ").split()).lower()
        try:
            return _RATING_LOOKUP[key]
        except KeyError:
            raise DomainError(
                field, text, "must be Outstanding, Good, Requires improvement or Inadequate"
            ) from None


_RATING_LABELS = {
    Rating.OUTSTANDING: "Outstanding",
    Rating.GOOD: "Good",
    Rating.REQUIRES_IMPROVEMENT: "Requires improvement",
    Rating.INADEQUATE: "Inadequate",
}
_RATING_SHORT = {
    Rating.OUTSTANDING: "O",
    Rating.GOOD: "G",
    Rating.REQUIRES_IMPROVEMENT: "RI",
    Rating.INADEQUATE: "I",
}
_RATING_LOOKUP = {
    **{label.lower(): r for r, label in _RATING_LABELS.items()},
    **{code.lower(): r for r, code in _RATING_SHORT.items()},
    "requires improvement": Rating.REQUIRES_IMPROVEMENT,
}


class KeyQuestion(Enum):
    """The five CQC key questions ("domains"); OVERALL is the aggregate rating."""

    SAFE = "safe"
    EFFECTIVE = "effective"
    CARING = "caring"
    RESPONSIVE = "responsive"
    WELL_LED = "well_led"
    OVERALL = "overall"

    @property
    def label(self) -> str:
        return "Well-led" if self is KeyQuestion.WELL_LED else self.value.capitalize()

    @classmethod
    def five(cls) -> tuple[KeyQuestion, ...]:
        """The five key questions, in CQC's order, without OVERALL."""
        return (cls.SAFE, cls.EFFECTIVE, cls.CARING, cls.RESPONSIVE, cls.WELL_LED)

    @classmethod
    def parse(cls, text: str, *, field: str = "key_question") -> KeyQuestion:
        key = "_".join(str(text).replace("-", " ").split()).lower()
        try:
            return cls(key)
        except ValueError:
            raise DomainError(
                field, text, "must be Safe, Effective, Caring, Responsive, Well-led or Overall"
            ) from None
