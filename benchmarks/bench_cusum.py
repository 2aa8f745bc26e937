"""Risk-adjusted CUSUM over 20 million patient records, and funnel plots for 100,000 units.

Goal: the risk-adjusted CUSUM over 20 million records in under 10 s on the project machine.
Measured three ways: one long series, 10,000 series of 2,000 patients (provider x procedure
groups), and the same with interleaved records (the kernel sorts them into series). The peer
for the batch run is the single long series (same records, same work).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from specialmeasures.stats.cusum import CusumOptions, risk_adjusted_cusum
from specialmeasures.stats.funnel import FunnelOptions, compute_funnel

N_RECORDS = 20_000_000
N_SERIES = 10_000
N_UNITS = 100_000
SEED = 20240601


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def run() -> list[dict[str, Any]]:
    rng = np.random.default_rng(SEED)
    risk = rng.beta(1.2, 30.0, N_RECORDS).clip(1e-4, 0.99)
    outcome = (rng.random(N_RECORDS) < risk).astype(np.int8)
    options = CusumOptions(limit=4.5, odds_ratio=2.0)
    rows: list[dict[str, Any]] = []

    single, result = _timed(lambda: risk_adjusted_cusum(outcome, risk, options))
    rows.append(
        {
            "name": "racusum_20M_one_series",
            "seconds": single,
            "records_per_s": N_RECORDS / single,
            "signals": int(result.signal.sum()),
            "goal_seconds": 10.0,
        }
    )
    series = np.repeat(np.arange(N_SERIES), N_RECORDS // N_SERIES)
    batch, result = _timed(lambda: risk_adjusted_cusum(outcome, risk, options, series=series))
    rows.append(
        {
            "name": "racusum_20M_10k_series",
            "seconds": batch,
            "records_per_s": N_RECORDS / batch,
            "signals": int(result.signal.sum()),
            "goal_seconds": 10.0,
            "peer": "racusum_20M_one_series",
            "ratio": batch / single,
        }
    )
    shuffled = rng.permutation(series)  # interleaved records; order within a series is kept
    mixed, _ = _timed(lambda: risk_adjusted_cusum(outcome, risk, options, series=shuffled))
    rows.append(
        {
            "name": "racusum_20M_10k_series_interleaved",
            "seconds": mixed,
            "records_per_s": N_RECORDS / mixed,
            "peer": "racusum_20M_10k_series",
            "ratio": mixed / batch,
        }
    )

    expected = rng.gamma(2.0, 50.0, N_UNITS) + 1.0
    observed = rng.poisson(expected * rng.lognormal(0.0, 0.15, N_UNITS)).astype(float)
    seconds, res = _timed(lambda: compute_funnel(observed, expected))
    rows.append({"name": "funnel_SR_SHMI_100k_units", "seconds": seconds, "phi": float(res.phi[0])})
    n = np.maximum(expected.round(), observed)
    funnels = np.arange(N_UNITS) % 1_000
    seconds, _ = _timed(
        lambda: compute_funnel(observed, n, funnel=funnels, options=FunnelOptions(data_type="PR"))
    )
    rows.append({"name": "funnel_PR_100k_units_1000_funnels", "seconds": seconds})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
