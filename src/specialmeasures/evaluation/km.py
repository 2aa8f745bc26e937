"""The Kaplan-Meier estimator of a survival curve, with right censoring.

>>> curve = kaplan_meier([2, 3, 3, 5, 8], [True, True, False, True, False])
>>> [(s.time, s.at_risk, s.events, round(s.survival, 3)) for s in curve.steps]
[(2.0, 5, 1, 0.8), (3.0, 4, 1, 0.6), (5.0, 2, 1, 0.3)]
>>> curve.median
5.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["KmCurve", "KmStep", "kaplan_meier"]


@dataclass(frozen=True, slots=True)
class KmStep:
    time: float
    at_risk: int
    events: int
    survival: float
    se: float  # Greenwood's standard error


@dataclass(frozen=True, slots=True)
class KmCurve:
    n: int
    events: int
    steps: tuple[KmStep, ...]

    def at(self, time: float) -> float:
        """Survival just after ``time`` (1.0 before the first event)."""
        s = 1.0
        for step in self.steps:
            if step.time > time:
                break
            s = step.survival
        return s

    @property
    def median(self) -> float | None:
        """First time survival falls to 0.5 or below (None if it never does)."""
        return next((s.time for s in self.steps if s.survival <= 0.5), None)


def kaplan_meier(durations: Sequence[float], events: Sequence[bool]) -> KmCurve:
    """Product-limit estimate: at each event time t, S *= 1 - d/n (n at risk just before t).

    Censored times equal to an event time count as at risk at that time (the usual convention).

    References: Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457-81 (Greenwood's variance).
    """
    t = np.asarray(durations, dtype=np.float64)
    e = np.asarray(events, dtype=bool)
    if t.shape != e.shape:
        raise ValueError("durations and events: must have the same length")
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError("durations: must be finite and non-negative")
    steps = []
    s, var_sum = 1.0, 0.0
    for time in np.unique(t[e]):
        n = int((t >= time).sum())
        d = int(((t == time) & e).sum())
        s *= 1.0 - d / n
        var_sum += d / (n * (n - d)) if n > d else math.inf
        se = s * math.sqrt(var_sum) if math.isfinite(var_sum) else 0.0
        steps.append(KmStep(float(time), n, d, s, se))
    return KmCurve(int(t.size), int(e.sum()), tuple(steps))
