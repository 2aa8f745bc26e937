"""The regime life cycle: every legal and illegal transition, and the words of each refusal."""

from __future__ import annotations

from datetime import date

import pytest

from specialmeasures.domain import DomainError, EpisodeState, Regime, RegimeEpisode
from specialmeasures.domain.lifecycle import (
    TRANSITIONS,
    LifecycleEvent,
    LifecycleState,
    TransitionError,
    allowed_transitions,
    current_state,
    plan_transition,
)

S = LifecycleState
START, END, ON = date(2015, 1, 10), date(2016, 6, 1), date(2017, 3, 1)


def history(
    regime: Regime, state: LifecycleState
) -> tuple[list[RegimeEpisode], list[LifecycleEvent]]:
    """The provider ZA1 standing in ``state``."""
    if state is S.NONE:
        return [], []
    if state is S.RECOMMENDED:
        return [], [LifecycleEvent("ZA1", regime, "recommend_entry", START)]
    if state is S.EXITED:
        return [RegimeEpisode("ZA1", regime, START, END, EpisodeState.EXITED, id=7)], []
    return [RegimeEpisode("ZA1", regime, START, None, EpisodeState(state.value), id=7)], []


#: (regime, state, transition) -> state after; every combination not listed is illegal.
LEGAL = {
    (Regime.SMQ, S.NONE, "recommend_entry"): S.RECOMMENDED,
    (Regime.SMQ, S.EXITED, "recommend_entry"): S.RECOMMENDED,
    (Regime.SMQ, S.NONE, "place_without_recommendation"): S.IN_REGIME,
    (Regime.SMQ, S.EXITED, "place_without_recommendation"): S.IN_REGIME,
    (Regime.SMQ, S.RECOMMENDED, "enter"): S.IN_REGIME,
    (Regime.SMQ, S.RECOMMENDED, "decline_entry"): S.NONE,
    (Regime.SMQ, S.IN_REGIME, "reinspect"): S.REINSPECTED,
    (Regime.SMQ, S.REINSPECTED, "reinspect"): S.REINSPECTED,
    (Regime.SMQ, S.REINSPECTED, "recommend_exit"): S.EXIT_RECOMMENDED,
    (Regime.SMQ, S.REINSPECTED, "remain"): S.IN_REGIME,
    (Regime.SMQ, S.EXIT_RECOMMENDED, "remain"): S.IN_REGIME,
    (Regime.SMQ, S.EXIT_RECOMMENDED, "exit"): S.EXITED,
    (Regime.CP, S.NONE, "add_to_list"): S.IN_REGIME,
    (Regime.CP, S.EXITED, "add_to_list"): S.IN_REGIME,
    (Regime.CP, S.IN_REGIME, "remove_from_list"): S.EXITED,
    (Regime.RSP, S.NONE, "enter"): S.IN_REGIME,
    (Regime.RSP, S.EXITED, "enter"): S.IN_REGIME,
    (Regime.RSP, S.IN_REGIME, "exit"): S.EXITED,
}
SMQ_STATES = list(S)
SIMPLE_STATES = [S.NONE, S.IN_REGIME, S.EXITED]
CASES = [
    (regime, state, t.name)
    for regime in (Regime.SMQ, Regime.CP, Regime.RSP)
    for state in (SMQ_STATES if regime is Regime.SMQ else SIMPLE_STATES)
    for t in TRANSITIONS
    if regime in t.regimes
]


def test_the_table_covers_every_legal_transition_of_the_machine() -> None:
    legal = {c for c in CASES if any(
        t.name == c[2] and c[0] in t.regimes and c[1] in t.sources for t in TRANSITIONS)}  # fmt: skip
    assert legal == set(LEGAL)


