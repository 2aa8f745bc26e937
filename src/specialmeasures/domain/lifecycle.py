"""The regime life cycle: a state machine per provider and regime, and what each transition does.

Special measures for quality (SMQ) runs: no episode -> *recommended* (CQC's letter) -> *in regime*
(NHS Improvement places the trust) -> *re-inspected* (CQC) -> *exit recommended* (CQC) -> *exited*
(NHS Improvement's Provider Regulation Committee), with re-entry after exit. NHS Improvement may
also place a trust without a CQC recommendation (Shrewsbury and Telford, 8 November 2018), and may
decline a recommendation (the trust then stays out, e.g. on the challenged providers list). The
challenged providers (CP) list and the other regimes are simply on and off.

The *recommended* stage is not an episode (the trust is not in the regime yet): it is recorded as
a decision. ``current_state`` therefore reads the provider's episodes and its lifecycle decisions.
``plan_transition`` checks a transition and says what to write; it never writes. An illegal
transition raises ``TransitionError`` naming the state, the transition and what is allowed.

>>> from datetime import date
>>> from specialmeasures.domain.episode import Regime
>>> state = current_state([], [], Regime.SMQ)
>>> state.value
'none'
>>> plan_transition("RXX", Regime.SMQ, "exit", date(2015, 1, 9), [], [])
Traceback (most recent call last):
...
specialmeasures.domain.lifecycle.TransitionError: cannot 'exit' RXX in special measures for quality: its state is 'none' (no episode); 'exit' is allowed only from 'exit_recommended'; allowed now: recommend_entry, place_without_recommendation
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from specialmeasures.domain._checks import require_date, require_text
from specialmeasures.domain.decision import DecisionKind
from specialmeasures.domain.episode import EpisodeState, Regime, RegimeEpisode
from specialmeasures.domain.errors import DomainError

__all__ = [
    "TRANSITIONS",
    "LifecycleEvent",
    "LifecycleState",
    "Transition",
    "TransitionError",
    "TransitionPlan",
    "allowed_transitions",
    "current_state",
    "plan_transition",
    "transition",
]


class LifecycleState(Enum):
    """Where a provider stands in one regime's life cycle."""

    NONE = "none"  #: never in the regime and nothing pending
    RECOMMENDED = "recommended"  #: entry recommended, not yet decided
    IN_REGIME = "in_regime"
    REINSPECTED = "reinspected"
    EXIT_RECOMMENDED = "exit_recommended"
    EXITED = "exited"  #: the last episode has ended (re-entry possible)

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def in_regime(self) -> bool:
        return self in (
            LifecycleState.IN_REGIME,
            LifecycleState.REINSPECTED,
            LifecycleState.EXIT_RECOMMENDED,
        )


_STATE_LABELS = {
    LifecycleState.NONE: "no episode",
    LifecycleState.RECOMMENDED: "entry recommended",
    LifecycleState.IN_REGIME: "in the regime",
    LifecycleState.REINSPECTED: "re-inspected",
    LifecycleState.EXIT_RECOMMENDED: "exit recommended",
    LifecycleState.EXITED: "exited",
}

_OUT = (LifecycleState.NONE, LifecycleState.EXITED)
_SMQ = (Regime.SMQ,)
_ON_OFF = (Regime.CP, Regime.RSP, Regime.SMF, Regime.PIP)


@dataclass(frozen=True, slots=True)
class Transition:
    """A named step of the life cycle: which regimes, from which states, to which state."""

    name: str
    regimes: tuple[Regime, ...]
    sources: tuple[LifecycleState, ...]
    target: LifecycleState
    kind: DecisionKind
    description: str

    @property
    def closes_episode(self) -> bool:
        return self.target is LifecycleState.EXITED


