"""The backtest as pages show it: the agreement table, the disagreements, a provider's cases.

Replaying a policy over six years of national history takes a second or two, so results are kept
in process and reused until the data changes (``store.versioned``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from specialmeasures.regime.backtest import BacktestResult, run_backtest
from specialmeasures.store import Repository
from specialmeasures.store.versioned import VersionedCache

__all__ = ["DEFAULT_END", "DEFAULT_POLICY", "DEFAULT_START", "BacktestCache", "backtest_summary"]

#: The seed's study window (July 2013 to September 2019) and the policy of its regime.
DEFAULT_POLICY = "smq-2013"
DEFAULT_START = date(2013, 7, 1)
DEFAULT_END = date(2019, 9, 1)


class BacktestCache:
    """Backtest results by (policy, start, end), reused until the data changes."""

    def __init__(self, cache: VersionedCache | None = None) -> None:
        self.cache = cache or VersionedCache(size=8)

    def get(self, repository: Repository, policy: str, start: date, end: date) -> BacktestResult:
        return self.cache.get(
            repository,
            ("backtest", policy, start, end),
            lambda: run_backtest(repository, policy, start, end),
        )


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
