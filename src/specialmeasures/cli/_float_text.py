"""``repr`` of many floats at once: the text Python writes for each, built with array arithmetic.

Writing ``repr(x)`` for each of hundreds of thousands of values is most of the time the
statistics commands spend formatting their output. :func:`float_texts` gives the same text for
each value (byte for byte; empty for NaN) in a few array passes, for the values whose repr has
no exponent (``1e-4 <= |x| < 1e16``); any other value, and any value it cannot decide exactly,
is written by ``repr`` itself.

How. Python's repr is the shortest decimal that reads back as ``x``, the nearest to ``x`` among
the shortest ones (David Gay's ``dtoa``, mode 0), written without an exponent in that range.
Scaled by ``10**k`` so that it has 17 digits before the point, ``x * 10**k`` is computed exactly
as the sum of two doubles (Dekker's product), which gives the nearest 17-digit integer to it
and how far it lies from it. A candidate decimal of d digits reads back as ``x`` exactly when
it lies within half a unit in the last place of ``x`` (scaled by the same ``10**k``, again an
exact double). The nearest 15-digit candidate is tried, then the nearest 16-digit one, then
the nearest 17-digit one (which always reads back). If the 15-digit one reads back, it is the
shortest once its trailing zeros are dropped: two different decimals of at most 15 digits
never read back as the same double. Anything on a boundary (a tie between two candidates, a
candidate at exactly half a unit, ``x`` a power of two, whose lower neighbour is nearer) is
left to ``repr``. ``tests/unit/test_cli_float_text.py`` compares with ``repr`` on awkward and
random values.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

__all__ = ["float_texts"]

_POWERS = np.array([10.0**i for i in range(23)])  # exact doubles
_INT_POWERS = np.array([10**i for i in range(19)], dtype=np.int64)
#: 2**27 + 1: Veltkamp's constant, splitting a double into two halves of 26 bits.
_SPLIT = 134217729.0
#: ``repr`` writes no exponent for magnitudes in [_LOW, _HIGH).
_LOW, _HIGH = 1e-4, 1e16
_E16, _E17 = 10**16, 10**17
#: Characters of the longest text: a sign, "0.", three zeros and 17 digits.
_WIDTH = 23
#: The four digit characters of 0000 to 9999 as the bytes of one little-endian 32-bit word.
_QUAD_WORDS = (
    (
        (
            np.arange(10_000, dtype=np.uint32)[:, None]
            // np.array([1000, 100, 10, 1], dtype=np.uint32)
        )
        % 10
        + ord("0")
    )
    .astype(np.uint8)
    .view("<u4")
    .reshape(-1)
)
#: "0", ".", "-" and nothing, as one such word.
_TAIL_WORD = np.frombuffer(b"0.-\0", dtype="<u4")[0]
#: Bytes a text's characters are taken from: 20 digits, then the four of ``_TAIL_WORD``.
_SOURCE = 24


def float_texts(values: NDArray[np.float64]) -> list[str]:
    """``repr(x)`` for each value, ``""`` for NaN."""
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    out = np.full(x.size, "", dtype=object)
    rows, texts = _shortest(x)
    out[rows] = texts
    done = np.zeros(x.size, dtype=bool)
    done[rows] = True
    for k in np.flatnonzero(~done & ~np.isnan(x)).tolist():
        out[k] = repr(float(x[k]))
    result: list[str] = out.tolist()
    return result


def _two_product(
    a: NDArray[np.float64], b: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``p, e`` with ``p = fl(a * b)`` and ``p + e == a * b`` exactly (Dekker, 1971)."""
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _nearest(
    m17: NDArray[np.int64],
    delta: NDArray[np.float64],
    half: NDArray[np.float64],
    step: int,
) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]]:
    """The multiple of ``step`` nearest to ``m17 + delta`` (the exact scaled value), whether it
    reads back as the value (lies within ``half``), and whether either is in doubt."""
    rest = m17 % step
    up = (rest > step // 2) | ((rest == step // 2) & (delta > 0))
    tie = (rest == step // 2) & (delta == 0)
    candidate = m17 - rest + np.where(up, step, 0)
    distance = np.abs((candidate - m17).astype(np.float64) - delta)
    margin = 4 * np.spacing(np.maximum(distance, half))
    return candidate, distance < half - margin, tie | (np.abs(distance - half) <= margin)


@functools.lru_cache(maxsize=1024)
def _layout(sign: int, point: int, n_digits: int) -> NDArray[np.intp]:
    """Where each character of a text comes from: digit j is source byte j + 3; then come
    "0", ".", "-" and nothing (``_SOURCE`` bytes in all)."""
    zero, dot, minus, nothing = 20, 21, 22, 23
    out = np.full(_WIDTH, nothing, dtype=np.intp)
    digits = np.arange(3, 3 + n_digits, dtype=np.intp)
    if sign:
        out[0] = minus
    if point <= 0:  # 0.000ddd
        out[sign : sign + 2 - point] = zero
        out[sign + 1] = dot
        out[sign + 2 - point : sign + 2 - point + n_digits] = digits
    elif point < n_digits:  # ddd.ddd
        out[sign : sign + point] = digits[:point]
        out[sign + point] = dot
        out[sign + point + 1 : sign + n_digits + 1] = digits[point:]
    else:  # ddd000.0
        out[sign : sign + n_digits] = digits
        out[sign + n_digits : sign + point + 2] = zero
        out[sign + point] = dot
    out.flags.writeable = False  # cached: shared by every call
    return out


def _shortest(x: NDArray[np.float64]) -> tuple[NDArray[np.intp], list[str]]:
    """The rows of ``x`` whose repr it can decide, and those reprs."""
    magnitude = np.abs(x)
    rows = np.flatnonzero((magnitude >= _LOW) & (magnitude < _HIGH))
    if rows.size == 0:
        return rows, []
    a = magnitude[rows]
    scale = 16 - np.floor(np.log10(a)).astype(np.int64)  # 17 digits before the point
    power = _POWERS[scale]
    p, error = _two_product(a, power)
    sure = (p >= 1e16) & (p < 1e17)
    p = np.where(sure, p, 1e16)
    rounded = np.rint(error)
    delta = error - rounded  # exact: the value is m17 + delta
    m17 = p.astype(np.int64) + rounded.astype(np.int64)
    half = np.spacing(a) * power * 0.5  # half a unit in the last place, scaled: exact
    sure &= (np.abs(delta) != 0.5) & (np.frexp(a)[0] != 0.5) & (m17 >= _E16) & (m17 < _E17)
    c15, reads15, doubt15 = _nearest(m17, delta, half, 100)
    c16, reads16, doubt16 = _nearest(m17, delta, half, 10)
    sure &= ~doubt15 & (reads15 | ~doubt16)
    chosen = np.where(reads15, c15, np.where(reads16, c16, m17))
    # The digits without trailing zeros, how many, and where the point goes.
    width = 17 + (chosen >= _E17)
    point = width - scale
    # Only a decimal that ends in 0 has zeros to drop (the 15-digit candidate, mostly).
    digits = chosen  # a new array: changed in place
    zeros = np.zeros(digits.size, dtype=np.int64)
    ends = np.flatnonzero(digits % 10 == 0)
    if ends.size:
        tail = digits[ends]
        dropped = np.zeros(ends.size, dtype=np.int64)
        for count in (16, 8, 4, 2, 1):
            divides = tail % _INT_POWERS[count] == 0
            tail = np.where(divides, tail // _INT_POWERS[count], tail)
            dropped += divides * count
        digits[ends] = tail
        zeros[ends] = dropped
    n_digits = width - zeros
    sure &= (point > -4) & (point <= 16)
    keep = np.flatnonzero(sure)
    if keep.size == 0:
        return keep, []
    negative = x[rows[keep]] < 0
    # One layout per (sign, point, number of digits); the rows sorted by layout (a radix sort
    # of a small key), so that each layout is one slice.
    key = ((negative * 32 + (point[keep] + 4)) * 32 + n_digits[keep]).astype(np.uint16)
    order = np.argsort(key, kind="stable")
    keep = keep[order]
    key = key[order]
    rows, digits, n_digits = rows[keep], digits[keep], n_digits[keep]
    # Each row's bytes: 20 digits (three zeros, its own digits, zeros after them: four at a
    # time as one 32-bit word) and the characters a layout may use ("0", ".", "-", nothing).
    words = np.empty((rows.size, _SOURCE // 4), dtype="<u4")
    words[:, 5] = _TAIL_WORD
    rest = digits * _INT_POWERS[17 - n_digits]
    for j in (4, 3, 2, 1):
        words[:, j] = _QUAD_WORDS[rest % 10_000]
        rest //= 10_000
    words[:, 0] = _QUAD_WORDS[rest]
    source = words.view(np.uint8)
    placed = np.empty((rows.size, _WIDTH), dtype=np.uint32)  # code points
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]).tolist()
    for start, stop in zip(starts, [*starts[1:], rows.size], strict=True):
        code = int(key[start])
        layout = _layout(code // 1024, (code // 32) % 32 - 4, code % 32)
        placed[start:stop] = source[start:stop, layout]
    texts: list[str] = placed.view(f"U{_WIDTH}").reshape(-1).tolist()
    return rows, texts
