"""How well the watch list recovers the synthetic country's latent truth.

The screen is computed once for every month of the period (one :func:`compute_signals` call:
stacked XmR windows, one funnel per month and indicator, the CUSUM once over the history) and
each month's state is read off; this equals rerunning the watch list month by month, because
every method's state on a month uses only data up to that month. Approximation: the whole
history is loaded at once, so a late revision of an old month would be visible early; the
synthetic data are never revised, so here it changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select

from specialmeasures.domain import Regime
from specialmeasures.monitoring.options import ScreenOptions
from specialmeasures.monitoring.panel import Panel, load_panel, month_number
from specialmeasures.monitoring.scoring import score
from specialmeasures.monitoring.signals import compute_signals
from specialmeasures.store import Repository
from specialmeasures.store.tables import truth_records

__all__ = [
    "Spell",
    "ValidationReport",
    "report_flags",
    "screen_flags",
    "validate",
    "validate_store",
]

#: A flag up to this many months after a spell ends still counts as detecting it.
GRACE_MONTHS = 6
#: How far before an SMQ entry a flag counts as warning of it.
LEAD_WINDOW_MONTHS = 24


@dataclass(frozen=True, slots=True)
class Spell:
    """A latent deterioration: provider, first and last month, depth (quality units)."""

    provider_code: str
    start: date
    end: date
    magnitude: float
    cause: str


@dataclass(frozen=True)
class ValidationReport:
    start: date
    end: date
    providers: int
    months: int
    spells: int
    detected: int
    delays: tuple[int, ...]
    false_alarms: int
    provider_years: float
    smq_entries: int
    lead_times: tuple[int | None, ...]
    flagged_share: float
    seconds: float = 0.0

    @property
    def sensitivity(self) -> float:
        return self.detected / self.spells if self.spells else float("nan")

    @property
    def false_alarms_per_provider_year(self) -> float:
        return self.false_alarms / self.provider_years if self.provider_years else float("nan")

    @property
    def median_delay(self) -> float:
        return float(np.median(self.delays)) if self.delays else float("nan")

    def lead_summary(self) -> dict[str, Any]:
        got = [x for x in self.lead_times if x is not None]
        q = np.percentile(got, [25, 50, 75]).tolist() if got else [None] * 3
        return {
            "entries": self.smq_entries,
            "flagged_before_entry": len(got),
            "lead_months_q1": q[0],
            "lead_months_median": q[1],
            "lead_months_q3": q[2],
            "lead_at_least_6": sum(1 for x in got if x >= 6),
            "lead_at_least_12": sum(1 for x in got if x >= 12),
            "histogram": {
                label: sum(1 for x in got if lo <= x <= hi)
                for label, lo, hi in (
                    ("0-2", 0, 2),
                    ("3-5", 3, 5),
                    ("6-11", 6, 11),
                    ("12-24", 12, 24),
                )
            },
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "confidential": True,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "providers": self.providers,
            "months": self.months,
            "spells": self.spells,
            "detected": self.detected,
            "sensitivity": round(self.sensitivity, 3),
            "median_detection_delay_months": self.median_delay,
            "false_alarms": self.false_alarms,
            "provider_years": round(self.provider_years, 1),
            "false_alarms_per_provider_year": round(self.false_alarms_per_provider_year, 3),
            "share_of_provider_months_flagged": round(self.flagged_share, 3),
            "smq_lead_time": self.lead_summary(),
            "seconds": round(self.seconds, 2),
        }


def validate(
    panel: Panel,
    spells: list[Spell],
    smq_entries: list[tuple[str, date]],
    start: date,
    end: date,
    options: ScreenOptions | None = None,
) -> ValidationReport:
    """Screen every month from ``start`` to ``end`` and compare with the truth.

    A provider is flagged in a month when its score band (before the special-measures override)
    is an alert band (``ew.band`` red). A spell starting in the period is detected when the
    provider is flagged between its start and ``GRACE_MONTHS`` after its end; the delay is
    months from its start to the first such flag. A false alarm is the start of a run of
    flagged months outside every spell (plus grace). The lead time of an SMQ entry is months
    from the start of the flagged run nearest before entry (within ``LEAD_WINDOW_MONTHS``).
    """
    import time

    clock = time.perf_counter()
    first, at, flagged = screen_flags(panel, start, end, options)
    return report_flags(panel, first, at, flagged, spells, smq_entries, time.perf_counter() - clock)


def screen_flags(
    panel: Panel, start: date, end: date, options: ScreenOptions | None = None
) -> tuple[int, NDArray[np.intp], NDArray[np.bool_]]:
    """Screen every month from ``start`` to ``end``: the first month's index in the panel, the
    months screened and whether each provider is flagged in each (month, provider)."""
    opts = options or ScreenOptions()
    first, last = panel.month_index(start), min(panel.month_index(end), panel.months.size - 1)
    if first < 0 or last < first:
        raise ValueError("the period lies outside the indicator data")
    at = np.arange(first, last + 1)
    scores = score(panel, compute_signals(panel, at, opts), opts)
    return first, at, np.isin(scores.band, list(opts.alert_bands))


def report_flags(
    panel: Panel,
    first: int,
    at: NDArray[np.intp],
    flagged: NDArray[np.bool_],
    spells: list[Spell],
    smq_entries: list[tuple[str, date]],
    seconds: float = 0.0,
) -> ValidationReport:
    """The report of :func:`validate` from flags already screened (see there)."""
    last = first + at.size - 1
    base = month_number(panel.months[0])
    code_index = {p.code: i for i, p in enumerate(panel.providers)}

    def k_of(day: date) -> int:
        return month_number(day) - base - first

    in_spell = np.zeros_like(flagged)
    detected, delays, n_spells = 0, [], 0
    for s in spells:
        p = code_index.get(s.provider_code)
        if p is None:
            continue
        k0, k1 = k_of(s.start), k_of(s.end) + GRACE_MONTHS
        in_spell[max(k0, 0) : max(k1 + 1, 0), p] = True
        if not 0 <= k0 <= at.size - 1 - GRACE_MONTHS:
            continue
        n_spells += 1
        hits = np.flatnonzero(flagged[k0 : k1 + 1, p])
        if hits.size:
            detected += 1
            delays.append(int(hits[0]))
    onset = flagged & ~np.vstack([np.zeros((1, flagged.shape[1]), bool), flagged[:-1]])
    false_alarms = int(np.sum(onset & ~in_spell))
    leads: list[int | None] = []
    for code, day in smq_entries:
        p = code_index.get(code)
        k = k_of(day)
        if p is None or not 0 <= k < at.size:
            continue
        lo = max(0, k - LEAD_WINDOW_MONTHS)
        window = flagged[lo : k + 1, p]
        if not window.any():
            leads.append(None)
            continue
        latest = lo + int(np.flatnonzero(window)[-1])
        run_start = latest
        while run_start > lo and flagged[run_start - 1, p]:
            run_start -= 1
        leads.append(k - run_start)
    return ValidationReport(
        start=panel.month_date(first),
        end=panel.month_date(last),
        providers=len(panel.providers),
        months=int(at.size),
        spells=n_spells,
        detected=detected,
        delays=tuple(delays),
        false_alarms=false_alarms,
        provider_years=len(panel.providers) * at.size / 12.0,
        smq_entries=len(leads),
        lead_times=tuple(leads),
        flagged_share=float(flagged.mean()),
        seconds=seconds,
    )


def stored_spells(repository: Repository) -> list[Spell]:
    """Deterioration spells from the synthetic truth in the store (empty for real data)."""
    query = select(truth_records.c.payload).where(truth_records.c.kind == "spell")
    with repository.engine.connect() as conn:
        payloads = [json.loads(r[0]) for r in conn.execute(query)]
    return [
        Spell(
            d["provider_code"],
            date.fromisoformat(d["start"]),
            date.fromisoformat(d["end"]),
            float(d["magnitude"]),
            str(d["cause"]),
        )
        for d in payloads
    ]


def validate_store(
    repository: Repository,
    start: date | None = None,
    end: date | None = None,
    options: ScreenOptions | None = None,
) -> ValidationReport:
    """Validate against the truth loaded with the synthetic country."""
    spells = stored_spells(repository)
    if not spells:
        raise ValueError("no synthetic truth in this database (load the demo country first)")
    panel = load_panel(repository)
    entries = [(e.provider_code, e.start) for e in repository.episodes(regime=Regime.SMQ)]
    first = start or date(2014, 7, 1)
    last = end or panel.month_date(panel.months.size - 1)
    return validate(panel, spells, entries, first, last, options)
