"""NHS Oversight Framework 2025/26 segmentation: the published algorithm, vectorised.

Steps (NHS England, "NHS Oversight Framework 2025/26 - methodology manual", 26 June 2025;
REGIME.md 4.3):

1. **Metric scores** 1 (best) to 4 (worst), 2 dp. With a standard: meeting it scores 1.00, the
   others are spread from 2.00 (best) to 4.00 (worst). With a floor: failing it scores 4.00, the
   others 1.00 to 3.00. With neither: 1.00 to 4.00. "Spread evenly by percentile rank": the
   organisation at 0-based position ``r`` of ``n`` ranked scores ``lo + (hi - lo) * r / (n - 1)``;
   **tied organisations all take the best score of their cluster**. Bespoke metrics (e.g. the CQC
   safe rating) arrive already scored. Missing or suppressed data scores 0: excluded.
2. **Raw delivery score**: the mean of the scored metrics (0s excluded), 2 dp; the three
   infection rates count one third each.
3. **Quartiles within organisation type**: lowest quartile -> 1, better than the middle but not
   lowest -> 2, worse than the middle but not upper -> 3, upper quartile -> 4. Cut points are
   ``numpy.quantile`` (linear) at 0.25, 0.5, 0.75; a score equal to the lower or middle cut goes
   to the better segment, one equal to the upper cut to segment 4. The manual says "average" for
   the middle; with "evenly quartiled" we read it as the median (the middle quartile boundary).
4. **Deficit cap**: segment 1 or 2 with a deficit or deficit support becomes 3.
5. **Segment 5**: a segment-4 provider the region places in the Provider Improvement Programme
   after considering its capability rating (a human decision, passed in).

Rounding is half away from zero (as a spreadsheet rounds), not numpy's half to even.

>>> import numpy as np
>>> spec = MetricSpec("m", True, "standard", 80.0)
>>> score_metric(np.array([90.0, 85.0, 75.0, 70.0, 60.0, np.nan]), spec)
array([1., 1., 2., 3., 4., 0.])
>>> raw_delivery_scores(np.array([[1.0, 2.62, 1.0, 1.0, 1.0, 1.4, 1.0, 3.0, 1.36, 1.45, 2.0]]))
array([1.53])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from specialmeasures.domain.errors import DomainError

__all__ = [
    "CQC_SAFE_RATING_SCORES",
    "TRUST_TYPES",
    "MetricSpec",
    "NofOptions",
    "NofResult",
    "apply_deficit_cap",
    "apply_pip",
    "league_ranks",
    "metric_ranks",
    "quartile_segments",
    "raw_delivery_scores",
    "round_half_up",
    "score_metric",
    "score_metrics",
    "segment",
]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

#: League tables are separate for these trust types (NHS England, 9 September 2025).
TRUST_TYPES = ("acute", "non_acute", "ambulance")
#: Bespoke score of the CQC safe rating. The manual's example shows Good = 2.00; the others
#: follow the 1-4 scale in order (inferred).
CQC_SAFE_RATING_SCORES = {
    "Outstanding": 1.0,
    "Good": 2.0,
    "Requires improvement": 3.0,
    "Inadequate": 4.0,
}
_SCORING = ("standard", "floor", "none", "bespoke")


@dataclass(frozen=True, slots=True)
class NofOptions:
    """Bookends and constants of the scoring models (defaults: the published 2025/26 values)."""

    standard_met: float = 1.0
    standard_range: tuple[float, float] = (2.0, 4.0)
    floor_failed: float = 4.0
    floor_range: tuple[float, float] = (1.0, 3.0)
    none_range: tuple[float, float] = (1.0, 4.0)
    infection_weight: float = 1.0 / 3.0
    decimals: int = 2
    deficit_cap_segment: int = 3
    quartiles: tuple[float, float, float] = (0.25, 0.5, 0.75)

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> NofOptions:
        """Options from a policy's parameter values (``{n: p.value for n, p in ...}``).

        >>> from specialmeasures.rules.policy import load_policy
        >>> policy = load_policy("nof-2025")
        >>> values = {n: p.value for n, p in policy.parameters.items()}
        >>> NofOptions.from_parameters(values) == NofOptions()
        True
        """
        p = params
        q = tuple(float(x) for x in p["quartile_cuts"])
        if len(q) != 3:
            raise DomainError("quartile_cuts", p["quartile_cuts"], "must be three numbers")
        return cls(
            standard_met=float(p["standard_met_score"]),
            standard_range=(float(p["standard_best_score"]), float(p["standard_worst_score"])),
            floor_failed=float(p["floor_failed_score"]),
            floor_range=(float(p["floor_best_score"]), float(p["floor_worst_score"])),
            none_range=(float(p["none_best_score"]), float(p["none_worst_score"])),
            infection_weight=1.0 / float(p["infection_weight_denominator"]),
            decimals=int(p["decimals"]),
            deficit_cap_segment=int(p["deficit_cap_segment"]),
            quartiles=(q[0], q[1], q[2]),
        )


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """How one metric is scored.

    ``scoring`` is ``standard``, ``floor``, ``none`` or ``bespoke`` (values are already scores).
    ``threshold`` is the standard or the floor. ``infection`` marks the three infection rates.
    """

    id: str
    higher_is_better: bool
    scoring: str = "none"
    threshold: float | None = None
    infection: bool = False

    def __post_init__(self) -> None:
        if self.scoring not in _SCORING:
            raise DomainError(
                f"metric {self.id}.scoring", self.scoring, f"must be one of {_SCORING}"
            )
        if self.scoring in ("standard", "floor") and self.threshold is None:
            raise DomainError(
                f"metric {self.id}.threshold", None, f"is required for {self.scoring}"
            )


def round_half_up(x: Floats, decimals: int = 2) -> Floats:
    """Round half away from zero (2.005 -> 2.01), tolerant of binary representation.

    >>> round_half_up(np.array([2.005, 2.004, 1.525]))
    array([2.01, 2.  , 1.53])
    """
    scale = 10.0**decimals
    out: Floats = np.sign(x) * np.floor(np.abs(x) * scale + 0.5 + 1e-9) / scale
    return out


def _spread(
    values: Floats, mask: npt.NDArray[np.bool_], higher: bool, lo: float, hi: float, decimals: int
) -> Floats:
    """Scores ``lo``..``hi`` by position among ``values[mask]``; ties take the best position."""
    out = np.zeros_like(values)
    ranked = values[mask]
    n = ranked.size
    if n == 0:
        return out
    key = -ranked if higher else ranked
    # position of each value = number of strictly better values (ties share the best position)
    position = np.searchsorted(np.sort(key), key, side="left").astype(np.float64)
    scores = np.full(n, lo) if n == 1 else lo + (hi - lo) * position / (n - 1)
    out[mask] = round_half_up(scores, decimals)
    return out


def score_metric(values: Floats, spec: MetricSpec, options: NofOptions | None = None) -> Floats:
    """Score one metric across organisations; NaN (missing or suppressed) scores 0.

    Examples
    --------
    >>> score_metric(np.array([5.0, 3.0, 3.0, 1.0]), MetricSpec("m", True))
    array([1., 2., 2., 4.])
    >>> score_metric(np.array([5.0, 3.0, 1.0]), MetricSpec("m", True, "floor", 2.0))
    array([1., 3., 4.])
    """
    opts = options or NofOptions()
    values = np.asarray(values, dtype=np.float64)
    present = ~np.isnan(values)
    if spec.scoring == "bespoke":
        return np.where(present, values, 0.0)
    higher = spec.higher_is_better
    if spec.scoring == "none":
        return _spread(values, present, higher, *opts.none_range, opts.decimals)
    threshold = float(spec.threshold) if spec.threshold is not None else np.nan
    with np.errstate(invalid="ignore"):
        beyond = values >= threshold if higher else values <= threshold
        short = values < threshold if higher else values > threshold
    if spec.scoring == "standard":
        out = _spread(values, present & ~beyond, higher, *opts.standard_range, opts.decimals)
        out[present & beyond] = opts.standard_met
        return out
    out = _spread(values, present & ~short, higher, *opts.floor_range, opts.decimals)
    out[present & short] = opts.floor_failed
    return out


def score_metrics(
    values: Floats, specs: Sequence[MetricSpec], options: NofOptions | None = None
) -> Floats:
    """Score a matrix (organisations x metrics) column by column; one call for all providers."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(specs):
        raise DomainError("values", values.shape, f"must be organisations x {len(specs)} metrics")
    return (
        np.column_stack([score_metric(values[:, j], s, options) for j, s in enumerate(specs)])
        if specs
        else np.zeros((values.shape[0], 0))
    )


