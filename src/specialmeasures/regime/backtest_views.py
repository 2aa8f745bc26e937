"""The backtest as pages show it: the agreement table, the disagreements, a provider's cases.

Replaying a policy over six years of national history takes a second or two, so results are kept
in process and reused until the data changes. Every write to the store appends to the audit log,
so the newest audit row is the data's version: a new row means a fresh replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from threading import Lock
from typing import Any

from sqlalchemy import func, select

from specialmeasures.regime.backtest import BacktestResult, run_backtest
from specialmeasures.store import Repository
from specialmeasures.store.tables import audit_log

__all__ = ["DEFAULT_END", "DEFAULT_POLICY", "DEFAULT_START", "BacktestCache", "backtest_summary"]

#: The seed's study window (July 2013 to September 2019) and the policy of its regime.
DEFAULT_POLICY = "smq-2013"
DEFAULT_START = date(2013, 7, 1)
DEFAULT_END = date(2019, 9, 1)


def _data_version(repository: Repository) -> int:
    with repository.engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(audit_log.c.seq), 0))).scalar_one())


@dataclass
class BacktestCache:
    """Backtest results by (policy, start, end, data version); a handful at most."""

    size: int = 8
    _results: dict[tuple[str, date, date, int], BacktestResult] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def get(self, repository: Repository, policy: str, start: date, end: date) -> BacktestResult:
        key = (policy, start, end, _data_version(repository))
        with self._lock:
            hit = self._results.get(key)
        if hit is not None:
            return hit
        result = run_backtest(repository, policy, start, end)
        with self._lock:
            if len(self._results) >= self.size:
                self._results.pop(next(iter(self._results)))
            self._results[key] = result
        return result


def backtest_summary(result: BacktestResult, *, provider: str | None = None) -> dict[str, Any]:
    """JSON-ready: the agreement per kind, and the cases (all disagreements, or one provider's)."""
    cases = (
        [c for c in result.cases if c.provider_code == provider]
        if provider is not None
        else list(result.disagreements)
    )
    return {
        "policy": result.policy_id,
        "policy_version": result.policy_version,
        "regime": result.regime.value,
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "months": result.months,
        "providers": result.providers,
        "agreement": [a.as_row() for a in result.agreement],
        "cases": [
            {k: (v.isoformat() if isinstance(v, date) else v) for k, v in c.as_row().items()}
            for c in cases
        ],
        "cases_shown": "provider" if provider is not None else "disagreements",
    }
