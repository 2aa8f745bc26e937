"""The rule language: ``all`` / ``any`` / ``not`` over comparisons of named facts.

A condition is one of::

    {all: [condition, ...]}          every one holds
    {any: [condition, ...]}          at least one holds
    {not: condition}                 the condition does not hold
    {fact: NAME, op: OP, value: V}   a comparison; V is a literal or {param: NAME}
    {fact: NAME, op: exists}         the fact was supplied (also ``missing``)

Operators: ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in``, ``not_in`` (V a list),
``exists``, ``missing``. Ratings compare by CQC's order, best highest: ``kq.safe <= Requires
improvement`` means "Requires improvement or worse". A comparison with a fact that was not
supplied is false (so ``not`` of it is true: test ``exists`` where that matters). There is no
arithmetic and no code: the language is data.

>>> cond = parse_condition({"all": [{"fact": "count.inadequate", "op": ">=", "value": 2}]},
...     "when", {"count.inadequate": "number"}, {})
>>> cond.holds({"count.inadequate": 3})
True
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from specialmeasures.domain import Rating
from specialmeasures.domain.errors import DomainError

__all__ = [
    "OPERATORS",
    "All",
    "Any_",
    "Comparison",
    "Condition",
    "ConditionError",
    "Not",
    "parse_condition",
]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
#: Every operator of the language.
OPERATORS = (*_COMPARE, "in", "not_in", "exists", "missing")
_ORDERED = {"number", "rating", "date"}


class ConditionError(ValueError):
    """A malformed condition: ``path`` says where (e.g. ``rules[2].when.all[0]``)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


def coerce(value: object, type_: str, where: str) -> Any:
    """Turn a literal (or a supplied fact value) into the fact type's Python value."""
    if type_ == "rating":
        if isinstance(value, Rating):
            return value
        if isinstance(value, str):
            try:
                return Rating.parse(value)
            except DomainError:
                pass
        raise ConditionError(where, f"{value!r} is not a rating (O, G, RI, I or the full name)")
    if type_ == "boolean":
        if isinstance(value, bool):
            return value
        raise ConditionError(where, f"{value!r} is not true or false")
    if type_ == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        raise ConditionError(where, f"{value!r} is not a number")
    if type_ == "date":
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise ConditionError(where, f"{value!r} is not a date (YYYY-MM-DD)")
    if isinstance(value, str):
        return value
    raise ConditionError(where, f"{value!r} is not text")


@dataclass(frozen=True, slots=True)
class Comparison:
    """``fact op value``; ``param`` names the policy parameter the value came from, if any."""

    path: str
    fact: str
    op: str
    value: Any = None
    param: str | None = None

    def holds(self, values: Mapping[str, Any]) -> bool:
        present = self.fact in values
        if self.op == "exists":
            return present
        if self.op == "missing":
            return not present
        if not present:
            return False
        actual = values[self.fact]
        if self.op == "in":
            return bool(actual in self.value)
        if self.op == "not_in":
            return bool(actual not in self.value)
        return _COMPARE[self.op](actual, self.value)

    def facts(self) -> tuple[str, ...]:
        return (self.fact,)


@dataclass(frozen=True, slots=True)
class All:
    path: str
    items: tuple[Condition, ...]

    def holds(self, values: Mapping[str, Any]) -> bool:
        return all(c.holds(values) for c in self.items)

    def facts(self) -> tuple[str, ...]:
        return tuple(f for c in self.items for f in c.facts())


@dataclass(frozen=True, slots=True)
class Any_:  # noqa: N801 - ``Any`` is typing's name
    path: str
    items: tuple[Condition, ...]

    def holds(self, values: Mapping[str, Any]) -> bool:
        return any(c.holds(values) for c in self.items)

    def facts(self) -> tuple[str, ...]:
        return tuple(f for c in self.items for f in c.facts())


@dataclass(frozen=True, slots=True)
class Not:
    path: str
    item: Condition

    def holds(self, values: Mapping[str, Any]) -> bool:
        return not self.item.holds(values)

    def facts(self) -> tuple[str, ...]:
        return self.item.facts()


