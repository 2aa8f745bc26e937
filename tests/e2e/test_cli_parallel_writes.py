"""Parallel ``decide`` and ``judgement add`` processes on SQLite and PostgreSQL.

The reproduction of the report: several ``decide CODE --transition place_without_recommendation``
started at once by separate processes. Exactly one places the trust; the others are refused with
one line (exit 1, no traceback); parallel judgements all land; the audit chain verifies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factories import add_cli_accounts, load_small_register
from specialmeasures.bootstrap import bootstrap
from specialmeasures.settings import Settings
from specialmeasures.store import audit
from specialmeasures.store.tables import regime_episodes

CLI = [sys.executable, "-m", "specialmeasures"]
DECIDERS = 3
JUDGES = 3


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_parallel_decide_processes_place_a_trust_once(database_url: str, tmp_path: Path) -> None:
    platform = bootstrap(Settings(database_url=database_url), upgrade=True)
    load_small_register(platform.repository)
    add_cli_accounts(platform.repository)
    platform.close()
    env = {
        **os.environ,
        "SPECIALMEASURES_DATABASE_URL": database_url,
        "SPECIALMEASURES_CLI_ACCOUNT": "dana",
    }
    who = ["--role", "NHS Improvement", "--rationale", "parallel"]
    procs = [
        _start(
            [
                "decide",
                "ZA2",
                "--transition",
                "place_without_recommendation",
                *who,
                "--on",
                "2016-03-01",
            ],
            env,
        )
        for _ in range(DECIDERS)
    ]
    procs += [
        _start(
            [
                "judgement",
                "add",
                "ZA3",
                "--fact",
                "leadership_cannot_fix",
                "--value",
                "yes",
                *who,
                "--on",
                "2016-03-01",
            ],
            env,
        )
        for _ in range(JUDGES)
    ]
    outcomes = [(p.wait(timeout=180), *p.communicate()) for p in procs]
    decided, judged = outcomes[:DECIDERS], outcomes[DECIDERS:]
    assert sorted(code for code, _, _ in decided) == [0] + [1] * (DECIDERS - 1), outcomes
    for code, _, err in decided:
        if code:
            assert "Traceback" not in err
            assert err.startswith("error: cannot 'place_without_recommendation' ZA2"), err
            assert err.count("\n") == 1
    assert all(code == 0 for code, _, _ in judged), judged
    platform = bootstrap(Settings(database_url=database_url))
    try:
        with platform.engine.connect() as conn:
            open_episodes = conn.execute(
                select(func.count())
                .select_from(regime_episodes)
                .where(
                    regime_episodes.c.provider_code == "ZA2", regime_episodes.c.end_date.is_(None)
                )
            ).scalar_one()
            actions = [e.action for e in audit.entries(conn)]
            problems = audit.verify(conn)
    finally:
        platform.close()
    assert open_episodes == 1
    assert actions.count("decision.place_without_recommendation") == 1
    assert actions.count("judgement.add") == JUDGES
    assert problems == []


@pytest.fixture(autouse=True)
def _no_stray_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
