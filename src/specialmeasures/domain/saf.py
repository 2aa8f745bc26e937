"""CQC's single assessment framework (SAF, from 2023-24): quality statements scored 1-4 per
evidence category, built up to key question scores, percentages, ratings and positions.

Published method (CQC, "How we reach a rating", cqc.org.uk/guidance-regulation/providers/
assessment/assessing-quality-and-performance/reach-rating; REGIME.md 1.6):

* each evidence category of a quality statement is scored 1 (significant shortfalls), 2 (some
  shortfalls), 3 (good standard) or 4 (exceptional standard);
* the category scores of a quality statement are added and divided by the maximum possible (4 per
  category scored): a percentage, which converts to the statement's score 1-4 with the bands
  below;
* a key question's statement scores are added and divided by the maximum possible: a percentage,
  which converts to the rating with the same bands:

  ====================  ============================
  percentage            rating (statement score)
  ====================  ============================
  25 to 38%             Inadequate (1)
  39 to 62%             Requires improvement (2)
  63 to 87%             Good (3)
  88% and over          Outstanding (4)
  ====================  ============================

* the score places the rating in its upper or lower threshold ("Good nearing outstanding" or
  "nearer to requires improvement"). Where the split lies was not read: here each band is cut at
  its middle (inferred): Inadequate 25-31 lower, 32-38 upper; Requires improvement 39-50 / 51-62;
  Good 63-75 / 76-87; Outstanding 88-93 / 94-100.

Percentages are rounded half up to whole percent before banding. The overall rating of a
service assessed on all five key questions uses the same method on every statement score. From
March 2024 NHS trusts' trust-level assessment is of the **eight well-led quality statements**
(``TRUST_WELL_LED``); it produces the trust-level well-led rating.

>>> r = key_question_result("well_led", {qs: {"processes": 3, "outcomes": 3}
...     for qs in QUALITY_STATEMENTS["well_led"]})
>>> r.percentage, r.rating.label, r.position
(75, 'Good', 'lower')
>>> statement_score({"people_experience": 4, "observation": 3})
(88, 4)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from specialmeasures.domain.errors import DomainError
from specialmeasures.domain.rating import KeyQuestion, Rating

__all__ = [
    "BANDS",
    "EVIDENCE_CATEGORIES",
    "LEVELS",
    "QUALITY_STATEMENTS",
    "TRUST_WELL_LED",
    "KeyQuestionResult",
    "band",
    "key_question_result",
    "overall_result",
    "statement_score",
]

#: The six evidence categories.
EVIDENCE_CATEGORIES = {
    "people_experience": "People's experience of health and care services",
    "staff_feedback": "Feedback from staff and leaders",
    "partner_feedback": "Feedback from partners",
    "observation": "Observation",
    "processes": "Processes",
    "outcomes": "Outcomes",
}

#: The 34 quality statements by key question (CQC's published titles).
QUALITY_STATEMENTS: dict[str, dict[str, str]] = {
    "safe": {
        "learning_culture": "Learning culture",
        "safe_systems": "Safe systems, pathways and transitions",
        "safeguarding": "Safeguarding",
        "involving_people_risks": "Involving people to manage risks",
        "safe_environments": "Safe environments",
        "safe_staffing": "Safe and effective staffing",
        "infection_prevention": "Infection prevention and control",
        "medicines_optimisation": "Medicines optimisation",
    },
    "effective": {
        "assessing_needs": "Assessing needs",
        "evidence_based_care": "Delivering evidence-based care and treatment",
        "working_together": "How staff, teams and services work together",
        "healthier_lives": "Supporting people to live healthier lives",
        "monitoring_outcomes": "Monitoring and improving outcomes",
        "consent": "Consent to care and treatment",
    },
    "caring": {
        "kindness_dignity": "Kindness, compassion and dignity",
        "individuals": "Treating people as individuals",
        "independence_choice": "Independence, choice and control",
        "immediate_needs": "Responding to people's immediate needs",
        "workforce_wellbeing": "Workforce wellbeing and enablement",
    },
    "responsive": {
        "person_centred_care": "Person-centred care",
        "care_continuity": "Care provision, integration and continuity",
        "providing_information": "Providing information",
        "listening_involving": "Listening to and involving people",
        "equity_access": "Equity in access",
        "equity_outcomes": "Equity in experiences and outcomes",
        "planning_future": "Planning for the future",
    },
    "well_led": {
        "shared_direction": "Shared direction and culture",
        "capable_leaders": "Capable, compassionate and inclusive leaders",
        "speak_up": "Freedom to speak up",
        "workforce_edi": "Workforce equality, diversity and inclusion",
        "governance": "Governance, management and sustainability",
        "partnerships": "Partnerships and communities",
        "learning_innovation": "Learning, improvement and innovation",
        "environmental_sustainability": "Environmental sustainability - sustainable development",
    },
}
#: The trust-level well-led assessment of NHS trusts (from March 2024): the eight statements.
TRUST_WELL_LED = tuple(QUALITY_STATEMENTS["well_led"])
#: Assessment levels: a trust-level well-led assessment, or a service/provider assessment.
LEVELS = ("trust_well_led", "service")
#: Lower bound of each rating's percentage band (published), and the inferred middle cut.
BANDS = (
    (25, 32, Rating.INADEQUATE),
    (39, 51, Rating.REQUIRES_IMPROVEMENT),
    (63, 76, Rating.GOOD),
    (88, 94, Rating.OUTSTANDING),
)


def _percent(total: int, count: int) -> int:
    return (200 * total + 4 * count) // (8 * count)  # round half up of 100 * total / (4 * count)


def band(percentage: int) -> tuple[Rating, str]:
    """The rating and position (upper or lower) of a percentage, 25-100.

    >>> band(62), band(63), band(88)
    ((<Rating.REQUIRES_IMPROVEMENT: 2>, 'upper'), (<Rating.GOOD: 3>, 'lower'), (<Rating.OUTSTANDING: 4>, 'lower'))
    """
    if not 25 <= percentage <= 100:
        raise DomainError("percentage", percentage, "must be between 25 and 100")
    for low, middle, rating in reversed(BANDS):
        if percentage >= low:
            return rating, "upper" if percentage >= middle else "lower"
    raise AssertionError("unreachable")  # pragma: no cover


def _score(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise DomainError(where, value, "must be a whole score from 1 to 4")
    return value


def statement_score(categories: Mapping[str, int]) -> tuple[int, int]:
    """A quality statement's percentage and score 1-4 from its evidence category scores."""
    if not categories:
        raise DomainError("quality statement", {}, "needs at least one evidence category score")
    total = 0
    for category, value in categories.items():
        if category not in EVIDENCE_CATEGORIES:
            raise DomainError(
                "evidence category", category, f"must be one of {list(EVIDENCE_CATEGORIES)}"
            )
        total += _score(value, f"score of {category}")
    percentage = _percent(total, len(categories))
    return percentage, int(band(percentage)[0])


