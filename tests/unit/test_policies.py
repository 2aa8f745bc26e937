"""Every shipped policy validates; smq-2013 entry and exit on real published profiles."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml

from specialmeasures.domain import EpisodeState, Inspection, Judgement, RegimeEpisode
from specialmeasures.rules import (
    Fact,
    build_facts,
    evaluate,
    load_policies,
    load_policy,
    policy_ids,
)
from specialmeasures.rules.policy import _jsonable

SHIPPED = (
    "cp",
    "evaluation",
    "nof-2025",
    "pip-2025",
    "rsp-2021",
    "rsp-2025",
    "smq-2013",
    "sof-2016",
)


def test_shipped_policy_ids() -> None:
    assert policy_ids() == SHIPPED
    assert [p.id for p in load_policies()] == list(SHIPPED)


@pytest.mark.parametrize("policy_id", SHIPPED)
def test_each_shipped_policy_validates_against_the_schema(policy_id: str) -> None:
    folder = resources.files("specialmeasures.policy")
    schema = json.loads(folder.joinpath("policy.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data: Any = _jsonable(yaml.safe_load(folder.joinpath(f"{policy_id}.yaml").read_text("utf-8")))
    jsonschema.Draft202012Validator(schema).validate(data)
    policy = load_policy(policy_id)
    assert policy.version.count(".") == 2
    assert len({r.id for r in policy.rules}) == len(policy.rules)


def test_cp_is_confidential_and_smq_public() -> None:
    assert load_policy("cp").confidential
    assert not load_policy("smq-2013").confidential
    recs = evaluate(
        load_policy("cp"),
        [
            Fact("in_regime.cp", False, "episodes", date(2019, 1, 1)),
            Fact("in_regime.smq", False, "episodes", date(2019, 1, 1)),
            Fact("ew.band", "red", "monitoring", date(2019, 1, 1)),
        ],
        date(2019, 1, 1),
    )
    assert [r.rule_id for r in recs] == ["cp.entry.alert_band"]
    assert "Confidential" in recs[0].explain()


def five(published: date, codes: str, overall: str | None = None) -> Inspection:
    keys = ("safe", "effective", "caring", "responsive", "well_led")
    ratings = dict(zip(keys, codes.split("/"), strict=True))
    if overall:
        ratings["overall"] = overall
    return Inspection("RXX", date(published.year - 1, 12, 1), published, ratings)


SMQ = load_policy("smq-2013")


def rule_ids(
    as_of: date,
    inspections: list[Inspection],
    episodes: list[RegimeEpisode] = [],  # noqa: B006 - never mutated
    judgements: list[Judgement] = [],  # noqa: B006
    extra: list[Fact] = [],  # noqa: B006
) -> list[str]:
    facts = build_facts(
        as_of=as_of, inspections=inspections, episodes=episodes, judgements=judgements, extra=extra
    )
    return [r.rule_id for r in evaluate(SMQ, facts, as_of)]


HINCHINGBROOKE = five(date(2015, 1, 9), "I/RI/I/RI/I", "I")


def test_hinchingbrooke_entry_recommended_when_leadership_judgement_given() -> None:
    judged = Judgement(
        "RXX", "leadership_cannot_fix", True, "Chief Inspector of Hospitals", date(2015, 1, 9), "r"
    )
    ids = rule_ids(date(2015, 1, 9), [HINCHINGBROOKE], judgements=[judged])
    assert ids == ["smq.entry.recommend"]


def test_hinchingbrooke_without_judgement_asks_for_it() -> None:
    assert rule_ids(date(2015, 1, 9), [HINCHINGBROOKE]) == ["smq.entry.judgement_needed"]


def test_leadership_judged_able_means_no_entry() -> None:
    judged = Judgement("RXX", "leadership_cannot_fix", False, "CI", date(2015, 1, 9), "r")
    ids = rule_ids(date(2015, 1, 9), [HINCHINGBROOKE], judgements=[judged])
    assert ids == ["smq.entry.not_recommended_leadership_can_fix"]


@pytest.mark.parametrize(
    "codes",
    ["I/I/G/G/G", "I/G/G/G/RI", "RI/RI/RI/RI/I"],  # well-led not Inadequate, or only one Inadequate
)
def test_no_entry_without_both_ratings_conditions(codes: str) -> None:
    judged = Judgement("RXX", "leadership_cannot_fix", True, "CI", date(2015, 1, 9), "r")
    assert rule_ids(date(2015, 1, 9), [five(date(2015, 1, 9), codes)], judgements=[judged]) == []


def test_shrewsbury_placed_without_cqc_recommendation() -> None:
    judged = Judgement("RXX", "nhsi_place_without_cqc", True, "NHSI", date(2018, 11, 8), "r")
    assert rule_ids(date(2018, 11, 8), [], judgements=[judged]) == ["smq.entry.nhsi_own_evidence"]


BHRUT_ENTRY = RegimeEpisode("RXX", "smq", date(2013, 12, 1))


def test_bhrut_july_2015_ri_overall_with_responsive_inadequate_does_not_exit() -> None:
    entry = five(date(2013, 12, 1), "I/RI/RI/I/I", "I")
    july = five(date(2015, 7, 2), "RI/RI/G/I/RI", "RI")
    ids = rule_ids(date(2015, 7, 2), [entry, july], [BHRUT_ENTRY])
    assert "smq.exit.recommend" not in ids
    assert "smq.exit.remain" in ids


def test_exit_recommended_after_reinspection_without_inadequate() -> None:
    entry = five(date(2013, 12, 1), "I/RI/RI/I/I", "I")
    colchester_like = five(date(2016, 11, 2), "RI/G/G/RI/G", "RI")
    ids = rule_ids(date(2016, 11, 2), [entry, colchester_like], [BHRUT_ENTRY])
    assert "smq.exit.recommend" in ids
    rec = next(
        r
        for r in evaluate(
            SMQ,
            build_facts(
                as_of=date(2016, 11, 2),
                inspections=[entry, colchester_like],
                episodes=[BHRUT_ENTRY],
            ),
            date(2016, 11, 2),
        )
        if r.rule_id == "smq.exit.recommend"
    )
    assert rec.decided_by.startswith("NHS Improvement's Provider Regulation Committee")
    assert rec.basis == "inferred"
    text = rec.explain()
    assert "inferred from published cases" in text
    assert "the overall rating CQC published is Requires improvement or better" in text
    assert {f.name for f in rec.facts} >= {"count.inadequate", "overall", "reinspected_since_entry"}


def test_exit_rule_is_configurable() -> None:
    assert SMQ.parameters["exit_min_overall"].basis == "inferred"
    assert SMQ.parameter("exit_max_inadequate") == 0


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2014, 6, 1), set()),
        (date(2014, 10, 15), {"smq.reinspection.due"}),
        (date(2015, 1, 15), {"smq.reinspection.overdue", "smq.duration.extension"}),
        (date(2015, 9, 1), {"smq.reinspection.overdue", "smq.duration.beyond_maximum"}),
    ],
)
def test_reinspection_and_duration(as_of: date, expected: set[str]) -> None:
    episode = RegimeEpisode("RXX", "smq", date(2014, 1, 1))
    ids = set(rule_ids(as_of, [], [episode])) - {"smq.funding.predates_component"}
    assert ids == expected


def test_funding_component_start_and_caps() -> None:
    early = RegimeEpisode("RXX", "smq", date(2014, 1, 1))
    late = RegimeEpisode("RXX", "smq", date(2017, 4, 12))
    assert "smq.funding.predates_component" in rule_ids(date(2014, 2, 1), [], [early])
    recs = evaluate(SMQ, build_facts(as_of=date(2017, 5, 1), episodes=[late]), date(2017, 5, 1))
    funded = next(r for r in recs if r.rule_id == "smq.funding.entry_available")
    assert "£500,000" in funded.explanation
    exited = RegimeEpisode("RXX", "smq", date(2017, 4, 12), date(2018, 11, 1), EpisodeState.EXITED)
    recs = evaluate(SMQ, build_facts(as_of=date(2019, 1, 1), episodes=[exited]), date(2019, 1, 1))
    assert [r.rule_id for r in recs] == ["smq.funding.exit_available"]
    assert "£100,000" in recs[0].explanation
    assert load_policy("cp").parameters["funding_cap_cp"].display() == "£200,000"


@pytest.mark.parametrize(
    ("months", "rule_id"),
    [
        (2, "smq.director.intensive"),
        (5, "smq.director.maintenance"),
        (9, "smq.director.effectiveness_concern"),
    ],
)
def test_improvement_director_cycle(months: float, rule_id: str) -> None:
    episode = RegimeEpisode("RXX", "smq", date(2017, 1, 1))
    extra = [Fact("improvement_director.months_in_post", months, "interventions", date(2017, 6, 1))]
    ids = rule_ids(date(2017, 6, 1), [], [episode], extra=extra)
    assert rule_id in ids


def test_every_recommendation_reads_well() -> None:
    episode = RegimeEpisode("RXX", "smq", date(2014, 1, 1))
    recs = evaluate(
        SMQ, build_facts(as_of=date(2015, 1, 15), episodes=[episode]), date(2015, 1, 15)
    )
    for rec in recs:
        text = rec.explain()
        assert rec.rule_id in text
        assert SMQ.version in text
        assert "{" not in text
        assert text.endswith("a named person decides and records the decision.")


def test_sof_rsp_nof_rules() -> None:
    day = date(2021, 7, 13)
    facts = [Fact("in_regime.smq", True, "episodes", day), Fact("in_regime.rsp", False, "e", day)]
    assert [r.outcome for r in evaluate(load_policy("rsp-2021"), facts, day)] == ["transfer_to_rsp"]
    assert [r.outcome for r in evaluate(load_policy("sof-2016"), facts, date(2020, 1, 1))] == [
        "segment_4"
    ]
    nof = load_policy("nof-2025")
    d = date(2025, 9, 1)
    capped = [Fact("nof.delivery_segment", 1, "nof", d), Fact("nof.in_deficit", True, "nof", d)]
    assert [r.rule_id for r in evaluate(nof, capped, d)] == ["nof.finance.deficit_cap"]
    four = [Fact("nof.segment", 4, "nof", d)]
    assert [r.rule_id for r in evaluate(nof, four, d)] == ["nof.segment.4", "nof.segment5.consider"]
    low = [*four, Fact("judgement.capability", "low", "judgement by region", d)]
    assert [r.rule_id for r in evaluate(nof, low, d)] == [
        "nof.segment.4",
        "nof.segment5.low_capability",
    ]
    capped_three = [*capped, Fact("nof.segment", 3, "nof", d)]
    assert [r.rule_id for r in evaluate(nof, capped_three, d)] == [
        "nof.segment.3",
        "nof.finance.deficit_cap",
    ]
    assert [s["segment"] for s in nof.segments] == [1, 2, 3, 4, 5]
