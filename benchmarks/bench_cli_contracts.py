"""The command-line contracts end to end, as a user runs them: CSV in, CSV out, a fresh process.

``specialmeasures spc`` on 10,000 series x 60 months (600,000 rows, one facet per series, a
target), ``funnel`` on 10,000 groups and ``cusum`` on 600,000 patients, each timed as a new
process from start to the output file written (start-up, parsing, the kernel and writing; the
whole run is what a user waits for). Goal (speed issue): ``spc`` on 10,000 series under 3 s and
at least 50x faster than abspc on the same series in the same run.

Peers, measured in the same run on the same series: ``abspc`` (``show_summary`` per series, as
an analyst with the NHS Making Data Count package would) and ``pyqicharts`` (``qic_table`` per
series), each reading the same CSV with pandas, charting ``PEER_SERIES`` series and writing
their rows to CSV; both are per-series tools, so their time is extrapolated linearly to all the
series (the rows say so). They run in ``benchmarks/.peers`` (see ``bench_spc_peers``); if that
cannot be built the rows say why and no figure is invented.

Every row carries the peak resident memory and the CPU seconds (user + system) of the command's
own process (``os.wait4``) and the load average when it ran: the machine is shared, and when
others load it the wall-clock ratio against the peers (measured minutes apart) moves with the
load, while ``cpu_ratio`` (the peers' CPU seconds, ``time.process_time``, over ours) does not.

Scale: besides the 10,000 series, ``spc`` runs once on ``LARGE_SERIES`` series (100,000 x 60 =
6 million rows by default: a tenth of the million-series goal) for its time and peak memory,
extrapolated linearly to 1,000,000 series against the goal of 5 minutes within 4 GB.
``SPECIALMEASURES_BENCH_LARGE=1`` (``make bench-large``) runs the full 1,000,000 x 60 instead
(a 2.3 GB input written to the temporary folder first); ``SPECIALMEASURES_BENCH_SHUFFLED=1``
writes that input's rows in a random order (not sorted by facet). ``SPECIALMEASURES_BENCH_SERIES``
changes the number of series of the first part.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks._env import user_env
from benchmarks.bench_spc import MONTHS, SEED, _series
from benchmarks.bench_spc_peers import _peer_python

PEER_SERIES = 100
GOAL_SECONDS = 3.0
GOAL_RATIO = 50.0
MILLION = 1_000_000
LARGE_SERIES = 100_000
GOAL_MILLION_SECONDS = 300.0
GOAL_MILLION_MB = 4096.0

_PEER_SCRIPT = r"""
import csv, json, sys, time, warnings
import pandas as pd
warnings.simplefilter("ignore")
source, n_series, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
result = {}
started = time.perf_counter()
cpu_started = time.process_time()
frame = pd.read_csv(source, parse_dates=["month"])
read = time.perf_counter() - started
read_cpu = time.process_time() - cpu_started
groups = [g for _, g in zip(range(n_series), frame.groupby("org", sort=True))]
for name in ("abspc", "pyqicharts"):
    try:
        started = time.perf_counter()
        cpu_started = time.process_time()
        if name == "abspc":
            import abspc
            parts = [abspc.show_summary(g[["month", "value"]].rename(columns={"month": "date"}),
                                        chart_type="XmR", value_col="value",
                                        improvement_direction="high", target=105.0,
                                        subgroup_col=None, x_col="date") for _, g in groups]
        else:
            import pyqicharts
            parts = [pyqicharts.qic_table(g[["month", "value"]], x="month", y="value", chart="i",
                                          improvement="high is good", target=105.0)
                     for _, g in groups]
        rows = pd.concat([p if isinstance(p, pd.DataFrame) else pd.DataFrame([p]) for p in parts])
        rows.to_csv(f"{out}.{name}.csv", index=False)
        result[name] = {"seconds": time.perf_counter() - started, "read_seconds": read,
                        "cpu_seconds": time.process_time() - cpu_started,
                        "read_cpu_seconds": read_cpu,
                        "version": getattr(sys.modules[name], "__version__", "?")}
    except Exception as error:  # report, never fake
        result[name] = {"error": f"{type(error).__name__}: {error}"}
