"""Operations on many groups of different sizes held in one flat array ("ragged" arrays).

A group is identified by an integer code in ``0..n_groups-1``. Everything here is vectorised
over all groups at once, so a kernel computing per-funnel statistics for 10,000 funnels makes a
handful of numpy calls instead of 10,000 Python iterations.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["group_count", "group_quantile7", "group_rank_average", "group_sum"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def group_sum(values: FloatArray, codes: IntArray, n_groups: int) -> FloatArray:
    """Sum of ``values`` per group."""
    return np.bincount(codes, weights=values, minlength=n_groups).astype(np.float64)


def group_count(mask: NDArray[np.bool_], codes: IntArray, n_groups: int) -> IntArray:
    """Number of ``True`` entries of ``mask`` per group."""
    return np.bincount(codes[mask], minlength=n_groups).astype(np.intp)


def group_rank_average(values: FloatArray, codes: IntArray) -> FloatArray:
    """Rank of each value within its group (1-based), ties given their average rank.

    Matches R ``rank(x, ties.method = "average")`` applied within each group. ``values`` may
    hold infinities but no NaN.
    """
    n = values.size
    if n == 0:
        return np.empty(0, dtype=np.float64)
    order = np.lexsort((values, codes))
    v = values[order]
    c = codes[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = c[1:] != c[:-1]
    new_run = new_group.copy()
    new_run[1:] |= v[1:] != v[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    position = np.arange(n) - group_start  # 0-based position within the group
    run_id = np.cumsum(new_run) - 1
    run_first = position[new_run]
    run_last = np.append(position[np.flatnonzero(new_run)[1:] - 1], position[-1])
    average = (run_first + run_last) / 2.0 + 1.0
    ranks = np.empty(n, dtype=np.float64)
    ranks[order] = average[run_id]
    return ranks


def group_quantile7(values: FloatArray, codes: IntArray, n_groups: int, prob: float) -> FloatArray:
    """Type-7 (linear interpolation) quantile of ``values`` within each group.

    Reproduces R ``quantile(x, prob, type = 7)``: with ``index = 1 + (n - 1) * prob``,
    ``q = (1 - h) * x[lo] + h * x[hi]`` and ``q = x[lo]`` when ``h = 0`` or ``x[lo] == x[hi]``
    (so infinite values do not produce NaN). Empty groups give NaN.

    References
    ----------
    Hyndman RJ, Fan Y (1996) Sample quantiles in statistical packages. *Am Stat* 50:361-365.
    """
    order = np.lexsort((values, codes))
    v = values[order]
    counts = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.full(n_groups, np.nan)
    has = counts > 0
    index = (counts[has] - 1) * prob  # 0-based R index - 1
    lo = np.floor(index).astype(np.intp)
    hi = np.ceil(index).astype(np.intp)
    h = index - lo
    x_lo = v[starts[has] + lo]
    x_hi = v[starts[has] + hi]
    interpolate = (h > 0) & (x_hi != x_lo)
    q = x_lo.copy()
    q[interpolate] = (1 - h[interpolate]) * x_lo[interpolate] + h[interpolate] * x_hi[interpolate]
    out[has] = q
    return out
