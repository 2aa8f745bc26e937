"""Provider list and provider profile as of a date."""

from __future__ import annotations

from datetime import date
from typing import Any

from specialmeasures.domain import KeyQuestion, Provider, RegimeEpisode
from specialmeasures.domain.as_known import episode_as_known
from specialmeasures.register.public_record import public_record_marks, successions
from specialmeasures.register.summaries import provider_summaries
from specialmeasures.store import Repository

__all__ = ["PROVIDER_LIST_COLUMNS", "provider_list", "provider_profile"]

PROVIDER_LIST_COLUMNS = (
    "code",
    "name",
    "type",
    "teaching",
    "setting",
    "region",
    "system",
    "overall_rating",
    "rating_published",
    "regime_status",
)


def _identity(p: Provider) -> dict[str, Any]:
    """The fields that name and place a provider, as every view shows them."""
    return {
        "code": p.code,
        "name": p.name,
        "type": p.type.value,
        "type_label": p.type_label,
        "teaching": p.teaching,
        "setting": p.setting.value,
        "region": p.region,
        "system": p.system,
        "synthetic": p.synthetic,
    }


def _episode(e: RegimeEpisode, as_of: date) -> dict[str, Any]:
    return {
        "regime": e.regime.value,
        "regime_label": e.regime.label,
        "start": e.start.isoformat(),
        "end": e.end.isoformat() if e.end else None,
        "state": e.state.value,
        "active": e.active_on(as_of),
        "months": round(e.months(as_of), 1),
        "confidential": e.regime.confidential,
    }


def provider_list(
    repo: Repository,
    as_of: date,
    *,
    include_confidential: bool = False,
    type_: str | None = None,
    system: str | None = None,
    region: str | None = None,
    regime: str | None = None,
    rating: str | None = None,
    search: str | None = None,
) -> list[dict[str, Any]]:
    """One row per provider: type, system, overall rating in force and regime status on ``as_of``.

    Confidential regimes (the CP list) appear only with ``include_confidential``. Filters match
    exactly (type, system, region, regime value, rating label) or by substring (search, on name
    and code, case-insensitive).
    """
    rows: list[dict[str, Any]] = []
    needle = (search or "").strip().lower()
    for s in provider_summaries(repo, as_of):
        p = s.provider
        regimes = [e for e in s.regimes if include_confidential or not e.regime.confidential]
        regime_values = [e.regime.value for e in regimes]
        row = {
            **_identity(p),
            "overall_rating": s.overall.rating.label if s.overall else None,
            "rating_published": s.overall.published.isoformat() if s.overall else None,
            "regime_status": ", ".join(e.regime.label for e in regimes) or "None",
            "regimes": regime_values,
        }
        if type_ and p.type.value != type_:
            continue
        if system and p.system != system:
            continue
        if region and p.region != region:
            continue
        if regime and (regime not in regime_values if regime != "none" else regime_values):
            continue
        if rating and row["overall_rating"] != rating:
            continue
        if needle and needle not in p.name.lower() and needle not in p.code.lower():
            continue
        rows.append(row)
    return rows


def provider_profile(
    repo: Repository, code: str, as_of: date, *, include_confidential: bool = False
) -> dict[str, Any]:
    """Everything the provider page shows: details, ratings history per key question, episodes.

    Raises ``NotFoundError`` for an unknown code.
    """
    p = repo.provider(code)
    inspections = repo.inspections(code, as_of=as_of)
    in_force = repo.ratings_in_force(as_of, [code]).get(code, {})
    # As known on as_of: an exit after that day had not happened yet.
    episodes = [
        episode_as_known(e, as_of)
        for e in repo.episodes(code)
        if e.start <= as_of and (include_confidential or not e.regime.confidential)
    ]
    questions = [*KeyQuestion.five(), KeyQuestion.OVERALL]
    marks = public_record_marks(repo, (e.id for e in episodes if e.id is not None))
    return {
        "provider": {
            **_identity(p),
            "open_date": p.open_date.isoformat() if p.open_date else None,
            "close_date": p.close_date.isoformat() if p.close_date else None,
            "successions": successions(repo, code),
            "beds": p.beds,
            "annual_income_gbp": p.annual_income_gbp,
            "staff_headcount": p.staff_headcount,
            "latitude": p.latitude,
            "longitude": p.longitude,
        },
        "as_of": as_of.isoformat(),
        "ratings_in_force": {
            kq.value: (
                {
                    "rating": in_force[kq].rating.label,
                    "short": in_force[kq].rating.short,
                    "published": in_force[kq].published.isoformat(),
                }
                if kq in in_force
                else None
            )
            for kq in questions
        },
        "inspections": [
            {
                "id": i.id,
                "inspection_date": i.inspection_date.isoformat(),
                "publication_date": i.publication_date.isoformat(),
                "source": i.source,
                "ratings": {
                    kq.value: (i.ratings[kq].label if kq in i.ratings else None) for kq in questions
                },
            }
            for i in inspections
        ],
        "episodes": [
            {**_episode(e, as_of), "public_record": marks.get(e.id) if e.id else None}
            for e in episodes
        ],
        "regime_status": [e.regime.label for e in episodes if e.active_on(as_of)],
    }
