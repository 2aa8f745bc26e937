"""Evaluating a policy on one provider's facts: recommendations with their reasons, no actions.

``evaluate(policy, facts, as_of)`` returns one ``Recommendation`` per rule whose condition holds:
the outcome, rule id, policy id and version, the facts used (with source and date), the clauses
that matched and a plain-English ``explain()``. It writes nothing and reads no clock; a service
records what a person then decides.

>>> from datetime import date
>>> from specialmeasures.rules.facts import Fact
>>> from specialmeasures.rules.policy import load_policy
>>> d = date(2015, 1, 9)
>>> facts = [Fact("kq.well_led", "Inadequate", "CQC", d), Fact("count.inadequate", 3, "CQC", d),
...     Fact("in_regime.smq", False, "episodes", d),
...     Fact("judgement.leadership_cannot_fix", True, "judgement by A Inspector", d)]
>>> [r.rule_id for r in evaluate(load_policy("smq-2013"), facts, d)]
['smq.entry.recommend']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from specialmeasures.domain.errors import InputError
from specialmeasures.rules.facts import Fact, display_value
from specialmeasures.rules.language import (
    All,
    Any_,
    Comparison,
    Condition,
    ConditionError,
    Not,
    coerce,
)
from specialmeasures.rules.policy import PLACEHOLDER, Policy, Rule

__all__ = ["ClauseResult", "Recommendation", "RuleResult", "evaluate", "trace"]


@dataclass(frozen=True, slots=True)
class ClauseResult:
    """One clause of a rule, in words, and whether it held."""

    path: str
    text: str
    matched: bool


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What a rule recommends, and everything needed to see why."""

    outcome: str
    rule_id: str
    rule_title: str
    policy_id: str
    policy_version: str
    as_of: date
    facts: tuple[Fact, ...]
    missing: tuple[str, ...]
    clauses: tuple[ClauseResult, ...]
    explanation: str
    basis: str
    decided_by: str
    confidential: bool
    labels: Mapping[str, str]

    def explain(self) -> str:
        """Plain English sentences for a committee member.

        >>> from datetime import date
        >>> r = Recommendation("remain", "x.y", "Remain in the regime", "p", "1.0.0",
        ...     date(2015, 7, 2), (), (), (), "The trust stays in.", "inferred", "", False, {})
        >>> print(r.explain())
        Remain in the regime (rule x.y of policy p, version 1.0.0, as of 2015-07-02). The trust stays in. This rule is inferred from published cases, not from a published criterion. This is a recommendation only: a named person decides and records the decision.
        """
        sentences = [
            f"{self.rule_title} (rule {self.rule_id} of policy {self.policy_id},"
            f" version {self.policy_version}, as of {self.as_of.isoformat()}).",
            self.explanation,
        ]
        matched = [c.text for c in self.clauses if c.matched]
        if matched:
            sentences.append("This applies because " + "; ".join(matched) + ".")
        if self.facts:
            used = [
                f"{self.labels.get(f.name, f.name)}: {f.display()} ({f.source}; {f.date})"
                for f in self.facts
            ]
            sentences.append("Facts used: " + "; ".join(used) + ".")
        if self.missing:
            names = ", ".join(self.labels.get(m, m) for m in self.missing)
            sentences.append(f"Not known: {names}.")
        if self.basis == "inferred":
            sentences.append(
                "This rule is inferred from published cases, not from a published criterion."
            )
        elif self.basis == "assumption":
            sentences.append(
                "This rule is a configurable assumption: nothing official was published."
            )
        if self.decided_by:
            sentences.append(f"The decision rests with {self.decided_by}.")
        if self.confidential:
            sentences.append("Confidential: not for publication.")
        sentences.append(
            "This is a recommendation only: a named person decides and records the decision."
        )
        return " ".join(s for s in sentences if s)


@dataclass(frozen=True, slots=True)
class RuleResult:
    """A rule's evaluation whether or not it held (for tracing and backtests)."""

    rule: Rule
    matched: bool
    clauses: tuple[ClauseResult, ...]


_WORDS = {
    "==": "is",
    "!=": "is not",
    "<": "is less than",
    "<=": "is at most",
    ">": "is more than",
    ">=": "is at least",
    "in": "is one of",
    "not_in": "is none of",
}
_RATING_WORDS = {"<": "is worse than", ">": "is better than"}


def _describe(cond: Condition, policy: Policy) -> str:
    if isinstance(cond, Comparison):
        label = policy.fact_spec(cond.fact).label
        if cond.op == "exists":
            return f"{label} is known"
        if cond.op == "missing":
            return f"{label} is not yet known"
        type_ = policy.fact_spec(cond.fact).type
        if cond.op in ("in", "not_in"):
            value = " or ".join(display_value(v) for v in cond.value)
        else:
            value = display_value(cond.value)
        note = f" (parameter {cond.param})" if cond.param else ""
        if type_ == "boolean" and cond.op in ("==", "!="):
            return f"{label}: {'' if cond.op == '==' else 'not '}{value}{note}"
        if type_ == "rating" and cond.op in ("<=", ">="):
            return f"{label} is {value} or {'worse' if cond.op == '<=' else 'better'}{note}"
        if type_ == "rating" and cond.op in _RATING_WORDS:
            return f"{label} {_RATING_WORDS[cond.op]} {value}{note}"
        if type_ == "date" and cond.op in ("<", "<=", ">", ">="):
            word = {"<": "before", "<=": "on or before", ">": "after", ">=": "on or after"}
            return f"{label} is {word[cond.op]} {value}{note}"
        return f"{label} {_WORDS[cond.op]} {value}{note}"
    if isinstance(cond, Not):
        return f"it is not the case that {_describe(cond.item, policy)}"
    joiner = " and " if isinstance(cond, All) else " or "
    return "(" + joiner.join(_describe(c, policy) for c in cond.items) + ")"


