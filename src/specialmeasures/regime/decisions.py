"""Recording regime decisions: a named person moves a provider's life cycle, with a rationale.

``record_decision`` checks the transition against the life cycle (``domain.lifecycle``), checks
the recommendation it names (an engine reference is re-evaluated: the rule must really have
recommended that on that day, and a decision contrary to it must say it overrides it), then
writes the episode change, the decision row and its audit row in ONE transaction. Anything that
fails, before or during the writes, leaves the database unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from specialmeasures.domain import InputError, Regime, RegimeEpisode
from specialmeasures.domain._checks import require_text
from specialmeasures.domain.lifecycle import (
    LifecycleState,
    TransitionError,
    TransitionPlan,
    plan_transition,
)
from specialmeasures.regime.evaluation import evaluate_provider, parse_ref
from specialmeasures.rules import load_policy
from specialmeasures.store import Repository, audit, locks
from specialmeasures.store.regime_store import (
    episodes_of,
    insert_decision,
    insert_episode,
    lifecycle_events,
    update_episode,
)

__all__ = ["ACCEPTING", "RecordedDecision", "record_decision"]

#: For each recommended outcome, the transitions that follow it; any other transition taken
#: against that recommendation overrides it. An outcome not listed (``judgement_needed`` asks
#: for a judgement, not a step of the life cycle) is followed by no transition: citing it for
#: one is an override.
ACCEPTING: dict[str, frozenset[str]] = {
    "recommend_entry": frozenset({"recommend_entry", "enter", "place_without_recommendation"}),
    "no_entry": frozenset({"decline_entry"}),
    "recommend_exit": frozenset({"recommend_exit", "exit", "remove_from_list"}),
    "remain": frozenset({"remain", "reinspect"}),
    "recommend_watch_list": frozenset({"add_to_list"}),
    "reinspection_due": frozenset({"reinspect"}),
    "reinspection_overdue": frozenset({"reinspect"}),
}


@dataclass(frozen=True, slots=True)
class RecordedDecision:
    """What was written: the decision's id, the state change, the episode and the audit row."""

    decision_id: int
    provider_code: str
    regime: Regime
    transition: str
    on: date
    before: LifecycleState
    after: LifecycleState
    episode: RegimeEpisode | None
    recommendation_ref: str | None
    accepted: bool | None
    audit_seq: int

    def line(self) -> str:
        verdict = ""
        if self.recommendation_ref is not None:
            verdict = (
                f"; {'accepting' if self.accepted else 'overriding'} {self.recommendation_ref}"
            )
        return (
            f"decision {self.decision_id}: {self.provider_code} {self.regime.value}"
            f" {self.transition} on {self.on}: {self.before.value} -> {self.after.value}"
            f"{verdict} (audit row {self.audit_seq})"
        )


def _check_recommendation(
    repository: Repository, code: str, transition: str, ref: str, overridden: bool
) -> None:
    parsed = parse_ref(ref)
    if parsed is None:
        return  # a reference outside the engine (a CQC letter): recorded as given
    if parsed.provider_code != code:
        raise InputError(f"recommendation {ref!r} is about {parsed.provider_code}, not {code}")
    policy = load_policy(parsed.policy_id)
    if policy.version != parsed.version:
        raise InputError(
            f"recommendation {ref!r} names version {parsed.version} of {policy.id}, but version"
            f" {policy.version} is installed"
        )
    outcome = policy.rule(parsed.rule_id).outcome
    found = evaluate_provider(repository, code, parsed.as_of, policy_ids=[policy.id])
    if not any(r.rule_id == parsed.rule_id for r in found.recommendations):
        raise InputError(
            f"recommendation {ref!r} was not made: rule {parsed.rule_id} does not apply to"
            f" {code} as of {parsed.as_of}"
        )
    follows = ACCEPTING.get(outcome, frozenset())
    if transition in follows and overridden:
        raise InputError(
            f"{transition!r} follows recommendation {ref!r} ({outcome}); it does not override it"
        )
    if transition not in follows and not overridden:
        raise InputError(
            f"{transition!r} does not follow recommendation {ref!r} ({outcome}); record it as an"
            " override (--overridden) or name the recommendation it follows"
        )