#: Every transition, in life-cycle order. The source of truth for the docs and the tests.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "recommend_entry", _SMQ, _OUT, LifecycleState.RECOMMENDED, DecisionKind.RECOMMEND_ENTRY,
        "CQC recommends special measures (the recommendation letter)",
    ),
    Transition(
        "decline_entry", _SMQ, (LifecycleState.RECOMMENDED,), LifecycleState.NONE,
        DecisionKind.OTHER, "NHS Improvement does not place the trust (the recommendation lapses)",
    ),
    Transition(
        "enter", _SMQ, (LifecycleState.RECOMMENDED,), LifecycleState.IN_REGIME,
        DecisionKind.ENTRY, "NHS Improvement places the trust, on CQC's recommendation",
    ),
    Transition(
        "place_without_recommendation", _SMQ, _OUT, LifecycleState.IN_REGIME, DecisionKind.ENTRY,
        "NHS Improvement places the trust on its own evidence (Shrewsbury and Telford, 2018)",
    ),
    Transition(
        "reinspect", _SMQ, (LifecycleState.IN_REGIME, LifecycleState.REINSPECTED),
        LifecycleState.REINSPECTED, DecisionKind.REINSPECTION,
        "CQC re-inspects the trust (usually within 12 months of entry)",
    ),
    Transition(
        "recommend_exit", _SMQ, (LifecycleState.REINSPECTED,), LifecycleState.EXIT_RECOMMENDED,
        DecisionKind.RECOMMEND_EXIT, "CQC recommends exit after the re-inspection",
    ),
    Transition(
        "remain", _SMQ, (LifecycleState.REINSPECTED, LifecycleState.EXIT_RECOMMENDED),
        LifecycleState.IN_REGIME, DecisionKind.OTHER,
        "the trust remains in special measures (no exit after this re-inspection)",
    ),
    Transition(
        "exit", _SMQ, (LifecycleState.EXIT_RECOMMENDED,), LifecycleState.EXITED,
        DecisionKind.EXIT, "NHS Improvement's Provider Regulation Committee decides exit",
    ),
    Transition(
        "add_to_list", (Regime.CP,), _OUT, LifecycleState.IN_REGIME, DecisionKind.ENTRY,
        "the trust is put on the confidential challenged providers list",
    ),
    Transition(
        "remove_from_list", (Regime.CP,), (LifecycleState.IN_REGIME,), LifecycleState.EXITED,
        DecisionKind.EXIT, "the trust is taken off the challenged providers list",
    ),
    Transition(
        "enter", _ON_OFF[1:], _OUT, LifecycleState.IN_REGIME, DecisionKind.ENTRY,
        "the trust enters the regime",
    ),
    Transition(
        "exit", _ON_OFF[1:], (LifecycleState.IN_REGIME,), LifecycleState.EXITED,
        DecisionKind.EXIT, "the trust leaves the regime",
    ),
)  # fmt: skip

#: Decisions that only move the life cycle before entry (they have no episode).
_PRE_ENTRY = ("recommend_entry", "decline_entry")


def transition(regime: Regime, name: str) -> Transition:
    """The transition ``name`` of ``regime``; DomainError naming the choices if there is none."""
    for t in TRANSITIONS:
        if t.name == name and regime in t.regimes:
            return t
    names = ", ".join(dict.fromkeys(t.name for t in TRANSITIONS if regime in t.regimes))
    raise DomainError(
        "transition", name, f"is not a transition of {regime.label.lower()}; use one of {names}"
    )


class TransitionError(DomainError):
    """A transition that the life cycle does not allow from the provider's current state."""

    def __init__(
        self,
        provider_code: str,
        regime: Regime,
        name: str,
        state: LifecycleState,
        detail: str,
    ) -> None:
        self.provider_code = provider_code
        self.regime = regime
        self.transition = name
        self.state = state
        self.field = "transition"
        self.value = name
        self.rule = detail
        Exception.__init__(
            self,
            f"cannot {name!r} {provider_code} in {regime.label.lower()}: "
            f"its state is {state.value!r} ({state.label}); {detail}",
        )


@dataclass(frozen=True, slots=True)
class LifecycleEvent:
    """A lifecycle decision as the state machine needs it (from the decisions table)."""

    provider_code: str
    regime: Regime
    transition: str
    on: date


def _latest_episode(episodes: Iterable[RegimeEpisode], regime: Regime) -> RegimeEpisode | None:
    own = [e for e in episodes if e.regime is regime]
    return max(own, key=lambda e: (e.start, e.id or 0)) if own else None


