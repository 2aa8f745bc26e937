"""Synthetic NOF 2025/26 metric values for the demo trusts (synthetic demonstration data).

The demo's monthly indicators already carry several oversight metrics (A&E four hours, 18 weeks,
62-day cancer, infection rates, staff engagement, sickness, agency spend, Category 1 response);
this module supplies the metrics the demo does not generate, per quarter, from each trust's
latent quality in that quarter (higher is better) plus noise. It draws from its own seeded
stream (seed, quarter), so the demo's other random streams and calibration counts are untouched.

>>> rows = nof_metric_values(["ZA1", "ZB2"], ["acute", "ambulance"], [0.3, -0.4], 2013, 2025, 2)
>>> sorted({m for _, m, _ in rows if _ == "ZB2"})
['cat2_response', 'latest_surplus_deficit', 'planned_surplus_deficit', 'staff_safety']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["SOURCE", "nof_metric_values"]

SOURCE = "synthetic demonstration data (demo.nof_metrics)"
#: Stream label mixed into the seed so that this module never shares a stream with the others.
_STREAM = 2517
_ACUTE_ONLY = ("rtt_52_weeks", "cancer_28_days", "ae_12_hours")


def nof_metric_values(
    codes: Sequence[str],
    org_types: Sequence[str],
    quality: Sequence[float],
    seed: int,
    year: int,
    quarter: int,
) -> list[tuple[str, str, float]]:
    """``(code, metric id, value)`` for the metrics the demo indicators do not carry.

    ``org_types`` are league types (acute, non_acute, ambulance); ``quality`` is each trust's
    mean latent quality over the quarter.
    """
    rng = np.random.default_rng([seed, _STREAM, year, quarter])
    n = len(codes)
    z = np.clip(np.asarray(quality, dtype=np.float64), -1.5, 1.5)

    def noise(sd: float) -> np.ndarray:
        return rng.normal(0.0, sd, size=n)

    columns = {
        "rtt_52_weeks": np.maximum(0.0, 1.6 - 1.4 * z + noise(0.7)),
        "cancer_28_days": np.clip(77.5 + 5.0 * z + noise(3.0), 50.0, 99.0),
        "ae_12_hours": np.maximum(0.2, 5.5 - 3.0 * z + noise(1.8)),
        "staff_safety": 6.55 + 0.25 * z + noise(0.15),
        "cat2_response": np.maximum(15.0, 34.0 - 7.0 * z + noise(5.0)),
    }
    on_plan = rng.random(n) < 0.65 + 0.2 * np.clip(z, -1.0, 1.0)
    plan = np.where(on_plan, 0.0, np.minimum(0.0, -1.2 + 0.6 * z + noise(0.8)))
    columns["planned_surplus_deficit"] = plan
    columns["latest_surplus_deficit"] = plan + 0.5 * z + 0.35 + noise(0.5)
    out: list[tuple[str, str, float]] = []
    for i, (code, kind) in enumerate(zip(codes, org_types, strict=True)):
        for metric, values in columns.items():
            if metric in _ACUTE_ONLY and kind != "acute":
                continue
            if metric == "cat2_response" and kind != "ambulance":
                continue
            out.append((code, metric, round(float(values[i]), 2)))
    return out
