"""CQC single assessment framework scoring: statement scores, key question percentages, the
published bands and the upper/lower position."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specialmeasures.domain import DomainError, Rating
from specialmeasures.domain.saf import (
    EVIDENCE_CATEGORIES,
    QUALITY_STATEMENTS,
    TRUST_WELL_LED,
    band,
    key_question_result,
    overall_result,
    statement_score,
)


def test_thirty_four_statements_eight_well_led_six_categories() -> None:
    assert sum(len(s) for s in QUALITY_STATEMENTS.values()) == 34
    assert len(TRUST_WELL_LED) == 8
    assert len(EVIDENCE_CATEGORIES) == 6


@pytest.mark.parametrize(
    ("percentage", "rating", "position"),
    [
        (25, Rating.INADEQUATE, "lower"),
        (38, Rating.INADEQUATE, "upper"),
        (39, Rating.REQUIRES_IMPROVEMENT, "lower"),
        (62, Rating.REQUIRES_IMPROVEMENT, "upper"),
        (63, Rating.GOOD, "lower"),
        (87, Rating.GOOD, "upper"),
        (88, Rating.OUTSTANDING, "lower"),
        (100, Rating.OUTSTANDING, "upper"),
    ],
)
def test_published_bands(percentage: int, rating: Rating, position: str) -> None:
    assert band(percentage) == (rating, position)


def test_band_rejects_impossible_percentages() -> None:
    with pytest.raises(DomainError):
        band(24)


def test_statement_score_from_categories() -> None:
    # 3 + 2 = 5 of 8 = 62.5% -> 63% -> Good band -> score 3.
    assert statement_score({"processes": 3, "outcomes": 2}) == (63, 3)
    assert statement_score({"processes": 2, "outcomes": 2, "observation": 3}) == (58, 2)
    with pytest.raises(DomainError, match="evidence category"):
        statement_score({"gossip": 3})
    with pytest.raises(DomainError):
        statement_score({"processes": 5})


def test_trust_well_led_assessment_rating_and_position() -> None:
    scores = {qs: {"staff_feedback": 2, "processes": 2} for qs in TRUST_WELL_LED}
    scores["governance"] = {"staff_feedback": 1, "processes": 1}
    r = key_question_result("well_led", scores)
    # Seven statements score 2 and one scores 1: 15 of 32 = 46.9% -> 47% -> RI, lower.
    assert (r.percentage, r.rating, r.position) == (47, Rating.REQUIRES_IMPROVEMENT, "lower")
    assert r.row()["score"] == 15
    with pytest.raises(DomainError, match="quality statement"):
        key_question_result("safe", {"governance": {"processes": 3}})


def test_overall_needs_all_five_key_questions() -> None:
    results = {
        kq: key_question_result(kq, {qs: {"processes": 3} for qs in statements})
        for kq, statements in QUALITY_STATEMENTS.items()
    }
    overall = overall_result(results)
    assert overall is not None
    assert (overall.percentage, overall.rating) == (75, Rating.GOOD)
    del results["caring"]
    assert overall_result(results) is None


@given(st.dictionaries(st.sampled_from(TRUST_WELL_LED), st.integers(1, 4), min_size=1))
def test_key_question_percentage_is_the_share_of_the_maximum(scores: dict[str, int]) -> None:
    r = key_question_result("well_led", {qs: {"processes": s} for qs, s in scores.items()})
    exact = 100 * sum(scores.values()) / (4 * len(scores))
    assert abs(r.percentage - exact) <= 0.5
    assert band(r.percentage)[0] is r.rating
    # A key question whose every statement scores s is rated s.
    if len(set(scores.values())) == 1:
        assert int(r.rating) == next(iter(scores.values()))