def raw_delivery_scores(
    scores: Floats,
    specs: Sequence[MetricSpec] | None = None,
    options: NofOptions | None = None,
) -> Floats:
    """Weighted mean of each organisation's scored metrics (0 = excluded), rounded to 2 dp.

    Infection-rate metrics weigh ``options.infection_weight`` (one third); NaN where nothing
    was scored.

    >>> specs = [MetricSpec("a", True), MetricSpec("b", True, infection=True),
    ...     MetricSpec("c", True, infection=True), MetricSpec("d", True, infection=True)]
    >>> raw_delivery_scores(np.array([[2.0, 1.0, 1.0, 4.0]]), specs)
    array([2.])
    """
    opts = options or NofOptions()
    scores = np.asarray(scores, dtype=np.float64)
    weights = np.ones(scores.shape[1])
    if specs is not None:
        weights = np.array([opts.infection_weight if s.infection else 1.0 for s in specs])
    used = scores > 0
    total = (np.where(used, scores, 0.0) * weights).sum(axis=1)
    count = (used * weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)
    return round_half_up(mean, opts.decimals)


def _types(org_types: Sequence[str] | npt.NDArray[np.str_], n: int) -> npt.NDArray[np.str_]:
    types = np.asarray(org_types, dtype=str)
    if types.shape != (n,):
        raise DomainError(
            "org_types", types.shape, f"must name a type for each of {n} organisations"
        )
    return types


