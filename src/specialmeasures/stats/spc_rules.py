"""Special-cause rules of Making Data Count XmR charts, vectorised over many groups at once.

Every function works on one flat array holding many groups back to back (a group is one
(series, rebase group) segment of an XmR chart) and a boolean ``starts`` array that is ``True``
at the first point of each group. No rule window ever spans two groups, exactly as if each group
were processed alone. Runs ("7 points on one side of the mean", "7 points trending") are found
from each element's position within its run (a running maximum of run starts) and windows from
cumulative sums, so the cost is a few numpy passes whatever the number of groups.

Each public function mirrors one helper of the reference so that its unit tests can be replayed
(``tests/golden/test_spc_reference.py``).

The semantics are those of NHSRplotthedots 0.2.2 ``R/ptd_calculate_point_type.R`` (see
``docs/spc.md`` and METHODS.md section 1.4); the rule lengths are parameters so that the MDC
Excel tool's 6-point variants can be chosen.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "part_of_run",
    "part_of_two_in_three",
    "shift_markers",
    "step_signs",
    "trend_direction",
    "trend_markers",
    "two_in_three",
]

BoolArray = NDArray[np.bool_]
Int8Array = NDArray[np.int8]
IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


def _shift_back(a: NDArray[np.int8], fill: int = 0) -> NDArray[np.int8]:
    """``out[i] = a[i - 1]`` (``fill`` at 0)."""
    out = np.empty_like(a)
    out[0:1] = fill
    out[1:] = a[:-1]
    return out


def _all_of_last(ok: BoolArray, count: int) -> BoolArray:
    """``out[i]`` = ``ok[i - count + 1 .. i]`` are all True (False where the window is short).

    ``count`` is a rule length (at most 7), so this is a handful of shifted ANDs on bytes,
    cheaper than any run-length bookkeeping.
    """
    out = ok.copy()
    for k in range(1, count):
        out[k:] &= ok[:-k]
        out[:k] = False
    return out


def shift_markers(relative_to_mean: Int8Array, starts: BoolArray, length: int = 7) -> Int8Array:
    """Ends of runs of ``length`` points on one side of the mean (the run's side, else 0).

    Parameters
    ----------
    relative_to_mean : int8 array
        ``sign(y - mean)``: +1, -1, or 0 (on the mean, or missing). A 0 breaks a run.
    starts : bool array
        ``True`` at the first point of each group; runs never cross a group boundary.
    length : int
        Run length that signals a shift: 7 in NHSRplotthedots, 6 or 7 in the MDC Excel tool.

    Returns
    -------
    int8 array
        At point i, +1 (-1) when points i-length+1..i are all above (below) the mean.

    References
    ----------
    NHSRplotthedots 0.2.2 ``ptd_seven_point_one_side_mean`` (R/ptd_calculate_point_type.R).

    Examples
    --------
    >>> r = np.array([1, 1, 1, 1, 1, 1, 1, 1, -1], dtype=np.int8)
    >>> shift_markers(r, np.eye(1, 9, dtype=bool)[0])
    array([0, 0, 0, 0, 0, 0, 1, 1, 0], dtype=int8)
    """
    if relative_to_mean.size == 0:
        return np.zeros(0, dtype=np.int8)
    # continues[i]: point i is on the same side as point i-1, in the same group
    continues = (relative_to_mean != 0) & (relative_to_mean == _shift_back(relative_to_mean, 0))
    continues &= ~starts
    at_end = _all_of_last(continues, length - 1)
    return np.where(at_end, relative_to_mean, 0).astype(np.int8)


def step_signs(values: FloatArray, starts: BoolArray) -> Int8Array:
    """``sign(y[i] - y[i-1])`` within a group; 0 at a group's first point or next to a NaN.

    Examples
    --------
    >>> step_signs(np.array([1.0, 2, 2, 1, np.nan, 3]), np.eye(1, 6, dtype=bool)[0])
    array([ 0,  1,  0, -1,  0,  0], dtype=int8)
    """
    d = np.zeros(values.size, dtype=np.int8)
    if values.size > 1:
        with np.errstate(invalid="ignore"):
            diff = values[1:] - values[:-1]
            d[1:] = (diff > 0).view(np.int8) - (diff < 0).view(np.int8)
    d[starts] = 0
    return d


def trend_markers(steps: Int8Array, length: int = 7) -> Int8Array:
    """Ends of strictly monotone runs of ``length`` points (+1 increasing, -1 decreasing).

    Parameters
    ----------
    steps : int8 array
        Output of :func:`step_signs` (0 at group starts, so trends never cross groups). A
        repeated value (step 0) breaks a trend, as in the reference (PR #24).
    length : int
        Points in a trend: 7 in NHSRplotthedots, 6 or 7 in the MDC Excel tool.

    Returns
    -------
    int8 array
        At point i, +1 (-1) when points i-length+1..i strictly increase (decrease).

    References
    ----------
    NHSRplotthedots 0.2.2 ``ptd_seven_point_trend`` (R/ptd_calculate_point_type.R).

    Examples
    --------
    >>> y = np.array([2.0, 1, 2, 3, 4, 5, 6, 7, 3])
    >>> trend_markers(step_signs(y, np.eye(1, 9, dtype=bool)[0]))
    array([0, 0, 0, 0, 0, 0, 0, 1, 0], dtype=int8)
    """
    if steps.size == 0:
        return np.zeros(0, dtype=np.int8)
    # A step at a group start is 0, so a run of equal non-zero steps never crosses groups.
    continues = (steps != 0) & (steps == _shift_back(steps, 0))
    at_end = (steps != 0) & _all_of_last(continues, length - 2)
    return np.where(at_end, steps, 0).astype(np.int8)


def part_of_run(markers: Int8Array, length: int = 7) -> BoolArray:
    """Points belonging to a run whose end is marked: any marker in the next ``length`` points.

    A marker at j stands for the run j-length+1..j, which never crosses a group boundary, so
    no group information is needed here.

    References
    ----------
    NHSRplotthedots 0.2.2 ``ptd_part_of_seven_trend`` (R/ptd_calculate_point_type.R).

    Examples
    --------
    >>> part_of_run(np.array([0, 0, 0, 0, 0, 0, 0, -1, 0], dtype=np.int8)).astype(int)
    array([0, 1, 1, 1, 1, 1, 1, 1, 0])
    """
    marked: BoolArray = np.asarray(markers != 0)
    part = marked.copy()
    for k in range(1, length):
        part[:-k] |= marked[k:]
    return part


def trend_direction(steps: Int8Array, trend: BoolArray, starts: BoolArray) -> Int8Array:
    """Direction (+1/-1) of the trend each trend point belongs to.

    The sign of the step to the next point when that point is also in a trend, otherwise the
    sign of the step from the previous point (NHSRplotthedots fixes #167/#171).
    """
    n = steps.size
    use_next = np.zeros(n, dtype=bool)
    if n > 1:
        use_next[:-1] = trend[:-1] & trend[1:] & ~starts[1:]
    next_step = np.zeros(n, dtype=np.int8)
    next_step[:-1] = steps[1:]
    return np.where(use_next, next_step, steps).astype(np.int8)


def two_in_three(close: BoolArray, relative_to_mean: Int8Array, starts: BoolArray) -> BoolArray:
    """Points lying in a qualifying "two out of three beyond two sigma" window.

    A window of three consecutive points of one group qualifies when at least two of them are
    ``close`` and all three are on the same side of the mean.

    Parameters
    ----------
    close : bool array
        Points counting towards the rule: ``close_to_limits`` (between 2 and 3 sigma) in the
        reference, every point beyond 2 sigma under the MDC 2023 rule.
    relative_to_mean : int8 array
        ``sign(y - mean)`` (0 on the mean or missing).
    starts : bool array
        ``True`` at the first point of each group; windows never cross a group boundary.

    Returns
    -------
    bool array

    References
    ----------
    NHSRplotthedots 0.2.2 ``ptd_two_in_three`` (R/ptd_calculate_point_type.R; issue #143).

    Examples
    --------
    >>> close = np.array([0, 0, 1, 0, 1, 0, 0], dtype=bool)
    >>> r = np.ones(7, dtype=np.int8)
    >>> two_in_three(close, r, np.eye(1, 7, dtype=bool)[0]).astype(int)
    array([0, 0, 1, 1, 1, 0, 0])
    """
    n = close.size
    in_window = np.zeros(n, dtype=bool)
    if n < 3:
        return in_window
    c = close.view(np.int8)
    c3 = c[:-2] + c[1:-1] + c[2:]
    r3 = relative_to_mean[:-2] + relative_to_mean[1:-1] + relative_to_mean[2:]
    qualifies = (c3 >= 2) & (np.abs(r3) == 3) & ~starts[1:-1] & ~starts[2:]
    in_window[:-2] |= qualifies
    in_window[1:-1] |= qualifies
    in_window[2:] |= qualifies
    return in_window


def part_of_two_in_three(in_window: BoolArray, close: BoolArray) -> BoolArray:
    """Only the points of a qualifying window that are themselves close are flagged.

    References
    ----------
    NHSRplotthedots 0.2.2 ``ptd_part_of_two_in_three``.

    Examples
    --------
    >>> part_of_two_in_three(np.array([1, 1, 1], bool), np.array([1, 0, 1], bool)).astype(int)
    array([1, 0, 1])
    """
    return in_window & close
