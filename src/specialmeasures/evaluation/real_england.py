"""The regime's statistics on the real England: every figure of ``docs/real-data.md``'s results.

On a database built from published files (ODS register, NHS England's A&E statistics, the
public SMQ record), this computes, for the A&E four-hour indicator (``ae_four_hour``):

1. **SPC against the standard**: each trust's Making Data Count XmR chart in each stretch of
   consecutive months of data (2016-2019 and 2024-2025 here), assured against the national
   standard in force at the stretch's last month.
2. **The watch list** at the end of each stretch: how many trusts in each band (counts only: the
   watch list is confidential; ``specialmeasures watchlist`` shows it to those allowed).
3. **Early warning before real SMQ entries**: for each entry of the record inside a stretch,
   whether the screen flagged the trust (alert band, before the special-measures override) in
   the 12 months before entry and in the month before, and the months from its first flag in
   that window to entry; beside it, the share of never-placed trusts (no SMQ episode in the
   record) flagged over the same months: the chance level. An entry whose date is known only to
   the year, or with fewer than 12 months of data before it, is reported as too little to tell.
4. **Interrupted time series** of each entrant's four-hour performance around entry
   (``evaluation.impact.interrupted_time_series``: segmented OLS, HAC errors, 12 months before to
   24 after), with its interval; too few months either side is reported as such.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from specialmeasures.domain import InputError, Regime, RegimeEpisode
from specialmeasures.domain.standard import standard_in_force
from specialmeasures.evaluation.impact import interrupted_time_series
from specialmeasures.evaluation.panel import build_panel
from specialmeasures.monitoring.options import ScreenOptions
from specialmeasures.monitoring.panel import Panel, load_panel, month_number
from specialmeasures.monitoring.scoring import score
from specialmeasures.monitoring.signals import compute_signals
from specialmeasures.register.standards import standards_of
from specialmeasures.stats import SpcOptions, spc
from specialmeasures.store import Repository

__all__ = [
    "INDICATOR",
    "LOOKBACK_MONTHS",
    "EntryWarning",
    "RealEnglandReport",
    "Stretch",
    "real_england_report",
]

INDICATOR = "ae_four_hour"
#: The series the early-warning screen reads here: the A&E indicators only, which is all a real
#: database holds; on the synthetic country this makes its figures comparable with the real ones.
SCREENED = ("ae_four_hour", "ae_four_hour_type1")
#: Months before entry in which a flag counts as an early warning of it.
LOOKBACK_MONTHS = 12
#: The ITS window (months relative to entry) and the fewest months needed each side.
ITS_WINDOW = (-12, 24)
ITS_MIN_MONTHS = 6
#: Date precisions too coarse to place an entry in a month.
COARSE_PRECISIONS = ("year",)
#: The screen's SPC baseline (``ScreenOptions.spc_baseline`` by default): entries with less
#: history before them are screened on shorter charts, and the report says so.
SCREEN_BASELINE_MONTHS = ScreenOptions().spc_baseline


@dataclass(frozen=True, slots=True)
class Stretch:
    """Consecutive months with data: the first and last month (first days)."""

    first: date
    last: date

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m} to {self.last:%Y-%m}"


@dataclass(frozen=True, slots=True)
class EntryWarning:
    provider_code: str
    provider_name: str
    entry: date
    precision: str
    months_of_data_before: int
    flagged_in_lookback: bool | None
    flagged_month_before: bool | None
    first_flag_months_before: int | None
    never_placed_flagged_in_lookback: float | None
    never_placed_flagged_month_before: float | None
    never_placed_trusts: int
    verdict: str
    its: dict[str, Any] | None = None
    its_verdict: str = ""


@dataclass(frozen=True)
class RealEnglandReport:
    stretches: tuple[Stretch, ...]
    spc_rows: tuple[dict[str, Any], ...]
    spc_counts: dict[str, dict[str, dict[str, int]]]
    watchlist_bands: dict[str, dict[str, int]]
    entries: tuple[EntryWarning, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    label: str = ""

    def summary(self) -> dict[str, Any]:
        """The entries' figures in a few numbers: how many could be assessed, how many were
        flagged before entry against the chance level, and the ITS level changes."""
        told = [e for e in self.entries if e.flagged_in_lookback is not None]
        flagged = [e for e in told if e.flagged_in_lookback]
        chance = [e.never_placed_flagged_in_lookback for e in told]
        leads = sorted(e.first_flag_months_before for e in flagged if e.first_flag_months_before)
        its = [e.its["relative_to_england"]["level_change"] for e in self.entries if e.its]
        return {
            "entries": len(self.entries),
            "entries_assessed": len(told),
            "flagged_in_12_months_before": len(flagged),
            "median_first_flag_months_before": float(np.median(leads)) if leads else None,
            "never_placed_flagged_in_12_months_before_mean": (
                float(np.mean([c for c in chance if c is not None])) if told else None
            ),
            "its_assessed": len(its),
            "its_level_change_mean": float(np.mean([c["estimate"] for c in its])) if its else None,
            "its_interval_above_zero": sum(1 for c in its if c["ci_low"] > 0),
            "its_interval_below_zero": sum(1 for c in its if c["ci_high"] < 0),
        }

    def document(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "summary": self.summary(),
            "indicator": INDICATOR,
            "stretches": [
                {"first": f"{s.first:%Y-%m}", "last": f"{s.last:%Y-%m}"} for s in self.stretches
            ],
            "spc_counts": self.spc_counts,
            "spc": list(self.spc_rows),
            "watchlist_bands": self.watchlist_bands,
            "early_warning": [
                {
                    "provider_code": e.provider_code,
                    "provider_name": e.provider_name,
                    "entry": e.entry.isoformat(),
                    "precision": e.precision,
                    "months_of_data_before": e.months_of_data_before,
                    "flagged_in_12_months_before": e.flagged_in_lookback,
                    "flagged_month_before": e.flagged_month_before,
                    "first_flag_months_before": e.first_flag_months_before,
                    "never_placed_flagged_in_12_months_before": e.never_placed_flagged_in_lookback,
                    "never_placed_flagged_month_before": e.never_placed_flagged_month_before,
                    "never_placed_trusts": e.never_placed_trusts,
                    "verdict": e.verdict,
                    "its": e.its,
                    "its_verdict": e.its_verdict,
                }
                for e in self.entries
            ],
            "notes": list(self.notes),
        }


def _only(panel: Panel, ids: tuple[str, ...]) -> Panel:
    """The panel's series of these indicators only (the rest dropped, indices kept)."""
    wanted = np.array([d.id in ids for d in panel.indicators])
    keep = wanted[panel.series_indicator]
    return replace(
        panel,
        series_provider=panel.series_provider[keep],
        series_indicator=panel.series_indicator[keep],
        value=panel.value[keep],
        numerator=panel.numerator[keep],
        denominator=panel.denominator[keep],
        expected=panel.expected[keep],
    )