def quartile_segments(
    raw: Floats, org_types: Sequence[str], options: NofOptions | None = None
) -> Ints:
    """Segment 1-4 by quartile of the raw score within each organisation type (0 = unscored).

    >>> quartile_segments(np.array([1.2, 1.9, 2.4, 3.1]), ["acute"] * 4)
    array([1, 2, 3, 4])
    """
    opts = options or NofOptions()
    raw = np.asarray(raw, dtype=np.float64)
    types = _types(org_types, raw.size)
    out = np.zeros(raw.size, dtype=np.int64)
    for kind in np.unique(types):
        mask = (types == kind) & ~np.isnan(raw)
        if not mask.any():
            continue
        q1, q2, q3 = np.quantile(raw[mask], opts.quartiles)
        vals = raw[mask]
        out[mask] = np.select([vals <= q1, vals <= q2, vals < q3], [1, 2, 3], default=4)
    return out


def apply_deficit_cap(
    segments: Ints, in_deficit: npt.NDArray[np.bool_], options: NofOptions | None = None
) -> Ints:
    """Segment 1 or 2 with a deficit (or deficit support) becomes ``deficit_cap_segment`` (3).

    >>> apply_deficit_cap(np.array([1, 2, 3, 4]), np.array([True, False, True, True]))
    array([3, 2, 3, 4])
    """
    cap = (options or NofOptions()).deficit_cap_segment
    segments = np.asarray(segments, dtype=np.int64)
    deficit = np.asarray(in_deficit, dtype=bool)
    return np.where(deficit & (segments > 0) & (segments < cap), cap, segments)


def apply_pip(segments: Ints, pip: npt.NDArray[np.bool_]) -> Ints:
    """Segment 5 for segment-4 providers the region placed in the Provider Improvement Programme.

    >>> apply_pip(np.array([4, 4, 2]), np.array([True, False, False]))
    array([5, 4, 2])
    """
    segments = np.asarray(segments, dtype=np.int64)
    placed = np.asarray(pip, dtype=bool)
    wrong = placed & (segments != 4)
    if wrong.any():
        raise DomainError(
            "pip",
            int(np.flatnonzero(wrong)[0]),
            "only a segment-4 provider can be placed in segment 5",
        )
    return np.where(placed, 5, segments)


