"""Making Data Count XmR charts (``specialmeasures.stats.spc``) for many series at once.

Goals (2-core project machine): 10,000 series x 60 months with every rule and icon in under
0.2 s; 1,000,000 x 60 in under 30 s within 4 GB. Peak memory of the kernel call is measured with
``tracemalloc`` (numpy reports its buffers to it) in a second, untimed call; ``peak_rss_mb`` is
the process high-water mark (``resource.getrusage``), input included.

Peer: the same kernel called once per series in a Python loop (on 500 series, scaled to
10,000), i.e. what the vectorised core saves over the obvious implementation.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

from specialmeasures.stats.spc import spc_batch
from specialmeasures.stats.spc_options import SpcOptions
from specialmeasures.stats.spc_tidy import spc

MONTHS = 60
SEED = 20240601
LOOP_SAMPLE = 500


def _series(n: int, rng: np.random.Generator) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Noise with a drift and a step in a third of the series, so every rule fires somewhere."""
    y = rng.normal(100.0, 10.0, size=(n, MONTHS))
    y[: n // 3, MONTHS // 2 :] += 15.0
    y[n // 3 : 2 * n // 3] += np.linspace(0.0, 20.0, MONTHS)
    return y


def _peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1e6 if sys.platform == "darwin" else rss / 1e3  # bytes on macOS, KiB on Linux


def _batch_row(name: str, n: int, goal: float, rng: np.random.Generator) -> dict[str, Any]:
    y = _series(n, rng)
    targets = np.full(n, 105.0)
    options = SpcOptions()
    spc_batch(y[:10], targets=targets[:10], options=options)  # warm up
    times = []
    for _ in range(3 if n <= 100_000 else 1):
        started = time.perf_counter()
        result = spc_batch(y, targets=targets, options=options)
        times.append(time.perf_counter() - started)
    seconds = min(times)
    tracemalloc.start()
    spc_batch(y, targets=targets, options=options)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "name": name,
        "series": n,
        "points": n * MONTHS,
        "seconds": seconds,
        "points_per_s": n * MONTHS / seconds,
        "goal_seconds": goal,
        "kernel_peak_mb": peak / 1e6,
        "input_mb": y.nbytes / 1e6,
        "peak_rss_mb": _peak_rss_mb(),
        "special_cause_points": int((result.special_cause_code != 0).sum()),
    }


def run() -> list[dict[str, Any]]:
    rng = np.random.default_rng(SEED)
    rows = [_batch_row("batch_10k_x_60", 10_000, 0.2, rng)]

    # Peer: one call per series.
    y = _series(LOOP_SAMPLE, rng)
    started = time.perf_counter()
    for row in y:
        spc_batch(row, targets=105.0)
    loop = (time.perf_counter() - started) * 10_000 / LOOP_SAMPLE
    rows[0]["peer"] = "python_loop_per_series"
    rows[0]["peer_seconds"] = loop
    rows[0]["ratio"] = loop / rows[0]["seconds"]

    # The tidy entry point (sorting, dates, facets, calendar check) on the same size.
    n = 10_000
    values = _series(n, rng).reshape(-1)
    months = np.arange("2019-01", "2024-01", dtype="datetime64[M]").astype("datetime64[D]")
    dates = np.tile(months, n)
    facets = np.repeat(np.char.add("T", np.arange(n).astype(str)), MONTHS)
    started = time.perf_counter()
    result = spc(values, dates, facets=facets, target=105.0)
    summary = result.summary()
    tidy = time.perf_counter() - started
    rows.append(
        {
            "name": "tidy_10k_x_60_with_summary",
            "series": n,
            "points": n * MONTHS,
            "seconds": tidy,
            "points_per_s": n * MONTHS / tidy,
            "summary_rows": int(summary.n.size),
        }
    )

    rows.append(_batch_row("batch_1M_x_60", 1_000_000, 30.0, rng))
    return rows


if __name__ == "__main__":
    for measurement in run():
        print(measurement)