def _stretches(months: list[date]) -> list[Stretch]:
    out: list[Stretch] = []
    for m in sorted(months):
        if out and month_number(m) - month_number(out[-1].last) == 1:
            out[-1] = Stretch(out[-1].first, m)
        else:
            out.append(Stretch(m, m))
    return out


def _spc_of_trusts(
    repository: Repository, stretches: list[Stretch], names: dict[str, str]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, dict[str, int]]]]:
    from sqlalchemy import select

    from specialmeasures.store.tables import observations

    query = (
        select(observations.c.provider_code, observations.c.period, observations.c.value)
        .where(observations.c.indicator_id == INDICATOR)
        .order_by(observations.c.provider_code, observations.c.period)
    )
    with repository.engine.connect() as conn:
        rows = conn.execute(query).all()
    standards = standards_of(repository, [INDICATOR]).get(INDICATOR, [])
    out: list[dict[str, Any]] = []
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for s in stretches:
        inside = [r for r in rows if s.first <= r[1] <= s.last]
        if not inside:
            continue
        standard = standard_in_force(standards, s.last)
        result = spc(
            [r[2] for r in inside],
            [r[1] for r in inside],
            facets=[r[0] for r in inside],
            target=None if standard is None else standard.threshold,
            options=SpcOptions(improvement_direction="increase"),
        )
        icons = result.icons()
        summary = {row["facet"]: row for row in result.summary().rows()}
        variation: dict[str, int] = defaultdict(int)
        assurance: dict[str, int] = defaultdict(int)
        for code, (v, a) in sorted(icons.items()):
            row = summary[code]
            mask = result.facet == code
            variation[str(v)] += 1
            assurance[str(a)] += 1
            out.append(
                {
                    "stretch": s.label,
                    "provider_code": code,
                    "provider_name": names.get(code, code),
                    "n": int(mask.sum()),
                    "mean": float(row["mean"]),
                    "lower_process_limit": float(row["lpl"]),
                    "upper_process_limit": float(row["upl"]),
                    "latest": float(result.value[mask][-1]),
                    "standard": None if standard is None else standard.threshold,
                    "standard_name": None if standard is None else standard.name,
                    "variation": v,
                    "assurance": a,
                }
            )
        counts[s.label] = {
            "trusts": {"n": len(icons)},
            "variation": dict(sorted(variation.items())),
            "assurance": dict(sorted(assurance.items())),
        }
    return out, counts


