"""The cost-consequence table's pure computation on hand-made records."""

from __future__ import annotations

from datetime import date

import pytest

from specialmeasures.domain import DomainError, EpisodeState, Polarity, Regime, RegimeEpisode
from specialmeasures.domain.buddying import ArrangedBy, BuddyArrangement, BuddyScope
from specialmeasures.domain.directors import DirectorAssignment
from specialmeasures.evaluation.cost_views import load_cost_rates
from specialmeasures.evaluation.costs import (
    CostRates,
    TrustCostInputs,
    buddy_months,
    cost_table,
    director_hours,
    first_entry,
    trust_cost,
    window_means,
)

AS_OF = date(2017, 1, 1)
RATES = CostRates(
    id_day_rate=1000,
    id_hours_per_day=7.0,
    buddy_monthly_payment=10_000,
    oag_hours_per_member_month=4,
    reporting_hours_per_item=0.5,
    staff_hourly_rate=60,
    months=2,
    financial_indicators=("financial_position",),
    outcome_indicators=("shmi",),
)
POLARITY = {"shmi": Polarity.LOWER_IS_BETTER, "financial_position": Polarity.HIGHER_IS_BETTER}


def _smq(start: date, end: date | None = None, code: str = "RXX") -> RegimeEpisode:
    state = EpisodeState.EXITED if end else EpisodeState.IN_REGIME
    return RegimeEpisode(code, Regime.SMQ, start, end, state)


def _inputs(**changes: object) -> TrustCostInputs:
    base: dict[str, object] = {
        "code": "RXX",
        "group": "clear_improver",
        # 2016-01-01 .. 2016-04-01: 91 days in SMQ
        "episodes": (_smq(date(2016, 1, 1), date(2016, 4, 1)),),
        # 29 days intensive (Feb 2016) at 14 h/week (58 h), 7 days at 7 h/week (7 h): 65 h
        "assignments": (
            DirectorAssignment(1, "RXX", date(2016, 2, 1), 1, 3, 14.0, 7.0, date(2016, 3, 8)),
        ),
        "buddies": (
            BuddyArrangement(
                "RXX",
                "RYY",
                BuddyScope.TRUST_WIDE,
                ArrangedBy.NHSI,
                date(2016, 1, 1),
                True,
                end=date(2016, 7, 1),
            ),
            BuddyArrangement(
                "RXX", "RZZ", BuddyScope.TRUST_WIDE, ArrangedBy.NHSI, date(2016, 1, 1), False
            ),
        ),
        "approved": ((date(2016, 2, 1), 300_000), (date(2018, 1, 1), 50_000)),
        "spend": ((date(2016, 3, 1), 120_000), (date(2017, 6, 1), 5_000)),
        "oag_members": 3,
        "return_items": ((date(2016, 2, 1), 10), (date(2016, 3, 1), 10), (date(2017, 2, 1), 99)),
        "series": {
            "shmi": {
                date(2015, 11, 1): 1.2,
                date(2015, 12, 1): 1.1,
                date(2016, 1, 1): 1.0,
                date(2016, 2, 1): 0.9,
            },
            "financial_position": {date(2015, 12, 1): -100.0, date(2016, 1, 1): 50.0},
        },
    }
    base.update(changes)
    return TrustCostInputs(**base)  # type: ignore[arg-type]


def test_each_cost_is_priced_and_the_total_adds_up() -> None:
    cost = trust_cost(_inputs(), RATES, AS_OF)
    c = cost.costs
    assert c["funding_approved"] == 300_000  # the 2018 approval is after the as-of date
    assert c["funding_spent"] == 120_000
    assert c["id_days"] == 9.3  # 65 h over 7-hour days
    assert c["id_cost"] == round(65 / 7 * 1000)
    assert c["buddy_paid_months"] == 5.98  # 182 days; the unpaid arrangement costs nothing
    assert c["buddy_cost"] == 59_800
    months = cost.regime_months
    assert months == pytest.approx(91 / 30.4375, abs=0.01)
    assert c["oversight_hours"] == pytest.approx(3 * 4 * months, abs=0.1)
    assert c["reporting_hours"] == 10.0  # 20 items x 0.5 h; the 2017-02 return is unseen
    assert c["reporting_cost"] == 600
    priced = ("funding_spent", "id_cost", "buddy_cost", "oversight_cost", "reporting_cost")
    assert c["total_direct_cost"] == sum(c[k] for k in priced)
    assert cost.entry == date(2016, 1, 1)
    assert cost.entry_regime == "smq"


