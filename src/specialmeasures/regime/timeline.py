"""A provider's regime timeline from the store, with the policy's month parameters."""

from __future__ import annotations

from datetime import date

from specialmeasures.domain import Regime
from specialmeasures.domain.timeline import RegimeTimeline, regime_timeline
from specialmeasures.rules import load_policy
from specialmeasures.store import Repository

__all__ = ["provider_timeline"]


def provider_timeline(
    repository: Repository,
    code: str,
    as_of: date,
    *,
    regime: Regime = Regime.SMQ,
    policy_id: str = "smq-2013",
) -> RegimeTimeline:
    """The timeline of ``code`` in ``regime`` on ``as_of``; months from policy ``policy_id``."""
    repository.provider(code)
    policy = load_policy(policy_id)
    return regime_timeline(
        repository.episodes(code),
        repository.inspections(code, as_of=as_of),
        as_of,
        regime=regime,
        reinspection_due_months=int(policy.parameter("reinspection_due_months")),
        intended_maximum_months=int(policy.parameter("intended_maximum_months")),
        extension_months=int(policy.parameter("extension_months")),
    )