@dataclass(frozen=True, slots=True)
class KeyQuestionResult:
    """A key question's (or the overall) score: statements, percentage, rating, position."""

    key_question: str
    statements: Mapping[str, int]
    percentage: int
    rating: Rating
    position: str

    @property
    def label(self) -> str:
        return f"{self.rating.label} ({self.position} threshold, {self.percentage}%)"

    def row(self) -> dict[str, object]:
        return {
            "key_question": self.key_question,
            "statements_scored": len(self.statements),
            "score": sum(self.statements.values()),
            "maximum": 4 * len(self.statements),
            "percentage": self.percentage,
            "rating": self.rating.label,
            "position": self.position,
        }


def key_question_result(
    key_question: str, statements: Mapping[str, Mapping[str, int]]
) -> KeyQuestionResult:
    """Score one key question from its statements' evidence category scores."""
    kq = KeyQuestion.parse(key_question).value
    known = QUALITY_STATEMENTS.get(kq)
    if known is None:
        raise DomainError("key question", key_question, "must be one of the five")
    if not statements:
        raise DomainError(f"key question {kq}", {}, "needs at least one quality statement")
    scores: dict[str, int] = {}
    for qs, categories in statements.items():
        if qs not in known:
            raise DomainError(f"quality statement of {kq}", qs, f"must be one of {list(known)}")
        scores[qs] = statement_score(categories)[1]
    percentage = _percent(sum(scores.values()), len(scores))
    rating, position = band(percentage)
    return KeyQuestionResult(kq, scores, percentage, rating, position)


def overall_result(results: Mapping[str, KeyQuestionResult]) -> KeyQuestionResult | None:
    """The overall score of an assessment of all five key questions (else None)."""
    if set(results) != set(QUALITY_STATEMENTS):
        return None
    scores = {f"{kq}.{qs}": s for kq, r in results.items() for qs, s in r.statements.items()}
    percentage = _percent(sum(scores.values()), len(scores))
    rating, position = band(percentage)
    return KeyQuestionResult("overall", scores, percentage, rating, position)
