"""Backtest of smq-2013 on the synthetic country: it agrees where the generator followed the
rule, and the disagreements are exactly the generator's judgement cases (``country.truth``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from time import perf_counter

import pytest

from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.demo import SyntheticCountry, generate
from specialmeasures.domain import Regime
from specialmeasures.regime.backtest import AGREE, MISSED, UNHEEDED, run_backtest
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country

START, END = date(2013, 7, 1), date(2019, 9, 1)
WINDOW_END = date(2019, 10, 1)


@pytest.fixture(scope="module")
def country() -> SyntheticCountry:
    return generate(2013, n_providers=150)


@pytest.fixture
def demo_db(sqlite_url: str, country: SyntheticCountry) -> Iterator[Platform]:
    platform = bootstrap(Settings(database_url=sqlite_url), upgrade=True)
    load_country(platform.repository, country)
    try:
        yield platform
    finally:
        platform.close()


def test_backtest_agrees_with_the_rule_and_names_the_judgement_cases(
    demo_db: Platform, country: SyntheticCountry
) -> None:
    began = perf_counter()
    result = run_backtest(demo_db.repository, "smq-2013", START, END)
    seconds = perf_counter() - began
    assert result.months == 75
    assert result.providers == len(country.providers)
    assert seconds < 30  # loaded once, replayed per provider (about 2 s on a laptop core)

    truth = country.truth
    smq = [(n, country.episodes[n.episode]) for n in truth.episode_notes if n.regime is Regime.SMQ]
    by_rule = {e.id for n, e in smq if n.entry_basis in ("rule", "keogh_review")
               and START <= e.start < WINDOW_END}  # fmt: skip
    entries = [c for c in result.cases if c.kind == "entry"]
    assert {c.episode_id for c in entries if c.verdict == AGREE} >= by_rule

    placed = {
        (j.provider_code, j.day) for j in truth.judgements
        if j.kind == "placed_without_recommendation" and j.day < WINDOW_END
    }  # fmt: skip
    not_placed = {
        j.provider_code for j in truth.judgements
        if j.kind == "rule_met_not_placed" and j.day < WINDOW_END
    }  # fmt: skip
    assert placed
    assert not_placed
    assert {(c.provider_code, c.happened_on) for c in entries if c.verdict == MISSED} == placed
    assert {c.provider_code for c in entries if c.verdict == UNHEEDED} == not_placed
    for case in result.disagreements:
        assert case.reason
    missed = next(c for c in entries if c.verdict == MISSED)
    assert "without the criteria being met" in missed.reason
    assert missed.lag_months is not None  # CQC's report followed the placement
    unheeded = next(c for c in entries if c.verdict == UNHEEDED)
    assert "no entry followed" in unheeded.reason
    assert "challenged providers list" in unheeded.reason

    exits_by_rule = {
        e.id for n, e in smq
        if n.exit_basis == "reinspection" and e.end is not None and START <= e.end < WINDOW_END
    }  # fmt: skip
    exits = [c for c in result.cases if c.kind == "exit"]
    assert {c.episode_id for c in exits if c.verdict == AGREE} >= exits_by_rule
    assert [c for c in exits if c.verdict != AGREE] == []

    entry, exit_ = result.row("entry"), result.row("exit")
    assert entry.recommended_not_happened == len(not_placed)
    assert entry.happened_not_recommended == len(placed)
    assert entry.recommended_and_happened >= len(by_rule)
    assert exit_.recommended_and_happened >= len(exits_by_rule)
    assert entry.neither > 0
    assert exit_.neither > 0
    assert all(0 <= lead <= 1 for lead in entry.leads + exit_.leads)


def test_recorded_judgements_turn_a_disagreement_into_agreement(
    demo_db: Platform, country: SyntheticCountry
) -> None:
    from datetime import UTC, datetime

    from specialmeasures.regime import enter_judgement

    case = next(j for j in country.truth.judgements if j.kind == "rule_met_not_placed")
    enter_judgement(
        demo_db.repository, provider_code=case.provider_code, fact="leadership_cannot_fix",
        value="no", actor="Test Inspector", role="CQC", rationale="Leadership judged able",
        on=date(2013, 7, 1), recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    result = run_backtest(demo_db.repository, "smq-2013", START, END)
    unheeded = {c.provider_code for c in result.cases if c.verdict == UNHEEDED}
    assert case.provider_code not in unheeded
