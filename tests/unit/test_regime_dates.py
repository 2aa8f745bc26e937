"""Each regime begins on the first day any of its policy files is valid."""

from __future__ import annotations

from datetime import date

from specialmeasures.domain import Regime
from specialmeasures.register.regime_dates import regime_start, regimes_in_existence
from specialmeasures.rules import load_policies


def test_starts_follow_the_policy_files() -> None:
    for regime in (Regime.SMQ, Regime.CP, Regime.RSP, Regime.PIP):
        starts = [p.valid_from for p in load_policies() if p.regime == regime.value]
        assert regime_start(regime) == min(starts)
    assert regime_start(Regime.PIP) == date(2025, 4, 1)


def test_the_pip_does_not_exist_before_april_2025() -> None:
    every = list(Regime)
    assert Regime.PIP not in regimes_in_existence(every, date(2025, 3, 31))
    assert Regime.PIP in regimes_in_existence(every, date(2025, 4, 1))
    assert regimes_in_existence(every, date(2014, 1, 1)) == [Regime.SMQ, Regime.CP]