def _support(cond: Condition, values: Mapping[str, Any], policy: Policy) -> list[ClauseResult]:
    """The clauses that make ``cond`` hold (call only when it holds)."""
    if isinstance(cond, All):
        return [r for c in cond.items for r in _support(c, values, policy)]
    if isinstance(cond, Any_):
        return [r for c in cond.items if c.holds(values) for r in _support(c, values, policy)]
    return [ClauseResult(cond.path, _describe(cond, policy), True)]


def _values(policy: Policy, facts: Mapping[str, Fact]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, fact in facts.items():
        try:
            spec = policy.fact_spec(name)
        except KeyError:
            continue  # a fact this policy does not use
        try:
            values[name] = coerce(fact.value, spec.type, name)
        except ConditionError as error:
            raise InputError(f"fact {name}: {error.message}") from None
    return values


def _as_mapping(facts: Mapping[str, Fact] | Iterable[Fact]) -> dict[str, Fact]:
    if isinstance(facts, Mapping):
        return dict(facts)
    return {f.name: f for f in facts}


def trace(
    policy: Policy, facts: Mapping[str, Fact] | Iterable[Fact], as_of: date
) -> tuple[RuleResult, ...]:
    """Every rule's result on the facts, matched or not (rules in file order).

    >>> from specialmeasures.rules.policy import load_policy
    >>> len(trace(load_policy("smq-2013"), [], date(2015, 1, 1))) > 5
    True
    """
    values = _values(policy, _as_mapping(facts))
    out = []
    for rule in policy.rules:
        held = rule.when.holds(values)
        clauses = tuple(_support(rule.when, values, policy)) if held else ()
        out.append(RuleResult(rule, held, clauses))
    return tuple(out)


def _fill(text: str, policy: Policy) -> str:
    return PLACEHOLDER.sub(lambda m: policy.parameters[m.group(1)].display(), text)


def evaluate(
    policy: Policy,
    facts: Mapping[str, Fact] | Iterable[Fact],
    as_of: date,
    *,
    ignore_validity: bool = False,
    memo: dict[Any, Any] | None = None,
) -> tuple[Recommendation, ...]:
    """Evaluate ``policy`` on one provider's ``facts`` as of ``as_of``.

    Parameters
    ----------
    policy
        A loaded policy (``load_policy``).
    facts
        The provider's facts by name, or an iterable of ``Fact`` (``build_facts``).
    as_of
        The day of the evaluation. Outside the policy's validity nothing is recommended,
        unless ``ignore_validity`` (for what-if questions and backtests).
    memo
        Optional, for a caller evaluating one policy many times (a backtest): a dict kept
        between the calls. Which rules hold depends only on the facts' values, so each set of
        values is traced once and its result reused; the recommendations are the same as
        without it (each still carries its own day and facts).

    Returns
    -------
    tuple[Recommendation, ...]
        One per matching rule, in the policy's rule order. No side effects.

    Examples
    --------
    >>> from specialmeasures.rules.policy import load_policy
    >>> evaluate(load_policy("smq-2013"), [], date(2030, 1, 1))
    ()
    """
    if not ignore_validity and not policy.in_force(as_of):
        return ()
    by_name = _as_mapping(facts)
    results: tuple[RuleResult, ...] | None
    if memo is None:
        labels = _labels(policy, by_name)
        results = trace(policy, by_name, as_of)
    else:
        label_key = ("labels", policy.id, policy.version, tuple(by_name))
        known = memo.get(label_key)
        if known is None:
            known = memo[label_key] = _labels(policy, by_name)
        labels = dict(known)  # each call's own: the loop below adds to it
        # The values' types are part of the key: True == 1, but they are different facts.
        values = tuple((n, type(f.value), f.value) for n, f in by_name.items())
        key = ("trace", policy.id, policy.version, values)
        results = memo.get(key)
        if results is None:
            results = memo[key] = trace(policy, by_name, as_of)
    out = []
    for result in results:
        if not result.matched:
            continue
        rule = result.rule
        names = list(dict.fromkeys(rule.when.facts()))
        for name in names:
            labels.setdefault(name, policy.fact_spec(name).label)
        out.append(
            Recommendation(
                outcome=rule.outcome,
                rule_id=rule.id,
                rule_title=rule.title,
                policy_id=policy.id,
                policy_version=policy.version,
                as_of=as_of,
                facts=tuple(by_name[n] for n in names if n in by_name),
                missing=tuple(n for n in names if n not in by_name),
                clauses=result.clauses,
                explanation=_fill(rule.explain, policy),
                basis=rule.basis,
                decided_by=rule.decided_by,
                confidential=policy.confidential,
                labels=labels,
            )
        )
    return tuple(out)


def _labels(policy: Policy, by_name: Mapping[str, Fact]) -> dict[str, str]:
    return {name: policy.fact_spec(name).label for name in by_name if _known(policy, name)}


def _known(policy: Policy, name: str) -> bool:
    try:
        policy.fact_spec(name)
    except KeyError:
        return False
    return True
