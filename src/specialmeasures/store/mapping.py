"""Explicit mapping between table rows and domain objects (no ORM magic in the domain)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from specialmeasures.domain import (
    Category,
    Decision,
    DecisionKind,
    EpisodeState,
    Frequency,
    IndicatorDefinition,
    IndicatorKind,
    Inspection,
    KeyQuestion,
    Observation,
    Polarity,
    Provider,
    ProviderType,
    Rating,
    Regime,
    RegimeEpisode,
    Setting,
)

__all__ = [
    "decision_to_row",
    "episode_to_row",
    "indicator_to_row",
    "inspection_to_row",
    "observation_to_row",
    "provider_to_row",
    "rating_rows",
    "row_to_decision",
    "row_to_episode",
    "row_to_indicator",
    "row_to_inspection",
    "row_to_observation",
    "row_to_provider",
]

Row = Mapping[Any, Any]


def provider_to_row(provider: Provider) -> dict[str, Any]:
    return {
        "code": provider.code,
        "name": provider.name,
        "type": provider.type.value,
        "teaching": provider.teaching,
        "setting": provider.setting.value,
        "region": provider.region,
        "system": provider.system,
        "beds": provider.beds,
        "annual_income_gbp": provider.annual_income_gbp,
        "staff_headcount": provider.staff_headcount,
        "latitude": provider.latitude,
        "longitude": provider.longitude,
        "synthetic": provider.synthetic,
        "open_date": provider.open_date,
        "close_date": provider.close_date,
    }


def row_to_provider(row: Row) -> Provider:
    return Provider(
        code=row["code"],
        name=row["name"],
        type=ProviderType(row["type"]),
        teaching=bool(row["teaching"]),
        setting=Setting(row["setting"]),
        region=row["region"],
        system=row["system"],
        beds=row["beds"],
        annual_income_gbp=row["annual_income_gbp"],
        staff_headcount=row["staff_headcount"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        synthetic=bool(row["synthetic"]),
        open_date=row.get("open_date"),
        close_date=row.get("close_date"),
    )


def inspection_to_row(inspection: Inspection) -> dict[str, Any]:
    row: dict[str, Any] = {
        "provider_code": inspection.provider_code,
        "inspection_date": inspection.inspection_date,
        "publication_date": inspection.publication_date,
        "source": inspection.source,
    }
    if inspection.id is not None:
        row["id"] = inspection.id
    return row


def rating_rows(inspection_id: int, inspection: Inspection) -> list[dict[str, Any]]:
    return [
        {"inspection_id": inspection_id, "key_question": kq.value, "rating": int(rating)}
        for kq, rating in inspection.ratings.items()
    ]


def row_to_inspection(row: Row, ratings: Iterable[Row]) -> Inspection:
    return Inspection(
        id=row["id"],
        provider_code=row["provider_code"],
        inspection_date=row["inspection_date"],
        publication_date=row["publication_date"],
        source=row["source"],
        ratings={KeyQuestion(r["key_question"]): Rating(r["rating"]) for r in ratings},
    )


def episode_to_row(episode: RegimeEpisode) -> dict[str, Any]:
    row: dict[str, Any] = {
        "provider_code": episode.provider_code,
        "regime": episode.regime.value,
        "start_date": episode.start,
        "end_date": episode.end,
        "state": episode.state.value,
    }
    if episode.id is not None:
        row["id"] = episode.id
    return row


def row_to_episode(row: Row) -> RegimeEpisode:
    return RegimeEpisode(
        id=row["id"],
        provider_code=row["provider_code"],
        regime=Regime(row["regime"]),
        start=row["start_date"],
        end=row["end_date"],
        state=EpisodeState(row["state"]),
    )


def decision_to_row(decision: Decision) -> dict[str, Any]:
    row: dict[str, Any] = {
        "provider_code": decision.provider_code,
        "episode_id": decision.episode_id,
        "kind": decision.kind.value,
        "actor": decision.actor,
        "role": decision.role,
        "decided_at": decision.decided_at,
        "rationale": decision.rationale,
        "recommendation_ref": decision.recommendation_ref,
    }
    if decision.id is not None:
        row["id"] = decision.id
    return row


def row_to_decision(row: Row) -> Decision:
    return Decision(
        id=row["id"],
        provider_code=row["provider_code"],
        episode_id=row["episode_id"],
        kind=DecisionKind(row["kind"]),
        actor=row["actor"],
        role=row["role"],
        decided_at=row["decided_at"],
        rationale=row["rationale"],
        recommendation_ref=row["recommendation_ref"],
    )


def indicator_to_row(indicator: IndicatorDefinition) -> dict[str, Any]:
    return {
        "id": indicator.id,
        "name": indicator.name,
        "unit": indicator.unit,
        "polarity": indicator.polarity.value,
        "kind": indicator.kind.value,
        "frequency": indicator.frequency.value,
        "category": indicator.category.value,
        "domain": indicator.domain.value if indicator.domain is not None else None,
        "multiplier": indicator.multiplier,
        "description": indicator.description,
    }


def row_to_indicator(row: Row) -> IndicatorDefinition:
    return IndicatorDefinition(
        id=row["id"],
        name=row["name"],
        unit=row["unit"],
        polarity=Polarity(row["polarity"]),
        kind=IndicatorKind(row["kind"]),
        frequency=Frequency(row["frequency"]),
        category=Category(row["category"]),
        domain=KeyQuestion(row["domain"]) if row["domain"] is not None else None,
        multiplier=row["multiplier"],
        description=row["description"],
    )


def observation_to_row(observation: Observation) -> dict[str, Any]:
    return {
        "provider_code": observation.provider_code,
        "indicator_id": observation.indicator_id,
        "period": observation.period,
        "value": observation.value,
        "numerator": observation.numerator,
        "denominator": observation.denominator,
        "expected": observation.expected,
    }


def row_to_observation(row: Row) -> Observation:
    return Observation(
        provider_code=row["provider_code"],
        indicator_id=row["indicator_id"],
        period=row["period"],
        value=row["value"],
        numerator=row["numerator"],
        denominator=row["denominator"],
        expected=row["expected"],
    )
