"""Named facts as of a date: what the rules engine sees about one provider.

A fact has a name, a value, a source and a date. ``build_facts`` turns a provider's inspections,
regime episodes and human-entered judgements (domain objects) into facts as of a day; callers add
facts the builder cannot know (e.g. the early-warning band) through ``extra``. The vocabulary the
builder produces is ``STANDARD_FACTS``; a policy declares any other fact it uses.

Months are 30.4375-day months, rounded to 2 decimal places.

>>> from datetime import date
>>> from specialmeasures.domain import Inspection
>>> i = Inspection("RXX", date(2014, 9, 1), date(2015, 1, 9), {"safe": "I", "effective": "RI",
...     "caring": "I", "responsive": "RI", "well_led": "I", "overall": "I"})
>>> facts = build_facts(as_of=date(2015, 2, 1), inspections=[i])
>>> facts["count.inadequate"].value, facts["in_regime.smq"].value
(3, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from specialmeasures.domain import (
    Inspection,
    Judgement,
    KeyQuestion,
    Rating,
    RatingsInForce,
    Regime,
    RegimeEpisode,
    judgements_in_force,
    ratings_in_force,
)
from specialmeasures.domain.errors import DomainError

__all__ = ["FACT_TYPES", "STANDARD_FACTS", "Fact", "FactSpec", "FactValue", "build_facts"]

FactValue = bool | int | float | str | Rating | date
#: The value types a fact may be declared with.
FACT_TYPES = ("boolean", "number", "rating", "text", "date")
_DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True, slots=True)
class Fact:
    """A named value, where it came from and the date it describes."""

    name: str
    value: FactValue
    source: str
    date: date

    def display(self) -> str:
        """The value as a person reads it: ratings by name, booleans as yes/no."""
        return display_value(self.value)


@dataclass(frozen=True, slots=True)
class FactSpec:
    """A fact's type and the words used for it in explanations."""

    type: str
    label: str


def display_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Rating):
        return value.label
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _standard() -> dict[str, FactSpec]:
    specs = {
        f"kq.{kq.value}": FactSpec("rating", f"the trust-level {kq.label.lower()} rating")
        for kq in KeyQuestion.five()
    }
    specs["overall"] = FactSpec("rating", "the overall rating CQC published")
    specs["overall.judgement_needed"] = FactSpec(
        "boolean", "whether no published rule decides the overall rating"
    )
    for rating in Rating:
        name = rating.name.lower()
        specs[f"count.{name}"] = FactSpec(
            "number", f"the number of key questions rated {rating.label}"
        )
    specs["ratings.complete"] = FactSpec("boolean", "whether all five key questions are rated")
    specs["months_since_inspection"] = FactSpec(
        "number", "the months since the latest rating was published"
    )
    for regime in Regime:
        r, label = regime.value, regime.label.lower()
        specs[f"in_regime.{r}"] = FactSpec("boolean", f"whether the trust is in {label}")
        specs[f"months_in_regime.{r}"] = FactSpec("number", f"the months spent in {label} so far")
        specs[f"episode_start.{r}"] = FactSpec("date", f"the day the current {label} spell began")
        specs[f"state.{r}"] = FactSpec("text", f"the stage of the current {label} spell")
        specs[f"episodes.{r}"] = FactSpec("number", f"the number of {label} spells begun")
        specs[f"exit_date.{r}"] = FactSpec("date", f"the day the last {label} spell ended")
        specs[f"months_since_exit.{r}"] = FactSpec(
            "number", f"the months since the last {label} spell ended"
        )
    specs["months_since_exit"] = FactSpec("number", "the months since the last exit from a regime")
    specs["reinspected_since_entry"] = FactSpec(
        "boolean", "whether CQC has re-inspected the trust since it entered special measures"
    )
    return specs


#: Every fact ``build_facts`` can produce, with its type and label.
STANDARD_FACTS: Mapping[str, FactSpec] = _standard()


def _months(start: date, stop: date) -> float:
    return round(max(0, (stop - start).days) / _DAYS_PER_MONTH, 2)


def _rating_facts(
    in_force: RatingsInForce,
) -> tuple[dict[str, Fact], date | None, dict[str, Fact]]:
    """The facts of the ratings in force: those before ``months_since_inspection`` (which
    depends on the day, so the caller adds it), the latest publication date, those after."""
    before: dict[str, Fact] = {}
    after: dict[str, Fact] = {}
    for kq, found in in_force.ratings.items():
        source = (
            f"{found.source} inspection of {found.inspection_date}, published {found.published}"
        )
        name = "overall" if kq is KeyQuestion.OVERALL else f"kq.{kq.value}"
        before[name] = Fact(name, found.rating, source, found.published)
    latest = in_force.latest_published
    if latest is not None:
        rated = "ratings in force (each with its own publication date)"
        for rating in Rating:
            name = f"count.{rating.name.lower()}"
            before[name] = Fact(name, in_force.count(rating), rated, latest)
        before["ratings.complete"] = Fact("ratings.complete", in_force.complete, rated, latest)
        result = in_force.aggregate()
        if result is not None:
            name = "overall.judgement_needed"
            after[name] = Fact(
                name, result.judgement_needed, f"CQC ratings principles: {result.reason}", latest
            )
    return before, latest, after


