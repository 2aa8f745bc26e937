"""Impact estimators on generated countries: the event study recovers the true effect where
parallel trends hold, and its pre-trend check flags the designed pre-entry dip; ITS runs."""

from __future__ import annotations

from datetime import date

import pytest

from specialmeasures.demo import generate
from specialmeasures.domain import InputError, Regime
from specialmeasures.evaluation.impact import event_study, interrupted_time_series
from specialmeasures.evaluation.panel import panel_from_columns
from specialmeasures.evaluation.validation import _parallel, _truth_by_month, validate_impact

INDICATOR = "ae_four_hour"


@pytest.fixture(scope="module")
def country():  # type: ignore[no-untyped-def]
    return generate(3)


def _panel(country, event: str = "entry", truth: bool = False):  # type: ignore[no-untyped-def]
    o = country.observations
    values = country.truth.observed_effect if truth else o.value
    return panel_from_columns(INDICATOR, event, o.provider_code, o.indicator_id, o.period,
                              values, country.episodes)  # fmt: skip


def test_event_study_recovers_the_true_effect_under_parallel_trends(country) -> None:  # type: ignore[no-untyped-def]
    effect_panel = _panel(country, truth=True)
    truth = _truth_by_month(effect_panel, None, (-12, 24))
    panel = _parallel(_panel(country), effect_panel, 3)
    result = event_study(panel, (-12, 24))
    att_truth = sum(truth[k] for k in range(25)) / 25
    assert result.att["ci_low"] <= att_truth <= result.att["ci_high"]
    assert result.att["estimate"] == pytest.approx(att_truth, abs=0.004)
    assert result.treated_units >= 15
    covered = [r["ci_low"] <= truth[r["k"]] <= r["ci_high"] for r in result.rows if r["k"] != -1]
    assert sum(covered) / len(covered) > 0.8


def test_pre_trend_check_flags_the_dip_before_entry(country) -> None:  # type: ignore[no-untyped-def]
    result = event_study(_panel(country), (-12, 24))
    assert result.pretrend["p_value"] < 0.001
    assert result.treated_left_out > 0  # trusts already in SMQ when the data begin
    assert [r["k"] for r in result.rows] == list(range(-12, 25))


def test_exit_event_study_runs(country) -> None:  # type: ignore[no-untyped-def]
    result = event_study(_panel(country, "exit"), (-6, 12))
    assert result.event == "exit"
    assert result.treated_units > 0


def test_its_for_one_trust(country) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(country)
    frame = panel.frame
    code = str(frame[(frame["g"] >= 24) & (frame["rel"] == 0)]["unit"].iloc[0])
    result = interrupted_time_series(panel, code, (-12, 24))
    assert result.months_before == 12
    assert result.level_change["ci_low"] < result.level_change["ci_high"]
    never = str(frame[frame["g"] < 0]["unit"].iloc[0])
    with pytest.raises(InputError, match="no SMQ entry"):
        interrupted_time_series(panel, never)


def test_validation_of_one_seed_reports_bias_and_coverage() -> None:
    result = validate_impact(INDICATOR, 1, first_seed=5, outcome="parallel")
    assert set(result.summary) >= {"att_bias", "att_coverage", "month_coverage"}
    # One seed: the interval covers the truth and the error is smaller than the effect itself.
    assert result.per_seed[0]["att_covered"]
    assert abs(result.summary["att_bias"]) < result.summary["att_truth"]


def test_validation_of_a_multiplicative_effect_uses_its_effect_on_the_observed_scale() -> None:
    """A rate's effect multiplies its expected value, so its truth on the observed scale is
    what the generator added to each trust-month's expected rate, averaged over the treated."""
    result = validate_impact("cdiff_rate", 1, first_seed=5, outcome="parallel")
    assert result.scale == "multiplicative"
    effect = generate(5).truth.smq_effects["cdiff_rate"]
    assert effect.delta < 0  # SMQ lowers the infection rate: the truth has its sign
    assert result.summary["att_truth"] < 0
    assert result.per_seed[0]["att_covered"]


def test_an_intervention_event_compares_smq_trusts_with_and_without_it() -> None:
    country = generate(7, end=date(2016, 12, 1))
    obs = country.observations
    with_shmi = set(obs.provider_code[obs.indicator_id == "shmi"])
    smq = sorted({e.provider_code for e in country.episodes if e.regime is Regime.SMQ} & with_shmi)
    starts = {smq[0]: date(2015, 3, 10), "ZZZ": date(2015, 3, 10)}  # ZZZ: never in SMQ
    panel = panel_from_columns(
        "shmi", "buddy", obs.provider_code, obs.indicator_id, obs.period, obs.value,
        country.episodes, starts=starts,
    )  # fmt: skip
    frame = panel.frame
    assert set(frame["unit"]) <= set(smq)  # only trusts ever in SMQ
    treated = frame[frame["g"] >= 0]
    assert set(treated["unit"]) == {smq[0]}
    first = treated[treated["rel"] == 0]["t"].iloc[0]
    assert panel.origin.replace(day=1) <= date(2015, 3, 1)
    assert first == (2015 - panel.origin.year) * 12 + 3 - panel.origin.month
