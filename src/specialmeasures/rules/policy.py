"""Loading and validating regime policies (``specialmeasures/policy/*.yaml``).

A policy file is checked in three steps, and the first fault stops loading with an ``InputError``
naming the file and the path inside it, e.g.
``policy/smq-2013.yaml: rules[2].when.all[0]: unknown operator 'gtt'``:

1. YAML syntax (with the line number);
2. every rule's ``when`` by the rule-language parser (clear messages for conditions);
3. the JSON Schema ``policy.schema.json``, then semantic checks: unique rule ids, declared facts,
   known parameters in ``{placeholders}`` of the ``explain`` text, ``valid_from <= valid_to``.

Packaged policies are found with ``importlib.resources``; nothing reads the environment.

>>> policy = load_policy("smq-2013")
>>> policy.id, policy.rule("smq.entry.recommend").outcome
('smq-2013', 'recommend_entry')
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

from specialmeasures.domain.errors import InputError, NotFoundError
from specialmeasures.rules.facts import STANDARD_FACTS, FactSpec, display_value
from specialmeasures.rules.language import Condition, ConditionError, parse_condition

__all__ = [
    "PLACEHOLDER",
    "Parameter",
    "Policy",
    "Rule",
    "load_policies",
    "load_policy",
    "load_policy_file",
    "parse_policy",
    "policy_ids",
    "policy_schema",
]

_PACKAGE = "specialmeasures.policy"
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class Parameter:
    """A configurable number, date or text of a policy, with its basis and source."""

    name: str
    value: Any
    description: str
    basis: str
    unit: str = ""
    source: str = ""

    def display(self) -> str:
        """The value as a person reads it, e.g. ``£500,000`` or ``12 months``."""
        value = self.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        elif isinstance(value, list | dict):
            text = json.dumps(value)
        else:
            text = display_value(value)
        if self.unit == "GBP":
            return f"£{text}"
        return f"{text} {self.unit}".strip()


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: when its condition holds on the facts, it recommends ``outcome``."""

    id: str
    title: str
    outcome: str
    basis: str
    explain: str
    when: Condition
    decided_by: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated policy: identity, validity dates, parameters, facts and rules."""

    id: str
    version: str
    title: str
    valid_from: date
    valid_to: date | None
    confidential: bool
    summary: str
    rules: tuple[Rule, ...]
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    facts: Mapping[str, FactSpec] = field(default_factory=dict)
    regime: str | None = None
    sources: tuple[Mapping[str, str], ...] = ()
    segments: tuple[Mapping[str, Any], ...] = ()
    file: str = ""

    def in_force(self, day: date) -> bool:
        """True when ``day`` lies within the policy's validity (``valid_to`` exclusive)."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise NotFoundError("rule", rule_id)

    def fact_spec(self, name: str) -> FactSpec:
        """The declared type and label of a fact (policy declarations first, then standard)."""
        return self.facts.get(name) or STANDARD_FACTS[name]

    def parameter(self, name: str) -> Any:
        return self.parameters[name].value


