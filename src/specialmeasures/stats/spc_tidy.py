"""Tidy entry point of the XmR kernel: one row per (facet, date) in, a frozen result out.

:func:`spc` sorts the rows by facet then date (as NHSRplotthedots ``ptd_spc()`` does), turns
rebase dates into rebase groups, looks for missing values and gaps in the calendar, calls
:func:`specialmeasures.stats.spc.spc_batch` once for all facets, and returns an
:class:`SpcResult` holding per-point arrays in sorted order, a per (facet, rebase group)
summary and per-facet icons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from specialmeasures.stats.spc import SpcBatch, SpcOptions, spc_batch
from specialmeasures.stats.spc_icons import (
    ASSURANCE_ICONS,
    ASSURANCE_TYPES,
    NO_ASSURANCE,
    POINT_TYPES,
    VARIATION_ICONS,
    assurance_codes,
)

__all__ = ["NO_FACET", "CalendarGap", "SpcResult", "SpcSummary", "spc"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
StrArray = NDArray[np.str_]
DateArray = NDArray[np.datetime64]

#: The pseudo-facet of data without a facet column (as in the reference).
NO_FACET = "no facet"
#: Steps of at least this many days make a series monthly under ``calendar="auto"``.
MONTHLY_MIN_STEP_DAYS = 28

DatesLike = ArrayLike | Sequence[date]
RebaseSpec = DatesLike | Mapping[str, Sequence[Any]] | None
TargetSpec = float | Mapping[str, float] | None


@dataclass(frozen=True)
class CalendarGap:
    """Dates missing between two consecutive points of a facet."""

    facet: str
    after: np.datetime64
    before: np.datetime64
    missing: int


@dataclass(frozen=True)
class SpcSummary:
    """One row per (facet, rebase group), in facet then date order (``summary()`` of the
    reference, plus icons, missing-value and gap counts and warnings)."""

    facet: StrArray
    rebase_group: IntArray
    mean: FloatArray
    lpl: FloatArray
    upl: FloatArray
    n: IntArray
    n_missing: IntArray
    n_gaps: IntArray
    common_cause: IntArray
    special_cause_improvement: IntArray
    special_cause_concern: IntArray
    variation_type: StrArray
    variation_icon: StrArray
    assurance_type: tuple[str | None, ...]
    assurance_icon: tuple[str | None, ...]
    warnings: tuple[tuple[str, ...], ...]

    def rows(self) -> list[dict[str, Any]]:
        """The summary as a list of plain dicts (for CSV or JSON)."""
        out = []
        for i in range(self.facet.size):
            out.append(
                {
                    "facet": str(self.facet[i]),
                    "rebase_group": int(self.rebase_group[i]),
                    "mean": float(self.mean[i]),
                    "lpl": float(self.lpl[i]),
                    "upl": float(self.upl[i]),
                    "n": int(self.n[i]),
                    "n_missing": int(self.n_missing[i]),
                    "n_gaps": int(self.n_gaps[i]),
                    "common_cause": int(self.common_cause[i]),
                    "special_cause_improvement": int(self.special_cause_improvement[i]),
                    "special_cause_concern": int(self.special_cause_concern[i]),
                    "variation_type": str(self.variation_type[i]),
                    "variation_icon": str(self.variation_icon[i]),
                    "assurance_type": self.assurance_type[i],
                    "assurance_icon": self.assurance_icon[i],
                    "warnings": "; ".join(self.warnings[i]),
                }
            )
        return out


@dataclass(frozen=True)
class SpcResult:
    """Result of :func:`spc`: rows sorted by facet then date.

    Attributes
    ----------
    batch : SpcBatch
        The kernel result (one series per facet); per-point arrays are in the sorted order.
    order : int array
        ``order[k]`` is the input row of sorted row k.
    facet, date, value : arrays (per sorted row)
    facets : str array
        The facets in sorted order (one per series of ``batch``).
    gaps : tuple of CalendarGap
        Dates missing from each facet's calendar (never filled in or flagged as special).
    """

    batch: SpcBatch
    order: IntArray
    facet: StrArray
    date: DateArray
    facets: StrArray
    gaps: tuple[CalendarGap, ...]
    gap_before: BoolArray

    @property
    def value(self) -> FloatArray:
        return self.batch.values

    @property
    def rebase_group(self) -> IntArray:
        return self.batch.rebase_group

    @property
    def short_group_warning(self) -> BoolArray:
        return np.repeat(self.batch.group_short, self.batch.group_lengths)

    @property
    def target(self) -> FloatArray:
        return np.repeat(self.batch.series_target, np.diff(self.batch.series_offsets))

    # Per-point arrays, in sorted order, straight from the batch.
    @property
    def mean(self) -> FloatArray:
        return self.batch.mean

    @property
    def lpl(self) -> FloatArray:
        return self.batch.lpl

    @property
    def upl(self) -> FloatArray:
        return self.batch.upl

    @property
    def nlpl(self) -> FloatArray:
        return self.batch.nlpl

    @property
    def nupl(self) -> FloatArray:
        return self.batch.nupl

    @property
    def missing(self) -> BoolArray:
        return self.batch.missing

    @property
    def outside_limits(self) -> BoolArray:
        return self.batch.outside_limits

    @property
    def relative_to_mean(self) -> NDArray[np.int8]:
        return self.batch.relative_to_mean

    @property
    def close_to_limits(self) -> BoolArray:
        return self.batch.close_to_limits

    @property
    def rule_trend(self) -> BoolArray:
        return self.batch.rule_trend

    @property
    def rule_two_in_three(self) -> BoolArray:
        return self.batch.rule_two_in_three

    @property
    def rule_shift(self) -> BoolArray:
        return self.batch.rule_shift

    @property
    def special_cause_type(self) -> StrArray:
        return self.batch.special_cause_type

    @property
    def special_cause_flag(self) -> BoolArray:
        return self.batch.special_cause_flag

    @property
    def point_type(self) -> StrArray:
        return self.batch.point_type

    def summary(self) -> SpcSummary:
        """Per (facet, rebase group) summary, as the reference's ``summary()`` plus icons."""
        b = self.batch
        counts = b.group_counts()
        last_type = b.group_last_point_type_code
        is_last = b.group_is_last
        assurance = np.full(b.n_groups, NO_ASSURANCE, dtype=np.int8)
        if b.has_target:
            codes = assurance_codes(
                b.series_target[b.group_series],
                b.group_lpl,
                b.group_upl,
                b.options.improvement_direction,
            )
            assurance[is_last] = codes[is_last]
        gaps = np.bincount(b.point_group[self.gap_before & ~_group_starts(b)], minlength=b.n_groups)
        short = b.group_short
        no_limits = np.isnan(b.group_lpl)
        warned = short | (b.group_missing != 0) | (gaps != 0) | no_limits
        warnings: list[tuple[str, ...]] = [()] * b.n_groups
        for g in np.flatnonzero(warned).tolist():
            w: list[str] = []
            if short[g]:
                w.append(
                    f"short group: {int(b.group_n[g])} points "
                    f"(< {b.options.warning_threshold}), trial limits"
                )
            if b.group_missing[g]:
                w.append(f"{int(b.group_missing[g])} missing values")
            if gaps[g]:
                w.append(f"{int(gaps[g])} gaps in the calendar")
            if no_limits[g]:
                w.append("no limits (fewer than two usable moving ranges)")
            warnings[g] = tuple(w)
        return SpcSummary(
            facet=self.facets[b.group_series],
            rebase_group=b.group_rebase,
            mean=b.group_mean,
            lpl=b.group_lpl,
            upl=b.group_upl,
            n=b.group_n,
            n_missing=b.group_missing,
            n_gaps=gaps.astype(np.intp),
            common_cause=counts["common_cause"],
            special_cause_improvement=counts["special_cause_improvement"],
            special_cause_concern=counts["special_cause_concern"],
            variation_type=np.asarray(POINT_TYPES)[last_type],
            variation_icon=np.asarray(VARIATION_ICONS)[b.group_variation_code],
            assurance_type=tuple(ASSURANCE_TYPES[c] if c >= 0 else None for c in assurance),
            assurance_icon=tuple(ASSURANCE_ICONS[c] if c >= 0 else None for c in assurance),
            warnings=tuple(warnings),
        )

    def icons(self) -> dict[str, tuple[str, str | None]]:
        """``{facet: (variation_icon, assurance_icon)}`` as ``ptd_get_icons()`` chooses them."""
        variation = self.batch.variation_icon
        assurance = self.batch.assurance_icon
        return {
            str(f): (str(variation[i]), assurance[i]) for i, f in enumerate(self.facets.tolist())
        }


