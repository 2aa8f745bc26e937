"""CQC ratings principles: 5 KQ -> overall, N underlying, limiters, ratings in force."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from specialmeasures.domain import (
    Basis,
    DomainError,
    Inspection,
    KeyQuestion,
    Limiter,
    Rating,
    aggregate_key_questions,
    aggregate_underlying,
    apply_limiter,
    ratings_in_force,
)
from specialmeasures.domain.aggregation import outstanding_threshold

O = Rating.OUTSTANDING
G = Rating.GOOD
RI = Rating.REQUIRES_IMPROVEMENT
I = Rating.INADEQUATE
FIVE = KeyQuestion.five()


def profile(*codes: str) -> dict[KeyQuestion, Rating]:
    return {kq: Rating.parse(c) for kq, c in zip(FIVE, codes, strict=True)}


# Every profile class (counts of O, G, RI, I over five KQs) with its expected result.
CLASSES = [
    # (profile, expected label, rule)
    (("O", "O", "O", "O", "O"), "Outstanding", "outstanding"),
    (("O", "O", "G", "G", "G"), "Outstanding", "outstanding"),
    (("O", "O", "O", "G", "G"), "Outstanding", "outstanding"),
    (("O", "G", "G", "G", "G"), "Good", "good"),
    (("G", "G", "G", "G", "G"), "Good", "good"),
    (("O", "O", "RI", "G", "G"), "Good", "good"),
    (("G", "G", "RI", "G", "G"), "Good", "good"),
    (("RI", "RI", "G", "G", "G"), "Requires improvement", "requires_improvement"),
    (("RI", "RI", "RI", "RI", "RI"), "Requires improvement", "requires_improvement"),
    (("O", "O", "O", "RI", "RI"), "Requires improvement", "requires_improvement"),
    (("I", "RI", "RI", "G", "G"), "Requires improvement", "requires_improvement"),
    (("I", "G", "G", "G", "G"), "judgement needed", "one_inadequate"),
    (("I", "RI", "G", "G", "G"), "judgement needed", "one_inadequate"),
    (("I", "O", "O", "O", "O"), "judgement needed", "one_inadequate"),
    (("I", "I", "G", "G", "G"), "Inadequate", "inadequate"),
    (("I", "I", "RI", "RI", "RI"), "Inadequate", "inadequate"),
    (("I", "I", "I", "I", "I"), "Inadequate", "inadequate"),
]


@pytest.mark.parametrize(("codes", "label", "rule"), CLASSES)
def test_profile_classes(codes: tuple[str, ...], label: str, rule: str) -> None:
    result = aggregate_key_questions(profile(*codes))
    assert (result.label, result.rule) == (label, rule)
    assert result.judgement_needed is (label == "judgement needed")


def test_every_profile_has_exactly_one_outcome_and_never_guesses_one_inadequate() -> None:
    for codes in itertools.product("OGRI", repeat=5):
        ratings = {
            kq: {"O": O, "G": G, "R": RI, "I": I}[c] for kq, c in zip(FIVE, codes, strict=True)
        }
        result = aggregate_key_questions(ratings)
        n_i = codes.count("I")
        n_ri = codes.count("R")
        if n_i == 1 and n_ri <= 1:
            assert result.judgement_needed
            assert result.rating is None
        else:
            assert result.rating is not None
            assert result.basis is Basis.RULE
        if n_i >= 2:
            assert result.rating is I


@pytest.mark.parametrize(
    ("codes", "label"),
    [
        (("O", "O", "G", "G", "G"), "Requires improvement"),
        (("G", "G", "G", "G", "G"), "Requires improvement"),
        (("RI", "RI", "G", "G", "G"), "Requires improvement"),
        (("I", "I", "G", "G", "G"), "Inadequate"),
        (("I", "G", "G", "G", "G"), "judgement needed"),
    ],
)
def test_breach_limiter_caps_at_requires_improvement(codes: tuple[str, ...], label: str) -> None:
    result = aggregate_key_questions(profile(*codes), breach=True)
    assert result.label == label
    assert result.cap is RI


@pytest.mark.parametrize(
    ("codes", "published", "label", "basis", "rule_rating"),
    [
        # Barking, Havering & Redbridge July 2015: RI overall with Responsive Inadequate.
        (("RI", "G", "G", "I", "RI"), "RI", "Requires improvement", Basis.RULE, None),
        (("G", "G", "G", "I", "G"), "RI", "Requires improvement", Basis.CQC_JUDGEMENT, None),
        (("G", "G", "G", "G", "G"), "RI", "Requires improvement", Basis.CQC_OVERRIDE, G),
        (("G", "G", "G", "G", "G"), "Good", "Good", Basis.RULE, None),
    ],
)
def test_published_overall_is_kept_as_cqc_judgement(
    codes: tuple[str, ...],
    published: str,
    label: str,
    basis: Basis,
    rule_rating: Rating | None,
) -> None:
    result = aggregate_key_questions(profile(*codes), published_overall=published)
    assert result.label == label
    assert result.basis is basis
    assert result.rule_rating is rule_rating
    assert result.overridden is (basis is Basis.CQC_OVERRIDE)


@pytest.mark.parametrize(
    ("codes", "published"),
    [
        (("I", "RI", "I", "RI", "I"), "Inadequate"),  # Hinchingbrooke Jan 2015
        (("RI", "G", "G", "RI", "G"), "Requires improvement"),  # Colchester Nov 2017
        (("I", "RI", "G", "RI", "I"), "Inadequate"),  # Shrewsbury & Telford Nov 2018
    ],
)
def test_real_published_profiles_agree_with_the_rules(
    codes: tuple[str, ...], published: str
) -> None:
    result = aggregate_key_questions(profile(*codes), published_overall=published)
    assert result.basis is Basis.RULE
    assert result.label == published


def test_missing_key_question_is_an_error() -> None:
    with pytest.raises(DomainError, match="Well-led"):
        aggregate_key_questions({"safe": "G", "effective": "G", "caring": "G", "responsive": "G"})


def test_bad_rating_text_is_an_error() -> None:
    with pytest.raises(DomainError, match=r"ratings\.safe"):
        aggregate_key_questions(
            {"safe": "X", "effective": "G", "caring": "G", "responsive": "G", "well_led": "G"}
        )


@pytest.mark.parametrize(
    ("n", "needed"), [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (8, 2), (9, 3), (20, 3)]
)
def test_outstanding_x_table(n: int, needed: int) -> None:
    assert outstanding_threshold(n) == needed
    just_enough = [O] * needed + [G] * (n - needed)
    assert aggregate_underlying(just_enough).rating is O
    if needed > 1 or n > 1:
        short = [O] * (needed - 1) + [G] * (n - needed + 1)
        assert aggregate_underlying(short).rating is G
    if n > needed:
        spoiled = [O] * needed + [RI] + [G] * (n - needed - 1)
        assert aggregate_underlying(spoiled).rating is not O


def test_outstanding_threshold_rejects_zero() -> None:
    with pytest.raises(DomainError):
        outstanding_threshold(0)


@pytest.mark.parametrize(
    ("ratings", "label"),
    [
        ([RI, RI, RI], "Requires improvement"),
        ([I], "Inadequate"),
        ([G, RI], "judgement needed"),
        ([O, I, G, G], "judgement needed"),
    ],
)
def test_underlying_beyond_the_published_table(ratings: list[Rating], label: str) -> None:
    assert aggregate_underlying(ratings).label == label


def test_underlying_published_judgement_is_kept() -> None:
    result = aggregate_underlying([G, RI], published="RI")
    assert result.basis is Basis.CQC_JUDGEMENT
    assert result.rating is RI


@pytest.mark.parametrize(
    ("rating", "limiter", "expected"),
    [
        (O, Limiter.REQUIREMENT_NOTICE, RI),
        (G, "requirement notice", RI),
        (RI, Limiter.REQUIREMENT_NOTICE, RI),
        (I, Limiter.REQUIREMENT_NOTICE, I),
        (O, Limiter.WARNING_NOTICE, I),
        (G, Limiter.CONDITION, I),
        (G, None, G),
    ],
)
def test_enforcement_limiters(
    rating: Rating, limiter: Limiter | str | None, expected: Rating
) -> None:
    assert apply_limiter(rating, limiter) is expected


def test_unknown_limiter() -> None:
    with pytest.raises(DomainError, match="limiter"):
        apply_limiter(G, "telling off")


def _inspection(published: date, **ratings: str) -> Inspection:
    return Inspection("RXX", date(published.year - 1, 1, 1), published, ratings)


def test_ratings_in_force_carry_forward_with_own_dates() -> None:
    first = _inspection(
        date(2015, 1, 9),
        safe="I",
        effective="RI",
        caring="I",
        responsive="RI",
        well_led="I",
        overall="I",
    )
    second = _inspection(date(2016, 8, 11), safe="G", caring="G", well_led="G", overall="RI")
    later = _inspection(date(2030, 1, 1), safe="O", well_led="O")
    now = ratings_in_force([later, second, first], date(2016, 9, 1))
    assert now.rating(KeyQuestion.SAFE) is G
    assert now.get(KeyQuestion.SAFE).published == date(2016, 8, 11)  # type: ignore[union-attr]
    assert now.rating(KeyQuestion.EFFECTIVE) is RI
    assert now.get(KeyQuestion.EFFECTIVE).published == date(2015, 1, 9)  # type: ignore[union-attr]
    assert now.overall is RI
    assert now.count(I) == 0
    assert now.latest_published == date(2016, 8, 11)
    before = ratings_in_force([first, second], date(2015, 1, 8))
    assert before.ratings == {}
    assert before.aggregate() is None


def test_trust_level_ratings_change_only_after_well_led_assessment() -> None:
    first = _inspection(
        date(2015, 1, 9), safe="I", effective="RI", caring="I", responsive="RI", well_led="I"
    )
    core = _inspection(date(2015, 6, 1), safe="G")
    gated = ratings_in_force([first, core], date(2015, 7, 1))
    assert gated.rating(KeyQuestion.SAFE) is I
    assert [h.published for h in gated.held_back] == [date(2015, 6, 1)]
    open_ = ratings_in_force([first, core], date(2015, 7, 1), well_led_gate=False)
    assert open_.rating(KeyQuestion.SAFE) is G
    assert open_.held_back == ()


def test_ratings_in_force_aggregate_keeps_published_overall() -> None:
    bhrut = _inspection(
        date(2015, 7, 2),
        safe="RI",
        effective="G",
        caring="G",
        responsive="I",
        well_led="G",
        overall="RI",
    )
    result = ratings_in_force([bhrut], date(2015, 8, 1)).aggregate()
    assert result is not None
    assert result.basis is Basis.CQC_JUDGEMENT
    assert result.rating is RI


def test_same_day_publication_later_input_wins() -> None:
    a = _inspection(date(2015, 1, 9), safe="I", well_led="I")
    b = _inspection(date(2015, 1, 9), safe="G", well_led="G")
    assert ratings_in_force([a, b], date(2015, 2, 1)).rating(KeyQuestion.SAFE) is G