Condition = Comparison | All | Any_ | Not
_KEYS = {"all", "any", "not", "fact"}


def parse_condition(
    raw: object,
    path: str,
    fact_types: Mapping[str, str],
    parameters: Mapping[str, object],
) -> Condition:
    """Parse and check one condition; raise ConditionError naming the path of the fault.

    ``fact_types`` maps every fact the policy may use to its type; ``parameters`` are the
    policy's parameter values, which ``{param: NAME}`` values refer to.

    Examples
    --------
    >>> parse_condition({"fact": "x", "op": "gtt", "value": 1}, "rules[2].when.all[0]",
    ...     {"x": "number"}, {})
    Traceback (most recent call last):
    ...
    specialmeasures.rules.language.ConditionError: rules[2].when.all[0]: unknown operator 'gtt'
    """
    if not isinstance(raw, Mapping):
        raise ConditionError(path, "a condition must be a mapping with all, any, not or fact")
    keys = set(raw) & _KEYS
    if len(keys) != 1:
        found = ", ".join(sorted(map(str, raw))) or "nothing"
        raise ConditionError(
            path, f"a condition needs exactly one of all, any, not, fact (found {found})"
        )
    (key,) = keys
    if key in ("all", "any"):
        extra = set(raw) - {key}
        if extra:
            raise ConditionError(path, f"unexpected key {sorted(extra)[0]!r} beside {key!r}")
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ConditionError(f"{path}.{key}", "must be a non-empty list of conditions")
        parsed = tuple(
            parse_condition(item, f"{path}.{key}[{i}]", fact_types, parameters)
            for i, item in enumerate(items)
        )
        return All(path, parsed) if key == "all" else Any_(path, parsed)
    if key == "not":
        extra = set(raw) - {"not"}
        if extra:
            raise ConditionError(path, f"unexpected key {sorted(extra)[0]!r} beside 'not'")
        return Not(path, parse_condition(raw["not"], f"{path}.not", fact_types, parameters))
    return _parse_comparison(raw, path, fact_types, parameters)


def _parse_comparison(
    raw: Mapping[Any, Any],
    path: str,
    fact_types: Mapping[str, str],
    parameters: Mapping[str, object],
) -> Comparison:
    extra = set(raw) - {"fact", "op", "value"}
    if extra:
        raise ConditionError(path, f"unexpected key {sorted(map(str, extra))[0]!r}")
    fact = raw["fact"]
    if not isinstance(fact, str) or fact not in fact_types:
        raise ConditionError(path, f"unknown fact {fact!r} (declare it under 'facts')")
    op = raw.get("op")
    if op not in OPERATORS:
        raise ConditionError(path, f"unknown operator {op!r}")
    type_ = fact_types[fact]
    if op in ("exists", "missing"):
        if "value" in raw:
            raise ConditionError(path, f"operator {op!r} takes no value")
        return Comparison(path, fact, op)
    if "value" not in raw:
        raise ConditionError(path, f"operator {op!r} needs a value")
    value = raw["value"]
    param: str | None = None
    if isinstance(value, Mapping):
        if set(value) != {"param"}:
            raise ConditionError(f"{path}.value", "a mapping value must be {param: NAME}")
        param = str(value["param"])
        if param not in parameters:
            raise ConditionError(f"{path}.value", f"unknown parameter {param!r}")
        value = parameters[param]
    if op in ("<", "<=", ">", ">=") and type_ not in _ORDERED:
        raise ConditionError(path, f"operator {op!r} cannot compare a {type_} fact")
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{path}.value", f"operator {op!r} needs a non-empty list")
        items = tuple(coerce(v, type_, f"{path}.value[{i}]") for i, v in enumerate(value))
        return Comparison(path, fact, op, items, param)
    return Comparison(path, fact, op, coerce(value, type_, f"{path}.value"), param)


def conditions(cond: Condition) -> Sequence[Condition]:
    """Every node of a condition tree, depth first."""
    out: list[Condition] = [cond]
    if isinstance(cond, All | Any_):
        for item in cond.items:
            out.extend(conditions(item))
    elif isinstance(cond, Not):
        out.extend(conditions(cond.item))
    return out
