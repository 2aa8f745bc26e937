"""Options and constants of the Making Data Count XmR kernel (:mod:`specialmeasures.stats.spc`).

The defaults reproduce NHSRplotthedots 0.2.2 (``R/ptd_spc_options.R``, ``R/ptd_spc_standard.R``);
every other value is a documented deviation used by the NHS England Making Data Count tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from specialmeasures.stats.spc_icons import Direction

__all__ = [
    "LIMIT_MULTIPLIER",
    "MIN_FIX_AFTER_N_POINTS",
    "NEAR_LIMIT_MULTIPLIER",
    "SCREENING_MULTIPLIER",
    "SHORT_GROUP_THRESHOLD",
    "SpcOptions",
    "special_cause_labels",
]

#: Process limits at mean ± 2.66 × mean moving range: 2.66 = 3/d2 with d2 = 1.128, the bias
#: constant of the range of two observations (Wheeler & Chambers 1992, *Understanding
#: Statistical Process Control*, table A.2); NHSRplotthedots and the MDC Excel tool use 2.66.
LIMIT_MULTIPLIER = 2.66
#: "Close to the limits" lines at two sigma: mean ± (2/3)·2.66 × mean moving range, computed
#: as NHSRplotthedots does (``limitclose <- 2 * (limit / 3)``).
NEAR_LIMIT_MULTIPLIER = 2 * (LIMIT_MULTIPLIER / 3)
#: Moving ranges at or above 3.267 × their mean are screened out before the limits are
#: computed (one pass): 3.267 = D4 for subgroups of two, the upper range-chart limit (Nelson
#: 1982, *J Qual Technol* 14:172; Provost & Murray 2011, *The Health Care Data Guide*).
SCREENING_MULTIPLIER = 3.267
#: Groups of fewer points have "trial limits" (``getOption("ptd_spc.warning_threshold", 13)``;
#: the reference's message says 12, its code uses 13).
SHORT_GROUP_THRESHOLD = 13
#: ``fix_after_n_points`` below this is refused, as in ``ptd_spc_options``.
MIN_FIX_AFTER_N_POINTS = 12

TwoSigmaRule = Literal["reference", "mdc2023"]
ConflictRule = Literal["precedence", "improvement"]
Calendar = Literal["auto", "monthly", "regular", "none"]

_DIRECTIONS = ("increase", "decrease", "neutral")


def _choice(name: str, value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed or isinstance(value, bool) != isinstance(allowed[0], bool):
        shown = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {shown} (got {value!r})")


@dataclass(frozen=True)
class SpcOptions:
    """Validated options of an XmR analysis; the defaults reproduce NHSRplotthedots 0.2.2.

    Parameters
    ----------
    improvement_direction : {"increase", "decrease", "neutral"}
        Whether higher values are better, lower are better, or neither.
    screen_outliers : bool
        Screen moving ranges ≥ 3.267 × their mean before the limits (reference default True);
        False reproduces the MDC Excel tool.
    fix_after_n_points : int or None
        Compute mean and limits from the first n points (n ≥ 12) of each rebase group and
        apply them to the whole group; None uses every point.
    shift_length, trend_length : {6, 7}
        Points in a run on one side of the mean / in a monotone trend that signal special
        cause (reference: 7 and 7; the MDC Excel tool offers 6).
    two_sigma_rule : {"reference", "mdc2023"}
        Which points count towards "two out of three beyond two sigma": "reference" counts
        only points between 2 and 3 sigma; "mdc2023" counts every point beyond 2 sigma
        (MDC guidance from November 2023, NHSRplotthedots issue #194).
    conflict_resolution : {"precedence", "improvement"}
        When a point is flagged by rules pointing in opposite directions: "precedence" keeps
        the reference's label order (limits, trend, 2-in-3, shift); "improvement" shows
        improvement, as the MDC tools do (#194).
    warning_threshold : int
        Groups with fewer points are reported as having trial limits (reference 13).
    calendar : {"auto", "monthly", "regular", "none"}
        How the tidy entry point looks for missing dates: "monthly" counts missing months,
        "regular" counts steps longer than the smallest step of the series, "auto" picks
        monthly when every step is at least 28 days, "none" does not look.

    Examples
    --------
    >>> SpcOptions(improvement_direction="decrease").screen_outliers
    True
    >>> SpcOptions(shift_length=5)
    Traceback (most recent call last):
    ...
    ValueError: shift_length must be one of 6, 7 (got 5)
    """

    improvement_direction: Direction = "increase"
    screen_outliers: bool = True
    fix_after_n_points: int | None = None
    shift_length: int = 7
    trend_length: int = 7
    two_sigma_rule: TwoSigmaRule = "reference"
    conflict_resolution: ConflictRule = "precedence"
    warning_threshold: int = SHORT_GROUP_THRESHOLD
    calendar: Calendar = "auto"

    def __post_init__(self) -> None:
        _choice("improvement_direction", self.improvement_direction, _DIRECTIONS)
        _choice("screen_outliers", self.screen_outliers, (True, False))
        n = self.fix_after_n_points
        if n is not None and (
            isinstance(n, bool) or not isinstance(n, int | np.integer) or n < MIN_FIX_AFTER_N_POINTS
        ):
            raise ValueError(
                f"fix_after_n_points must be None or an integer >= {MIN_FIX_AFTER_N_POINTS} "
                f"(got {n!r})"
            )
        _choice("shift_length", self.shift_length, (6, 7))
        _choice("trend_length", self.trend_length, (6, 7))
        _choice("two_sigma_rule", self.two_sigma_rule, ("reference", "mdc2023"))
        _choice("conflict_resolution", self.conflict_resolution, ("precedence", "improvement"))
        w = self.warning_threshold
        if isinstance(w, bool) or not isinstance(w, int | np.integer) or w < 1:
            raise ValueError(f"warning_threshold must be a positive integer (got {w!r})")
        _choice("calendar", self.calendar, ("auto", "monthly", "regular", "none"))


def special_cause_labels(options: SpcOptions) -> tuple[str, ...]:
    """Labels of the special-cause codes, in code order (0 = common cause).

    The rule lengths appear in the labels ("7 Point Trend", "6 Points Above CL").

    Examples
    --------
    >>> special_cause_labels(SpcOptions())[:3]
    ('Common Cause', 'Above UCL', 'Below LCL')
    """
    t, s = options.trend_length, options.shift_length
    return (
        "Common Cause",
        "Above UCL",
        "Below LCL",
        f"{t} Point Trend (Increasing)",
        f"{t} Point Trend (Decreasing)",
        "2 in 3 Above CL",
        "2 in 3 Below CL",
        f"{s} Points Above CL",
        f"{s} Points Below CL",
    )
