"""League-table extras of NOF 2025/26: the likely range of rank, domain scores and what would
move a provider up a segment. Pure numpy over all providers of one organisation type.

**Likely range of rank.** NHS England publishes a "likely range of rank" beside each league
position; its method was not read (REGIME.md Gaps). Here it is a Poisson bootstrap over each
provider's own scored metrics: every resample reweights each scored metric by a Poisson(1) draw,
recomputes every provider's average score and re-ranks by (segment, average); the range is the
central ``level`` interval of the ranks (the published rank always lies inside it). Seeded, so
the same inputs give the same range.

**Moving up a segment.** Holding the other providers' scores fixed, the quartile cut of the next
better segment is a fixed average score; the metrics whose improvement lowers the provider's
weighted average most (to the best score a metric can take, 1.00) are listed until the average
reaches the cut. A provider held at segment 3 by the deficit cap moves up by clearing the deficit.

>>> import numpy as np
>>> scores = np.array([[1.0, 2.0], [3.0, 4.0], [2.0, 2.0], [4.0, 3.0]])
>>> low, high = rank_ranges(scores, np.ones(2), np.array([1, 4, 2, 4]), np.array([1, 4, 2, 3]))
>>> bool((low <= np.array([1, 4, 2, 3])).all() and (np.array([1, 4, 2, 3]) <= high).all())
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from specialmeasures.rules.nof import NofOptions, round_half_up

__all__ = ["Move", "domain_scores", "moves_up", "rank_ranges", "segment_cuts"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def rank_ranges(
    scores: Floats,
    weights: Floats,
    segments: Ints,
    ranks: Ints,
    *,
    resamples: int = 400,
    level: float = 0.95,
    seed: int = 2025,
) -> tuple[Ints, Ints]:
    """Low and high likely rank of each provider (all of one type); 0 where unranked."""
    scores = np.asarray(scores, dtype=np.float64)
    n, m = scores.shape
    seg = np.asarray(segments, dtype=np.int64)
    point = np.asarray(ranks, dtype=np.int64)
    low = np.zeros(n, dtype=np.int64)
    high = np.zeros(n, dtype=np.int64)
    ranked = point > 0
    if not ranked.any() or m == 0:
        return low, high
    rng = np.random.default_rng(seed)
    draws = rng.poisson(1.0, size=(resamples, n, m)).astype(np.float64)
    w = draws * np.asarray(weights, dtype=np.float64)[None, None, :] * (scores > 0)[None]
    total = (w * scores[None]).sum(axis=2)
    count = w.sum(axis=2)
    plain = (scores * (scores > 0) * weights).sum(axis=1) / np.maximum(
        ((scores > 0) * weights).sum(axis=1), 1e-12
    )
    mean = np.where(count > 0, total / np.where(count > 0, count, 1.0), plain[None, :])
    idx = np.flatnonzero(ranked)
    s = seg[idx].astype(np.float64)
    mb = mean[:, idx]
    # rank in each resample: 1 + providers strictly ahead by (segment, average)
    ahead = (s[None, None, :] < s[None, :, None]) | (
        (s[None, None, :] == s[None, :, None]) & (mb[:, None, :] < mb[:, :, None])
    )
    boot = 1 + ahead.sum(axis=2)
    tail = (1.0 - level) / 2.0
    lo = np.floor(np.quantile(boot, tail, axis=0)).astype(np.int64)
    hi = np.ceil(np.quantile(boot, 1.0 - tail, axis=0)).astype(np.int64)
    low[idx] = np.minimum(lo, point[idx])
    high[idx] = np.maximum(hi, point[idx])
    return low, high


def domain_scores(
    scores: Floats, weights: Floats, domains: Sequence[str], options: NofOptions | None = None
) -> dict[str, Floats]:
    """Each domain's average score per provider (NaN where none scored); context only.

    >>> out = domain_scores(np.array([[1.0, 3.0, 2.0]]), np.ones(3), ["a", "a", "b"])
    >>> out["a"].tolist(), out["b"].tolist()
    ([2.0], [2.0])
    """
    opts = options or NofOptions()
    scores = np.asarray(scores, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    names = np.asarray(domains, dtype=str)
    out: dict[str, Floats] = {}
    for d in dict.fromkeys(domains):
        cols = names == d
        sub = scores[:, cols]
        w = weights[cols]
        used = sub > 0
        total = (np.where(used, sub, 0.0) * w).sum(axis=1)
        count = (used * w).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)
        out[d] = round_half_up(mean, opts.decimals)
    return out


def segment_cuts(raw: Floats, options: NofOptions | None = None) -> tuple[float, float, float]:
    """The quartile cuts of one type's raw scores (as ``quartile_segments`` uses them)."""
    opts = options or NofOptions()
    vals = np.asarray(raw, dtype=np.float64)
    vals = vals[~np.isnan(vals)]
    q1, q2, q3 = np.quantile(vals, opts.quartiles)
    return float(q1), float(q2), float(q3)


