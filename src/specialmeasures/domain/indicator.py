"""Indicator definitions and their observations (monthly provider-level measures)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from specialmeasures.domain._checks import (
    require_date,
    require_enum,
    require_finite,
    require_non_negative,
    require_text,
)
from specialmeasures.domain.errors import DomainError
from specialmeasures.domain.rating import KeyQuestion

__all__ = [
    "Category",
    "Frequency",
    "IndicatorDefinition",
    "IndicatorKind",
    "Observation",
    "Polarity",
]

INDICATOR_ID = re.compile(r"^[a-z][a-z0-9_]{1,62}$")


class Polarity(Enum):
    """Which direction is improvement (the Making Data Count "improvement direction")."""

    HIGHER_IS_BETTER = "increase"
    LOWER_IS_BETTER = "decrease"
    NEUTRAL = "neutral"


class IndicatorKind(Enum):
    PROPORTION = "proportion"  #: numerator / denominator, 0..1
    RATE = "rate"  #: numerator per denominator units (e.g. per 100,000 bed days)
    RATIO_TO_EXPECTED = "ratio_to_expected"  #: observed / expected (e.g. SHMI)
    MEAN = "mean"  #: a mean score (e.g. staff survey engagement, 0..10)
    COUNT = "count"  #: events in the period (e.g. never events)


class Frequency(Enum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class Category(Enum):
    QUALITY = "quality"
    WORKFORCE_CULTURE = "workforce_culture"
    FINANCE = "finance"
    OPERATIONS = "operations"

    @property
    def label(self) -> str:
        return (
            "Workforce and culture"
            if self is Category.WORKFORCE_CULTURE
            else self.value.capitalize()
        )


@dataclass(frozen=True, slots=True)
class IndicatorDefinition:
    """What an indicator measures and how to read it."""

    id: str
    name: str
    unit: str
    polarity: Polarity
    kind: IndicatorKind
    frequency: Frequency
    category: Category
    domain: KeyQuestion | None = None
    multiplier: float = 1.0
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not INDICATOR_ID.match(self.id):
            raise DomainError(
                "indicator.id", self.id, "must be lower-case letters, digits and underscores"
            )
        require_text("indicator.name", self.name)
        require_text("indicator.unit", self.unit)
        object.__setattr__(
            self, "polarity", require_enum("indicator.polarity", self.polarity, Polarity)
        )
        object.__setattr__(self, "kind", require_enum("indicator.kind", self.kind, IndicatorKind))
        object.__setattr__(
            self, "frequency", require_enum("indicator.frequency", self.frequency, Frequency)
        )
        object.__setattr__(
            self, "category", require_enum("indicator.category", self.category, Category)
        )
        if self.domain is not None:
            object.__setattr__(
                self, "domain", require_enum("indicator.domain", self.domain, KeyQuestion)
            )
        require_finite("indicator.multiplier", self.multiplier)
        if self.multiplier <= 0:
            raise DomainError("indicator.multiplier", self.multiplier, "must be positive")

    @property
    def needs_denominator(self) -> bool:
        return self.kind in (IndicatorKind.PROPORTION, IndicatorKind.RATE)

    @property
    def needs_expected(self) -> bool:
        return self.kind is IndicatorKind.RATIO_TO_EXPECTED


@dataclass(frozen=True, slots=True)
class Observation:
    """One provider's value of one indicator for one period (the period's first day)."""

    provider_code: str
    indicator_id: str
    period: date
    value: float
    numerator: float | None = None
    denominator: float | None = None
    expected: float | None = None

    def __post_init__(self) -> None:
        require_text("observation.provider_code", self.provider_code)
        require_text("observation.indicator_id", self.indicator_id)
        require_date("observation.period", self.period)
        require_finite("observation.value", self.value)
        if self.value is None:
            raise DomainError("observation.value", self.value, "is required")
        require_non_negative("observation.numerator", self.numerator)
        require_non_negative("observation.denominator", self.denominator)
        require_non_negative("observation.expected", self.expected)

    def check_against(self, definition: IndicatorDefinition) -> None:
        """Raise DomainError if this observation is inconsistent with its indicator's kind."""
        if definition.needs_denominator and (self.numerator is None or self.denominator is None):
            raise DomainError(
                "observation.denominator",
                self.denominator,
                f"is required for {definition.kind.value} indicator {definition.id}",
            )
        if definition.needs_expected and (self.numerator is None or self.expected is None):
            raise DomainError(
                "observation.expected",
                self.expected,
                f"is required for ratio-to-expected indicator {definition.id}",
            )
        if (
            definition.kind is IndicatorKind.PROPORTION
            and self.numerator is not None
            and self.denominator is not None
            and self.numerator > self.denominator
        ):
            raise DomainError(
                "observation.numerator",
                self.numerator,
                f"must not exceed the denominator ({self.denominator})",
            )
