"""Command start-up: how long a user waits before a command can answer.

Each row times fresh processes (median of ``RUNS``) of ``specialmeasures --version``,
``--help``, and ``COMMAND --help`` for the commands users start most (which imports that
command's module and what it needs, but does no work). Goals (speed issue): ``--version`` under
0.5 s, any command's start-up under 1 s. Peer, measured in the same run: ``python -c pass``, the
interpreter's own start-up (the floor), and ``python -c "import click"``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import numpy as np

from benchmarks._env import user_env

RUNS = 5
COMMANDS = (
    ["--version"],
    ["--help"],
    ["spc", "--help"],
    ["funnel", "--help"],
    ["cusum", "--help"],
    ["watchlist", "--help"],
    ["impact", "--help"],
    ["serve", "--help"],
    ["providers", "--help"],
)


def _median(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(
            argv,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=user_env(),
        )
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def run() -> list[dict[str, Any]]:
    floor = _median([sys.executable, "-c", "pass"])
    click_floor = _median([sys.executable, "-c", "import click"])
    rows: list[dict[str, Any]] = [
        {"name": "python -c pass (peer: interpreter floor)", "seconds": floor},
        {"name": "python -c 'import click' (peer)", "seconds": click_floor},
    ]
    for args in COMMANDS:
        seconds = _median([sys.executable, "-m", "specialmeasures", *args])
        goal = 0.5 if args[0].startswith("--") else 1.0
        rows.append(
            {
                "name": "specialmeasures " + " ".join(args),
                "seconds": seconds,
                "goal_seconds": goal,
                "within_goal": seconds < goal,
                "peer": "python -c pass",
                "ratio": seconds / floor,
            }
        )
    return rows


if __name__ == "__main__":
    for measurement in run():
        print(measurement)
