"""The pure domain model: providers, ratings, inspections, regime episodes, decisions, indicators.

Imports only the standard library. Time comes in as an argument; nothing here reads a clock,
a file, the environment or a database.
"""

from specialmeasures.domain.decision import Decision, DecisionKind
from specialmeasures.domain.episode import EpisodeState, Regime, RegimeEpisode
from specialmeasures.domain.errors import (
    DomainError,
    InputError,
    NotFoundError,
    SpecialMeasuresError,
)
from specialmeasures.domain.indicator import (
    Category,
    Frequency,
    IndicatorDefinition,
    IndicatorKind,
    Observation,
    Polarity,
)
from specialmeasures.domain.inspection import Inspection
from specialmeasures.domain.provider import Provider, ProviderType, Setting
from specialmeasures.domain.rating import KeyQuestion, Rating

__all__ = [
    "Category",
    "Decision",
    "DecisionKind",
    "DomainError",
    "EpisodeState",
    "Frequency",
    "IndicatorDefinition",
    "IndicatorKind",
    "InputError",
    "Inspection",
    "KeyQuestion",
    "NotFoundError",
    "Observation",
    "Polarity",
    "Provider",
    "ProviderType",
    "Rating",
    "Regime",
    "RegimeEpisode",
    "Setting",
    "SpecialMeasuresError",
]
