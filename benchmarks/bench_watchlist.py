"""Whole-country early-warning screen: the watch list as of one date (217 trusts, every
indicator, 2013-2019 history) and the monthly backtest used by validate-early-warning.

Peer: rerunning the watch list month by month (measured on 6 months, scaled to the period),
i.e. what computing the signals once over the history saves.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from specialmeasures.demo import generate
from specialmeasures.domain import Regime
from specialmeasures.monitoring import build_watchlist, panel_from_frame
from specialmeasures.monitoring.validation import Spell, validate


def run() -> list[dict[str, Any]]:
    country = generate(2013, end=date(2019, 12, 1))
    ob = country.observations
    frame = pd.DataFrame(
        {
            "provider_code": ob.provider_code, "indicator_id": ob.indicator_id,
            "period": ob.period, "value": ob.value, "numerator": ob.numerator,
            "denominator": ob.denominator, "expected": ob.expected,
        }
    )  # fmt: skip
    started = time.perf_counter()
    panel = panel_from_frame(frame, country.providers, country.indicators)
    build = time.perf_counter() - started
    started = time.perf_counter()
    wl = build_watchlist(panel, date(2017, 6, 1))
    one = time.perf_counter() - started
    spells = [
        Spell(s.provider_code, s.start, s.end, s.magnitude, s.cause) for s in country.truth.spells
    ]
    entries = [(e.provider_code, e.start) for e in country.episodes if e.regime is Regime.SMQ]
    started = time.perf_counter()
    report = validate(panel, spells, entries, date(2014, 7, 1), date(2019, 12, 1))
    backtest = time.perf_counter() - started
    months = report.months
    started = time.perf_counter()
    for m in range(6):
        build_watchlist(panel, date(2016, 1 + m, 1))
    rerun = (time.perf_counter() - started) / 6 * months
    return [
        {
            "name": "watchlist_one_date",
            "providers": len(wl.providers),
            "series": panel.n_series,
            "observations": len(ob),
            "panel_seconds": build,
            "seconds": one,
        },
        {
            "name": "backtest_monthly_2014_07_to_2019_12",
            "months": months,
            "seconds": backtest,
            "peer": "watch list rerun per month (6 timed, scaled)",
            "peer_seconds": rerun,
            "ratio": rerun / backtest,
            "sensitivity": round(report.sensitivity, 3),
            "false_alarms_per_provider_year": round(report.false_alarms_per_provider_year, 3),
            "median_delay_months": report.median_delay,
            "smq_flagged_before_entry": sum(x is not None for x in report.lead_times),
            "smq_entries": report.smq_entries,
            "smq_lead_median_months": float(
                np.median([x for x in report.lead_times if x is not None])
            ),
        },
    ]
