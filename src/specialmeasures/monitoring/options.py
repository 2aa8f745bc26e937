"""Options of the early-warning screen: windows, thresholds and banding, validated once."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from specialmeasures.domain import Category

__all__ = ["ELEVATED", "LEVEL_LABELS", "NO_EVIDENCE", "RISK", "ScreenOptions"]

#: Per-indicator finding, as CQC Intelligent Monitoring named them (REGIME.md section 3).
NO_EVIDENCE, RISK, ELEVATED = 0, 1, 2
LEVEL_LABELS = ("no evidence of risk", "risk", "elevated risk")

#: Two-sided funnel coverages for "risk" and "elevated risk": z = 1.96 and 3.09, the thresholds
#: of the Healthcare Commission / CQC z-scoring (Spiegelhalter 2005).
RISK_LEVEL, ELEVATED_LEVEL = 0.95, 0.998


@dataclass(frozen=True)
class ScreenOptions:
    """How the watch list screens every provider x indicator series.

    Parameters
    ----------
    spc_window : int
        Months of each XmR chart as of the screening date (the latest ``spc_window`` months).
    spc_baseline : int
        Leading months of the window whose mean and limits are fixed and applied to the rest
        (Making Data Count favours a 2-3 year baseline; NHSRplotthedots ``fix_after_n_points``).
    recent_months : int
        An SPC or CUSUM signal counts when it touches one of the latest ``recent_months`` months.
    funnel_months : int
        Months summed per provider for the funnel comparison across providers.
    cusum_rate_ratio, cusum_limit : float
        Poisson O-E CUSUM for ratio-to-expected indicators: the rate ratio to detect (R_A) and
        the decision interval h.
    z_risk, z_elevated : float
        Peer z-score thresholds for mean-type indicators (scores, times, amounts).
    scored_categories, balancing_categories : tuple of Category
        Categories in the risk score, and categories shown beside it as balancing measures.
    band_cutoffs : tuple of 5 floats
        Proportion score (points / maximum points) at or above which a provider is in band
        1, 2, 3, 4, 5; below the last it is band 6. An assumption: CQC did not publish them.
    alert_bands, concern_bands : tuple of int
        Bands that map to the early-warning fact ``ew.band`` red and amber (else green).
    """

    spc_window: int = 36
    spc_baseline: int = 24
    recent_months: int = 3
    funnel_months: int = 3
    cusum_rate_ratio: float = 1.3
    cusum_limit: float = 5.0
    z_risk: float = 1.96
    z_elevated: float = 3.09
    scored_categories: tuple[Category, ...] = (
        Category.QUALITY,
        Category.OPERATIONS,
        Category.FINANCE,
    )
    balancing_categories: tuple[Category, ...] = (Category.WORKFORCE_CULTURE,)
    band_cutoffs: tuple[float, float, float, float, float] = (0.50, 0.40, 0.30, 0.20, 0.10)
    alert_bands: tuple[int, ...] = (1, 2)
    concern_bands: tuple[int, ...] = (3, 4)

    def __post_init__(self) -> None:
        if not 12 <= self.spc_baseline < self.spc_window:
            raise ValueError(
                f"spc_baseline must be at least 12 and below spc_window={self.spc_window} "
                f"(got {self.spc_baseline})"
            )
        for name in ("recent_months", "funnel_months"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer (got {value!r})")
        if self.recent_months > self.spc_window - self.spc_baseline:
            raise ValueError("recent_months must fit after the SPC baseline")
        if not self.cusum_rate_ratio > 1:
            raise ValueError(f"cusum_rate_ratio must exceed 1 (got {self.cusum_rate_ratio})")
        if not self.cusum_limit > 0:
            raise ValueError(f"cusum_limit must be positive (got {self.cusum_limit})")
        if not 0 < self.z_risk < self.z_elevated:
            raise ValueError("z thresholds must satisfy 0 < z_risk < z_elevated")
        cut = self.band_cutoffs
        if len(cut) != 5 or any(a <= b for a, b in itertools.pairwise(cut)):
            raise ValueError(f"band_cutoffs must be 5 strictly decreasing proportions (got {cut})")
        if set(self.scored_categories) & set(self.balancing_categories):
            raise ValueError("a category cannot be both scored and balancing")

    def band_of(self, proportion: float) -> int:
        """Band 1 (highest priority) .. 6 (lowest) of a proportion score."""
        for band, cut in enumerate(self.band_cutoffs, start=1):
            if proportion >= cut:
                return band
        return 6

    def ew_band(self, band: int) -> str:
        """The CP policy's early-warning fact ``ew.band``: red, amber or green."""
        if band in self.alert_bands:
            return "red"
        if band in self.concern_bands:
            return "amber"
        return "green"
