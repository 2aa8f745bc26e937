"""The rule language, policy loading errors, the facts builder and evaluate/explain."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from specialmeasures.domain import (
    EpisodeState,
    InputError,
    Inspection,
    Judgement,
    KeyQuestion,
    Rating,
    RegimeEpisode,
)
from specialmeasures.rules import (
    Fact,
    build_facts,
    evaluate,
    load_policy_file,
    parse_policy,
    trace,
)
from specialmeasures.rules.language import ConditionError, parse_condition

TYPES = {"n": "number", "r": "rating", "b": "boolean", "t": "text", "d": "date"}
VALUES: dict[str, Any] = {
    "n": 3,
    "r": Rating.REQUIRES_IMPROVEMENT,
    "b": True,
    "t": "amber",
    "d": date(2016, 4, 1),
}


def holds(raw: dict[str, Any], values: dict[str, Any] | None = None) -> bool:
    cond = parse_condition(raw, "when", TYPES, {"limit": 2, "when": "2016-01-01"})
    return cond.holds(VALUES if values is None else values)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"fact": "n", "op": "==", "value": 3}, True),
        ({"fact": "n", "op": "!=", "value": 3}, False),
        ({"fact": "n", "op": "<", "value": 4}, True),
        ({"fact": "n", "op": "<=", "value": 2}, False),
        ({"fact": "n", "op": ">", "value": 2}, True),
        ({"fact": "n", "op": ">=", "value": {"param": "limit"}}, True),
        ({"fact": "n", "op": "in", "value": [1, 3]}, True),
        ({"fact": "n", "op": "not_in", "value": [1, 3]}, False),
        ({"fact": "n", "op": "exists"}, True),
        ({"fact": "n", "op": "missing"}, False),
        ({"fact": "r", "op": "<=", "value": "Requires improvement"}, True),
        ({"fact": "r", "op": ">=", "value": "G"}, False),
        ({"fact": "r", "op": ">", "value": "I"}, True),
        ({"fact": "r", "op": "in", "value": ["RI", "I"]}, True),
        ({"fact": "b", "op": "==", "value": True}, True),
        ({"fact": "t", "op": "in", "value": ["amber", "red"]}, True),
        ({"fact": "d", "op": ">=", "value": {"param": "when"}}, True),
        ({"fact": "d", "op": "<", "value": "2016-04-01"}, False),
    ],
)
def test_each_operator(raw: dict[str, Any], expected: bool) -> None:
    assert holds(raw) is expected


def test_nesting_all_any_not() -> None:
    raw = {
        "all": [
            {"fact": "b", "op": "==", "value": True},
            {
                "any": [
                    {"fact": "n", "op": ">", "value": 10},
                    {"fact": "t", "op": "==", "value": "amber"},
                ]
            },
            {"not": {"fact": "r", "op": "==", "value": "I"}},
        ]
    }
    assert holds(raw)
    assert not holds({"not": raw})
    assert holds({"any": [{"not": raw}, {"fact": "n", "op": "==", "value": 3}]})


def test_missing_fact_makes_comparison_false_and_missing_true() -> None:
    assert not holds({"fact": "n", "op": ">=", "value": 0}, {})
    assert holds({"fact": "n", "op": "missing"}, {})
    assert holds({"not": {"fact": "n", "op": "==", "value": 1}}, {})


@pytest.mark.parametrize(
    ("raw", "path", "message"),
    [
        ({"fact": "n", "op": "gtt", "value": 1}, "when", "unknown operator 'gtt'"),
        ({"fact": "nope", "op": "==", "value": 1}, "when", "unknown fact 'nope'"),
        ({"all": []}, "when.all", "non-empty list"),
        ({"all": [{"fact": "n", "op": "==", "value": "x"}]}, "when.all[0].value", "not a number"),
        (
            {"any": [{"fact": "r", "op": "==", "value": "Super"}]},
            "when.any[0].value",
            "not a rating",
        ),
        ({"not": {"fact": "t", "op": "<", "value": "a"}}, "when.not", "cannot compare a text"),
        ({"fact": "n", "op": "exists", "value": 1}, "when", "takes no value"),
        ({"fact": "n", "op": "=="}, "when", "needs a value"),
        ({"fact": "n", "op": "==", "value": {"param": "zz"}}, "when.value", "unknown parameter"),
        ({"fact": "n", "op": "in", "value": 1}, "when.value", "non-empty list"),
        ({"all": [{"fact": "n", "op": "==", "value": 1}], "any": []}, "when", "exactly one"),
        ([1, 2], "when", "must be a mapping"),
        ({"fact": "n", "op": "==", "value": 1, "extra": 2}, "when", "unexpected key 'extra'"),
    ],
)
def test_malformed_conditions_name_the_path(raw: Any, path: str, message: str) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(raw, "when", TYPES, {"limit": 2})
    assert caught.value.path == path
    assert message in caught.value.message


MINIMAL: dict[str, Any] = {
    "id": "test-policy",
    "version": "1.0.0",
    "title": "A test",
    "valid_from": "2020-01-01",
    "valid_to": None,
    "confidential": False,
    "summary": "Only for tests.",
    "parameters": {"limit": {"value": 2, "description": "a limit", "basis": "assumption"}},
    "rules": [
        {
            "id": "t.one",
            "title": "One",
            "outcome": "flag",
            "basis": "assumption",
            "explain": "At least {limit}.",
            "when": {"fact": "count.inadequate", "op": ">=", "value": {"param": "limit"}},
        },
        {
            "id": "t.two",
            "title": "Two",
            "outcome": "flag",
            "basis": "assumption",
            "explain": "Two.",
            "when": {"all": [{"fact": "count.inadequate", "op": "gtt", "value": 1}]},
        },
    ],
}


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def test_policy_error_names_file_and_path(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    with pytest.raises(InputError) as caught:
        load_policy_file(path)
    assert str(caught.value) == f"{path}: rules[1].when.all[0]: unknown operator 'gtt'"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("version"), "(top level): 'version' is a required property"),
        (lambda d: d.update(version="one"), "version: 'one' does not match"),
        (lambda d: d["rules"][0].update(basis="vibes"), "rules[0].basis: 'vibes' is not one of"),
        (lambda d: d["rules"][0].update(id="t.two"), "rules[1].id: duplicate rule id 't.two'"),
        (lambda d: d["rules"][0].update(explain="{nope}"), "rules[0].explain: unknown parameter"),
        (lambda d: d.update(valid_to="2019-01-01"), "valid_to: must not be before valid_from"),
        (lambda d: d.update(colour="red"), "Additional properties are not allowed"),
    ],
)
def test_schema_and_semantic_errors(tmp_path: Path, change: Any, expected: str) -> None:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data["rules"][1]["when"] = {"fact": "count.inadequate", "op": ">=", "value": 1}
    change(data)
    with pytest.raises(InputError, match=r"policy\.yaml: ") as caught:
        load_policy_file(write(tmp_path, data))
    assert expected in str(caught.value)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"policy\.yaml: line 2: not valid YAML"):
        load_policy_file(write(tmp_path, "id: x\n  bad: [\n"))


def test_missing_file() -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_policy_file("/nonexistent/policy.yaml")


def test_evaluate_outside_validity_and_what_if() -> None:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data["rules"].pop()
    data["valid_to"] = "2021-01-01"
    policy = parse_policy(yaml.safe_dump(data), "mem.yaml")
    facts = [Fact("count.inadequate", 2, "test", date(2020, 6, 1))]
    assert [r.rule_id for r in evaluate(policy, facts, date(2020, 6, 1))] == ["t.one"]
    assert evaluate(policy, facts, date(2021, 1, 1)) == ()
    assert len(evaluate(policy, facts, date(2021, 1, 1), ignore_validity=True)) == 1
    assert [r.matched for r in trace(policy, [], date(2020, 6, 1))] == [False]
    rec = evaluate(policy, facts, date(2020, 6, 1))[0]
    assert rec.explanation == "At least 2."
    assert "the number of key questions rated Inadequate is at least 2" in rec.explain()


def test_fact_of_the_wrong_type_is_an_input_error() -> None:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data["rules"].pop()
    policy = parse_policy(yaml.safe_dump(data), "mem.yaml")
    with pytest.raises(InputError, match=r"fact count\.inadequate"):
        evaluate(policy, [Fact("count.inadequate", "two", "x", date(2020, 1, 1))], date(2020, 6, 1))


def test_build_facts_from_domain_objects() -> None:
    entry = Inspection(
        "RXX",
        date(2014, 9, 1),
        date(2015, 1, 9),
        {
            "safe": "I",
            "effective": "RI",
            "caring": "I",
            "responsive": "RI",
            "well_led": "I",
            "overall": "I",
        },
    )
    again = Inspection(
        "RXX",
        date(2016, 5, 1),
        date(2016, 8, 11),
        {
            "safe": "G",
            "effective": "G",
            "caring": "G",
            "responsive": "G",
            "well_led": "G",
            "overall": "G",
        },
    )
    first = RegimeEpisode("RXX", "cp", date(2014, 1, 1), date(2015, 3, 1), EpisodeState.EXITED)
    smq = RegimeEpisode("RXX", "smq", date(2015, 3, 1))
    judged = Judgement(
        "RXX", "leadership_cannot_fix", True, "Chief Inspector", date(2015, 1, 9), "r"
    )
    facts = build_facts(
        as_of=date(2016, 9, 1),
        inspections=[entry, again],
        episodes=[first, smq],
        judgements=[judged],
        extra=[Fact("ew.band", "green", "monitoring", date(2016, 8, 1))],
    )
    assert facts["kq.well_led"].value is Rating.GOOD
    assert facts["kq.well_led"].date == date(2016, 8, 11)
    assert facts["overall"].value is Rating.GOOD
    assert facts["count.inadequate"].value == 0
    assert facts["in_regime.smq"].value is True
    assert facts["in_regime.cp"].value is False
    assert facts["months_in_regime.smq"].value == pytest.approx(18.1, abs=0.1)
    assert facts["reinspected_since_entry"].value is True
    assert facts["months_since_exit.cp"].value == pytest.approx(18.1, abs=0.1)
    assert facts["months_since_exit"].value == facts["months_since_exit.cp"].value
    assert facts["exit_date.cp"].value == date(2015, 3, 1)
    assert facts["episodes.smq"].value == 1
    assert facts["judgement.leadership_cannot_fix"].value is True
    assert facts["judgement.leadership_cannot_fix"].source == "judgement by Chief Inspector"
    assert facts["ew.band"].value == "green"
    assert facts["overall.judgement_needed"].value is False
    early = build_facts(as_of=date(2015, 6, 1), inspections=[entry, again], episodes=[first, smq])
    assert early["reinspected_since_entry"].value is False
    assert early["kq.safe"].value is Rating.INADEQUATE
    assert "judgement.leadership_cannot_fix" not in early
    assert KeyQuestion.SAFE.value in early["kq.safe"].name
