"""The pure domain model: providers, ratings, inspections, regime episodes, decisions, indicators.

Imports only the standard library. Time comes in as an argument; nothing here reads a clock,
a file, the environment or a database.
"""

from specialmeasures.domain.aggregation import (
    AggregateResult,
    Basis,
    Limiter,
    aggregate_key_questions,
    aggregate_underlying,
    apply_limiter,
)
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
from specialmeasures.domain.judgement import Judgement, judgements_in_force
from specialmeasures.domain.provider import Provider, ProviderType, Setting
from specialmeasures.domain.rating import KeyQuestion, Rating
from specialmeasures.domain.ratings_in_force import (
    HeldBack,
    RatingInForce,
    RatingsInForce,
    ratings_in_force,
)

__all__ = [
    "AggregateResult",
    "Basis",
    "Category",
    "Decision",
    "DecisionKind",
    "DomainError",
    "EpisodeState",
    "Frequency",
    "HeldBack",
    "IndicatorDefinition",
    "IndicatorKind",
    "InputError",
    "Inspection",
    "Judgement",
    "KeyQuestion",
    "Limiter",
    "NotFoundError",
    "Observation",
    "Polarity",
    "Provider",
    "ProviderType",
    "Rating",
    "RatingInForce",
    "RatingsInForce",
    "Regime",
    "RegimeEpisode",
    "Setting",
    "SpecialMeasuresError",
    "aggregate_key_questions",
    "aggregate_underlying",
    "apply_limiter",
    "judgements_in_force",
    "ratings_in_force",
]