def _codes(facet: StrArray) -> tuple[StrArray, IntArray]:
    """The distinct facets (sorted) and each row's index into them, as ``np.unique`` gives; in
    one pass, without a sort, when the rows are already sorted by facet."""
    if facet.size and bool((facet[1:] >= facet[:-1]).all()):
        change = np.empty(facet.size, dtype=bool)
        change[0] = True
        np.not_equal(facet[1:], facet[:-1], out=change[1:])
        code = np.cumsum(change, dtype=np.intp)
        code -= 1
        return facet[change], code
    keys, code = np.unique(facet, return_inverse=True)
    return keys, code.reshape(-1)


def _in_order(facet_code: IntArray, date: DateArray) -> bool:
    """Whether the rows are sorted by facet then date (as the stable sort would leave them)."""
    if facet_code.size < 2:
        return True
    step = np.diff(facet_code)
    return bool(((step > 0) | ((step == 0) & (date[1:] > date[:-1]))).all())


def _group_starts(batch: SpcBatch) -> BoolArray:
    starts = np.zeros(batch.values.size, dtype=bool)
    starts[batch.group_offsets[:-1]] = True
    return starts


def _to_dates(values: DatesLike, name: str) -> DateArray:
    try:
        dates = np.asarray(values, dtype="datetime64[D]")
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be dates (ISO text or datetime64): {error}") from None
    if np.isnat(dates).any():
        raise ValueError(f"{name} has a missing date at row {int(np.isnat(dates).argmax())}")
    return dates