@dataclass(frozen=True, slots=True)
class Move:
    """What would move one provider up a segment."""

    current: int
    target: int | None
    text: str
    metrics: tuple[tuple[str, float, float], ...] = ()  #: (metric id, score now, score needed)
    target_average: float | None = None


def moves_up(
    scores: Mapping[str, float],
    weights: Mapping[str, float],
    *,
    segment: int,
    delivery_segment: int,
    capped: bool,
    cuts: tuple[float, float, float],
    names: Mapping[str, str] | None = None,
    best: float = 1.0,
) -> Move:
    """What would move a provider from ``segment`` to the next better one, others held fixed.

    >>> m = moves_up({"a": 3.0, "b": 2.0}, {"a": 1.0, "b": 1.0}, segment=3, delivery_segment=3,
    ...     capped=False, cuts=(1.5, 2.0, 2.8))
    >>> m.target, m.metrics
    (2, (('a', 3.0, 2.0),))
    """
    label = names or {}
    if segment == 5:
        return Move(5, 4, "Leave the Provider Improvement Programme: a decision of the NHS "
                    "England region once the exit criteria agreed at entry are met.")  # fmt: skip
    if capped:
        return Move(segment, delivery_segment, f"Clear the deficit (and any deficit support): "
                    f"the delivery score alone gives segment {delivery_segment}.")  # fmt: skip
    if segment <= 1:
        return Move(segment, None, "Already in segment 1.")
    target = segment - 1
    goal = cuts[target - 1] if target < 3 else cuts[2] - 0.01
    used = {k: v for k, v in scores.items() if v > 0}
    total_w = sum(weights[k] for k in used)
    if total_w == 0:
        return Move(segment, target, "No metric was scored.")
    excess = sum(weights[k] * v for k, v in used.items()) - goal * total_w
    if excess <= 0:
        return Move(segment, target, "The average already meets the cut.", (), goal)
    chosen: list[tuple[str, float, float]] = []
    gains = sorted(used, key=lambda k: (-(weights[k] * (used[k] - best)), k))
    for k in gains:
        gain = weights[k] * (used[k] - best)
        if gain <= 0:
            break
        if gain >= excess:
            needed = used[k] - excess / weights[k]
            needed = float(np.floor(needed * 100 + 1e-9) / 100)
            chosen.append((k, used[k], max(best, needed)))
            excess = 0.0
            break
        chosen.append((k, used[k], best))
        excess -= gain
    parts = [f"{label.get(k, k)} from {s:.2f} to {t:.2f}" for k, s, t in chosen]
    if excess > 0:
        text = (f"Even the best score on every metric would not reach the average of "
                f"{goal:.2f} needed for segment {target}.")  # fmt: skip
    else:
        text = (f"An average score of {goal:.2f} or better gives segment {target} (other trusts "
                f"held fixed): improve " + "; ".join(parts) + ".")  # fmt: skip
    return Move(segment, target, text, tuple(chosen), goal)
