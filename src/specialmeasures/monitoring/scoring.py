"""From per-indicator findings to provider scores and priority bands, as CQC's Intelligent
Monitoring did: each applicable indicator is "no evidence of risk", "risk" (1 point) or
"elevated risk" (2 points), all indicators weigh the same, the proportion score is points over
the maximum possible (2 x applicable indicators), and bands 1 (highest priority) .. 6 (lowest)
are cut from the proportion score. Trusts in special measures are band 1 whatever their score
(applied by the watch list, which knows regime status)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from specialmeasures.monitoring.options import ELEVATED, RISK, ScreenOptions
from specialmeasures.monitoring.panel import Panel
from specialmeasures.monitoring.signals import Signals

__all__ = ["Scores", "score"]

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]

#: An indicator applies to a provider on a month when it has a value within this many months.
APPLICABLE_MONTHS = 12


@dataclass(frozen=True, eq=False)
class Scores:
    """(month, provider) arrays: risks, elevated risks, applicable scored indicators, the
    proportion score and the band computed from it (before any special-measures override)."""

    risk: IntArray
    elevated: IntArray
    applicable: IntArray
    proportion: FloatArray
    band: IntArray
    scored_series: NDArray[np.bool_]
    applicable_series: NDArray[np.bool_]  #: (month, series)


def score(panel: Panel, signals: Signals, options: ScreenOptions | None = None) -> Scores:
    """Score every provider at every screening month of ``signals``."""
    opts = options or ScreenOptions()
    n_p = len(panel.providers)
    k = signals.at.size
    category = np.array([d.category.value for d in panel.indicators])
    scored = np.isin(category[panel.series_indicator], [c.value for c in opts.scored_categories])
    neutral = np.array([d.polarity.value == "neutral" for d in panel.indicators])
    scored &= ~neutral[panel.series_indicator]
    present = ~np.isnan(panel.value)
    t = np.arange(present.shape[1])
    last = np.maximum.accumulate(np.where(present, t[None, :], -1), axis=1)[:, signals.at].T
    applicable = (last >= 0) & (last > signals.at[:, None] - APPLICABLE_MONTHS)
    level = signals.indicator_level()
    use = applicable & scored[None, :]
    codes = np.arange(k)[:, None] * n_p + panel.series_provider[None, :]

    def per_provider(mask: NDArray[np.bool_]) -> IntArray:
        counts = np.bincount(codes[mask], minlength=k * n_p)
        return counts.reshape(k, n_p).astype(np.intp)

    risk = per_provider(use & (level == RISK))
    elevated = per_provider(use & (level == ELEVATED))
    n_app = per_provider(use)
    points = risk + 2 * elevated
    proportion = np.where(n_app > 0, points / np.maximum(2 * n_app, 1), 0.0)
    cut = np.array(opts.band_cutoffs)
    band = 1 + np.sum(proportion[..., None] < cut[None, None, :], axis=-1)
    return Scores(
        risk=risk,
        elevated=elevated,
        applicable=n_app,
        proportion=proportion,
        band=band.astype(np.intp),
        scored_series=scored,
        applicable_series=applicable,
    )
