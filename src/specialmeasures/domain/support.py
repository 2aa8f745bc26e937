"""Support cases of the Recovery Support Programme and the Provider Improvement Programme:
exit criteria agreed at entry, and the provider capability assessment as structured data.

The capability assessment has six areas (NHS England, "Assessing provider capability: guidance
for NHS trust boards", 2025), each rated high, medium or low with its evidence. How the areas
combine into one capability rating was not published; :func:`overall_capability` is an
assumption, stated in docs/support.md: low when two or more areas are low, or when finance or
quality of care is low; high when no area is low and at least four are high; otherwise medium.

>>> overall_capability({a: "high" for a in CAPABILITY_AREAS})
'high'
>>> overall_capability({**{a: "high" for a in CAPABILITY_AREAS}, "financial_performance": "low"})
'low'
>>> exit_ready(["met", "met"]), exit_ready(["met", "in_progress"]), exit_ready([])
(True, False, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from specialmeasures.domain.errors import DomainError

__all__ = [
    "CAPABILITY_AREAS",
    "CAPABILITY_RATINGS",
    "CRITERION_STATUSES",
    "exit_ready",
    "overall_capability",
]

#: The six areas of the capability assessment, with their published names.
CAPABILITY_AREAS = {
    "strategy_leadership_planning": "Strategy, leadership and planning",
    "quality_of_care": "Quality of care",
    "people_and_culture": "People and culture",
    "access_and_delivery": "Access and delivery of services",
    "productivity_value": "Productivity and value for money",
    "financial_performance": "Financial performance and oversight",
}
CAPABILITY_RATINGS = ("high", "medium", "low")
#: An exit criterion's status: agreed (not yet met), in progress, met.
CRITERION_STATUSES = ("not_met", "in_progress", "met")
_DECISIVE = ("financial_performance", "quality_of_care")


def overall_capability(ratings: Mapping[str, str]) -> str:
    """One capability rating from the six area ratings (an assumption; see the module)."""
    missing = [a for a in CAPABILITY_AREAS if a not in ratings]
    if missing:
        raise DomainError("capability", ", ".join(missing), "every area must be rated")
    unknown = [a for a in ratings if a not in CAPABILITY_AREAS]
    if unknown:
        raise DomainError("capability area", unknown[0], f"must be one of {list(CAPABILITY_AREAS)}")
    for area, rating in ratings.items():
        if rating not in CAPABILITY_RATINGS:
            raise DomainError(f"capability.{area}", rating, "must be high, medium or low")
    values = list(ratings.values())
    if values.count("low") >= 2 or any(ratings[a] == "low" for a in _DECISIVE):
        return "low"
    if "low" not in values and values.count("high") >= 4:
        return "high"
    return "medium"


def exit_ready(statuses: Iterable[str]) -> bool:
    """True when there is at least one agreed criterion and every one is met."""
    seen = list(statuses)
    for s in seen:
        if s not in CRITERION_STATUSES:
            raise DomainError("exit criterion status", s, f"must be one of {CRITERION_STATUSES}")
    return bool(seen) and all(s == "met" for s in seen)