def _rebase_flags(
    rebase: RebaseSpec, facet: StrArray, date: DateArray, facets: StrArray
) -> BoolArray | None:
    """Per sorted row: does a rebase group start here (the reference's ``rebase`` column)."""
    if rebase is None:
        return None
    if isinstance(rebase, Mapping):
        flags = np.zeros(facet.size, dtype=bool)
        for key, when in rebase.items():
            dates = _to_dates(np.atleast_1d(np.asarray(when)), f"rebase[{key!r}]")
            flags |= (facet == str(key)) & np.isin(date, dates)
        return flags
    raw = np.atleast_1d(np.asarray(rebase))
    if raw.dtype == bool:
        raise ValueError("rebase given per row must be passed as rebase_rows")
    # A date not present in the data does nothing, as in the reference.
    return np.isin(date, _to_dates(raw, "rebase"))


def _targets(target: TargetSpec, facets: StrArray) -> FloatArray | float | None:
    if target is None:
        return None
    if isinstance(target, Mapping):
        table = {str(k): float(v) for k, v in target.items()}
        return np.array([table.get(str(f), np.nan) for f in facets.tolist()], dtype=np.float64)
    try:
        return float(target)
    except (TypeError, ValueError):
        raise ValueError(
            f"target must be a number or a mapping of facet to number (got {target!r})"
        ) from None


