"""Improvement Directors: the roster, assignments on the Director cycle, proposals and flags.

The Director cycle (seed paper, "Implementation of the Interventions"): 1-3 months of intensive
support, then about 3 months of maintenance support, varying by trust. IDs often cover more than
one trust; they report losing effectiveness after about 8-10 months in one trust, and trusts
felt some were withdrawn too early (before the CQC re-inspection). The cycle's lengths come in
as arguments (``DirectorCycle``), read from the policy file by the service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from specialmeasures.domain._checks import require_date, require_enum, require_order, require_text
from specialmeasures.domain.episode import Regime, RegimeEpisode
from specialmeasures.domain.errors import DomainError
from specialmeasures.domain.months import add_months, months_between
from specialmeasures.domain.rating import KeyQuestion, Rating

__all__ = [
    "Background",
    "DirectorAssignment",
    "DirectorCycle",
    "DirectorFlag",
    "DirectorProposal",
    "ImprovementDirector",
    "ScorePart",
    "add_months",
    "caseload",
    "director_flags",
    "month_starts",
    "months_between",
    "propose_directors",
]


def month_starts(first: date, last: date) -> list[date]:
    """First days of the months from ``first``'s month to ``last``'s month, inclusive."""
    out: list[date] = []
    day = first.replace(day=1)
    while day <= last:
        out.append(day)
        day = add_months(day, 1)
    return out


class Background(Enum):
    """An Improvement Director's professional background."""

    MEDICAL = "medical"
    NURSING = "nursing"
    OPERATIONS = "operations"
    GOVERNANCE = "governance"
    QUALITY_IMPROVEMENT = "quality_improvement"
    FINANCE = "finance"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


#: The key questions each background helps most with (an assumption, stated in
#: docs/interventions.md): clinicians for safe/effective/caring, operations for responsive,
#: governance and QI for well-led.
BACKGROUND_FIT: Mapping[Background, frozenset[KeyQuestion]] = {
    Background.MEDICAL: frozenset({KeyQuestion.SAFE, KeyQuestion.EFFECTIVE}),
    Background.NURSING: frozenset({KeyQuestion.SAFE, KeyQuestion.CARING}),
    Background.OPERATIONS: frozenset({KeyQuestion.RESPONSIVE}),
    Background.GOVERNANCE: frozenset({KeyQuestion.WELL_LED}),
    Background.QUALITY_IMPROVEMENT: frozenset({KeyQuestion.WELL_LED, KeyQuestion.EFFECTIVE}),
    Background.FINANCE: frozenset(),
}


