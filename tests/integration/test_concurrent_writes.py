"""Parallel writers on both databases: decisions race for one trust, audit appends interleave.

Threads each hold their own database connection (SQLite file connections or PostgreSQL
sessions), so the locks under test are the database's, not Python's. Every outcome is checked:
exactly one winner per race, losers refused with a one-line error, no duplicate episode, every
audit row present once and the chain intact.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from factories import load_small_register
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import Regime, SpecialMeasuresError
from specialmeasures.regime import enter_judgement, record_decision
from specialmeasures.store import audit
from specialmeasures.store.tables import audit_log, decisions, regime_episodes

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
ROUNDS = 4
DECIDERS = 4
APPENDERS = 4


def _in_parallel(tasks: list[Callable[[], object]]) -> list[object]:
    """Run every task at once (released together by a barrier); their results or errors."""
    barrier = threading.Barrier(len(tasks))
    results: list[object] = [None] * len(tasks)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = tasks[i]()
        except Exception as error:  # the test inspects every outcome
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return results


@pytest.fixture
def loaded(platform: Platform) -> Platform:
    load_small_register(platform.repository)
    return platform


def test_parallel_decisions_and_appends_hold(loaded: Platform) -> None:
    repo = loaded.repository
    for n in range(ROUNDS):
        code = "ZA2"
        on = date(2016 + 2 * n, 3, 1)

        def place(on: date = on, code: str = code) -> object:
            return record_decision(
                repo, provider_code=code, regime=Regime.SMQ,
                transition="place_without_recommendation", actor="Dana Chair",
                role="NHS Improvement", rationale="Parallel test", on=on, recorded_at=AT,
            )  # fmt: skip

        def judge(i: int, on: date = on) -> object:
            return enter_judgement(
                repo, provider_code="ZA3", fact="leadership_cannot_fix", value="yes",
                actor=f"Writer {i}", role="CQC", rationale="Parallel test", on=on,
                recorded_at=AT,
            )  # fmt: skip

        tasks: list[Callable[[], object]] = [place for _ in range(DECIDERS)]
        tasks += [lambda i=i: judge(i) for i in range(APPENDERS)]
        results = _in_parallel(tasks)
        placed, judged = results[:DECIDERS], results[DECIDERS:]
        winners = [r for r in placed if not isinstance(r, Exception)]
        losers = [r for r in placed if isinstance(r, Exception)]
        assert len(winners) == 1, results
        # Losers are refused as the life cycle refuses any illegal step: one line, no traceback.
        assert all(isinstance(e, SpecialMeasuresError) for e in losers), losers
        assert all("in_regime" in str(e) for e in losers), losers
        assert not any(isinstance(r, Exception) for r in judged), judged
        # Close the episode for the next round's race.
        for name, month in (("reinspect", 6), ("recommend_exit", 7), ("exit", 8)):
            record_decision(
                repo, provider_code=code, regime=Regime.SMQ, transition=name,
                actor="Dana Chair", role="Provider Regulation Committee",
                rationale="Parallel test", on=on.replace(month=month), recorded_at=AT,
            )  # fmt: skip
    with loaded.engine.connect() as conn:
        open_episodes = conn.execute(
            select(func.count())
            .select_from(regime_episodes)
            .where(regime_episodes.c.provider_code == "ZA2", regime_episodes.c.end_date.is_(None))
        ).scalar_one()
        episodes = conn.execute(
            select(func.count())
            .select_from(regime_episodes)
            .where(regime_episodes.c.provider_code == "ZA2")
        ).scalar_one()
        n_decisions = conn.execute(select(func.count()).select_from(decisions)).scalar_one()
        seqs = list(conn.execute(select(audit_log.c.seq).order_by(audit_log.c.seq)).scalars())
        problems = audit.verify(conn)
    assert open_episodes == 0
    assert episodes == ROUNDS
    assert n_decisions == ROUNDS * 4
    # One audit row per decision and per judgement, numbered without gaps.
    assert seqs == list(range(1, ROUNDS * (4 + APPENDERS) + 1))
    assert problems == []


def test_parallel_appends_from_many_connections_keep_one_chain(loaded: Platform) -> None:
    repo = loaded.repository

    def burst(i: int) -> object:
        for j in range(5):
            with repo.transaction() as conn:
                audit.append(
                    conn, actor=f"writer {i}", role="test", action="test.append",
                    entity="test", entity_key=f"{i}-{j}", payload={"i": i, "j": j}, at=AT,
                )  # fmt: skip
        return i

    results = _in_parallel([lambda i=i: burst(i) for i in range(8)])
    assert results == list(range(8))
    with loaded.engine.connect() as conn:
        rows = audit.entries(conn)
        assert audit.verify(conn) == []
    assert [r.seq for r in rows] == list(range(1, 41))
    assert sorted(r.entity_key for r in rows) == sorted(
        f"{i}-{j}" for i in range(8) for j in range(5)
    )


def test_an_append_waits_for_a_long_import_instead_of_failing(loaded: Platform) -> None:
    """A web write (a denial's audit row) during a CLI import: it waits, then both commit."""
    repo = loaded.repository
    importing = threading.Event()

    def long_import() -> object:
        with repo.transaction() as conn:
            audit.append(
                conn, actor="importer", role="system", action="import.cqc", entity="file",
                entity_key="big.csv", payload={}, at=AT,
            )  # fmt: skip
            importing.set()
            threading.Event().wait(2.0)  # the rest of a long import
        return "import"

    def denial() -> object:
        importing.wait(10)
        with repo.transaction() as conn:
            audit.append(
                conn, actor="anonymous", role="public", action="access.denied", entity="route",
                entity_key="GET /watchlist", payload={}, at=AT,
            )  # fmt: skip
        return "denial"

    assert _in_parallel([long_import, denial]) == ["import", "denial"]
    with loaded.engine.connect() as conn:
        assert [r.action for r in audit.entries(conn)] == ["import.cqc", "access.denied"]
        assert audit.verify(conn) == []
