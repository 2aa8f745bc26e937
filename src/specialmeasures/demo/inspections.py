"""Synthetic CQC inspections: when trusts are inspected and how they are rated.

Each key question's score is latent quality plus a key-question offset (safe is rated hardest and
caring most kindly, as in the 2016 snapshots of REGIME.md 1.8), a trust-specific offset and
inspection noise, cut into the four-point scale. The overall rating follows the CQC aggregation
rules of DOMAIN.md; a profile with exactly one Inadequate is decided by judgement and the
judgement is recorded. Inspections the designed histories need are rated the same way and then
made to satisfy the rule their purpose requires (a calibration step, recorded in the truth).

Synthetic demonstration data: fictional trusts, not real NHS organisations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from specialmeasures.demo.latent import LatentQuality
from specialmeasures.demo.plan import PlannedInspection, TrustPlan
from specialmeasures.demo.timeline import COVID_PAUSE, add_days, add_months, random_date
from specialmeasures.domain import Inspection, KeyQuestion, Provider, Rating, Regime

__all__ = [
    "InspectionRecord",
    "aggregate_overall",
    "build_inspections",
    "meets_entry_rule",
    "meets_exit_rule",
]

_KQ_OFFSET = {
    KeyQuestion.SAFE: -0.35,
    KeyQuestion.EFFECTIVE: 0.05,
    KeyQuestion.CARING: 0.7,
    KeyQuestion.RESPONSIVE: -0.1,
    KeyQuestion.WELL_LED: -0.05,
}
#: Score cut points: Inadequate < -1.5 <= RI < 0.0 <= Good < 1.5 <= Outstanding.
_CUTS = (-1.5, 0.0, 1.5)
_NOISE_SD = 0.3
_ONE_INADEQUATE_CUT = -1.2
_FIRST_ROUTINE = (date(2013, 10, 1), date(2016, 6, 30))


@dataclass(frozen=True, slots=True)
class InspectionRecord:
    """An inspection with what the generator knows about it (kept in the truth)."""

    provider_index: int
    inspection: Inspection
    purpose: str
    latent_quality: float
    overall_by_judgement: bool
    adjusted: bool


def meets_entry_rule(ratings: dict[KeyQuestion, Rating]) -> bool:
    """SMQ's usual entry rule: >= 2 key questions Inadequate, one of them well-led."""
    inadequate = [kq for kq in KeyQuestion.five() if ratings.get(kq) is Rating.INADEQUATE]
    return len(inadequate) >= 2 and KeyQuestion.WELL_LED in inadequate


def meets_exit_rule(ratings: dict[KeyQuestion, Rating]) -> bool:
    """The inferred exit rule: no Inadequate key question, overall Requires improvement or better."""
    overall = ratings.get(KeyQuestion.OVERALL)
    return (
        all(ratings.get(kq) is not Rating.INADEQUATE for kq in KeyQuestion.five())
        and overall is not None
        and overall >= Rating.REQUIRES_IMPROVEMENT
    )


def aggregate_overall(five: dict[KeyQuestion, Rating]) -> Rating | None:
    """CQC's five-to-overall rules; None when exactly one Inadequate leaves it to judgement."""
    values = [five[kq] for kq in KeyQuestion.five()]
    inadequate = values.count(Rating.INADEQUATE)
    if inadequate >= 2:
        return Rating.INADEQUATE
    if inadequate == 1:
        return None
    if values.count(Rating.REQUIRES_IMPROVEMENT) >= 2:
        return Rating.REQUIRES_IMPROVEMENT
    if values.count(Rating.OUTSTANDING) >= 2 and all(v >= Rating.GOOD for v in values):
        return Rating.OUTSTANDING
    return Rating.GOOD


def _rate(scores: dict[KeyQuestion, float]) -> dict[KeyQuestion, Rating]:
    return {kq: Rating(1 + int(np.searchsorted(_CUTS, s))) for kq, s in scores.items()}


