"""Store-backed evaluation: one provider's recommendations as of a date, with no side effects.

``evaluate_provider`` reads the provider's inspections, regime episodes and human-entered
judgements, builds the named facts as they stood on the day (``rules.build_facts``: nothing
published, begun or entered later is used, and an exit after the day had not happened yet) and
evaluates the applicable policies. It writes nothing. Each recommendation has a stable reference
(``recommendation_ref``) that a decision names when it accepts or overrides it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from specialmeasures.domain import (
    EpisodeState,
    InputError,
    Inspection,
    Judgement,
    Provider,
    RegimeEpisode,
)
from specialmeasures.rules import Fact, Policy, Recommendation, build_facts, evaluate, load_policy
from specialmeasures.rules.policy import load_policies
from specialmeasures.store import Repository
from specialmeasures.store.regime_store import judgements_of

__all__ = [
    "DEFAULT_POLICIES",
    "ParsedRef",
    "ProviderEvaluation",
    "as_known",
    "evaluate_history",
    "evaluate_provider",
    "parse_ref",
    "recommendation_ref",
]

#: Policies evaluated when none is named: those whose facts the store can supply (the others
#: need facts from the monitoring service, such as the early-warning band or the NOF segment).
DEFAULT_POLICIES = ("smq-2013", "cp")
_REF = re.compile(
    r"^(?P<policy>[a-z0-9][a-z0-9-]*)@(?P<version>[^:]+):(?P<rule>[a-z0-9_.-]+):"
    r"(?P<code>[A-Z0-9]{1,5}):(?P<day>\d{4}-\d{2}-\d{2})$"
)


def as_known(episodes: Iterable[RegimeEpisode], as_of: date) -> list[RegimeEpisode]:
    """The episodes as they stood on ``as_of``: later starts dropped, later exits not yet made."""
    out = []
    for e in episodes:
        if e.start > as_of:
            continue
        if e.end is not None and e.end > as_of:
            e = replace(e, end=None, state=EpisodeState.IN_REGIME)
        out.append(e)
    return out


def recommendation_ref(recommendation: Recommendation, provider_code: str) -> str:
    """A stable reference, e.g. ``smq-2013@1.0.0:smq.entry.recommend:RXX:2015-02-01``."""
    r = recommendation
    return f"{r.policy_id}@{r.policy_version}:{r.rule_id}:{provider_code}:{r.as_of.isoformat()}"


@dataclass(frozen=True, slots=True)
class ParsedRef:
    policy_id: str
    version: str
    rule_id: str
    provider_code: str
    as_of: date


def parse_ref(ref: str) -> ParsedRef | None:
    """The parts of an engine reference; None for any other text (e.g. a CQC letter's number)."""
    m = _REF.match(ref.strip())
    if m is None:
        return None
    try:
        day = date.fromisoformat(m["day"])
    except ValueError:
        raise InputError(f"recommendation {ref!r}: {m['day']!r} is not a date") from None
    return ParsedRef(m["policy"], m["version"], m["rule"], m["code"], day)


@dataclass(frozen=True, slots=True)
class ProviderEvaluation:
    """What the policies recommend for one provider on one day, and the facts they saw."""

    provider: Provider
    as_of: date
    policies: tuple[Policy, ...]
    facts: dict[str, Fact]
    recommendations: tuple[Recommendation, ...]

    def ref(self, recommendation: Recommendation) -> str:
        return recommendation_ref(recommendation, self.provider.code)

    def lines(self) -> list[str]:
        """Plain text for a committee member: each recommendation with its reasons."""
        head = f"{self.provider.name} ({self.provider.code}), as of {self.as_of}"
        out = [head, "=" * len(head)]
        if self.provider.synthetic:
            out.append("Synthetic demonstration data: a fictional trust.")
        for policy in self.policies:
            mine = [r for r in self.recommendations if r.policy_id == policy.id]
            out.append("")
            conf = " - CONFIDENTIAL" if policy.confidential else ""
            out.append(f"{policy.title} (policy {policy.id}, version {policy.version}){conf}")
            if not policy.in_force(self.as_of):
                out.append("  Not in force on this day: nothing to recommend.")
            elif not mine:
                out.append("  No recommendation: no rule of this policy applies.")
            for r in mine:
                out.append(f"  * {r.rule_title} [{r.outcome}]")
                out.append(f"    reference: {self.ref(r)}")
                out.append(f"    {r.explanation}")
                matched = [c.text for c in r.clauses if c.matched]
                if matched:
                    out.append("    Because: " + "; ".join(matched) + ".")
                for f in r.facts:
                    label = r.labels.get(f.name, f.name)
                    out.append(f"    - {label}: {f.display()} ({f.source}; {f.date})")
                if r.missing:
                    names = ", ".join(r.labels.get(m, m) for m in r.missing)
                    out.append(f"    Not known: {names}.")
                if r.decided_by:
                    out.append(f"    The decision rests with {r.decided_by}.")
        out.append("")
        out.append("These are recommendations only: a named person decides and records it.")
        return out

    def as_data(self) -> dict[str, Any]:
        """The same content as plain JSON-ready data."""
        return {
            "provider_code": self.provider.code,
            "provider_name": self.provider.name,
            "synthetic": self.provider.synthetic,
            "as_of": self.as_of.isoformat(),
            "policies": [
                {
                    "id": p.id,
                    "version": p.version,
                    "title": p.title,
                    "confidential": p.confidential,
                    "in_force": p.in_force(self.as_of),
                }
                for p in self.policies
            ],
            "recommendations": [
                {
                    "ref": self.ref(r),
                    "policy_id": r.policy_id,
                    "policy_version": r.policy_version,
                    "rule_id": r.rule_id,
                    "title": r.rule_title,
                    "outcome": r.outcome,
                    "basis": r.basis,
                    "decided_by": r.decided_by,
                    "confidential": r.confidential,
                    "explanation": r.explanation,
                    "because": [c.text for c in r.clauses if c.matched],
                    "facts": [
                        {
                            "name": f.name,
                            "label": r.labels.get(f.name, f.name),
                            "value": f.display(),
                            "source": f.source,
                            "date": f.date.isoformat(),
                        }
                        for f in r.facts
                    ],
                    "missing": list(r.missing),
                    "text": r.explain(),
                }
                for r in self.recommendations
            ],
        }


def _policies(policy_ids: Sequence[str] | None) -> tuple[Policy, ...]:
    if policy_ids:
        return tuple(load_policy(p) for p in policy_ids)
    known = {p.id for p in load_policies()}
    return tuple(load_policy(p) for p in DEFAULT_POLICIES if p in known)


def evaluate_history(
    policies: Sequence[Policy],
    as_of: date,
    *,
    inspections: Sequence[Inspection],
    episodes: Sequence[RegimeEpisode],
    judgements: Sequence[Judgement],
    extra: Sequence[Fact] = (),
) -> tuple[dict[str, Fact], tuple[Recommendation, ...]]:
    """Facts and recommendations for one provider's history on ``as_of`` (pure)."""
    facts = build_facts(
        as_of=as_of,
        inspections=inspections,
        episodes=as_known(episodes, as_of),
        judgements=judgements,
        extra=extra,
    )
    recs: list[Recommendation] = []
    for policy in policies:
        recs += evaluate(policy, facts, as_of)
    return facts, tuple(recs)


def evaluate_provider(
    repository: Repository,
    code: str,
    as_of: date,
    *,
    policy_ids: Sequence[str] | None = None,
) -> ProviderEvaluation:
    """Evaluate the policies (default ``DEFAULT_POLICIES``) for provider ``code`` on ``as_of``.

    Reads only; raises NotFoundError for an unknown provider or policy.
    """
    provider = repository.provider(code)
    policies = _policies(policy_ids)
    inspections = repository.inspections(code, as_of=as_of)
    episodes = repository.episodes(code)
    with repository.engine.connect() as conn:
        judgements = judgements_of(conn, code, as_of=as_of)
    extra: list[Fact] = []
    if any(name.startswith("nof.") for p in policies for name in p.facts):
        # The stored NOF segment in force on the day (specialmeasures nof score).
        from specialmeasures.regime.nof_service import nof_facts

        extra = nof_facts(repository, code, as_of)
    if any(name.startswith("exit_criteria.") for p in policies for name in p.facts):
        # Agreed exit criteria of the provider's open support case (RSP or PIP).
        from specialmeasures.regime.support_cases import exit_criteria_facts

        extra += exit_criteria_facts(repository, code, as_of)
    facts, recs = evaluate_history(
        policies,
        as_of,
        inspections=inspections,
        episodes=episodes,
        judgements=judgements,
        extra=extra,
    )
    return ProviderEvaluation(provider, as_of, policies, facts, recs)