def current_state(
    episodes: Iterable[RegimeEpisode],
    events: Iterable[LifecycleEvent],
    regime: Regime,
    as_of: date | None = None,
) -> LifecycleState:
    """The provider's state in ``regime`` (as of ``as_of`` when given) from episodes and events.

    An open episode's state is the episode's; otherwise a ``recommend_entry`` decision after the
    last episode ended (and not followed by ``decline_entry``) means *recommended*.
    """
    eps = [e for e in episodes if as_of is None or e.start <= as_of]
    if as_of is not None:
        eps = [_as_known(e, as_of) for e in eps]
    latest = _latest_episode(eps, regime)
    if latest is not None and latest.end is None:
        return LifecycleState(latest.state.value)
    since = latest.end if latest is not None else None
    pending = [
        e
        for e in events
        if e.regime is regime
        and e.transition in _PRE_ENTRY
        and (as_of is None or e.on <= as_of)
        and (since is None or e.on >= since)
    ]
    pending.sort(key=lambda e: e.on)
    if pending and pending[-1].transition == "recommend_entry":
        return LifecycleState.RECOMMENDED
    return LifecycleState.EXITED if latest is not None else LifecycleState.NONE


def _as_known(episode: RegimeEpisode, as_of: date) -> RegimeEpisode:
    """The episode as it stood on ``as_of``: an exit after that day had not happened yet."""
    if episode.end is not None and episode.end > as_of:
        return replace(episode, end=None, state=EpisodeState.IN_REGIME)
    return episode


def allowed_transitions(regime: Regime, state: LifecycleState) -> tuple[str, ...]:
    """Names of the transitions allowed from ``state`` in ``regime``, in life-cycle order."""
    return tuple(t.name for t in TRANSITIONS if regime in t.regimes and state in t.sources)


@dataclass(frozen=True, slots=True)
class TransitionPlan:
    """What a legal transition changes: the state before and after, and the episode to write.

    ``episode`` is None for pre-entry decisions (recommend or decline entry); otherwise it is the
    new episode (``id`` None, to insert) or the updated open episode (with its ``id``).
    """

    provider_code: str
    regime: Regime
    transition: Transition
    on: date
    before: LifecycleState
    after: LifecycleState
    episode: RegimeEpisode | None

    @property
    def inserts_episode(self) -> bool:
        return self.episode is not None and self.episode.id is None


def plan_transition(
    provider_code: str,
    regime: Regime,
    name: str,
    on: date,
    episodes: Sequence[RegimeEpisode],
    events: Sequence[LifecycleEvent],
) -> TransitionPlan:
    """Check transition ``name`` for one provider and regime on day ``on``; say what to write.

    Parameters
    ----------
    provider_code, regime
        Whose life cycle.
    name
        A transition name (``TRANSITIONS``), e.g. ``enter`` or ``recommend_exit``.
    on
        The day the decision takes effect. It may not precede the current episode's start or the
        provider's last lifecycle decision in this regime (history is appended, never rewritten).
    episodes, events
        The provider's episodes (all regimes) and lifecycle decisions.

    Raises
    ------
    TransitionError
        When the transition is not allowed from the current state, or goes back in time.
    """
    require_text("provider_code", provider_code)
    require_date("on", on)
    step = transition(regime, name)
    own = [e for e in episodes if e.provider_code == provider_code]
    state = current_state(own, events, regime)
    if state not in step.sources:
        allowed = ", ".join(allowed_transitions(regime, state)) or "none"
        sources = " or ".join(repr(s.value) for s in step.sources)
        raise TransitionError(
            provider_code,
            regime,
            name,
            state,
            f"{name!r} is allowed only from {sources}; allowed now: {allowed}",
        )
    latest = _latest_episode(own, regime)
    last_day = max(
        [e.on for e in events if e.regime is regime and e.provider_code == provider_code]
        + ([latest.start] if latest is not None else [])
        + ([latest.end] if latest is not None and latest.end is not None else []),
        default=None,
    )
    if last_day is not None and on < last_day:
        raise TransitionError(
            provider_code,
            regime,
            name,
            state,
            f"{on} is before its last recorded change on {last_day}: history is only appended",
        )
    episode: RegimeEpisode | None
    if name in _PRE_ENTRY:
        episode = None
    elif state.in_regime:
        assert latest is not None
        if step.closes_episode:
            episode = replace(latest, end=on, state=EpisodeState.EXITED)
        else:
            episode = replace(latest, state=EpisodeState(step.target.value))
    else:
        episode = RegimeEpisode(provider_code, regime, on, None, EpisodeState.IN_REGIME)
    after = step.target
    if name == "decline_entry" and latest is not None:
        after = LifecycleState.EXITED
    return TransitionPlan(provider_code, regime, step, on, state, after, episode)
