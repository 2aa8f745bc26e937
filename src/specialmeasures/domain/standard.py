"""National standards an indicator is judged against (for example the A&E four-hour standard)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["STANDARD_KINDS", "Standard", "standard_in_force"]

#: Which kind wins when several apply on a day: the operational standard of the planning
#: guidance in force, then the constitutional standard.
STANDARD_KINDS = ("operational", "constitutional")


@dataclass(frozen=True, slots=True)
class Standard:
    """The share an indicator should reach, the dates it applies (``valid_to`` inclusive; None =
    still in force) and where it is written down."""

    indicator_id: str
    kind: str
    valid_from: date
    valid_to: date | None
    threshold: float
    name: str
    source: str
    source_url: str

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def row(self) -> dict[str, object]:
        return {
            "indicator_id": self.indicator_id,
            "kind": self.kind,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "threshold": self.threshold,
            "name": self.name,
            "source": self.source,
            "source_url": self.source_url,
        }


def standard_in_force(standards: Iterable[Standard], day: date) -> Standard | None:
    """The operational standard covering ``day`` if any, else the constitutional one, else None.

    >>> s = [Standard("x", "constitutional", date(2010, 6, 1), None, 0.95, "", "", ""),
    ...      Standard("x", "operational", date(2024, 4, 1), date(2025, 3, 31), 0.78, "", "", "")]
    >>> standard_in_force(s, date(2025, 3, 1)).threshold, standard_in_force(s, date(2017, 1, 1)).kind
    (0.78, 'constitutional')
    """
    applying = [s for s in standards if s.applies_on(day)]
    for kind in STANDARD_KINDS:
        matches = sorted((s for s in applying if s.kind == kind), key=lambda s: s.valid_from)
        if matches:
            return matches[-1]
    return None