@pytest.mark.parametrize(("regime", "state", "name"), CASES, ids=lambda v: getattr(v, "value", v))
def test_transition(regime: Regime, state: LifecycleState, name: str) -> None:
    episodes, events = history(regime, state)
    assert current_state(episodes, events, regime) is state
    expected = LEGAL.get((regime, state, name))
    if expected is None:
        with pytest.raises(TransitionError) as caught:
            plan_transition("ZA1", regime, name, ON, episodes, events)
        message = str(caught.value)
        allowed = ", ".join(allowed_transitions(regime, state)) or "none"
        assert message.startswith(
            f"cannot {name!r} ZA1 in {regime.label.lower()}: its state is {state.value!r}"
        )
        assert f"{name!r} is allowed only from " in message
        assert message.endswith(f"; allowed now: {allowed}")
        assert isinstance(caught.value, DomainError)
        return
    plan = plan_transition("ZA1", regime, name, ON, episodes, events)
    assert (plan.before, plan.after) == (state, expected)
    if name in ("recommend_entry", "decline_entry"):
        assert plan.episode is None
    elif state in (S.NONE, S.EXITED, S.RECOMMENDED):
        assert plan.inserts_episode
        assert plan.episode == RegimeEpisode("ZA1", regime, ON, None, EpisodeState.IN_REGIME)
    else:
        assert plan.episode is not None
        assert plan.episode.id == 7
        assert plan.episode.state.value == ("exited" if expected is S.EXITED else expected.value)
        assert plan.episode.end == (ON if expected is S.EXITED else None)


def test_exact_refusal_message() -> None:
    episodes, events = history(Regime.SMQ, S.IN_REGIME)
    with pytest.raises(TransitionError) as caught:
        plan_transition("ZA1", Regime.SMQ, "exit", ON, episodes, events)
    assert str(caught.value) == (
        "cannot 'exit' ZA1 in special measures for quality: its state is 'in_regime' (in the"
        " regime); 'exit' is allowed only from 'exit_recommended'; allowed now: reinspect"
    )


def test_unknown_transition_names_the_choices() -> None:
    with pytest.raises(DomainError, match="is not a transition of challenged provider; use one"):
        plan_transition("ZA1", Regime.CP, "enter", ON, [], [])


def test_history_is_only_appended() -> None:
    episodes, events = history(Regime.SMQ, S.IN_REGIME)
    with pytest.raises(TransitionError, match="2014-01-01 is before its last recorded change"):
        plan_transition("ZA1", Regime.SMQ, "reinspect", date(2014, 1, 1), episodes, events)


def test_decline_after_an_earlier_episode_returns_to_exited() -> None:
    episodes, _ = history(Regime.SMQ, S.EXITED)
    events = [LifecycleEvent("ZA1", Regime.SMQ, "recommend_entry", date(2016, 9, 1))]
    assert current_state(episodes, events, Regime.SMQ) is S.RECOMMENDED
    plan = plan_transition("ZA1", Regime.SMQ, "decline_entry", ON, episodes, events)
    assert plan.after is S.EXITED
    declined = [*events, LifecycleEvent("ZA1", Regime.SMQ, "decline_entry", ON)]
    assert current_state(episodes, declined, Regime.SMQ) is S.EXITED


def test_a_recommendation_before_the_last_exit_is_spent() -> None:
    episodes, _ = history(Regime.SMQ, S.EXITED)
    old = [LifecycleEvent("ZA1", Regime.SMQ, "recommend_entry", date(2014, 12, 1))]
    assert current_state(episodes, old, Regime.SMQ) is S.EXITED


def test_state_as_of_a_date_ignores_later_changes() -> None:
    episodes, _ = history(Regime.SMQ, S.EXITED)
    assert current_state(episodes, [], Regime.SMQ, as_of=date(2014, 1, 1)) is S.NONE
    assert current_state(episodes, [], Regime.SMQ, as_of=date(2016, 1, 1)) is S.IN_REGIME
    assert current_state(episodes, [], Regime.SMQ, as_of=END) is S.EXITED


def test_re_entry_after_exit_opens_a_new_episode() -> None:
    episodes, _ = history(Regime.SMQ, S.EXITED)
    plan = plan_transition("ZA1", Regime.SMQ, "place_without_recommendation", ON, episodes, [])
    assert plan.inserts_episode
    assert plan.episode is not None
    assert plan.episode.start == ON
