"""The decision page's read model: recommendations with reasons, the regime timeline, past
decisions, and the transitions a decision-maker may record now.

Plain JSON-ready data, so that the page and its JSON twin carry the same thing. Draft
recommendations are confidential (the routes that show them are for regulator roles); anything
about the confidential Challenged Provider regime is left out unless ``include_confidential``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from specialmeasures.domain import Regime
from specialmeasures.domain.lifecycle import TRANSITIONS, allowed_transitions, current_state
from specialmeasures.regime.evaluation import evaluate_provider
from specialmeasures.regime.timeline import provider_timeline
from specialmeasures.store import Repository
from specialmeasures.store.regime_store import lifecycle_events
from specialmeasures.store.tables import decisions

__all__ = ["decision_view", "jsonable", "past_decisions"]


def jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Regime):
        return value.value
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def past_decisions(
    repository: Repository,
    code: str,
    *,
    include_confidential: bool,
    as_of: date | None = None,
) -> list[dict[str, Any]]:
    """The provider's recorded decisions, newest first (CP ones only when confidential; only
    those decided on or before ``as_of`` when given)."""
    query = (
        select(decisions)
        .where(decisions.c.provider_code == code)
        .order_by(decisions.c.decided_at.desc(), decisions.c.id.desc())
    )
    out = []
    with repository.engine.connect() as conn:
        for r in conn.execute(query).mappings():
            regime = r["regime"]
            if regime == Regime.CP.value and not include_confidential:
                continue
            if as_of is not None and jsonable(r["decided_at"])[:10] > as_of.isoformat():
                continue
            out.append(
                {
                    "id": r["id"],
                    "decided_on": jsonable(r["decided_at"])[:10],
                    "regime": regime,
                    "regime_label": Regime(regime).label if regime else None,
                    "transition": r["transition"],
                    "kind": r["kind"],
                    "actor": r["actor"],
                    "role": r["role"],
                    "rationale": r["rationale"],
                    "recommendation_ref": r["recommendation_ref"],
                    "accepted": r["accepted"],
                }
            )
    return out


def _choices(
    repository: Repository, code: str, as_of: date, regimes: list[Regime]
) -> list[dict[str, Any]]:
    episodes = repository.episodes(code)
    with repository.engine.connect() as conn:
        events = lifecycle_events(conn, code)
    out = []
    for regime in regimes:
        # The state as it stood on as_of (the form's "now" is the page's date).
        state = current_state(episodes, events, regime, as_of)
        allowed = allowed_transitions(regime, state)
        out.append(
            {
                "regime": regime.value,
                "regime_label": regime.label,
                "state": state.value,
                "state_label": state.label,
                "transitions": [
                    {"name": t.name, "description": t.description}
                    for t in TRANSITIONS
                    if regime in t.regimes and t.name in allowed
                ],
            }
        )
    return out


def decision_view(
    repository: Repository, code: str, as_of: date, *, include_confidential: bool
) -> dict[str, Any]:
    """Everything the decision page shows for provider ``code`` on ``as_of``.

    ``recommendations`` come from :func:`evaluate_provider` (no side effects), each with its
    rule id, policy version, the facts it used (value, source, date) and the clauses that
    matched; ``timeline`` is the special measures timeline (re-inspection due or overdue, the
    intended maximum); ``decisions`` are the recorded ones, newest first; ``choices`` the
    transitions allowed now, per regime. Raises NotFoundError for an unknown provider.
    """
    provider = repository.provider(code)
    evaluation = evaluate_provider(repository, code, as_of).as_data()
    policies = [p for p in evaluation["policies"] if include_confidential or not p["confidential"]]
    recommendations = [
        r for r in evaluation["recommendations"] if include_confidential or not r["confidential"]
    ]
    timeline = provider_timeline(repository, code, as_of, regime=Regime.SMQ)
    regimes = [r for r in Regime if include_confidential or not r.confidential]
    active = [
        e.regime.label
        for e in repository.active_episodes(as_of, [code]).get(code, [])
        if include_confidential or not e.regime.confidential
    ]
    return {
        "provider": {
            "code": provider.code,
            "name": provider.name,
            "system": provider.system,
            "synthetic": provider.synthetic,
        },
        "as_of": as_of.isoformat(),
        "confidential": include_confidential,
        "regime_status": active,
        "policies": policies,
        "recommendations": recommendations,
        "timeline": {**jsonable(asdict(timeline)), "lines": timeline.lines()},
        "decisions": past_decisions(
            repository, code, include_confidential=include_confidential, as_of=as_of
        ),
        "choices": _choices(repository, code, as_of, regimes),
    }
