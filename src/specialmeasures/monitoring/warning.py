"""Does a watch-list flag warn of special measures more often than chance?

"31 of 31 entries flagged beforehand" means little until it is set beside how often a trust
that was never placed is flagged in the same months: a screen that flags a fifth of all trusts
at any time "warns" of a fifth of entries by chance alone. For each SMQ entry this module asks
whether the trust was flagged in the ``LEAD_WINDOW_MONTHS`` before it, and, as the chance
level, what share of never-placed trusts were flagged in the same months (the entry's flags
"borrowed" from every other trust that was never in a regime). It also asks the question a
regulator reading the list asks: of the flags that start (a provider's first flagged month
after an unflagged one, outside any SMQ stay, with ``LEAD_WINDOW_MONTHS`` of follow-up in the
data), what share are followed by SMQ entry within that window (the positive predictive value).

``measure_warning`` works on any screened panel, synthetic or real; ``validate_world`` runs it
on countries generated in a ``World`` (``demo.world``), one per seed, beside the latent-truth
report of ``monitoring.validation``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from specialmeasures.monitoring.options import ScreenOptions
from specialmeasures.monitoring.panel import Panel, month_number
from specialmeasures.monitoring.validation import (
    LEAD_WINDOW_MONTHS,
    Spell,
    ValidationReport,
    report_flags,
    screen_flags,
)

__all__ = [
    "DECISION_GAP_MONTHS",
    "Entry",
    "WarningMeasures",
    "measure_warning",
    "validate_store_warning",
    "validate_world",
]

#: Months before entry that do not count as warning: the inspection that triggered an entry was
#: typically published 0-3 weeks and carried out 2-3 months before it, so a flag in the last
#: three months saw what the inspectors had already seen.
DECISION_GAP_MONTHS = 3


@dataclass(frozen=True, slots=True)
class Entry:
    """An SMQ entry: the trust, the day, and whether it came straight in (not from the CP
    list, whose trusts were under watch before they entered)."""

    provider_code: str
    day: date
    direct: bool


@dataclass(frozen=True, slots=True)
class WarningMeasures:
    """Counts of one screened panel (sum them over countries to pool)."""

    entries: int
    entries_flagged: int
    chance_flagged: float  #: expected entries flagged if each borrowed a never-placed trust's flags
    direct_entries: int
    direct_flagged: int
    direct_chance_flagged: float
    onsets: int
    onsets_followed: int
    lead_months: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        def share(a: float, b: int) -> float:
            return a / b if b else math.nan

        return {
            "entries": self.entries,
            "entries_flagged_before": self.entries_flagged,
            "sensitivity": share(self.entries_flagged, self.entries),
            "chance_level": share(self.chance_flagged, self.entries),
            "direct_entries": self.direct_entries,
            "direct_flagged_before": self.direct_flagged,
            "direct_sensitivity": share(self.direct_flagged, self.direct_entries),
            "direct_chance_level": share(self.direct_chance_flagged, self.direct_entries),
            "flag_onsets": self.onsets,
            "onsets_followed_by_entry": self.onsets_followed,
            "ppv": share(self.onsets_followed, self.onsets),
            "median_lead_months": float(np.median(self.lead_months))
            if self.lead_months
            else math.nan,
        }


def measure_warning(
    panel: Panel,
    first: int,
    flagged: NDArray[np.bool_],
    entries: Sequence[Entry],
    never_placed: set[str],
    smq_stays: Sequence[tuple[str, date, date | None]] = (),
    window: int = LEAD_WINDOW_MONTHS,
    gap: int = DECISION_GAP_MONTHS,
) -> WarningMeasures:
    """Sensitivity, chance level and PPV of the flags ``flagged`` (month, provider) screened
    from panel month ``first`` (see the module docstring). A flag warns of an entry in month
    ``k`` when it falls in months ``k - window`` to ``k - gap - 1``."""
    base = month_number(panel.months[0]) + first
    months, _ = flagged.shape
    index = {p.code: i for i, p in enumerate(panel.providers)}
    never = np.array([p.code in never_placed for p in panel.providers], dtype=bool)
    # A provider with no data is never flagged; leave such providers out of the chance level.
    never &= _has_data(panel)
    counts = {"all": [0, 0], "direct": [0, 0]}
    chances = {"all": 0.0, "direct": 0.0}
    leads: list[int] = []
    for entry in entries:
        p = index.get(entry.provider_code)
        k = month_number(entry.day) - base
        if p is None or not 0 <= k < months:
            continue
        lo, hi = max(0, k - window), max(0, k - gap)
        was = bool(flagged[lo:hi, p].any())
        chance = float(flagged[lo:hi][:, never].any(axis=0).mean()) if never.any() else math.nan
        for key in ("all", "direct") if entry.direct else ("all",):
            counts[key][0] += 1
            counts[key][1] += was
            chances[key] += chance
        if was:
            leads.append(k - (lo + int(np.flatnonzero(flagged[lo:hi, p])[0])))
    in_stay = np.zeros_like(flagged)
    entry_months: dict[int, list[int]] = {}
    for code, start, end in smq_stays:
        p = index.get(code)
        if p is None:
            continue
        k0 = max(0, month_number(start) - base)
        k1 = months if end is None else min(months, month_number(end) - base + 1)
        in_stay[k0:k1, p] = True
        entry_months.setdefault(p, []).append(month_number(start) - base)
    onset = flagged & ~np.vstack([np.zeros((1, flagged.shape[1]), bool), flagged[:-1]])
    onset &= ~in_stay
    onset[months - window :] = False  # too little follow-up to know
    onsets = np.argwhere(onset)
    followed = sum(
        any(0 < e - k <= window for e in entry_months.get(int(p), ())) for k, p in onsets
    )
    return WarningMeasures(
        entries=counts["all"][0],
        entries_flagged=counts["all"][1],
        chance_flagged=chances["all"],
        direct_entries=counts["direct"][0],
        direct_flagged=counts["direct"][1],
        direct_chance_flagged=chances["direct"],
        onsets=int(onsets.shape[0]),
        onsets_followed=int(followed),
        lead_months=tuple(leads),
    )


def _has_data(panel: Panel) -> NDArray[np.bool_]:
    out = np.zeros(len(panel.providers), dtype=bool)
    has = np.isfinite(panel.value).any(axis=1)
    out[panel.series_provider[has]] = True
    return out


def validate_world(
    world: Any,
    seeds: int,
    *,
    first_seed: int = 1,
    start: date = date(2014, 7, 1),
    options: ScreenOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    gap: int = DECISION_GAP_MONTHS,
) -> dict[str, Any]:
    """The early-warning measures on ``seeds`` countries generated in ``world``, per seed and
    pooled (sensitivity beside its chance level, PPV, false alarms outside any latent spell per
    provider-year, lead time)."""
    import pandas as pd  # type: ignore[import-untyped]

    from specialmeasures.demo import generate
    from specialmeasures.domain import Regime
    from specialmeasures.monitoring.panel import panel_from_frame

    per_seed = []
    for n, seed in enumerate(range(first_seed, first_seed + seeds)):
        country = generate(seed, world=world)
        obs = country.observations
        frame = pd.DataFrame(
            {
                "provider_code": obs.provider_code,
                "indicator_id": obs.indicator_id,
                "period": obs.period,
                "value": obs.value,
                "numerator": obs.numerator,
                "denominator": obs.denominator,
                "expected": obs.expected,
            }
        )
        panel = panel_from_frame(frame, country.providers, country.indicators)
        end = panel.month_date(panel.months.size - 1)
        first, at, flagged = screen_flags(panel, start, end, options)
        spells = [
            Spell(s.provider_code, s.start, s.end, s.magnitude, s.cause)
            for s in country.truth.spells
        ]
        smq = [e for e in country.episodes if e.regime is Regime.SMQ]
        cp_ends = {(e.provider_code, e.end) for e in country.episodes if e.regime is Regime.CP}
        entries = [Entry(e.provider_code, e.start, (e.provider_code, e.start) not in cp_ends)
                   for e in smq]  # fmt: skip
        placed = {e.provider_code for e in country.episodes}
        never = {p.code for p in country.providers} - placed
        report = report_flags(
            panel, first, at, flagged, spells, [(e.provider_code, e.start) for e in smq]
        )
        warning = measure_warning(
            panel, first, flagged, entries, never,
            [(e.provider_code, e.start, e.end) for e in smq], gap=gap,
        )  # fmt: skip
        per_seed.append(
            {
                "seed": seed,
                **warning.as_dict(),
                "lead_months": list(warning.lead_months),
                "false_alarms": report.false_alarms,
                "provider_years": report.provider_years,
                "false_alarms_per_provider_year": report.false_alarms_per_provider_year,
                "spell_sensitivity": report.sensitivity,
                "raw": warning,
            }
        )
        if progress:
            progress(n + 1, seeds)
    raw = [s["raw"] for s in per_seed]
    pooled = WarningMeasures(
        entries=sum(r.entries for r in raw),
        entries_flagged=sum(r.entries_flagged for r in raw),
        chance_flagged=sum(r.chance_flagged for r in raw),
        direct_entries=sum(r.direct_entries for r in raw),
        direct_flagged=sum(r.direct_flagged for r in raw),
        direct_chance_flagged=sum(r.direct_chance_flagged for r in raw),
        onsets=sum(r.onsets for r in raw),
        onsets_followed=sum(r.onsets_followed for r in raw),
        lead_months=tuple(x for r in raw for x in r.lead_months),
    )
    summary = pooled.as_dict()
    fa = sum(s["false_alarms"] for s in per_seed)
    py = sum(s["provider_years"] for s in per_seed)
    summary["false_alarms_per_provider_year"] = fa / py if py else math.nan
    summary["spell_sensitivity"] = float(np.mean([s["spell_sensitivity"] for s in per_seed]))
    sens = [s["sensitivity"] for s in per_seed]
    summary["sensitivity_range"] = [float(np.nanmin(sens)), float(np.nanmax(sens))]
    for s in per_seed:
        del s["raw"]
    return {
        "confidential": True,
        "world": getattr(world, "name", "base"),
        "seeds": list(range(first_seed, first_seed + seeds)),
        "from": start.isoformat(),
        "window_months": LEAD_WINDOW_MONTHS,
        "gap_months": gap,
        "summary": summary,
        "per_seed": per_seed,
    }


def validate_store_warning(
    repository: Any,
    start: date | None = None,
    end: date | None = None,
    options: ScreenOptions | None = None,
    gap: int = DECISION_GAP_MONTHS,
) -> tuple[ValidationReport | None, WarningMeasures, date, date]:
    """Screen the stored indicators month by month and measure the warning of the stored SMQ
    entries (synthetic or real); with a synthetic truth in the store, also its latent-truth
    report (None otherwise). Returns (report, measures, first month, last month)."""
    import time

    from specialmeasures.domain import Regime
    from specialmeasures.monitoring.panel import load_panel
    from specialmeasures.monitoring.validation import stored_spells

    clock = time.perf_counter()
    panel = load_panel(repository)
    if panel.months.size == 0:
        raise ValueError("no indicator data in this database")
    first_day = start or max(date(2014, 7, 1), panel.month_date(0))
    last_day = end or panel.month_date(panel.months.size - 1)
    first, at, flagged = screen_flags(panel, first_day, last_day, options)
    episodes = repository.episodes()
    smq = [e for e in episodes if e.regime is Regime.SMQ]
    cp_ends = {(e.provider_code, e.end) for e in episodes if e.regime is Regime.CP}
    entries = [Entry(e.provider_code, e.start, (e.provider_code, e.start) not in cp_ends)
               for e in smq]  # fmt: skip
    never = {p.code for p in panel.providers} - {e.provider_code for e in episodes}
    measures = measure_warning(
        panel, first, flagged, entries, never,
        [(e.provider_code, e.start, e.end) for e in smq], gap=gap,
    )  # fmt: skip
    spells = stored_spells(repository)
    report = None
    if spells:
        report = report_flags(
            panel, first, at, flagged, spells, [(e.provider_code, e.start) for e in smq],
            time.perf_counter() - clock,
        )  # fmt: skip
    return report, measures, panel.month_date(first), panel.month_date(first + at.size - 1)
