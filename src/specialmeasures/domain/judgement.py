"""Human-entered judgements: facts that only a person can supply to the rules engine.

Example: CQC's "concerns that the existing management cannot make the necessary improvements
without extra support" (the SMQ entry condition beside the ratings). A judgement is named, has a
value, the person who entered it, the day it takes effect and a rationale. The latest judgement
of a name entered on or before a day is the one in force.

>>> from datetime import date
>>> j = Judgement("RXX", "leadership_cannot_fix", True, "A Inspector", date(2015, 1, 9),
...     "Board lacks grip on safety")
>>> j.source
'judgement by A Inspector'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from specialmeasures.domain._checks import require_date, require_text
from specialmeasures.domain.errors import DomainError

__all__ = ["Judgement", "judgements_in_force"]

JUDGEMENT_NAME = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
JudgementValue = bool | int | float | str


@dataclass(frozen=True, slots=True)
class Judgement:
    """A named judgement entered by a person, in force from ``entered_on``."""

    provider_code: str
    name: str
    value: JudgementValue
    entered_by: str
    entered_on: date
    rationale: str
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("judgement.provider_code", self.provider_code)
        if not isinstance(self.name, str) or not JUDGEMENT_NAME.match(self.name):
            raise DomainError(
                "judgement.name", self.name, "must be lower-case letters, digits and underscores"
            )
        if not isinstance(self.value, bool | int | float | str):
            raise DomainError("judgement.value", self.value, "must be true/false, a number or text")
        require_text("judgement.entered_by", self.entered_by)
        require_date("judgement.entered_on", self.entered_on)
        require_text("judgement.rationale", self.rationale, max_length=20_000)

    @property
    def source(self) -> str:
        return f"judgement by {self.entered_by}"


def judgements_in_force(judgements: Iterable[Judgement], as_of: date) -> dict[str, Judgement]:
    """The latest judgement of each name entered on or before ``as_of`` (later input wins ties).

    >>> from datetime import date
    >>> a = Judgement("RXX", "xy", True, "A", date(2015, 1, 1), "r")
    >>> b = Judgement("RXX", "xy", False, "B", date(2016, 1, 1), "r")
    >>> judgements_in_force([b, a], date(2015, 6, 1))["xy"].value
    True
    """
    found: dict[str, Judgement] = {}
    ordered = sorted(enumerate(judgements), key=lambda pair: (pair[1].entered_on, pair[0]))
    for _, item in ordered:
        if item.entered_on <= as_of:
            found[item.name] = item
    return found
