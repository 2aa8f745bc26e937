"""Denials aggregated per actor, client, kind and minute, with bounded rows whatever arrives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from specialmeasures.web.denials import DenialKind, DenialLog

T0 = datetime(2026, 1, 5, 9, 0, 10, tzinfo=UTC)
Row = tuple[DenialKind, str, dict[str, Any], datetime]


def kind(key: str = "GET /watchlist", client: str = "192.0.2.1") -> DenialKind:
    return DenialKind("anonymous", "public", client, "access.denied", "route", key)


def collecting() -> tuple[DenialLog, list[Row]]:
    rows: list[Row] = []
    return DenialLog(lambda *row: rows.append(row), per_client=3, max_kinds=5), rows


def test_the_first_denial_is_written_at_once_and_repeats_as_one_count() -> None:
    log, rows = collecting()
    for i in range(1000):
        log.record(kind(), {"reason": "not signed in"}, T0 + timedelta(milliseconds=i))
    assert [r[1] for r in rows] == ["access.denied"]
    assert log.pending() == 999
    log.record(kind(), {"reason": "not signed in"}, T0 + timedelta(minutes=1))
    assert [r[1] for r in rows] == ["access.denied", "access.denied.repeated", "access.denied"]
    summary = rows[1][2]
    assert summary["count"] == 999
    assert summary["minute"] == "2026-01-05T09:00+00:00"
    assert summary["reason"] == "not signed in"


def test_varying_the_route_cannot_multiply_rows_beyond_the_bounds() -> None:
    log, rows = collecting()
    for i in range(500):
        log.record(kind(f"GET /providers/X{i}", client=f"192.0.2.{i % 50}"), {}, T0)
    log.flush()
    # 5 kinds written at once, then their repeats and one overflow count for everyone.
    assert len(rows) <= 2 * 5 + 1
    written = sum(1 for r in rows if not r[1].endswith(".repeated"))
    counted = sum(r[2]["count"] for r in rows if r[1].endswith(".repeated"))
    assert written + counted == 500


def test_one_client_gets_at_most_its_share_of_kinds() -> None:
    log, rows = collecting()
    for i in range(20):
        log.record(kind(f"GET /x{i}"), {}, T0)
    assert len(rows) == 3
    log.flush()
    overflow = [r for r in rows if r[0].entity_key == "*"]
    assert len(overflow) == 1
    assert overflow[0][2] == {
        "overflow": True,
        "count": 17,
        "minute": "2026-01-05T09:00+00:00",
        "first_at": "2026-01-05T09:00:10+00:00",
        "last_at": "2026-01-05T09:00:10+00:00",
    }


def test_flush_writes_nothing_for_a_minute_still_running() -> None:
    log, rows = collecting()
    log.record(kind(), {}, T0)
    log.record(kind(), {}, T0)
    log.flush(T0 + timedelta(seconds=30))
    assert len(rows) == 1
    log.flush(T0 + timedelta(seconds=60))
    assert len(rows) == 2