def _calendar_gaps(
    facet_code: IntArray, date: DateArray, facets: StrArray, calendar: str
) -> tuple[tuple[CalendarGap, ...], BoolArray]:
    """Missing dates between consecutive points of each facet (vectorised over facets)."""
    n = date.size
    gap_before = np.zeros(n, dtype=bool)
    if calendar == "none" or n < 2:
        return (), gap_before
    same = facet_code[1:] == facet_code[:-1]
    days = np.diff(date.astype(np.int64))
    months = np.diff(date.astype("datetime64[M]").astype(np.int64))
    n_facets = facets.size
    # smallest step of each facet (facets with a single point get a huge sentinel)
    big = np.iinfo(np.int64).max
    min_step = np.full(n_facets, big, dtype=np.int64)
    np.minimum.at(min_step, facet_code[1:][same], days[same])
    step = min_step[facet_code[1:]]
    if calendar == "monthly":
        monthly = np.ones(n - 1, dtype=bool)
    elif calendar == "regular":
        monthly = np.zeros(n - 1, dtype=bool)
    else:
        monthly = step >= MONTHLY_MIN_STEP_DAYS
    with np.errstate(divide="ignore"):
        regular_missing = np.where(step > 0, days // np.maximum(step, 1) - 1, 0)
    missing = np.where(monthly, months - 1, regular_missing)
    missing = np.where(same, np.maximum(missing, 0), 0)
    where = np.flatnonzero(missing > 0)
    gap_before[where + 1] = True
    gaps = tuple(
        CalendarGap(
            facet=str(facets[facet_code[i]]),
            after=date[i],
            before=date[i + 1],
            missing=int(missing[i]),
        )
        for i in where.tolist()
    )
    return gaps, gap_before


def spc(
    values: ArrayLike,
    dates: DatesLike,
    *,
    facets: ArrayLike | None = None,
    rebase: RebaseSpec = None,
    rebase_rows: ArrayLike | None = None,
    target: TargetSpec = None,
    options: SpcOptions | None = None,
) -> SpcResult:
    """XmR charts of tidy data: one value per (facet, date), like ``ptd_spc()``.

    Parameters
    ----------
    values : array_like of float
        The measure; NaN = missing (counted and reported, never flagged).
    dates : array_like
        Dates (ISO text, ``datetime.date`` or ``datetime64``), compared at day resolution.
    facets : array_like, optional
        Facet key per row (compared as text); without it every row is in facet ``"no facet"``.
    rebase : sequence of dates, or mapping of facet to dates, optional
        Each date starts a new rebase group (in every facet, or in the given facet). Dates not
        in the data do nothing, as in the reference.
    rebase_rows : array_like of bool, optional
        Alternatively, per input row: True where a new rebase group starts.
    target : float or mapping of facet to float, optional
        Target for the assurance icon; with a mapping, facets without a target get assurance
        "inconsistent", as in the reference.
    options : SpcOptions, optional
        Defaults reproduce NHSRplotthedots 0.2.2.

    Returns
    -------
    SpcResult
        Rows sorted by facet then date; ``summary()`` and ``icons()`` give the tables.

    Raises
    ------
    ValueError
        Arrays of different lengths, unreadable or missing dates, duplicate (facet, date).

    References
    ----------
    NHSRplotthedots 0.2.2 ``ptd_spc()``, ``summary.ptd_spc_df()``, ``ptd_get_icons()``.

    Examples
    --------
    >>> import datetime as dt
    >>> days = [dt.date(2024, m, 1) for m in range(1, 13)] + [dt.date(2025, 2, 1)]
    >>> result = spc([5.0, 6, 5, 7, 6, 5, 6, 7, 5, 6, 9, 5, 6], days)
    >>> row = result.summary().rows()[0]
    >>> row["n"], row["n_gaps"], row["warnings"]
    (13, 1, '1 gaps in the calendar')
    >>> result.gaps[0].missing
    1
    """
    opts = options if options is not None else SpcOptions()
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"values must be one-dimensional (got shape {y.shape})")
    date = _to_dates(dates, "dates")
    if date.shape != y.shape:
        raise ValueError(f"dates must have one entry per value ({y.size}); got {date.size}")
    if facets is None:
        facet_in = np.full(y.size, NO_FACET)
    else:
        facet_in = np.asarray(facets).astype(str)
        if facet_in.shape != y.shape:
            raise ValueError(f"facets must have one entry per value ({y.size})")
    keys, facet_code = _codes(facet_in)
    if _in_order(facet_code, date):
        order = np.arange(y.size, dtype=np.intp)  # already sorted: nothing to move
        facet = facet_in if facet_in.dtype == keys.dtype else keys[facet_code]
    else:
        order = np.lexsort((date, facet_code)).astype(np.intp)
        facet_code = facet_code[order]
        date = date[order]
        facet = keys[facet_code]
    dup = (facet_code[1:] == facet_code[:-1]) & (date[1:] == date[:-1])
    if dup.any():
        k = int(np.flatnonzero(dup)[0])
        raise ValueError(
            f"dates: duplicate date {date[k]} in facet {str(facet[k])!r} "
            f"(rows {int(order[k])} and {int(order[k + 1])})"
        )
    if rebase is not None and rebase_rows is not None:
        raise ValueError("give rebase (dates) or rebase_rows (per row), not both")
    if rebase_rows is not None:
        row_flags = np.asarray(rebase_rows, dtype=bool)
        if row_flags.shape != y.shape:
            raise ValueError(f"rebase_rows must have one entry per value ({y.size})")
        flags: BoolArray | None = row_flags[order]
    else:
        flags = _rebase_flags(rebase, facet, date, keys)
    lengths = np.bincount(facet_code, minlength=keys.size)
    batch = spc_batch(
        y[order],
        lengths=lengths,
        rebase=flags,
        targets=_targets(target, keys),
        options=opts,
    )
    gaps, gap_before = _calendar_gaps(facet_code, date, keys, opts.calendar)
    return SpcResult(
        batch=batch,
        order=order,
        facet=facet,
        date=date,
        facets=keys,
        gaps=gaps,
        gap_before=gap_before,
    )
