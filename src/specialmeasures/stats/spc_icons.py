"""Point types, variation icons and assurance icons of Making Data Count XmR charts.

Everything is coded as small integers so that a million series need no Python strings; the
label tuples below turn codes into the names NHSRplotthedots 0.2.2 uses
(``R/ptd_calculate_point_type.R``, ``R/geom_ptd_icon.R``, ``R/ptd_calculate_assurance_type.R``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ASSURANCE_ICONS",
    "ASSURANCE_TYPES",
    "POINT_TYPES",
    "VARIATION_ICONS",
    "assurance_codes",
    "direction_sign",
    "variation_icon_codes",
]

Direction = Literal["increase", "decrease", "neutral"]
FloatArray = NDArray[np.float64]
Int8Array = NDArray[np.int8]

#: ``point_type`` labels, indexed by code.
POINT_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
COMMON, IMPROVEMENT, CONCERN, NEUTRAL_HIGH, NEUTRAL_LOW = range(5)

#: Variation icons (file stems of ``inst/icons/variation/`` in NHSRplotthedots and of the MDC
#: icon set), indexed by code.
VARIATION_ICONS: tuple[str, ...] = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)

#: Assurance types as ``summary()`` reports them and the matching icons; code -1 = none.
ASSURANCE_TYPES: tuple[str, ...] = ("consistent_pass", "consistent_fail", "inconsistent")
ASSURANCE_ICONS: tuple[str, ...] = ("pass", "fail", "inconsistent")
PASS, FAIL, INCONSISTENT = range(3)
NO_ASSURANCE = -1


def direction_sign(direction: Direction) -> int:
    """+1 when higher values are better, -1 when lower are better, 0 for neutral."""
    return {"increase": 1, "decrease": -1, "neutral": 0}[direction]


def variation_icon_codes(point_type: Int8Array, direction: Direction) -> Int8Array:
    """Variation icon codes (into :data:`VARIATION_ICONS`) for point-type codes.

    The icon of a chart is chosen from the point type of its latest point only.

    Parameters
    ----------
    point_type : int8 array
        Codes into :data:`POINT_TYPES`.
    direction : {"increase", "decrease", "neutral"}
        Improvement direction of the chart.

    Returns
    -------
    int8 array
        Improvement is ``improvement_high`` when higher is better and ``improvement_low``
        otherwise; concern is ``concern_low`` when higher is better and ``concern_high``
        otherwise; neutral points give ``neutral_high`` / ``neutral_low``.

    References
    ----------
    NHSRplotthedots 0.2.2 ``ptd_get_icons`` (R/geom_ptd_icon.R); NHS England, Making Data Count
    icon set.

    Examples
    --------
    >>> codes = variation_icon_codes(np.array([0, 1, 2], dtype=np.int8), "decrease")
    >>> [VARIATION_ICONS[c] for c in codes]
    ['common_cause', 'improvement_low', 'concern_high']
    """
    up = direction == "increase"
    table = np.array(
        [
            0,
            1 if up else 2,  # improvement
            4 if up else 3,  # concern
            5,
            6,
        ],
        dtype=np.int8,
    )
    return table[point_type]


def assurance_codes(
    target: FloatArray, lpl: FloatArray, upl: FloatArray, direction: Direction
) -> Int8Array:
    """Assurance codes (into :data:`ASSURANCE_TYPES`, -1 = none) for a target and limits.

    Parameters
    ----------
    target, lpl, upl : float arrays
        Target and the process limits of the latest rebase group of each chart.
    direction : {"increase", "decrease", "neutral"}
        Improvement direction; neutral charts get no assurance (-1).

    Returns
    -------
    int8 array
        Target above the upper limit: fail when higher is better, pass otherwise; below the
        lower limit: the reverse; otherwise (including equality and any missing value, as in
        the reference) ``inconsistent``.

    References
    ----------
    NHSRplotthedots 0.2.2 ``ptd_calculate_assurance_type`` (R/ptd_calculate_assurance_type.R).

    Examples
    --------
    >>> one = np.array([1.0])
    >>> codes = assurance_codes(np.array([4.0]), one, 3 * one, "increase")
    >>> ASSURANCE_TYPES[codes[0]]
    'consistent_fail'
    """
    out = np.full(np.shape(target), INCONSISTENT, dtype=np.int8)
    if direction == "neutral":
        out[...] = NO_ASSURANCE
        return out
    up = direction == "increase"
    with np.errstate(invalid="ignore"):
        above = target > upl
        below = (target < lpl) & ~above
    out[above] = FAIL if up else PASS
    out[below] = PASS if up else FAIL
    return out
