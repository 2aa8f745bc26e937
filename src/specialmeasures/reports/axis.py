"""Round axis ticks: steps of 1, 2, 2.5 or 5 times a power of ten, so that an axis reads 70%,
75%, 80% rather than 0.7312, 0.7506; proportions are labelled as percentages."""

from __future__ import annotations

import math

__all__ = ["nice_ticks", "tick_label"]

_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float, most: int) -> float:
    """The smallest round step that covers ``span`` in at most ``most`` intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / most
    power = 10.0 ** math.floor(math.log10(raw))
    return next(s * power for s in _STEPS if s * power >= raw * (1 - 1e-9))


def nice_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round ticks from at or below ``lo`` to at or above ``hi``, at most ``most`` intervals
    (one more when rounding the ends outward needs it).

    >>> nice_ticks(0.7312, 0.8506)
    [0.72, 0.74, 0.76, 0.78, 0.8, 0.82, 0.84, 0.86]
    >>> nice_ticks(0, 8, 4)
    [0.0, 2.0, 4.0, 6.0, 8.0]
    """
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        hi = lo + (abs(lo) * 0.1 or 1.0)
    step = nice_step(hi - lo, most)
    start = math.floor(lo / step + 1e-9)
    count = math.ceil(hi / step - 1e-9) - start
    # Multiples of the step, rounded to the step's own precision (0.1 + 0.2 reads 0.3).
    decimals = max(0, 2 - math.floor(math.log10(step)))
    return [round((start + k) * step, decimals) for k in range(max(count, 1) + 1)]


def tick_label(value: float, step: float, *, percent: bool) -> str:
    """``value`` with just the decimals ``step`` needs; as a percentage when ``percent``.

    >>> tick_label(0.75, 0.05, percent=True)
    '75%'
    >>> tick_label(0.725, 0.025, percent=True)
    '72.5%'
    >>> tick_label(1500.0, 500.0, percent=False)
    '1,500'
    """
    shown, unit = (value * 100, "%") if percent else (value, "")
    shown_step = step * 100 if percent else step
    decimals = 0
    while decimals < 6 and abs(round(shown_step, decimals) - shown_step) > 1e-9:
        decimals += 1
    return f"{shown:,.{decimals}f}{unit}".replace("-0%", "0%")
