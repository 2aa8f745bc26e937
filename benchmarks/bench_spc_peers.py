"""Our XmR kernel against the Python SPC packages a user would pick instead, in the same run.

Peers: ``abspc`` (NHS Making Data Count charts; ``show_summary`` computes limits, the MDC rules,
variation and assurance of one series) and ``pyqicharts`` (``qic_table`` with chart "i": limits
and special-cause rules of one series, no drawing). Both are per-series tools, so each runs on
``PEER_SERIES`` series of 60 months and its points per second are extrapolated to 10,000 and
1,000,000 series (linear in series: there is no shared work to amortise); the rows say so.

The peers are installed in the benchmark's own environment, ``benchmarks/.peers/`` (gitignored,
created on first run with ``python -m venv`` and ``pip install abspc pyqicharts``), so they never
enter the project's dependencies. If they cannot be installed the rows say why; no figures are
invented.
"""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.bench_spc import MONTHS, SEED, _batch_row, _series

PEERS = ("abspc", "pyqicharts")
PEER_SERIES = 100
ENV = Path(__file__).parent / ".peers"

_PEER_SCRIPT = r"""
import json, sys, time, tracemalloc, warnings
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
values = np.array(json.loads(sys.stdin.read()))
dates = pd.date_range("2019-01-01", periods=values.shape[1], freq="MS")
out = {}
try:
    import abspc
    started = time.perf_counter()
    for row in values:
        abspc.show_summary(pd.DataFrame({"date": dates, "value": row}), chart_type="XmR",
                           value_col="value", improvement_direction="high", target=105.0,
                           subgroup_col=None, x_col="date")
    out["abspc"] = {"seconds": time.perf_counter() - started, "version": abspc.__version__
                    if hasattr(abspc, "__version__") else "?"}
except Exception as error:  # report, never fake
    out["abspc"] = {"error": f"{type(error).__name__}: {error}"}
try:
    import pyqicharts
    started = time.perf_counter()
    for row in values:
        pyqicharts.qic_table(pd.DataFrame({"date": dates, "value": row}), x="date", y="value",
                             chart="i", improvement="high is good", target=105.0)
    out["pyqicharts"] = {"seconds": time.perf_counter() - started,
                         "version": getattr(pyqicharts, "__version__", "?")}
except Exception as error:
    out["pyqicharts"] = {"error": f"{type(error).__name__}: {error}"}
# Memory in a separate, untimed pass (tracemalloc slows Python code several-fold).
tracemalloc.start()
for row in values[:10]:
    frame = pd.DataFrame({"date": dates, "value": row})
    try:
        abspc.show_summary(frame, chart_type="XmR", value_col="value", improvement_direction="high",
                           target=105.0, subgroup_col=None, x_col="date")
        pyqicharts.qic_table(frame, x="date", y="value", chart="i", improvement="high is good",
                             target=105.0)
    except Exception:
        pass
out["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
print(json.dumps(out))
"""


def _peer_python() -> tuple[Path | None, str]:
    python = ENV / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(ENV)
    probe = subprocess.run(
        [str(python), "-c", "import abspc, pyqicharts"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *PEERS],
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            return None, f"pip install {' '.join(PEERS)} failed: {install.stderr.strip()[-300:]}"
    return python, ""


def run() -> list[dict[str, Any]]:
    rng = np.random.default_rng(SEED)
    ours = [_batch_row("ours_10k_x_60", 10_000, 0.2, rng)]
    if os.environ.get("SPECIALMEASURES_BENCH_QUICK") != "1":
        ours.append(_batch_row("ours_1M_x_60", 1_000_000, 30.0, rng))
    python, problem = _peer_python()
    rows: list[dict[str, Any]] = []
    if python is None:
        for peer in PEERS:
            rows.append({"name": f"{peer}_not_installed", "peer": peer, "error": problem})
        return ours + rows
    sample = _series(PEER_SERIES, rng)
    done = subprocess.run(
        [str(python), "-c", _PEER_SCRIPT],
        input=json.dumps(sample.tolist()),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return [*ours, {"name": "peers_failed", "error": done.stderr.strip()[-300:]}]
    measured = json.loads(done.stdout)
    for peer in PEERS:
        got = measured[peer]
        if "error" in got:
            rows.append({"name": f"{peer}_failed", "peer": peer, "error": got["error"]})
            continue
        pps = PEER_SERIES * MONTHS / got["seconds"]
        for mine in ours:
            rows.append(
                {
                    "name": f"{mine['name']}_vs_{peer}",
                    "peer": f"{peer} {got['version']} (per series, {PEER_SERIES} series timed, "
                    "extrapolated)",
                    "points_per_s": mine["points_per_s"],
                    "peer_points_per_s": pps,
                    "peer_seconds_extrapolated": mine["points"] / pps,
                    "seconds": mine["seconds"],
                    "ratio": mine["points_per_s"] / pps,
                    "kernel_peak_mb": mine["kernel_peak_mb"],
                    "peer_traced_peak_mb": measured["peak_mb"],
                }
            )
    return ours + rows