print(json.dumps(result))
"""


def _write_inputs(folder: Path, n: int) -> dict[str, Path]:
    rng = np.random.default_rng(SEED)
    y = _series(n, rng)
    months = [f"{m}-01" for m in np.arange("2019-01", "2024-01", dtype="datetime64[M]")]
    spc_csv = folder / "spc.csv"
    with spc_csv.open("w") as handle:
        handle.write("org,month,value\n")
        rows = y.tolist()
        for i in range(n):
            org = f"T{i:07d}"
            handle.write("".join(f"{org},{months[j]},{rows[i][j]!r}\n" for j in range(MONTHS)))
    funnel_csv = folder / "funnel.csv"
    expected = rng.uniform(20, 400, size=n)
    observed = rng.poisson(expected * rng.lognormal(0, 0.15, size=n))
    with funnel_csv.open("w") as handle:
        handle.write("unit,observed,expected\n")
        handle.writelines(
            f"U{i:07d},{int(o)},{e!r}\n"
            for i, (o, e) in enumerate(zip(observed.tolist(), expected.tolist(), strict=True))
        )
    cusum_csv = folder / "cusum.csv"
    risk = rng.uniform(0.01, 0.3, size=n * MONTHS)
    outcome = rng.random(risk.size) < risk
    with cusum_csv.open("w") as handle:
        handle.write("died,risk\n")
        handle.writelines(
            f"{int(d)},{r!r}\n" for d, r in zip(outcome.tolist(), risk.tolist(), strict=True)
        )
    return {"spc": spc_csv, "funnel": funnel_csv, "cusum": cusum_csv}


def _write_spc_only(path: Path, n: int, *, shuffled: bool = False) -> None:
    """The ``spc`` input of ``n`` series, written a block of series at a time (flat memory);
    ``shuffled``: the same rows in a random order (not sorted by facet)."""
    if shuffled:
        _write_spc_shuffled(path, n)
        return
    rng = np.random.default_rng(SEED)
    months = [f"{m}-01" for m in np.arange("2019-01", "2024-01", dtype="datetime64[M]")]
    block = 10_000
    with path.open("w") as handle:
        handle.write("org,month,value\n")
        for first in range(0, n, block):
            y = _series(min(block, n - first), rng).tolist()
            handle.write(
                "".join(
                    f"T{first + i:07d},{months[j]},{row[j]!r}\n"
                    for i, row in enumerate(y)
                    for j in range(MONTHS)
                )
            )


def _write_spc_shuffled(path: Path, n: int) -> None:
    """The rows of :func:`_write_spc_only` (same series, same values) in a random order."""
    rng = np.random.default_rng(SEED)
    block = 10_000
    y = np.concatenate([_series(min(block, n - first), rng) for first in range(0, n, block)])
    months = np.asarray(
        [f"{m}-01" for m in np.arange("2019-01", "2024-01", dtype="datetime64[M]")], dtype=object
    )
    order = np.random.default_rng(SEED + 1).permutation(n * MONTHS)
    flat = y.reshape(-1)
    with path.open("w") as handle:
        handle.write("org,month,value\n")
        for first in range(0, order.size, 1_000_000):
            rows = order[first : first + 1_000_000]
            series, month = np.divmod(rows, MONTHS)
            handle.write(
                "".join(
                    f"T{i:07d},{m},{v!r}\n"
                    for i, m, v in zip(
                        series.tolist(), months[month].tolist(), flat[rows].tolist(), strict=True
                    )
                )
            )


def _load() -> float:
    return os.getloadavg()[0]


def _run(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one ``specialmeasures``
    process (its own rusage): on a loaded machine the CPU seconds are the steadier figure."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "specialmeasures", *args],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=user_env(),
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(args[:1])} failed: {errors.read().decode()[-500:]}")
    return seconds, usage.ru_maxrss / 1e3, usage.ru_utime + usage.ru_stime  # KiB on Linux


def _large(folder: Path) -> dict[str, Any]:
    full = os.environ.get("SPECIALMEASURES_BENCH_LARGE") == "1"
    shuffled = os.environ.get("SPECIALMEASURES_BENCH_SHUFFLED") == "1"
    n = MILLION if full else LARGE_SERIES
    source = folder / "spc_large.csv"
    _write_spc_only(source, n, shuffled=shuffled)
    load = _load()
    seconds, peak, cpu = _run(
        ["spc", str(source), "--value", "value", "--date", "month", "--facet", "org",
         "--target", "105", "-o", str(folder / "spc_large.out.csv"),
         "--summary", str(folder / "spc_large.summary.csv")]
    )  # fmt: skip
    scale = MILLION / n
    source.unlink()
    return {
        "name": f"spc_cli_csv_to_csv_{n // 1000}k_series{'_shuffled' if shuffled else ''}",
        "rows_in": n * MONTHS,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_mb": peak,
        "seconds_for_1M_series": seconds * scale,
        "goal_seconds_1M": GOAL_MILLION_SECONDS,
        "goal_mb": GOAL_MILLION_MB,
        "measured_at_full_size": full,
        "within_goal": seconds * scale < GOAL_MILLION_SECONDS and peak < GOAL_MILLION_MB,
        "load_average_1min": load,
    }


def run() -> list[dict[str, Any]]:
    n = int(os.environ.get("SPECIALMEASURES_BENCH_SERIES", "10000"))
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = _write_inputs(folder, n)
        commands = {
            "spc": [
                "spc", str(inputs["spc"]), "--value", "value", "--date", "month",
                "--facet", "org", "--target", "105", "-o", str(folder / "spc.out.csv"),
                "--summary", str(folder / "spc.summary.csv"),
            ],
            "funnel": [
                "funnel", str(inputs["funnel"]), "--numerator", "observed",
                "--denominator", "expected", "--group", "unit", "--type", "SR",
                "-o", str(folder / "funnel.out.csv"),
            ],
            "cusum": [
                "cusum", str(inputs["cusum"]), "--outcome", "died", "--risk", "risk",
                "--limit", "4.5", "-o", str(folder / "cusum.out.csv"),
            ],
        }  # fmt: skip
        ours: dict[str, dict[str, Any]] = {}
        for name, args in commands.items():
            times = []
            cpus = []
            peak = 0.0
            load = _load()
            for _ in range(3 if n <= 100_000 else 1):
                seconds, rss, cpu = _run(args)
                times.append(seconds)
                cpus.append(cpu)
                peak = max(peak, rss)
            points = n * MONTHS if name in ("spc", "cusum") else n
            ours[name] = {
                "name": f"{name}_cli_csv_to_csv",
                "rows_in": points,
                "seconds": min(times),
                "seconds_median": float(np.median(times)),
                "cpu_seconds": min(cpus),
                "rows_per_s": points / min(times),
                "peak_rss_mb": peak,
                "load_average_1min": load,
            }
            if name == "spc":
                ours[name].update(goal_seconds=GOAL_SECONDS, within_goal=min(times) < GOAL_SECONDS)
            rows.append(ours[name])
        rows.append(_large(folder))
        python, problem = _peer_python()
        if python is None:
            rows.append({"name": "peers_not_installed", "error": problem})
            return rows
        load = _load()
        done = subprocess.run(
            [str(python), "-c", _PEER_SCRIPT, str(inputs["spc"]), str(PEER_SERIES), str(folder)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            rows.append({"name": "peers_failed", "error": done.stderr.strip()[-300:]})
            return rows
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        for peer, got in measured.items():
            if "error" in got:
                rows.append({"name": f"{peer}_failed", "peer": peer, "error": got["error"]})
                continue
            # Reading the whole file is paid once; charting scales with the series.
            extrapolated = got["read_seconds"] + got["seconds"] * n / PEER_SERIES
            ratio = extrapolated / ours["spc"]["seconds"]
            cpu_extrapolated = got["read_cpu_seconds"] + got["cpu_seconds"] * n / PEER_SERIES
            cpu_ratio = cpu_extrapolated / ours["spc"]["cpu_seconds"]
            rows.append(
                {
                    "name": f"spc_cli_vs_{peer}",
                    "peer": f"{peer} {got['version']} (CSV read with pandas, {PEER_SERIES} "
                    f"series charted and written, extrapolated to {n:,})",
                    "seconds": ours["spc"]["seconds"],
                    "peer_seconds_extrapolated": extrapolated,
                    "peer_seconds_per_series": got["seconds"] / PEER_SERIES,
                    "ratio": ratio,
                    "cpu_seconds": ours["spc"]["cpu_seconds"],
                    "peer_cpu_seconds_extrapolated": cpu_extrapolated,
                    "cpu_ratio": cpu_ratio,
                    "goal_ratio": GOAL_RATIO,
                    "within_goal": ratio >= GOAL_RATIO,
                    "load_average_1min": load,
                }
            )
    return rows


if __name__ == "__main__":
    for measurement in run():
        print(measurement)