def build_facts(
    *,
    as_of: date,
    inspections: Iterable[Inspection] = (),
    episodes: Iterable[RegimeEpisode] = (),
    judgements: Iterable[Judgement] = (),
    extra: Iterable[Fact] = (),
    well_led_gate: bool = True,
    memo: dict[Any, Any] | None = None,
) -> dict[str, Fact]:
    """Build one provider's named facts as of ``as_of``; pure, no clock.

    Parameters
    ----------
    as_of
        The day the facts describe. Nothing published, begun or entered after it is used.
    inspections, episodes, judgements
        The provider's domain objects (all of them; the builder applies ``as_of``).
    extra
        Facts from elsewhere (early-warning band, Improvement Director months, NOF segment);
        they override built facts of the same name.
    well_led_gate
        Passed to ``ratings_in_force``: trust-level ratings change only after a trust-level
        well-led assessment.
    memo
        Optional, for a caller building one provider's facts for many days (a backtest): a
        dict kept between the calls, always with the same ``inspections`` in the same order.
        The rating facts depend only on which inspections were published by ``as_of``; they
        are computed once per such set and reused (the facts are the same as without it).

    Returns
    -------
    dict[str, Fact]
        Facts by name. Rating facts are absent when unrated; regime facts ``in_regime.*`` and
        ``episodes.*`` are always present; the others only when they apply.

    Examples
    --------
    >>> from specialmeasures.domain import RegimeEpisode
    >>> e = RegimeEpisode("RXX", "smq", date(2013, 7, 16))
    >>> build_facts(as_of=date(2014, 7, 16), episodes=[e])["months_in_regime.smq"].value
    11.99
    """
    facts: dict[str, Fact] = {}
    inspections = list(inspections)

    def put(name: str, value: FactValue, source: str, day: date) -> None:
        facts[name] = Fact(name, value, source, day)

    key: tuple[Any, ...] | None = None
    if memo is not None:
        published = tuple(k for k, i in enumerate(inspections) if i.publication_date <= as_of)
        key = ("ratings", well_led_gate, published)
    cached = memo.get(key) if memo is not None else None
    if cached is None:
        cached = _rating_facts(ratings_in_force(inspections, as_of, well_led_gate=well_led_gate))
        if memo is not None:
            memo[key] = cached
    before, latest, after = cached
    facts.update(before)
    if latest is not None:
        rated = "ratings in force (each with its own publication date)"
        put("months_since_inspection", _months(latest, as_of), rated, as_of)
        facts.update(after)

    episodes = [e for e in episodes if e.start <= as_of]
    last_exit: tuple[date, str] | None = None
    for regime in Regime:
        mine = sorted((e for e in episodes if e.regime is regime), key=lambda e: e.start)
        r = regime.value
        put(f"episodes.{r}", len(mine), "regime episodes", as_of)
        active = [e for e in mine if e.active_on(as_of)]
        put(
            f"in_regime.{r}", bool(active), "regime episodes", active[-1].start if active else as_of
        )
        if active:
            current = active[-1]
            where = f"{regime.label} episode from {current.start}"
            if current.id is not None:
                where += f" (episode {current.id})"
            put(f"months_in_regime.{r}", _months(current.start, as_of), where, as_of)
            put(f"episode_start.{r}", current.start, where, current.start)
            put(f"state.{r}", current.state.value, where, as_of)
            if regime is Regime.SMQ:
                reinspections = [
                    i
                    for i in inspections
                    if i.inspection_date >= current.start
                    and i.publication_date <= as_of
                    and (not well_led_gate or KeyQuestion.WELL_LED in i.ratings)
                ]
                day = max((i.publication_date for i in reinspections), default=current.start)
                put("reinspected_since_entry", bool(reinspections), where, day)
        ended = [e for e in mine if e.end is not None and e.end <= as_of]
        if ended:
            end = max(e.end for e in ended if e.end is not None)
            where = f"{regime.label} episode ended {end}"
            put(f"exit_date.{r}", end, where, end)
            put(f"months_since_exit.{r}", _months(end, as_of), where, as_of)
            if last_exit is None or end > last_exit[0]:
                last_exit = (end, where)
    if last_exit is not None:
        put("months_since_exit", _months(last_exit[0], as_of), last_exit[1], as_of)

    for name, judgement in judgements_in_force(judgements, as_of).items():
        put(f"judgement.{name}", judgement.value, judgement.source, judgement.entered_on)

    for fact in extra:
        if not isinstance(fact, Fact):
            raise DomainError("extra", fact, "must be a Fact")
        facts[fact.name] = fact
    return facts
