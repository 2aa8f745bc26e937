"""Time the synthetic country generator (``specialmeasures.demo.generate``).

Peer: drawing the same number of binomial numerators with numpy alone, the floor any generator
of this many rows pays; the ratio says how much the whole country costs over that floor. Also
reports the time to each progress stage of one run. Target: the default country in < 10 s.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from specialmeasures.demo import generate

_REPEATS = 3


def _best(fn: Any) -> float:
    best = float("inf")
    for _ in range(_REPEATS):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def run() -> list[dict[str, Any]]:
    stages: list[tuple[str, float]] = []
    started = time.perf_counter()
    country = generate(2013, progress=lambda s, d, t: stages.append((s, time.perf_counter())))
    rows = len(country.observations)
    whole = _best(lambda: generate(2013))
    rng = np.random.default_rng(0)
    floor = _best(lambda: rng.binomial(np.full(rows, 5000), 0.9))
    out: list[dict[str, Any]] = [
        {
            "name": "generate default country (217 trusts, 150 months)",
            "seconds": whole,
            "observations": rows,
            "rows_per_second": rows / whole,
            "peer": "numpy binomial draws, same rows",
            "peer_seconds": floor,
            "ratio": whole / floor,
        }
    ]
    previous = started
    for stage, at in stages:
        out.append({"name": f"stage: {stage}", "seconds": at - previous})
        previous = at
    return out


if __name__ == "__main__":
    for row in run():
        print(row)
