"""Ratings in force as of a date: a pure function over a provider's inspections.

For each key question (and overall) the rating in force on a day is the latest rating published
on or before that day, and it keeps its own publication date: an inspection that rated only some
key questions leaves the others with their earlier rating and date (CQC, "How we determine your
aggregated ratings: NHS trusts"; REGIME.md 1.5).

How the trust-level rule is modelled. CQC reviews trust-level ratings only after a trust-level
well-led assessment; otherwise the previous trust rating stands. An ``Inspection`` here carries
trust-level ratings, and an inspection *with a well-led rating* is the trust-level well-led
assessment. With ``well_led_gate=True`` (the default) an inspection without a well-led rating
does not change any trust-level rating: it is listed in ``held_back`` so that nothing is dropped
silently. Ratings taken from CQC's published provider-level rows are already the result of that
rule; their importer may pass ``well_led_gate=False``.

Same-day publications: the later inspection in the input order wins (ids break ties the same way
in the store, which lists inspections oldest first).

>>> from datetime import date
>>> first = Inspection("RXX", date(2014, 9, 1), date(2015, 1, 9),
...     {"safe": "I", "effective": "RI", "caring": "I", "responsive": "RI", "well_led": "I",
...      "overall": "I"})
>>> focused = Inspection("RXX", date(2015, 3, 1), date(2015, 5, 1), {"safe": "RI"})
>>> now = ratings_in_force([first, focused], date(2015, 6, 1))
>>> now.rating(KeyQuestion.SAFE).label, len(now.held_back)
('Inadequate', 1)
>>> ratings_in_force([first, focused], date(2015, 6, 1), well_led_gate=False).rating(
...     KeyQuestion.SAFE).label
'Requires improvement'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from specialmeasures.domain._checks import require_date
from specialmeasures.domain.aggregation import AggregateResult, aggregate_key_questions
from specialmeasures.domain.inspection import Inspection
from specialmeasures.domain.rating import KeyQuestion, Rating

__all__ = ["HeldBack", "RatingInForce", "RatingsInForce", "ratings_in_force"]


@dataclass(frozen=True, slots=True)
class RatingInForce:
    """One key question's rating in force, with the dates and source it came from."""

    key_question: KeyQuestion
    rating: Rating
    published: date
    inspection_date: date
    source: str
    inspection_id: int | None = None

    def describe(self) -> str:
        """E.g. ``Well-led: Inadequate (published 2015-01-09)``."""
        return f"{self.key_question.label}: {self.rating.label} (published {self.published})"


@dataclass(frozen=True, slots=True)
class HeldBack:
    """An inspection whose ratings did not change the trust-level ratings, and why."""

    published: date
    inspection_id: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class RatingsInForce:
    """A provider's trust-level ratings in force on ``as_of``."""

    as_of: date
    ratings: Mapping[KeyQuestion, RatingInForce] = field(default_factory=dict)
    held_back: tuple[HeldBack, ...] = ()

    def get(self, question: KeyQuestion) -> RatingInForce | None:
        return self.ratings.get(question)

    def rating(self, question: KeyQuestion) -> Rating | None:
        found = self.ratings.get(question)
        return None if found is None else found.rating

    @property
    def overall(self) -> Rating | None:
        return self.rating(KeyQuestion.OVERALL)

    @property
    def complete(self) -> bool:
        """True when all five key questions have a rating in force."""
        return all(kq in self.ratings for kq in KeyQuestion.five())

    def count(self, rating: Rating) -> int:
        """How many of the five key questions carry ``rating``."""
        return sum(1 for kq in KeyQuestion.five() if self.rating(kq) is rating)

    @property
    def latest_published(self) -> date | None:
        dates = [r.published for r in self.ratings.values()]
        return max(dates) if dates else None

    def aggregate(self, *, breach: bool = False) -> AggregateResult | None:
        """The overall rating from the five in force (CQC's published overall kept as judgement).

        None when not all five key questions are rated.
        """
        if not self.complete:
            return None
        five = {kq: self.ratings[kq].rating for kq in KeyQuestion.five()}
        return aggregate_key_questions(five, breach=breach, published_overall=self.overall)


def ratings_in_force(
    inspections: Iterable[Inspection], as_of: date, *, well_led_gate: bool = True
) -> RatingsInForce:
    """The trust-level ratings in force on ``as_of`` (see the module docstring for the rule).

    Parameters
    ----------
    inspections
        One provider's inspections, in any order.
    as_of
        The day to answer for; ratings published after it are ignored.
    well_led_gate
        When True, only inspections that include a trust-level well-led rating change
        trust-level ratings; the others are reported in ``held_back``.

    Returns
    -------
    RatingsInForce
        Each key question's latest rating with its own publication date and source.

    Examples
    --------
    >>> ratings_in_force([], date(2020, 1, 1)).complete
    False
    """
    require_date("as_of", as_of)
    ordered = sorted(enumerate(inspections), key=lambda pair: (pair[1].publication_date, pair[0]))
    current: dict[KeyQuestion, RatingInForce] = {}
    held: list[HeldBack] = []
    for _, inspection in ordered:
        if inspection.publication_date > as_of:
            continue
        if well_led_gate and KeyQuestion.WELL_LED not in inspection.ratings:
            held.append(
                HeldBack(
                    inspection.publication_date,
                    inspection.id,
                    "no trust-level well-led assessment, so trust-level ratings stand",
                )
            )
            continue
        for kq, rating in inspection.ratings.items():
            current[kq] = RatingInForce(
                kq,
                rating,
                inspection.publication_date,
                inspection.inspection_date,
                inspection.source,
                inspection.id,
            )
    return RatingsInForce(as_of, MappingProxyType(current), tuple(held))