@cache
def policy_schema() -> Mapping[str, Any]:
    """The JSON Schema every policy file must satisfy."""
    text = resources.files(_PACKAGE).joinpath("policy.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return MappingProxyType(schema)


def _fail(file: str, path: str, message: str) -> InputError:
    return InputError(f"{path}: {message}" if path else message, file=file)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_policy(text: str, file: str) -> Policy:
    """Parse and validate a policy from YAML ``text``; ``file`` names it in error messages."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise _fail(file, where, f"not valid YAML: {' '.join(str(problem).split())}") from None
    except RecursionError:
        raise _fail(file, "", "not a policy this engine reads: nested too deeply") from None
    if not isinstance(raw, dict):
        raise _fail(file, "", "a policy must be a YAML mapping")
    data = _jsonable(raw)

    params_raw = data.get("parameters") or {}
    facts_raw = data.get("facts") or {}
    param_values = (
        {k: v.get("value") for k, v in params_raw.items() if isinstance(v, dict)}
        if isinstance(params_raw, dict)
        else {}
    )
    fact_types = {name: spec.type for name, spec in STANDARD_FACTS.items()}
    if isinstance(facts_raw, dict):
        fact_types.update(
            {k: str(v.get("type")) for k, v in facts_raw.items() if isinstance(v, dict)}
        )

    conditions: dict[int, Condition] = {}
    rules_raw = data.get("rules")
    if isinstance(rules_raw, list):
        for index, rule in enumerate(rules_raw):
            if isinstance(rule, dict) and "when" in rule:
                try:
                    conditions[index] = parse_condition(
                        rule["when"], f"rules[{index}].when", fact_types, param_values
                    )
                except ConditionError as error:
                    raise _fail(file, error.path, error.message) from None

    validator = jsonschema.Draft202012Validator(dict(policy_schema()))
    worst = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if worst is not None:
        raise _fail(file, _path(worst.absolute_path) or "(top level)", worst.message)

    seen: set[str] = set()
    rules: list[Rule] = []
    for index, rule in enumerate(data["rules"]):
        if rule["id"] in seen:
            raise _fail(file, f"rules[{index}].id", f"duplicate rule id {rule['id']!r}")
        seen.add(rule["id"])
        for name in PLACEHOLDER.findall(rule["explain"]):
            if name not in params_raw:
                raise _fail(file, f"rules[{index}].explain", f"unknown parameter {{{name}}}")
        rules.append(
            Rule(
                rule["id"],
                rule["title"],
                rule["outcome"],
                rule["basis"],
                " ".join(rule["explain"].split()),
                conditions[index],
                rule.get("decided_by", ""),
                " ".join(rule.get("notes", "").split()),
            )
        )
    valid_from = date.fromisoformat(data["valid_from"])
    valid_to = date.fromisoformat(data["valid_to"]) if data["valid_to"] else None
    if valid_to is not None and valid_to < valid_from:
        raise _fail(file, "valid_to", "must not be before valid_from")
    parameters = {
        name: Parameter(
            name,
            spec["value"],
            " ".join(spec["description"].split()),
            spec["basis"],
            spec.get("unit", ""),
            spec.get("source", ""),
        )
        for name, spec in params_raw.items()
    }
    facts = {name: FactSpec(spec["type"], spec["label"]) for name, spec in facts_raw.items()}
    return Policy(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        valid_from=valid_from,
        valid_to=valid_to,
        confidential=data["confidential"],
        summary=" ".join(data["summary"].split()),
        rules=tuple(rules),
        parameters=MappingProxyType(parameters),
        facts=MappingProxyType(facts),
        regime=data.get("regime"),
        sources=tuple(MappingProxyType(s) for s in data.get("sources", [])),
        segments=tuple(MappingProxyType(s) for s in data.get("segments", [])),
        file=file,
    )


def load_policy_file(path: str | Path) -> Policy:
    """Load and validate a policy file from disk (``policy validate FILE``)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror}", file=str(path)) from None
    except UnicodeDecodeError as error:
        raise InputError(
            f"is not UTF-8 text (byte {error.start:,}): no other encoding is guessed",
            file=str(path),
        ) from None
    return parse_policy(text, str(path))


def policy_ids() -> tuple[str, ...]:
    """Ids of the packaged policies, sorted."""
    folder = resources.files(_PACKAGE)
    return tuple(
        sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


@cache
def load_policy(policy_id: str) -> Policy:
    """Load a packaged policy by id (e.g. ``smq-2013``); NotFoundError if there is none."""
    if policy_id not in policy_ids():
        raise NotFoundError("policy", policy_id)
    text = resources.files(_PACKAGE).joinpath(f"{policy_id}.yaml").read_text(encoding="utf-8")
    policy = parse_policy(text, f"policy/{policy_id}.yaml")
    if policy.id != policy_id:
        raise InputError(f"id: {policy.id!r} does not match the file name", file=policy.file)
    return policy


def load_policies() -> tuple[Policy, ...]:
    """Every packaged policy, sorted by id."""
    return tuple(load_policy(pid) for pid in policy_ids())
