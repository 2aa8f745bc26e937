"""A provider's regime timeline as of a date: a pure function over episodes and inspections.

Time in the regime, the re-inspection due date (CQC usually re-inspects within 12 months of
entry) and whether it is overdue, the 2014 guide's intended maximum of 12 months plus an
extension of up to 6, the time since the last exit and the number of re-entries. The numbers of
months are parameters (the service passes the policy's values); nothing here reads a clock.

Months are calendar months for due dates (entry on 16 July 2013 -> due 16 July 2014) and
30.4375-day months, to 2 decimals, for durations (as in ``rules.facts``).

>>> from datetime import date
>>> from specialmeasures.domain.episode import RegimeEpisode
>>> t = regime_timeline([RegimeEpisode("RXX", "smq", date(2013, 7, 16))], [], date(2014, 9, 1))
>>> t.months_in_regime, t.reinspection_due, t.reinspection_overdue, t.beyond_intended_maximum
(13.54, datetime.date(2014, 7, 16), True, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from specialmeasures.domain._checks import require_date
from specialmeasures.domain.episode import EpisodeState, Regime, RegimeEpisode
from specialmeasures.domain.errors import DomainError
from specialmeasures.domain.inspection import Inspection
from specialmeasures.domain.months import add_months, months_between
from specialmeasures.domain.rating import KeyQuestion

__all__ = ["RegimeTimeline", "TimelineEvent", "add_months", "regime_timeline"]


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated line of the timeline (entry, re-inspection published, exit)."""

    day: date
    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class RegimeTimeline:
    """Where one provider stands in one regime on ``as_of``, with the dates that matter."""

    provider_code: str
    regime: Regime
    as_of: date
    in_regime: bool
    state: str
    entries: int
    re_entries: int
    total_months_in_regime: float
    episode_start: date | None = None
    months_in_regime: float | None = None
    reinspected: bool | None = None
    reinspection_published: date | None = None
    reinspection_due: date | None = None
    reinspection_overdue: bool | None = None
    months_overdue: float | None = None
    intended_maximum: date | None = None
    maximum_with_extension: date | None = None
    beyond_intended_maximum: bool | None = None
    beyond_maximum_with_extension: bool | None = None
    last_exit: date | None = None
    months_since_exit: float | None = None
    events: tuple[TimelineEvent, ...] = ()

    def lines(self) -> list[str]:
        """The timeline in sentences a committee member reads."""
        name = self.regime.label.lower()
        out = [f"{self.provider_code}, {name}, as of {self.as_of}:"]
        if self.in_regime:
            out.append(
                f"In {name} since {self.episode_start} ({self.months_in_regime:g} months);"
                f" stage: {self.state.replace('_', ' ')}."
            )
            if self.reinspection_due is not None:
                if self.reinspected:
                    out.append(f"Re-inspected: report published {self.reinspection_published}.")
                elif self.reinspection_overdue:
                    out.append(
                        f"Re-inspection OVERDUE: due {self.reinspection_due}"
                        f" ({self.months_overdue:g} months ago)."
                    )
                else:
                    out.append(f"Re-inspection due by {self.reinspection_due}.")
            if self.intended_maximum is not None:
                if self.beyond_maximum_with_extension:
                    note = "passed: longer than the intended maximum plus extension"
                elif self.beyond_intended_maximum:
                    note = "passed: in the extension period"
                else:
                    note = "not yet reached"
                out.append(
                    f"Intended maximum {self.intended_maximum}, with extension"
                    f" {self.maximum_with_extension} ({note})."
                )
        else:
            out.append(f"Not in {name}.")
        if self.last_exit is not None:
            out.append(f"Last exit {self.last_exit} ({self.months_since_exit:g} months ago).")
        out.append(
            f"Entries: {self.entries} (re-entries: {self.re_entries});"
            f" {self.total_months_in_regime:g} months in {name} in all."
        )
        out += [f"  {e.day}  {e.kind}: {e.detail}" for e in self.events]
        return out


def _is_reinspection(inspection: Inspection, start: date, as_of: date) -> bool:
    return (
        inspection.inspection_date >= start
        and inspection.publication_date <= as_of
        and KeyQuestion.WELL_LED in inspection.ratings
    )


