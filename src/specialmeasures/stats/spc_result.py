"""The result of the XmR kernel: many charts held in flat arrays (:class:`SpcBatch`).

Codes rather than strings are stored per point, so a million series need no Python objects;
the properties turn them into the reference's labels on demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from specialmeasures.stats.spc_icons import (
    ASSURANCE_ICONS,
    ASSURANCE_TYPES,
    POINT_TYPES,
    VARIATION_ICONS,
    variation_icon_codes,
)
from specialmeasures.stats.spc_options import SpcOptions, special_cause_labels

__all__ = ["SpcBatch"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
Int8Array = NDArray[np.int8]
StrArray = NDArray[np.str_]


@dataclass(frozen=True)
class SpcBatch:
    """Result of :func:`spc_batch`: many XmR charts held in flat arrays.

    Points of all series are stored back to back in series order (``series_offsets``); each
    series is cut into groups (``group_offsets``), one per rebase group. Per-point arrays have
    one entry per point, per-group arrays one per group, per-series arrays one per series.

    Attributes
    ----------
    options : SpcOptions
    values : float array
        The input values (NaN = missing).
    series_offsets, group_offsets : int arrays
        Point ``series_offsets[s]`` is the first of series s (length S + 1; likewise groups).
    group_series : int array
        Series of each group.
    group_rebase : int array
        The reference's ``rebase_group`` (cumulative count of rebase flags within the series).
    group_mean, group_amr, group_lpl, group_upl, group_nlpl, group_nupl : float arrays
        Centre line, mean moving range (after screening), process and near-limit lines.
    group_n, group_missing : int arrays
        Points and missing values per group.
    missing, outside_limits, close_to_limits : bool arrays (per point)
    relative_to_mean : int8 array (per point)
        +1 above, -1 below, 0 on the centre line or missing.
    rule_trend, rule_two_in_three, rule_shift : bool arrays (per point)
        The point is part of a trend / a qualifying 2-in-3 / a shift (``outside_limits`` is
        the astronomical-point rule).
    special_cause_code, point_type_code : int8 arrays (per point)
        Codes into :attr:`special_cause_labels` and ``POINT_TYPES``.
    series_target : float array
        Target per series (NaN = none).
    series_variation_code, series_assurance_code : int8 arrays
        Codes into ``VARIATION_ICONS`` and ``ASSURANCE_ICONS`` (-1 = no assurance).
    """

    options: SpcOptions
    values: FloatArray
    series_offsets: IntArray
    group_offsets: IntArray
    group_series: IntArray
    group_rebase: IntArray
    group_mean: FloatArray
    group_amr: FloatArray
    group_lpl: FloatArray
    group_upl: FloatArray
    group_nlpl: FloatArray
    group_nupl: FloatArray
    group_n: IntArray
    group_missing: IntArray
    missing: BoolArray
    outside_limits: BoolArray
    close_to_limits: BoolArray
    relative_to_mean: Int8Array
    rule_trend: BoolArray
    rule_two_in_three: BoolArray
    rule_shift: BoolArray
    special_cause_code: Int8Array
    point_type_code: Int8Array
    series_target: FloatArray
    series_variation_code: Int8Array
    series_assurance_code: Int8Array
    has_target: bool

    # -- sizes -------------------------------------------------------------------------------
    @property
    def n_series(self) -> int:
        return int(self.series_offsets.size - 1)

    @property
    def n_groups(self) -> int:
        return int(self.group_offsets.size - 1)

    @property
    def group_lengths(self) -> IntArray:
        return np.diff(self.group_offsets)

    @property
    def point_group(self) -> IntArray:
        """Group index of every point."""
        return np.repeat(np.arange(self.n_groups), self.group_lengths)

    def _per_point(self, per_group: FloatArray) -> FloatArray:
        return np.repeat(per_group, self.group_lengths)

    # -- per-point views of the group lines --------------------------------------------------
    @property
    def mean(self) -> FloatArray:
        return self._per_point(self.group_mean)

    @property
    def lpl(self) -> FloatArray:
        return self._per_point(self.group_lpl)

    @property
    def upl(self) -> FloatArray:
        return self._per_point(self.group_upl)

    @property
    def nlpl(self) -> FloatArray:
        return self._per_point(self.group_nlpl)

    @property
    def nupl(self) -> FloatArray:
        return self._per_point(self.group_nupl)

    @property
    def special_cause_flag(self) -> BoolArray:
        return np.asarray(self.special_cause_code != 0)

    @property
    def rebase_group(self) -> IntArray:
        """The reference's ``rebase_group`` of every point."""
        return np.repeat(self.group_rebase, self.group_lengths)

    # -- labels ------------------------------------------------------------------------------
    @property
    def special_cause_labels(self) -> tuple[str, ...]:
        return special_cause_labels(self.options)

    @property
    def special_cause_type(self) -> StrArray:
        """``special_cause_type`` label of every point (builds strings: avoid for huge batches)."""
        return np.asarray(self.special_cause_labels)[self.special_cause_code]

    @property
    def point_type(self) -> StrArray:
        return np.asarray(POINT_TYPES)[self.point_type_code]

    @property
    def group_short(self) -> BoolArray:
        """Groups with fewer points than ``warning_threshold`` (trial limits)."""
        return self.group_n < self.options.warning_threshold

    @property
    def group_last_point_type_code(self) -> Int8Array:
        """Point type of each group's last point (``summary()``'s ``variation_type``)."""
        return self.point_type_code[self.group_offsets[1:] - 1]

    @property
    def group_variation_code(self) -> Int8Array:
        return variation_icon_codes(
            self.group_last_point_type_code, self.options.improvement_direction
        )

    def group_counts(self) -> dict[str, IntArray]:
        """Per-group counts: common cause, improvement, concern (as ``summary()``)."""
        g = self.point_group
        n = self.n_groups
        special = np.bincount(g, weights=self.special_cause_flag, minlength=n)
        improvement = np.bincount(g, weights=self.point_type_code == 1, minlength=n)
        concern = np.bincount(g, weights=self.point_type_code == 2, minlength=n)
        return {
            "common_cause": (self.group_n - special).astype(np.intp),
            "special_cause_improvement": improvement.astype(np.intp),
            "special_cause_concern": concern.astype(np.intp),
        }

    @property
    def group_is_last(self) -> BoolArray:
        """Whether each group is the last (latest) group of its series."""
        last = np.zeros(self.n_groups, dtype=bool)
        if self.n_groups:
            last[:-1] = self.group_series[1:] != self.group_series[:-1]
            last[-1] = True
        return last

    @property
    def variation_icon(self) -> StrArray:
        """Variation icon per series (from the series' latest point)."""
        return np.asarray(VARIATION_ICONS)[self.series_variation_code]

    @property
    def assurance_icon(self) -> NDArray[np.object_]:
        """Assurance icon per series, None when there is no target or direction is neutral."""
        table = np.array([*ASSURANCE_ICONS, None], dtype=object)
        return table[self.series_assurance_code]

    @property
    def assurance_type(self) -> NDArray[np.object_]:
        table = np.array([*ASSURANCE_TYPES, None], dtype=object)
        return table[self.series_assurance_code]
