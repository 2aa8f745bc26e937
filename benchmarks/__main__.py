"""Run every benchmark module and print its figures (``python -m benchmarks [NAME ...]``).

Each ``benchmarks/bench_*.py`` exposes ``run() -> list[dict]``; each dict is one measurement with
at least ``name`` and the figures it measured, and, where there is a named peer measured in the
same run, ``peer`` and ``ratio``. The machine is small and noisy: read ratios, not absolute times.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path
from typing import Any


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    wanted = set(argv)
    results: list[dict[str, Any]] = []
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        short = info.name.removeprefix("bench_")
        if wanted and short not in wanted and info.name not in wanted:
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        print(f"== {short}", flush=True)
        started = time.perf_counter()
        for row in module.run():
            row = {"benchmark": short, **row}
            results.append(row)
            print(
                "   " + "  ".join(f"{k}={_fmt(v)}" for k, v in row.items() if k != "benchmark"),
                flush=True,
            )
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    out = here.parent / "var" / "bench-results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nresults written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