def _min_rank(keys: Sequence[Floats], mask: npt.NDArray[np.bool_]) -> Ints:
    """1-based ranks by the keys (ascending, lexicographic) among ``mask``; ties share the best."""
    n = mask.size
    out = np.zeros(n, dtype=np.int64)
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return out
    cols = [np.asarray(k)[idx] for k in keys]
    order = np.lexsort(tuple(reversed(cols)))
    stacked = np.column_stack(cols)[order]
    new = np.ones(idx.size, dtype=bool)
    new[1:] = np.any(stacked[1:] != stacked[:-1], axis=1)
    positions = np.arange(1, idx.size + 1)
    ranks = np.maximum.accumulate(np.where(new, positions, 0))
    out[idx[order]] = ranks
    return out


def league_ranks(segments: Ints, raw: Floats, org_types: Sequence[str]) -> Ints:
    """Aggregated metric ranking (AMR): within each trust type, by segment then raw score.

    >>> league_ranks(np.array([3, 1, 1]), np.array([1.2, 1.9, 1.5]), ["acute"] * 3)
    array([3, 2, 1])
    """
    seg = np.asarray(segments, dtype=np.float64)
    raw = np.asarray(raw, dtype=np.float64)
    types = _types(org_types, raw.size)
    out = np.zeros(raw.size, dtype=np.int64)
    for kind in np.unique(types):
        mask = (types == kind) & (seg > 0) & ~np.isnan(raw)
        out += _min_rank([seg, raw], mask)
    return out


def metric_ranks(scores: Floats, org_types: Sequence[str]) -> Ints:
    """Individual metric ranking (IMR): rank on each metric's score within type (0 = unscored)."""
    scores = np.asarray(scores, dtype=np.float64)
    types = _types(org_types, scores.shape[0])
    out = np.zeros(scores.shape, dtype=np.int64)
    for j in range(scores.shape[1]):
        for kind in np.unique(types):
            mask = (types == kind) & (scores[:, j] > 0)
            out[:, j] += _min_rank([scores[:, j]], mask)
    return out


@dataclass(frozen=True, slots=True)
class NofResult:
    """Everything the segmentation computed, one row per organisation."""

    scores: Floats
    raw: Floats
    delivery_segment: Ints
    segment: Ints
    rank: Ints
    metric_rank: Ints
    capped: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))


def segment(
    values: Floats,
    specs: Sequence[MetricSpec],
    org_types: Sequence[str],
    in_deficit: npt.NDArray[np.bool_],
    pip: npt.NDArray[np.bool_] | None = None,
    options: NofOptions | None = None,
) -> NofResult:
    """Run steps 1-5 on organisations x metrics ``values`` (NaN = missing).

    Metric scoring (step 1) ranks across all the organisations passed in; pass one
    organisation type at a time where metrics are compared within type.

    Examples
    --------
    >>> specs = [MetricSpec("m", True)]
    >>> r = segment(np.array([[4.0], [3.0], [2.0], [1.0]]), specs, ["acute"] * 4,
    ...     np.array([True, False, False, False]))
    >>> r.delivery_segment.tolist(), r.segment.tolist(), r.rank.tolist()
    ([1, 2, 3, 4], [3, 2, 3, 4], [2, 1, 3, 4])
    """
    scores = score_metrics(values, specs, options)
    raw = raw_delivery_scores(scores, specs, options)
    delivery = quartile_segments(raw, org_types, options)
    capped_segments = apply_deficit_cap(delivery, in_deficit, options)
    final = capped_segments if pip is None else apply_pip(capped_segments, pip)
    return NofResult(
        scores=scores,
        raw=raw,
        delivery_segment=delivery,
        segment=final,
        rank=league_ranks(final, raw, org_types),
        metric_rank=metric_ranks(scores, org_types),
        capped=capped_segments != delivery,
    )
