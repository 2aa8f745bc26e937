"""Funding rules, pure: caps, the component's start, duplicates, exit window, spend."""

from __future__ import annotations

from datetime import date

import pytest

from factories import cp, smq
from specialmeasures.domain import InputError
from specialmeasures.domain.episode import Regime, RegimeEpisode
from specialmeasures.domain.funding import (
    FundingAim,
    FundingApplication,
    FundingStage,
    PolicyRefusalError,
    SpendLine,
    check_application,
    check_spend,
)
from specialmeasures.interventions._common import funding_rules

RULES = funding_rules()


def app(code: str, stage: FundingStage, day: date, amount: int) -> FundingApplication:
    return FundingApplication(code, stage, day, (FundingAim("QI", amount),))


def with_id(e: object, i: int) -> object:
    return type(e)(
        *[getattr(e, f) for f in ("provider_code", "regime", "start", "end", "state")], i
    )  # type: ignore[call-arg]


def test_caps_come_from_the_policy_files() -> None:
    assert RULES.caps == {
        FundingStage.SMQ_ENTRY: 500_000, FundingStage.CP: 200_000, FundingStage.SMQ_EXIT: 100_000,
        FundingStage.RSP: 250_000, FundingStage.PIP: 100_000,
    }  # fmt: skip
    assert RULES.component_start == date(2016, 4, 1)


def test_rsp_funding_is_checked_against_its_illustrative_cap_and_names_the_rule() -> None:
    spell = with_id(RegimeEpisode("RAA", Regime.RSP, date(2025, 4, 1)), 1)
    with pytest.raises(PolicyRefusalError) as info:
        check_application(app("RAA", FundingStage.RSP, date(2025, 6, 1), 250_001), [spell], [],
                          RULES)  # type: ignore[list-item]  # fmt: skip
    assert info.value.rule_id == "rsp.funding.available"
    assert "illustrative" in info.value.rule_text
    assert "£250,000" in info.value.rule_text
    assert "over the Recovery Support Programme cap of £250,000" in str(info.value)
    accepted = check_application(
        app("RAA", FundingStage.RSP, date(2025, 6, 1), 250_000),
        [spell],
        [],
        RULES,  # type: ignore[list-item]
    )
    assert accepted.id == 1
    with pytest.raises(PolicyRefusalError, match="not in PIP"):
        check_application(app("RAA", FundingStage.PIP, date(2025, 6, 1), 1), [spell], [], RULES)  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("stage", "day", "amount", "rule"),
    [
        (FundingStage.SMQ_ENTRY, date(2017, 1, 1), 500_001, "smq.funding.entry_available"),
        (FundingStage.SMQ_ENTRY, date(2019, 1, 1), 1, "smq.funding.entry_available"),
        (FundingStage.CP, date(2017, 1, 1), 1, "cp.funding.available"),
        (FundingStage.SMQ_EXIT, date(2020, 1, 1), 1, "smq.funding.exit_available"),
    ],
)
def test_refusals_name_the_rule(stage: FundingStage, day: date, amount: int, rule: str) -> None:
    spells = [with_id(smq("RAA", date(2016, 6, 1), date(2018, 6, 1)), 1)]
    with pytest.raises(PolicyRefusalError) as info:
        check_application(app("RAA", stage, day, amount), spells, [], RULES)  # type: ignore[arg-type]
    assert info.value.rule_id == rule


def test_spell_before_the_component_gets_none() -> None:
    with pytest.raises(PolicyRefusalError, match="predates_component"):
        check_application(app("RAA", FundingStage.SMQ_ENTRY, date(2016, 5, 1), 1),
                          [smq("RAA", date(2015, 1, 1))], [], RULES)  # fmt: skip


def test_exit_within_window_and_duplicate() -> None:
    spell = with_id(smq("RAA", date(2016, 6, 1), date(2018, 6, 1)), 7)
    first = app("RAA", FundingStage.SMQ_EXIT, date(2018, 7, 1), 100_000)
    assert check_application(first, [spell], [], RULES).id == 7  # type: ignore[list-item]
    existing = FundingApplication("RAA", FundingStage.SMQ_EXIT, date(2018, 7, 1),
                                  (FundingAim("QI", 1),), 7, id=3)  # fmt: skip
    with pytest.raises(PolicyRefusalError, match="duplicate: application 3"):
        check_application(first, [spell], [existing], RULES)  # type: ignore[list-item]
    assert check_application(app("RBB", FundingStage.CP, date(2017, 2, 1), 200_000),
                             [cp("RBB", date(2017, 1, 1))], [], RULES).start == date(2017, 1, 1)  # fmt: skip


def test_spend_against_approved_amount() -> None:
    approved = FundingApplication("RAA", FundingStage.CP, date(2017, 1, 1),
                                  (FundingAim("QI", 100),), 1, "approved", 80, "E", date(2017, 2, 1), 5)  # fmt: skip
    line = SpendLine(5, "posts", 50, date(2017, 3, 1))
    check_spend(approved, [], line)
    with pytest.raises(InputError, match="over the approved £80"):
        check_spend(approved, [line], line)