@dataclass(frozen=True, slots=True)
class DirectorCycle:
    """The Director cycle's lengths, from policy (smq-2013 ``id_*`` parameters)."""

    max_intensive_months: int = 3
    maintenance_months: int = 3
    concern_months: int = 8

    def __post_init__(self) -> None:
        for name in ("max_intensive_months", "maintenance_months", "concern_months"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise DomainError(f"cycle.{name}", value, "must be a whole number of months >= 1")


@dataclass(frozen=True, slots=True)
class ImprovementDirector:
    """One Improvement Director on NHSI's roster."""

    name: str
    background: Background
    previous_smq_experience: bool
    max_trusts: int
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("director.name", self.name)
        object.__setattr__(
            self, "background", require_enum("director.background", self.background, Background)
        )
        if not isinstance(self.previous_smq_experience, bool):
            raise DomainError(
                "director.previous_smq_experience",
                self.previous_smq_experience,
                "must be true/false",
            )
        if isinstance(self.max_trusts, bool) or not isinstance(self.max_trusts, int):
            raise DomainError("director.max_trusts", self.max_trusts, "must be a whole number")
        if not 1 <= self.max_trusts <= 6:
            raise DomainError("director.max_trusts", self.max_trusts, "must be between 1 and 6")


@dataclass(frozen=True, slots=True)
class DirectorAssignment:
    """An ID assigned to a trust: intensive phase, then maintenance, until ``end`` (exclusive).

    ``end`` is None while the assignment is open. Hours are per week in each phase.
    """

    director_id: int
    provider_code: str
    start: date
    intensive_months: int
    maintenance_months: int
    hours_intensive: float = 22.5
    hours_maintenance: float = 7.5
    end: date | None = None
    end_reason: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("assignment.provider_code", self.provider_code)
        require_date("assignment.start", self.start)
        if self.end is not None:
            require_date("assignment.end", self.end)
            require_order("assignment.start", self.start, "assignment.end", self.end)
            if self.end == self.start:
                raise DomainError("assignment.end", self.end, "must be after assignment.start")
        for name in ("intensive_months", "maintenance_months"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise DomainError(f"assignment.{name}", value, "must be a whole number >= 0")
        if self.intensive_months < 1:
            raise DomainError("assignment.intensive_months", self.intensive_months, "must be >= 1")
        for name in ("hours_intensive", "hours_maintenance"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 <= value <= 60
            ):
                raise DomainError(f"assignment.{name}", value, "must be 0-60 hours a week")

    @property
    def intensive_end(self) -> date:
        return add_months(self.start, self.intensive_months)

    @property
    def planned_end(self) -> date:
        return add_months(self.intensive_end, self.maintenance_months)

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, start: date, stop: date | None) -> bool:
        """True when the assignment covers some day in ``[start, stop)`` (stop None: open)."""
        return (stop is None or self.start < stop) and (self.end is None or start < self.end)

    def phase_on(self, day: date) -> str | None:
        """'intensive', 'maintenance', 'extended' (past the planned cycle) or None."""
        if not self.active_on(day):
            return None
        if day < self.intensive_end:
            return "intensive"
        if day < self.planned_end:
            return "maintenance"
        return "extended"

    def hours_on(self, day: date) -> float:
        phase = self.phase_on(day)
        if phase is None:
            return 0.0
        return self.hours_intensive if phase == "intensive" else self.hours_maintenance

    def months_in_post(self, as_of: date) -> float:
        stop = self.end if self.end is not None and self.end <= as_of else as_of
        return months_between(self.start, stop)


def check_cycle(assignment: DirectorAssignment, cycle: DirectorCycle) -> None:
    """Raise DomainError when the assignment's phases break the policy's Director cycle."""
    if assignment.intensive_months > cycle.max_intensive_months:
        raise DomainError(
            "assignment.intensive_months",
            assignment.intensive_months,
            f"must be 1-{cycle.max_intensive_months} months (smq-2013 id_intensive_months)",
        )


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One line of an explained score: what was looked at, the points it gave and why."""

    criterion: str
    points: float
    reason: str


@dataclass(frozen=True, slots=True)
class DirectorProposal:
    director: ImprovementDirector
    score: float
    eligible: bool
    parts: tuple[ScorePart, ...]
    active_trusts: int

    def explain(self) -> str:
        return "; ".join(f"{p.criterion} {p.points:+g}: {p.reason}" for p in self.parts)


def load_on(
    director_id: int, assignments: Iterable[DirectorAssignment], day: date
) -> list[DirectorAssignment]:
    return [a for a in assignments if a.director_id == director_id and a.active_on(day)]


def propose_directors(
    directors: Sequence[ImprovementDirector],
    assignments: Sequence[DirectorAssignment],
    *,
    provider_code: str,
    ratings: Mapping[KeyQuestion, Rating],
    in_smq: bool,
    as_of: date,
) -> list[DirectorProposal]:
    """Rank the roster for a trust: spare capacity, background fit, previous SMQ experience.

    Points: capacity up to 40 (share of free places), background 30 when it fits a key question
    rated Inadequate or Requires improvement, previous SMQ experience 20 (10 for a CP trust),
    10 when the ID has not supported this trust before (a fresh pair of eyes; the paper's IDs
    lose effectiveness after 8-10 months in one trust). IDs at capacity are listed, ineligible.
    """
    weak = {kq for kq, r in ratings.items() if kq is not KeyQuestion.OVERALL and r <= 2}
    out: list[DirectorProposal] = []
    for d in directors:
        assert d.id is not None
        active = load_on(d.id, assignments, as_of)
        free = d.max_trusts - len(active)
        parts = [
            ScorePart(
                "capacity",
                round(40 * max(free, 0) / d.max_trusts, 1),
                f"{len(active)} of {d.max_trusts} trusts in use on {as_of}",
            )
        ]
        fit = sorted(kq.label for kq in BACKGROUND_FIT[d.background] & weak)
        parts.append(
            ScorePart(
                "background",
                30.0 if fit else 0.0,
                f"{d.background.label} fits {', '.join(fit)} (rated Inadequate/RI)"
                if fit
                else f"{d.background.label} matches no weak key question",
            )
        )
        experience = (20.0 if in_smq else 10.0) if d.previous_smq_experience else 0.0
        parts.append(
            ScorePart(
                "experience",
                experience,
                "previous SMQ experience" if experience else "no previous SMQ experience",
            )
        )
        before = any(
            a.director_id == d.id and a.provider_code == provider_code for a in assignments
        )
        parts.append(
            ScorePart(
                "fresh",
                0.0 if before else 10.0,
                "has supported this trust before" if before else "new to this trust",
            )
        )
        eligible = free > 0
        if not eligible:
            parts.append(ScorePart("capacity", 0.0, "at capacity: not eligible"))
        score = round(sum(p.points for p in parts), 1)
        out.append(DirectorProposal(d, score, eligible, tuple(parts), len(active)))
    return sorted(out, key=lambda p: (not p.eligible, -p.score, p.director.name))


@dataclass(frozen=True, slots=True)
class DirectorFlag:
    """Something about an ID or a trust a person should look at, with the rule behind it."""

    kind: str
    provider_code: str | None
    director: str | None
    rule: str
    detail: str


def director_flags(
    directors: Sequence[ImprovementDirector],
    assignments: Sequence[DirectorAssignment],
    episodes: Sequence[RegimeEpisode],
    inspections_published: Mapping[str, Sequence[date]],
    *,
    as_of: date,
    cycle: DirectorCycle,
) -> list[DirectorFlag]:
    """Flags on ``as_of``: long in one trust, withdrawn before re-inspection, SMQ trust without
    an ID, ID over capacity."""
    names = {d.id: d.name for d in directors}
    flags: list[DirectorFlag] = []
    for a in assignments:
        name = names.get(a.director_id, f"director {a.director_id}")
        if a.active_on(as_of) and a.months_in_post(as_of) >= cycle.concern_months:
            flags.append(
                DirectorFlag(
                    "long_in_post",
                    a.provider_code,
                    name,
                    "smq.director.effectiveness_concern",
                    f"{a.months_in_post(as_of):.1f} months in {a.provider_code} since {a.start}"
                    f" (IDs report losing effectiveness after about {cycle.concern_months})",
                )
            )
        if a.end is not None and a.end <= as_of:
            spell = next(
                (
                    e
                    for e in episodes
                    if e.provider_code == a.provider_code
                    and e.regime is Regime.SMQ
                    and e.active_on(a.end)
                ),
                None,
            )
            if spell is not None:
                reinspected = [
                    d
                    for d in inspections_published.get(a.provider_code, ())
                    if spell.start < d < a.end
                ]
                if not reinspected:
                    flags.append(
                        DirectorFlag(
                            "withdrawn_before_reinspection",
                            a.provider_code,
                            name,
                            "smq.reinspection.due",
                            f"withdrawn {a.end}, in SMQ since {spell.start},"
                            " no CQC re-inspection published before the withdrawal",
                        )
                    )
    for e in episodes:
        if (
            e.regime is Regime.SMQ
            and e.active_on(as_of)
            and not any(
                a.provider_code == e.provider_code and a.active_on(as_of) for a in assignments
            )
        ):
            flags.append(
                DirectorFlag(
                    "smq_without_director",
                    e.provider_code,
                    None,
                    "smq.director.intensive",
                    f"in SMQ since {e.start} with no Improvement Director on {as_of}",
                )
            )
    for d in directors:
        assert d.id is not None
        active = load_on(d.id, assignments, as_of)
        if len(active) > d.max_trusts:
            flags.append(
                DirectorFlag(
                    "over_capacity",
                    None,
                    d.name,
                    "director.max_trusts",
                    f"{len(active)} trusts ({', '.join(sorted(a.provider_code for a in active))})"
                    f" against a maximum of {d.max_trusts}",
                )
            )
    return flags


def caseload(
    directors: Sequence[ImprovementDirector],
    assignments: Sequence[DirectorAssignment],
    first: date,
    last: date,
) -> list[dict[str, object]]:
    """Who covers whom, month by month: one row per director and month with any trust.

    A trust counts in a month when the assignment covers the month's first day or starts in it.
    """
    rows: list[dict[str, object]] = []
    for month in month_starts(first, last):
        month_end = add_months(month, 1)
        for d in sorted(directors, key=lambda x: x.name):
            covering = sorted(
                (a for a in assignments if a.director_id == d.id and a.overlaps(month, month_end)),
                key=lambda a: a.provider_code,
            )
            if not covering:
                continue
            day = max(month, min(a.start for a in covering))
            trusts = [
                f"{a.provider_code} ({a.phase_on(max(month, a.start)) or 'ended'})"
                for a in covering
            ]
            rows.append(
                {
                    "month": month.isoformat()[:7],
                    "director": d.name,
                    "trusts": ", ".join(trusts),
                    "count": len(covering),
                    "capacity": d.max_trusts,
                    "hours_per_week": round(
                        sum(a.hours_on(max(day, a.start)) for a in covering), 1
                    ),
                }
            )
    return rows