def _entries(repository: Repository) -> list[tuple[RegimeEpisode, str]]:
    """Every SMQ episode start with its date precision (``month`` unless the store says)."""
    precision = _precisions(repository)
    return [
        (e, precision.get((e.provider_code, e.start), "month"))
        for e in repository.episodes(regime=Regime.SMQ)
    ]


def _precisions(repository: Repository) -> dict[tuple[str, date], str]:
    """Date precision of SMQ episode starts where the store records it (the public record's
    episodes, table ``public_record_episodes``, when the register import is present)."""
    from sqlalchemy import select

    from specialmeasures.store.tables import metadata, regime_episodes

    table = metadata.tables.get("public_record_episodes")
    if table is None:
        return {}
    query = select(
        regime_episodes.c.provider_code, regime_episodes.c.start_date, table.c.start_precision
    ).join(table, table.c.episode_id == regime_episodes.c.id)
    with repository.engine.connect() as conn:
        return {(c, d): str(p) for c, d, p in conn.execute(query)}


def real_england_report(
    repository: Repository, options: ScreenOptions | None = None
) -> RealEnglandReport:
    """Compute every figure; see the module docstring."""
    opts = options or ScreenOptions()
    panel = load_panel(repository)
    if panel.months.size == 0:
        raise InputError("no indicator data: import the register and A&E files first")
    ind = next((k for k, d in enumerate(panel.indicators) if d.id == INDICATOR), None)
    if ind is None:
        raise InputError(f"no {INDICATOR} data: import A&E files after the register")
    panel = _only(panel, SCREENED)
    names = {p.code: p.name for p in panel.providers}
    have = ~np.isnan(panel.value[panel.series_indicator == ind]).all(axis=0)
    data_months = [panel.month_date(int(t)) for t in np.flatnonzero(have)]
    stretches = _stretches(data_months)
    spc_rows, spc_counts = _spc_of_trusts(repository, stretches, names)

    at = np.flatnonzero(have)
    scores = score(panel, compute_signals(panel, at, opts), opts)
    flagged = np.isin(scores.band, list(opts.alert_bands))  # (screened month, provider)
    applicable = scores.applicable > 0
    row_of = {int(t): k for k, t in enumerate(at)}
    bands: dict[str, dict[str, int]] = {}
    for s in stretches:
        k = row_of[panel.month_index(s.last)]
        present = applicable[k]
        counted = np.bincount(scores.band[k][present], minlength=7)
        bands[s.label] = {f"band {b}": int(counted[b]) for b in range(1, 7)}
        bands[s.label]["trusts screened"] = int(present.sum())

    entries = _entries(repository)
    ever = {e.provider_code for e, _ in entries}
    code_index = {p.code: i for i, p in enumerate(panel.providers)}
    never = np.array([p.code not in ever for p in panel.providers])
    warnings: list[EntryWarning] = []
    for episode, precision in sorted(entries, key=lambda x: (x[0].start, x[0].provider_code)):
        month = episode.start.replace(day=1)
        stretch = next((s for s in stretches if s.first <= month <= s.last), None)
        if stretch is None:
            continue
        warnings.append(
            _warning(
                repository,
                panel,
                episode,
                precision,
                stretch,
                flagged,
                applicable,
                row_of,
                code_index,
                never,
                names,
                ind,
            )
        )
    notes = (
        f"Screen options: SPC window {opts.spc_window} months (baseline {opts.spc_baseline}); "
        f"a trust is flagged when its band is {', '.join(map(str, opts.alert_bands))}.",
        "The screen reads the A&E four-hour series only (all types and type 1: all a real "
        "database holds), even where other indicators are present.",
    )
    meta = repository.meta()
    label = (
        "synthetic demonstration data"
        if meta.get("synthetic") == "true"
        else meta.get("label") or "published data"
    )
    return RealEnglandReport(
        label=label,
        stretches=tuple(stretches),
        spc_rows=tuple(spc_rows),
        spc_counts=spc_counts,
        watchlist_bands=bands,
        entries=tuple(warnings),
        notes=notes,
    )


