"""Buddying (peer improvement): rank candidate buddies for a trust, record arrangements.

Good matches (seed paper): geographically close, similar type and size, and a buddy that has
already solved similar problems. The bad match it quotes is "a large metropolitan university
teaching hospital" buddying a non-teaching trust. Candidates in a regime themselves, rated worse
than Good overall, or already buddying the maximum number of trusts are listed as ineligible,
with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from specialmeasures.domain._checks import require_date, require_enum, require_order, require_text
from specialmeasures.domain.directors import ScorePart
from specialmeasures.domain.errors import DomainError
from specialmeasures.domain.inspection import Inspection
from specialmeasures.domain.provider import Provider, ProviderType
from specialmeasures.domain.rating import KeyQuestion, Rating

__all__ = [
    "ArrangedBy",
    "BuddyArrangement",
    "BuddyCandidate",
    "BuddyScope",
    "distance_km",
    "improved_questions",
    "rank_buddies",
]

_ACUTE = frozenset({ProviderType.ACUTE, ProviderType.ACUTE_AND_COMMUNITY})


class BuddyScope(Enum):
    """Trust-wide, or one service (departmental buddying)."""

    TRUST_WIDE = "trust-wide"
    URGENT_AND_EMERGENCY_CARE = "urgent-and-emergency-care"
    MATERNITY = "maternity"
    MEDICAL_CARE = "medical-care"
    SURGERY = "surgery"
    CHILDREN = "children"
    MENTAL_HEALTH = "mental-health"
    COMMUNITY = "community"
    AMBULANCE = "ambulance"

    @property
    def offered_by(self) -> frozenset[ProviderType]:
        """Trust types that run the service (all types for trust-wide buddying)."""
        return _OFFERED_BY.get(self, frozenset(ProviderType))


_OFFERED_BY = {
    BuddyScope.URGENT_AND_EMERGENCY_CARE: _ACUTE,
    BuddyScope.MATERNITY: _ACUTE,
    BuddyScope.MEDICAL_CARE: _ACUTE,
    BuddyScope.SURGERY: _ACUTE | {ProviderType.SPECIALIST},
    BuddyScope.CHILDREN: _ACUTE | {ProviderType.SPECIALIST, ProviderType.COMMUNITY},
    BuddyScope.MENTAL_HEALTH: frozenset({ProviderType.MENTAL_HEALTH}),
    BuddyScope.COMMUNITY: frozenset({ProviderType.COMMUNITY, ProviderType.ACUTE_AND_COMMUNITY}),
    BuddyScope.AMBULANCE: frozenset({ProviderType.AMBULANCE}),
}


class ArrangedBy(Enum):
    NHSI = "nhsi"
    IMPROVEMENT_DIRECTOR = "improvement_director"
    TRUST = "trust"


@dataclass(frozen=True, slots=True)
class BuddyArrangement:
    provider_code: str
    buddy_code: str
    scope: BuddyScope
    arranged_by: ArrangedBy
    start: date
    paid: bool = False
    mou_date: date | None = None
    review_date: date | None = None
    end: date | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("buddy.provider_code", self.provider_code)
        require_text("buddy.buddy_code", self.buddy_code)
        if self.provider_code == self.buddy_code:
            raise DomainError("buddy.buddy_code", self.buddy_code, "must not be the trust itself")
        object.__setattr__(self, "scope", require_enum("buddy.scope", self.scope, BuddyScope))
        object.__setattr__(
            self, "arranged_by", require_enum("buddy.arranged_by", self.arranged_by, ArrangedBy)
        )
        require_date("buddy.start", self.start)
        if self.end is not None:
            require_order("buddy.start", self.start, "buddy.end", self.end)
        if self.review_date is not None:
            require_order("buddy.start", self.start, "buddy.review_date", self.review_date)
        if not isinstance(self.paid, bool):
            raise DomainError("buddy.paid", self.paid, "must be true or false")

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def distance_km(a: Provider, b: Provider) -> float | None:
    """Great-circle (haversine) distance in km; None when either has no coordinates.

    >>> from specialmeasures.domain.provider import Setting
    >>> p = Provider("RAA", "A", ProviderType.ACUTE, False, Setting.URBAN, "R", "S",
    ...              latitude=51.5, longitude=-0.1)
    >>> q = Provider("RBB", "B", ProviderType.ACUTE, False, Setting.URBAN, "R", "S",
    ...              latitude=52.5, longitude=-1.9)
    >>> round(distance_km(p, q))
    166
    """
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    assert a.latitude is not None
    assert a.longitude is not None
    assert b.latitude is not None
    assert b.longitude is not None
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dp, dl = p2 - p1, math.radians(b.longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def improved_questions(history: Sequence[Inspection], as_of: date) -> set[KeyQuestion]:
    """Key questions once rated Inadequate/RI and later rated Good or better (by ``as_of``)."""
    seen_poor: set[KeyQuestion] = set()
    improved: set[KeyQuestion] = set()
    for inspection in sorted(history, key=lambda i: i.publication_date):
        if inspection.publication_date > as_of:
            break
        for kq, rating in inspection.ratings.items():
            if rating <= Rating.REQUIRES_IMPROVEMENT:
                seen_poor.add(kq)
                improved.discard(kq)
            elif kq in seen_poor:
                improved.add(kq)
    return improved


@dataclass(frozen=True, slots=True)
class BuddyCandidate:
    provider: Provider
    score: float
    eligible: bool
    parts: tuple[ScorePart, ...]
    distance_km: float | None

    def explain(self) -> str:
        return "; ".join(f"{p.criterion} {p.points:+g}: {p.reason}" for p in self.parts)


def _size(p: Provider) -> float | None:
    return float(p.beds) if p.beds else (float(p.staff_headcount) if p.staff_headcount else None)


def rank_buddies(
    target: Provider,
    candidates: Sequence[Provider],
    *,
    scope: BuddyScope,
    as_of: date,
    target_ratings: Mapping[KeyQuestion, Rating],
    histories: Mapping[str, Sequence[Inspection]],
    overall: Mapping[str, Rating],
    in_regime: Mapping[str, str],
    buddying_now: Mapping[str, int],
    max_buddying: int = 2,
    reach_km: float = 150.0,
) -> list[BuddyCandidate]:
    """Rank ``candidates`` as buddies for ``target`` in ``scope``, best first, each explained.

    Points (out of 100): distance 25 (linear to 0 at ``reach_km``), same type 15, same teaching
    status 10 (0 and named when a teaching trust would buddy a non-teaching one), similar size
    15 (ratio of beds or staff), a record of improving the target's weak key questions 35 (the
    share of them the candidate moved from Inadequate/RI to Good or better). Ineligible: in a
    regime (SMQ, CP, RSP) on ``as_of``; overall rated worse than Good; already buddying
    ``max_buddying`` trusts; not running the scope's service.
    """
    weak = {kq for kq, r in target_ratings.items() if kq is not KeyQuestion.OVERALL and r <= 2}
    out: list[BuddyCandidate] = []
    for c in candidates:
        if c.code == target.code:
            continue
        parts: list[ScorePart] = []
        reasons: list[str] = []
        km = distance_km(target, c)
        if km is None:
            parts.append(ScorePart("distance", 0.0, "no coordinates"))
        else:
            parts.append(
                ScorePart(
                    "distance", round(25 * max(0.0, 1 - km / reach_km), 1), f"{km:.0f} km away"
                )
            )
        same_type = c.type is target.type
        parts.append(
            ScorePart(
                "type",
                15.0 if same_type else 0.0,
                f"{c.type.label}" + (" (same type)" if same_type else f" vs {target.type.label}"),
            )
        )
        if c.teaching == target.teaching:
            parts.append(ScorePart("teaching", 10.0, "same teaching status"))
        elif c.teaching:
            parts.append(
                ScorePart("teaching", 0.0, "a teaching trust for a non-teaching one (a poor match)")
            )
        else:
            parts.append(ScorePart("teaching", 0.0, "non-teaching, for a teaching trust"))
        a, b = _size(target), _size(c)
        if a and b:
            ratio = min(a, b) / max(a, b)
            parts.append(ScorePart("size", round(15 * ratio, 1), f"size ratio {ratio:.2f}"))
        else:
            parts.append(ScorePart("size", 0.0, "size not recorded"))
        improved = improved_questions(histories.get(c.code, ()), as_of)
        if weak:
            shared = sorted(kq.label for kq in improved & weak)
            points = round(35 * len(shared) / len(weak), 1)
            reason = (
                f"improved {', '.join(shared)} to Good or better"
                if shared
                else "no record of improving the trust's weak key questions"
            )
        else:
            points = 10.0 if improved else 0.0
            reason = "has improved key questions before" if improved else "no improvement record"
        parts.append(ScorePart("track record", points, reason))
        if c.type not in scope.offered_by:
            reasons.append(f"does not run {scope.value} services")
        if c.code in in_regime:
            reasons.append(f"itself in {in_regime[c.code]}")
        rated = overall.get(c.code)
        if rated is None or rated < Rating.GOOD:
            reasons.append(
                "overall rated "
                + (rated.label if rated is not None else "not rated")
                + " (a buddy should be Good or better)"
            )
        if buddying_now.get(c.code, 0) >= max_buddying:
            reasons.append(f"already buddying {buddying_now[c.code]} trusts (max {max_buddying})")
        for r in reasons:
            parts.append(ScorePart("ineligible", 0.0, r))
        score = round(sum(p.points for p in parts), 1)
        out.append(BuddyCandidate(c, score, not reasons, tuple(parts), km))
    return sorted(out, key=lambda x: (not x.eligible, -x.score, x.provider.code))