def _open_episode(conn: Connection, plan: TransitionPlan, episode: RegimeEpisode) -> int:
    try:
        return insert_episode(conn, episode)
    except IntegrityError as error:
        # PostgreSQL names the index; SQLite names its columns.
        said = str(error.orig)
        if not any(m in said for m in ("uq_regime_episodes_open", "regime_episodes.regime")):
            raise
        raise TransitionError(
            episode.provider_code,
            episode.regime,
            plan.transition.name,
            plan.before,
            "another decision opened an episode first; nothing was written",
        ) from None


def record_decision(
    repository: Repository,
    *,
    provider_code: str,
    regime: Regime,
    transition: str,
    actor: str,
    role: str,
    rationale: str,
    on: date,
    recorded_at: datetime,
    recommendation_ref: str | None = None,
    overridden: bool = False,
    account_role: str | None = None,
) -> RecordedDecision:
    """Record one lifecycle decision with its audit row, all or nothing.

    Parameters
    ----------
    repository
        The store.
    provider_code, regime, transition
        Whose life cycle and which step (``domain.lifecycle.TRANSITIONS``).
    actor, role, rationale
        Who decides, in what role, and why (all required).
    on
        The day the decision takes effect (an entry's start, an exit's end).
    recorded_at
        When it is recorded (the audit row's time; passed in, the service reads no clock).
    recommendation_ref
        The recommendation the decision accepts or overrides: an engine reference from
        ``evaluate`` (checked) or any other reference, such as a CQC letter.
    overridden
        True when the decision goes against that recommendation.
    account_role
        The permission role of the account that acts (its ``actor`` is the username): the
        audit row carries it as the role, and ``role`` (the committee or office) as ``office``.

    Raises
    ------
    TransitionError, InputError, NotFoundError
        Nothing is written.
    """
    require_text("actor", actor)
    require_text("role", role)
    require_text("rationale", rationale, max_length=20_000)
    if overridden and recommendation_ref is None:
        raise InputError("an override must name the recommendation it overrides")
    repository.provider(provider_code)  # NotFoundError for an unknown provider
    if regime is Regime.PIP and transition == "enter":
        from specialmeasures.regime.pip import check_pip_entry

        check_pip_entry(repository, provider_code, on)  # InputError unless the criteria are met
    if recommendation_ref is not None:
        require_text("recommendation", recommendation_ref)
        _check_recommendation(repository, provider_code, transition, recommendation_ref,
                              overridden)  # fmt: skip
    accepted = None if recommendation_ref is None else not overridden
    with repository.transaction() as conn:
        # Parallel decisions about one provider's life cycle queue here, so each plans from the
        # state the one before it left; the partial unique index stops a second open episode
        # even if a writer bypasses this service.
        locks.hold(conn, f"lifecycle:{provider_code}:{regime.value}")
        plan: TransitionPlan = plan_transition(
            provider_code,
            regime,
            transition,
            on,
            episodes_of(conn, provider_code),
            lifecycle_events(conn, provider_code),
        )
        episode = plan.episode
        if episode is not None and episode.id is None:
            episode_id: int | None = _open_episode(conn, plan, episode)
            episode = RegimeEpisode(
                episode.provider_code, episode.regime, episode.start, episode.end,
                episode.state, episode_id,
            )  # fmt: skip
        elif episode is not None:
            update_episode(conn, episode)
            episode_id = episode.id
        else:
            episode_id = None
        decided_at = datetime.combine(on, time())
        decision_id = insert_decision(
            conn,
            {
                "provider_code": provider_code,
                "episode_id": episode_id,
                "kind": plan.transition.kind.value,
                "actor": actor,
                "role": role,
                "decided_at": decided_at,
                "rationale": rationale,
                "recommendation_ref": recommendation_ref,
                "regime": regime.value,
                "transition": transition,
                "accepted": accepted,
            },
        )
        entry = audit.append(
            conn,
            actor=actor,
            role=account_role or role,
            action=f"decision.{transition}",
            entity="provider",
            entity_key=provider_code,
            payload={
                "decision_id": decision_id,
                "regime": regime.value,
                "transition": transition,
                "on": on.isoformat(),
                "from": plan.before.value,
                "to": plan.after.value,
                "episode_id": episode_id,
                "rationale": rationale,
                "recommendation_ref": recommendation_ref,
                "accepted": accepted,
                **({"office": role} if account_role else {}),
            },
            at=recorded_at,
        )
    return RecordedDecision(
        decision_id, provider_code, regime, transition, on, plan.before, plan.after, episode,
        recommendation_ref, accepted, entry.seq,
    )  # fmt: skip