def test_director_hours_split_by_phase_and_cut_at_as_of() -> None:
    a = DirectorAssignment(1, "RXX", date(2016, 1, 1), 1, 3, 21.0, 7.0)
    assert director_hours(a, date(2016, 2, 1)) == pytest.approx(31 / 7 * 21)
    assert director_hours(a, date(2016, 2, 8)) == pytest.approx(31 / 7 * 21 + 7)
    assert director_hours(a, date(2015, 12, 1)) == 0.0


def test_unpaid_buddy_costs_nothing() -> None:
    b = BuddyArrangement("RXX", "RYY", BuddyScope.TRUST_WIDE, ArrangedBy.NHSI, date(2016, 1, 1))
    assert buddy_months(b, AS_OF) == 0.0


def test_entry_prefers_smq_then_cp_and_ignores_later_episodes() -> None:
    cp = RegimeEpisode("RXX", Regime.CP, date(2014, 1, 1))
    smq = _smq(date(2016, 6, 1))
    assert first_entry([cp, smq], AS_OF) == (date(2016, 6, 1), Regime.SMQ)
    assert first_entry([cp, smq], date(2015, 1, 1)) == (date(2014, 1, 1), Regime.CP)
    assert first_entry([smq], date(2015, 1, 1)) is None


def test_window_means_before_and_after_entry() -> None:
    series = {date(2015, 11, 1): 1.2, date(2015, 12, 1): 1.1, date(2016, 1, 1): 1.0,
              date(2016, 2, 1): 0.9, date(2016, 3, 1): 5.0}  # fmt: skip
    assert window_means(series, date(2016, 1, 20), 2, AS_OF) == pytest.approx((1.15, 0.95, -0.2))
    # after as_of nothing is seen; an empty side gives no change
    assert window_means(series, date(2016, 1, 20), 2, date(2015, 12, 31))[1:] == (None, None)


def test_trust_rows_list_consequences_beside_costs_with_direction() -> None:
    table = cost_table([_inputs()], RATES, AS_OF, POLARITY)
    (row,) = table.trust_rows()
    assert row["shmi_before"] == pytest.approx(1.15)
    assert row["shmi_change"] == pytest.approx(-0.2)
    assert row["shmi_direction"] == "better"  # lower SHMI is better
    assert row["financial_position_change"] == pytest.approx(150.0)
    assert set(table.trust_columns()) <= set(row)
    # a cost-consequence table: no cost-per-outcome ratio anywhere
    assert not any("per_" in c and "shmi" in c for c in table.trust_columns())


def test_group_rows_sum_costs_and_average_changes() -> None:
    other = _inputs(code="RAA", group="cp_only", series={}, spend=((date(2016, 3, 1), 1_000),))
    never = TrustCostInputs("RBB", "never_in_regime")  # no episode, no cost: left out
    table = cost_table([_inputs(), other, never], RATES, AS_OF, POLARITY)
    assert [t.code for t in table.trusts] == ["RXX", "RAA"]
    rows = {r["group"]: r for r in table.group_rows(["cp_only", "clear_improver"])}
    assert list(rows) == ["cp_only", "clear_improver", "all"]
    assert rows["all"]["trusts"] == 2
    assert rows["all"]["total_direct_cost"] == sum(t.total for t in table.trusts)
    assert rows["all"]["funding_spent"] == 121_000
    assert rows["all"]["shmi_trusts"] == 1
    assert rows["all"]["shmi_better"] == 1
    assert rows["cp_only"]["shmi_change"] is None
    assert rows["cp_only"]["shmi_trusts"] == 0
    assert set(table.group_columns()) <= set(rows["all"])


def test_rates_are_checked_once_and_name_the_parameter() -> None:
    with pytest.raises(DomainError, match="cost_id_day_rate"):
        CostRates(-1, 7.5, 0, 0, 0, 0)
    with pytest.raises(DomainError, match="cost_id_hours_per_day"):
        CostRates(1, 0, 0, 0, 0, 0)


def test_packaged_rates_are_read_from_the_evaluation_policy() -> None:
    rates = load_cost_rates()
    assert rates.policy_version.startswith("evaluation ")
    assert rates.id_hours_per_day == 7.5
    assert rates.months == 12
    assert "shmi" in rates.outcome_indicators
    assert "agency_spend" in rates.financial_indicators
