"""Load a generated synthetic country into the store, in one transaction.

The observed data (providers, inspections, episodes, indicators, observations) go into the
ordinary tables; the latent truth goes into the ``truth_*`` tables, apart from everything
observed. ``dataset_meta`` records that the database is synthetic, its label, seed and summary,
so that every page and command can say so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection, delete, func, insert, select

from specialmeasures.domain import SpecialMeasuresError
from specialmeasures.store import audit, data_version
from specialmeasures.store.locks import reset_sequences
from specialmeasures.store.repository import BATCH, Repository
from specialmeasures.store.tables import (
    metadata,
    providers,
    truth_latent_quality,
    truth_records,
)

if TYPE_CHECKING:
    from specialmeasures.demo import SyntheticCountry

__all__ = ["DEFAULT_SEED", "DemoState", "demo_state", "load_country", "reset_demo"]

DEFAULT_SEED = 2013
#: Tables a demo rebuild leaves alone: the sourced record of real SMQ events is not demo data.
# The data version is kept (and advanced below) so that a worker's cache of the old demo can
# never match a version number the rebuilt demo reuses.
KEPT_ON_RESET = frozenset({"real_smq_events", "data_version"})
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class DemoState:
    """What the database holds: a built synthetic demo, other data, or nothing."""

    built: bool
    has_data: bool
    meta: dict[str, str] = field(default_factory=dict)

    def matches(self, wanted: dict[str, str]) -> bool:
        return all(self.meta.get(k) == v for k, v in wanted.items())

    @property
    def summary(self) -> dict[str, Any]:
        return dict(json.loads(self.meta.get("summary", "{}")))

    @property
    def label(self) -> str:
        return self.meta.get("label", "")


def demo_state(repo: Repository) -> DemoState:
    meta = repo.meta()
    with repo.engine.connect() as conn:
        has_data = bool(conn.execute(select(func.count()).select_from(providers)).scalar_one())
    return DemoState(
        built=meta.get("synthetic") == "true" and has_data, has_data=has_data, meta=meta
    )


def reset_demo(repo: Repository) -> None:
    """Empty every table of a synthetic demo database; refuse if it holds real data."""
    state = demo_state(repo)
    if state.has_data and state.meta.get("synthetic") != "true":
        raise SpecialMeasuresError(
            "the database holds data that is not the synthetic demo; refusing to overwrite it "
            "(point SPECIALMEASURES_DATABASE_URL at another database for the demo)"
        )
    with repo.transaction() as conn:
        # Every table the schema has, children before parents, so that tables added by later
        # migrations are emptied too; the real public record is kept apart and kept.
        for table in reversed(metadata.sorted_tables):
            if table.name not in KEPT_ON_RESET:
                conn.execute(delete(table))
        data_version.bump(conn)
    # The synthetic log was emptied on purpose: start the checkpoint again, or verify would
    # report the rebuilt log as truncated.
    with repo.engine.connect() as conn:
        audit.checkpoint(conn)


_OBSERVATION_COLUMNS = (
    "provider_code",
    "indicator_id",
    "period",
    "value",
    "numerator",
    "denominator",
    "expected",
)


def _observation_tuples(country: SyntheticCountry, *, iso_dates: bool) -> list[tuple[Any, ...]]:
    """Observation rows as plain tuples (NaN -> None), built column-wise for speed."""
    obs = country.observations
    days = obs.period.astype("datetime64[D]")
    periods = days.astype(str).tolist() if iso_dates else days.astype(object).tolist()

    def nullable(column: np.ndarray[Any, Any]) -> list[float | None]:
        values: list[float | None] = column.tolist()
        for i in np.flatnonzero(np.isnan(column)).tolist():
            values[i] = None
        return values

    return list(
        zip(
            obs.provider_code.tolist(),
            obs.indicator_id.tolist(),
            periods,
            obs.value.tolist(),
            nullable(obs.numerator),
            nullable(obs.denominator),
            nullable(obs.expected),
            strict=True,
        )
    )


def _insert_observations(
    conn: Connection, country: SyntheticCountry, progress: Progress | None
) -> int:
    """Bulk-insert observations through the driver's executemany (the hot path of `demo`).

    SQLAlchemy's per-row type processing dominates a 600,000-row load, so the rows go to the
    DBAPI directly: ISO date text for SQLite (SQLAlchemy's own storage format for Date there),
    date objects for PostgreSQL.
    """
    sqlite = conn.dialect.name == "sqlite"
    rows = _observation_tuples(country, iso_dates=sqlite)
    marks = ", ".join(
        ["?" if conn.dialect.paramstyle == "qmark" else "%s"] * len(_OBSERVATION_COLUMNS)
    )
    sql = f"INSERT INTO observations ({', '.join(_OBSERVATION_COLUMNS)}) VALUES ({marks})"
    total = len(rows)
    step = BATCH * 10
    for start in range(0, total, step):
        conn.exec_driver_sql(sql, rows[start : start + step])
        if progress:
            progress("Loading observations", min(start + step, total), total)
    return total


def _chunks(
    rows: Iterator[dict[str, Any]], total: int, stage: str, progress: Progress | None
) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    done = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            done += len(batch)
            yield batch
            batch = []
            if progress:
                progress(stage, done, total)
    if batch:
        done += len(batch)
        yield batch
    if progress:
        progress(stage, done, total)


def load_country(
    repo: Repository,
    country: SyntheticCountry,
    *,
    progress: Progress | None = None,
    at: datetime | None = None,
) -> dict[str, int]:
    """Load ``country`` into an empty database in one transaction; return row counts."""
    loaded_at = at or datetime.now(UTC)
    with repo.transaction() as conn:
        repo.add_providers(conn, country.providers)
        repo.add_indicators(conn, country.indicators)
        total = len(country.inspections)
        for start in range(0, total, 200):
            repo.add_inspections(conn, country.inspections[start : start + 200])
            if progress:
                progress("Loading inspections", min(start + 200, total), total)
        for episode in country.episodes:
            repo.add_episode(conn, episode)
        # The episodes and inspections carry the generator's ids: move PostgreSQL's sequences
        # past them, or the next decision that opens an episode collides with a loaded row.
        reset_sequences(conn)
        n_obs = _insert_observations(conn, country, progress)
        latent = country.truth.latent_rows()
        for batch in _chunks(iter(latent), len(latent), "Loading latent truth", progress):
            conn.execute(insert(truth_latent_quality), batch)
        records = [
            {
                "kind": kind,
                "provider_code": code,
                "payload": json.dumps(payload, default=str, sort_keys=True),
            }
            for kind, code, payload in country.truth.records()
        ]
        if records:
            conn.execute(insert(truth_records), records)
        summary = {
            k: (v if not isinstance(v, np.generic) else v.item())
            for k, v in country.summary().items()
        }
        repo.set_meta(
            conn,
            {
                "synthetic": "true",
                "label": country.label,
                "seed": str(country.seed),
                "providers": str(len(country.providers)),
                "period_start": country.start.isoformat()
                if isinstance(country.start, date)
                else str(country.start),
                "period_end": country.end.isoformat()
                if isinstance(country.end, date)
                else str(country.end),
                "summary": json.dumps(summary, default=str),
            },
        )
        counts = {
            "providers": len(country.providers),
            "inspections": len(country.inspections),
            "episodes": len(country.episodes),
            "indicators": len(country.indicators),
            "observations": n_obs,
            "latent": len(latent),
            "truth_records": len(records),
        }
        audit.append(
            conn,
            actor="specialmeasures demo",
            role="system",
            action="demo.loaded",
            entity="dataset",
            entity_key=f"synthetic-seed-{country.seed}",
            payload={"counts": counts, "label": country.label},
            at=loaded_at,
        )
    return counts
