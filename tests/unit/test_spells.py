"""SMQ, CP, RSP and PIP episodes read as one history of support."""

from __future__ import annotations

from datetime import date

from specialmeasures.domain import EpisodeState, Regime, RegimeEpisode
from specialmeasures.evaluation.spells import support_spells

X = EpisodeState.EXITED


def ep(regime: Regime, start: date, end: date | None = None) -> RegimeEpisode:
    return RegimeEpisode("RXX", regime, start, end, X if end else EpisodeState.IN_REGIME)


def test_smq_to_rsp_in_july_2021_is_one_spell() -> None:
    episodes = [ep(Regime.SMQ, date(2017, 4, 1), date(2021, 7, 13)),
                ep(Regime.RSP, date(2021, 7, 13), date(2022, 3, 16))]  # fmt: skip
    [spell] = support_spells(episodes, date(2023, 1, 1))
    assert spell.regimes == "SMQ -> RSP"
    assert (spell.start, spell.end) == (date(2017, 4, 1), date(2022, 3, 16))
    assert not spell.confidential
    # Known in 2020, the spell was SMQ alone and still open.
    [before] = support_spells(episodes, date(2020, 1, 1))
    assert before.regimes == "SMQ"
    assert before.end is None


def test_a_gap_longer_than_the_tolerance_starts_a_new_spell() -> None:
    episodes = [ep(Regime.SMQ, date(2014, 1, 1), date(2015, 1, 1)),
                ep(Regime.SMQ, date(2016, 6, 1), date(2017, 1, 1)),
                ep(Regime.PIP, date(2017, 1, 20))]  # fmt: skip
    spells = support_spells(episodes, date(2018, 1, 1))
    assert [s.regimes for s in spells] == ["SMQ", "SMQ -> PIP"]
    assert spells[1].end is None
    assert [s.regimes for s in support_spells(episodes, date(2018, 1, 1), gap_days=600)] == [
        "SMQ -> PIP"
    ]
    assert len(support_spells(episodes, date(2018, 1, 1), gap_days=0)) == 3


def test_the_cp_list_is_confidential_and_can_be_left_out() -> None:
    episodes = [ep(Regime.CP, date(2014, 1, 1), date(2014, 9, 1)),
                ep(Regime.SMQ, date(2014, 8, 1), date(2016, 1, 1)),
                ep(Regime.SMF, date(2015, 1, 1), date(2015, 6, 1))]  # fmt: skip
    [spell] = support_spells(episodes, date(2017, 1, 1))
    assert spell.regimes == "CP -> SMQ"  # finance special measures is not a support regime here
    assert spell.confidential
    assert spell.row()["confidential"] is True
    [public] = support_spells(episodes, date(2017, 1, 1), include_confidential=False)
    assert public.regimes == "SMQ"
    assert not public.confidential