def _warning(
    repository: Repository,
    panel: Any,
    episode: RegimeEpisode,
    precision: str,
    stretch: Stretch,
    flagged: np.ndarray[Any, Any],
    applicable: np.ndarray[Any, Any],
    row_of: dict[int, int],
    code_index: dict[str, int],
    never: np.ndarray[Any, Any],
    names: dict[str, str],
    ind: int,
) -> EntryWarning:
    code = episode.provider_code
    entry_month = episode.start.replace(day=1)
    k = panel.month_index(entry_month)
    before = [t for t in range(k - LOOKBACK_MONTHS, k) if t in row_of]
    history = month_number(entry_month) - month_number(stretch.first)
    p = code_index.get(code)
    flagged_any: bool | None = None
    month_before: bool | None = None
    first: int | None = None
    pool_any: float | None = None
    pool_month: float | None = None
    pool_size = 0
    if any(precision.startswith(c) for c in COARSE_PRECISIONS):
        its: dict[str, Any] | None = None
        its_verdict = verdict = "too little to tell: the entry date is known only to the year"
    elif p is None or len(before) < LOOKBACK_MONTHS:
        its, its_verdict = _its(repository, panel, episode, ind)
        why = (
            "the trust has no A&E data"
            if p is None
            else f"only {len(before)} of the {LOOKBACK_MONTHS} months before entry have data"
        )
        verdict = f"too little to tell: {why}"
    else:
        its, its_verdict = _its(repository, panel, episode, ind)
        rows = [row_of[t] for t in before]
        window = flagged[rows][:, p]
        hits = np.flatnonzero(window)
        pool = never & applicable[rows].any(axis=0)
        pool[p] = False
        pool_size = int(pool.sum())
        if pool.any():
            pool_any = float(flagged[rows][:, pool].any(axis=0).mean())
        pool_last = pool & applicable[rows[-1]]
        if pool_last.any():
            pool_month = float(flagged[rows[-1], pool_last].mean())
        flagged_any = bool(hits.size)
        month_before = bool(window[-1])
        first = LOOKBACK_MONTHS - int(hits[0]) if hits.size else None
        caveat = (
            f" (the screen had {history} months of history, short of its "
            f"{SCREEN_BASELINE_MONTHS}-month baseline)"
            if history < SCREEN_BASELINE_MONTHS
            else ""
        )
        verdict = (
            f"flagged {first} months before entry{caveat}"
            if flagged_any
            else f"not flagged in the {LOOKBACK_MONTHS} months before entry{caveat}"
        )
    return EntryWarning(
        provider_code=code,
        provider_name=names.get(code, code),
        entry=episode.start,
        precision=precision,
        months_of_data_before=history,
        flagged_in_lookback=flagged_any,
        flagged_month_before=month_before,
        first_flag_months_before=first,
        never_placed_flagged_in_lookback=pool_any,
        never_placed_flagged_month_before=pool_month,
        never_placed_trusts=pool_size,
        verdict=verdict,
        its=its,
        its_verdict=its_verdict,
    )


def _national(repository: Repository, panel: Any) -> np.ndarray[Any, Any]:
    """England's four-hour share on the panel's months (NaN where none), every reporting
    organisation included."""
    from specialmeasures.register.observation_series import observation_series

    out = np.full(panel.months.size, np.nan)
    for row in observation_series(repository, INDICATOR, national=True):
        t = panel.month_index(row.period)
        if 0 <= t < out.size:
            out[t] = row.value
    return out


def _its(
    repository: Repository, panel: Any, episode: RegimeEpisode, ind: int
) -> tuple[dict[str, Any] | None, str]:
    """The ITS of the trust's share relative to England's (trust minus England, which takes out
    the seasonal and national pattern all trusts share), and of its raw share beside it."""
    code = episode.provider_code
    p = next((i for i, x in enumerate(panel.providers) if x.code == code), -1)
    series = np.flatnonzero((panel.series_indicator == ind) & (panel.series_provider == p))
    if series.size == 0:
        return None, "too little data to tell: the trust has no A&E data"
    values = panel.value[series[0]]
    england = _national(repository, panel)
    out: dict[str, Any] = {}
    for name, y in (("relative_to_england", values - england), ("raw", values)):
        keep = np.flatnonzero(~np.isnan(y))
        if keep.size == 0:
            return None, "too little data to tell: the trust has no A&E data"
        its_panel = build_panel(
            INDICATOR, "entry", panel.month_date(0), np.array([code] * keep.size, dtype=object),
            keep.astype(np.int64), y[keep], [episode],
        )  # fmt: skip
        try:
            out[name] = interrupted_time_series(
                its_panel, code, ITS_WINDOW, min_months=ITS_MIN_MONTHS
            ).document()
        except InputError as error:
            return None, f"too little data to tell: {error}"
    level = out["relative_to_england"]["level_change"]
    raw = out["raw"]["level_change"]
    verdict = (
        f"level change relative to England {level['estimate'] * 100:+.1f} points "
        f"({level['ci_low'] * 100:+.1f} to {level['ci_high'] * 100:+.1f}); "
        f"raw {raw['estimate'] * 100:+.1f} ({raw['ci_low'] * 100:+.1f} to "
        f"{raw['ci_high'] * 100:+.1f})"
    )
    return out, verdict
