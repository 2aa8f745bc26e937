"""Generate the default synthetic country and load it into a fresh SQLite file (the `demo` path).

Goal (foundation issue): generating and loading the dataset in under 30 s on this 2-core machine.
Peer: the same observation rows written with the standard library's ``sqlite3.executemany`` into
a bare table (no SQLAlchemy, no foreign keys, no validation) — the floor any loader pays; the
ratio says what the store's layers cost over it.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from specialmeasures.bootstrap import bootstrap
from specialmeasures.demo import generate
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        country = generate(2013)
        generated = time.perf_counter()
        platform = bootstrap(
            Settings(database_url=f"sqlite:///{Path(tmp) / 'demo.db'}"), upgrade=True
        )
        migrated = time.perf_counter()
        counts = load_country(platform.repository, country)
        loaded = time.perf_counter()
        platform.close()

        obs = country.observations
        rows = list(
            zip(
                obs.provider_code.tolist(),
                obs.indicator_id.tolist(),
                obs.period.astype("datetime64[D]").astype(str).tolist(),
                obs.value.tolist(),
                obs.numerator.tolist(),
                obs.denominator.tolist(),
                obs.expected.tolist(),
                strict=True,
            )
        )
        floor_start = time.perf_counter()
        raw = sqlite3.connect(Path(tmp) / "floor.db")
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE o (p TEXT, i TEXT, d TEXT, v REAL, n REAL, den REAL, e REAL)")
        with raw:
            raw.executemany("INSERT INTO o VALUES (?,?,?,?,?,?,?)", rows)
        raw.close()
        floor = time.perf_counter() - floor_start
    total = loaded - started
    return [
        {
            "name": "demo: generate + migrate + load into SQLite",
            "seconds": total,
            "generate_s": generated - started,
            "migrate_s": migrated - generated,
            "load_s": loaded - migrated,
            "observations": counts["observations"],
            "goal_s": 30.0,
            "within_goal": total < 30.0,
        },
        {
            "name": "load observations only vs raw sqlite3.executemany",
            "seconds": loaded - migrated,
            "peer": "sqlite3.executemany, bare table",
            "peer_seconds": floor,
            "ratio": (loaded - migrated) / floor,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