def _force(
    purpose: str, ratings: dict[KeyQuestion, Rating], scores: dict[KeyQuestion, float]
) -> bool:
    """Make ``ratings`` satisfy what ``purpose`` needs; True when anything changed."""
    before = dict(ratings)
    worst = sorted(KeyQuestion.five(), key=lambda kq: scores[kq])
    if purpose in (
        "smq_trigger",
        "keogh_review",
        "not_placed_trigger",
        "rsp_trigger",
        "post_entry",
    ):
        ratings[KeyQuestion.WELL_LED] = Rating.INADEQUATE
        if sum(r is Rating.INADEQUATE for r in ratings.values()) < 2:
            other = next(kq for kq in worst if kq is not KeyQuestion.WELL_LED)
            ratings[other] = Rating.INADEQUATE
    elif purpose == "reinspection_stay":
        if Rating.INADEQUATE not in ratings.values():
            ratings[worst[0]] = Rating.INADEQUATE
    elif purpose in ("reinspection_exit", "improver_followup"):
        for kq in KeyQuestion.five():
            ratings[kq] = max(ratings[kq], Rating.REQUIRES_IMPROVEMENT)
        if purpose == "improver_followup":
            for kq in worst[1:]:
                ratings[kq] = max(ratings[kq], Rating.GOOD)
    elif meets_entry_rule(ratings):
        # Routine inspections never trigger an unplanned entry: calibration lifts well-led.
        ratings[KeyQuestion.WELL_LED] = Rating.REQUIRES_IMPROVEMENT
    return ratings != before


def _in_regime(plan: TrustPlan, day: date) -> bool:
    return any(
        e.regime in (Regime.SMQ, Regime.RSP) and e.start <= day and (e.end is None or day < e.end)
        for e in plan.episodes
    )


#: Months to the next routine inspection after an overall rating (sooner after concerns).
_INTERVAL = {
    Rating.OUTSTANDING: (36.0, 48.0),
    Rating.GOOD: (30.0, 48.0),
    Rating.REQUIRES_IMPROVEMENT: (18.0, 32.0),
    Rating.INADEQUATE: (9.0, 15.0),
}


@dataclass(frozen=True, slots=True)
class _Rater:
    """Rates one trust's inspections from its latent quality."""

    index: int
    code: str
    latent: LatentQuality
    trust_offset: dict[KeyQuestion, float]

    def rate(self, rng: np.random.Generator, planned: PlannedInspection) -> InspectionRecord:
        q = self.latent.at(self.index, planned.inspection)
        scores = {
            kq: q + _KQ_OFFSET[kq] + self.trust_offset[kq] + float(rng.normal(0.0, _NOISE_SD))
            for kq in KeyQuestion.five()
        }
        ratings = _rate(scores)
        adjusted = _force(planned.purpose, ratings, scores)
        overall = aggregate_overall(ratings)
        judged = overall is None
        if overall is None:
            overall = Rating.INADEQUATE if q < _ONE_INADEQUATE_CUT else Rating.REQUIRES_IMPROVEMENT
        ratings[KeyQuestion.OVERALL] = overall
        source = "keogh_review" if planned.purpose == "keogh_review" else "cqc"
        inspection = Inspection(
            self.code, planned.inspection, planned.publication, ratings, source=source
        )
        return InspectionRecord(self.index, inspection, planned.purpose, q, judged, adjusted)


def _routine(
    rng: np.random.Generator, plan: TrustPlan, rater: _Rater, end: date
) -> list[InspectionRecord]:
    """Routine inspections, clear of planned ones and regime stays; the next one comes sooner
    after a worse overall rating."""
    planned = [p.inspection for p in plan.inspections]
    day = random_date(rng, *_FIRST_ROUTINE)
    records: list[InspectionRecord] = []
    while day <= end:
        clash = [p for p in planned if abs((p - day).days) < 270]
        if clash:
            day = add_months(max(clash), float(rng.uniform(9, 15)))
        elif _in_regime(plan, day):
            day = add_months(day, 3.0)
        elif COVID_PAUSE[0] <= day < COVID_PAUSE[1]:
            day = add_days(COVID_PAUSE[1], float(rng.uniform(0, 150)))
        else:
            publication = add_days(day, float(rng.uniform(60, 120)))
            record = rater.rate(rng, PlannedInspection(day, publication, "routine"))
            if publication <= end:
                records.append(record)
            overall = record.inspection.overall or Rating.REQUIRES_IMPROVEMENT
            day = add_months(day, float(rng.uniform(*_INTERVAL[overall])))
    return records


def build_inspections(
    rng: np.random.Generator,
    providers: tuple[Provider, ...],
    plans: list[TrustPlan],
    latent: LatentQuality,
    end: date,
) -> list[InspectionRecord]:
    """Every inspection of every trust, planned and routine, in date order per trust."""
    records: list[InspectionRecord] = []
    for i, (provider, plan) in enumerate(zip(providers, plans, strict=True)):
        offset = {kq: float(rng.normal(0.0, 0.25)) for kq in KeyQuestion.five()}
        rater = _Rater(i, provider.code, latent, offset)
        own = _routine(rng, plan, rater, end)
        own += [rater.rate(rng, p) for p in plan.inspections if p.publication <= end]
        records += sorted(own, key=lambda r: r.inspection.inspection_date)
    return records