def regime_timeline(
    episodes: Iterable[RegimeEpisode],
    inspections: Iterable[Inspection],
    as_of: date,
    *,
    regime: Regime = Regime.SMQ,
    reinspection_due_months: int = 12,
    intended_maximum_months: int = 12,
    extension_months: int = 6,
) -> RegimeTimeline:
    """One provider's timeline in ``regime`` as of ``as_of``.

    Parameters
    ----------
    episodes, inspections
        The provider's own (any order; nothing begun or published after ``as_of`` is used, and an
        exit after ``as_of`` had not happened yet).
    as_of
        The day to answer for.
    regime
        Which regime (the re-inspection and maximum-stay dates apply to SMQ only).
    reinspection_due_months, intended_maximum_months, extension_months
        From the policy (smq-2013: 12, 12 and 6).

    Returns
    -------
    RegimeTimeline
    """
    require_date("as_of", as_of)
    for name, value in (
        ("reinspection_due_months", reinspection_due_months),
        ("intended_maximum_months", intended_maximum_months),
        ("extension_months", extension_months),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DomainError(name, value, "must be a whole number of months, 0 or more")
    own = sorted(
        (e for e in episodes if e.regime is regime and e.start <= as_of),
        key=lambda e: (e.start, e.id or 0),
    )
    codes = {e.provider_code for e in own}
    if len(codes) > 1:
        raise DomainError("episodes", sorted(codes), "must all be one provider's")
    known = [
        e if e.end is None or e.end <= as_of else replace(e, end=None, state=EpisodeState.IN_REGIME)
        for e in own
    ]
    inspections = sorted(inspections, key=lambda i: i.publication_date)
    code = known[0].provider_code if known else next(
        (i.provider_code for i in inspections), "?"
    )  # fmt: skip
    events: list[TimelineEvent] = []
    for e in known:
        events.append(TimelineEvent(e.start, "entry", f"entered {regime.label.lower()}"))
        if e.end is not None:
            events.append(TimelineEvent(e.end, "exit", f"left {regime.label.lower()}"))
    if regime is Regime.SMQ:
        for e in known:
            stop = e.end or as_of
            for i in inspections:
                if _is_reinspection(i, e.start, stop):
                    overall = i.overall.label if i.overall is not None else "not rated"
                    events.append(
                        TimelineEvent(
                            i.publication_date,
                            "re-inspection",
                            f"inspected {i.inspection_date}, overall {overall}",
                        )
                    )
    events.sort(key=lambda ev: (ev.day, ev.kind))
    total = round(sum(months_between(e.start, e.end or as_of) for e in known), 2)
    current = known[-1] if known and known[-1].end is None else None
    exits = [e.end for e in known if e.end is not None]
    last_exit = max(exits) if exits else None
    timeline = RegimeTimeline(
        provider_code=code,
        regime=regime,
        as_of=as_of,
        in_regime=current is not None,
        state=current.state.value if current is not None else ("exited" if known else "none"),
        entries=len(known),
        re_entries=max(0, len(known) - 1),
        total_months_in_regime=total,
        last_exit=last_exit,
        months_since_exit=months_between(last_exit, as_of) if last_exit is not None else None,
        events=tuple(events),
    )
    if current is None:
        return timeline
    timeline = replace(
        timeline,
        episode_start=current.start,
        months_in_regime=months_between(current.start, as_of),
    )
    if regime is not Regime.SMQ:
        return timeline
    done = [i for i in inspections if _is_reinspection(i, current.start, as_of)]
    due = add_months(current.start, reinspection_due_months)
    overdue = not done and as_of > due
    intended = add_months(current.start, intended_maximum_months)
    extended = add_months(intended, extension_months)
    return replace(
        timeline,
        reinspected=bool(done),
        reinspection_published=done[0].publication_date if done else None,
        reinspection_due=due,
        reinspection_overdue=overdue,
        months_overdue=months_between(due, as_of) if overdue else None,
        intended_maximum=intended,
        maximum_with_extension=extended,
        beyond_intended_maximum=as_of > intended,
        beyond_maximum_with_extension=as_of > extended,
    )
