"""National and local-system views of the register as of a date.

``national_overview``: providers by public regime status and by overall rating, and the number
in each regime month by month. ``systems_index`` and ``system_view``: the providers of each
integrated care system side by side, so that failure can be seen at system level. Plain
JSON-ready data; the confidential Challenged Provider list only with ``include_confidential``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from specialmeasures.domain import KeyQuestion, NotFoundError, Regime
from specialmeasures.domain.timeline import add_months
from specialmeasures.register.regime_dates import regime_start, regimes_in_existence
from specialmeasures.register.views import provider_list
from specialmeasures.store import Repository

__all__ = ["national_overview", "system_view", "systems_index"]

#: Months of history the overview's chart shows, back from the date asked about.
HISTORY_MONTHS = 60
RATING_ORDER = ("Outstanding", "Good", "Requires improvement", "Inadequate", "Not rated")


def _regimes(include_confidential: bool) -> list[Regime]:
    return [r for r in Regime if include_confidential or not r.confidential]


def _monthly_counts(
    repository: Repository, as_of: date, regimes: list[Regime]
) -> list[dict[str, Any]]:
    episodes = [e for e in repository.episodes() if e.regime in regimes]
    first = date(as_of.year, as_of.month, 1)
    months = [add_months(first, -k) for k in range(HISTORY_MONTHS, -1, -1)]
    if episodes:
        earliest = min(e.start for e in episodes)
        months = [m for m in months if m >= date(earliest.year, earliest.month, 1)] or [first]
    out = []
    for m in months:
        day = as_of if m == first else m
        row: dict[str, Any] = {"month": m.isoformat()[:7], "on": day.isoformat()}
        for r in regimes:
            # A day before the regime began has no count at all (null), not a zero.
            if day < regime_start(r):
                row[r.value] = None
                continue
            row[r.value] = len(
                {
                    e.provider_code
                    for e in episodes
                    if e.regime is r and e.start <= day and (e.end is None or e.end > day)
                }
            )
        out.append(row)
    return out


def national_overview(
    repository: Repository, as_of: date, *, include_confidential: bool
) -> dict[str, Any]:
    """Counts of providers by regime status and by overall rating on ``as_of``, the number in
    each regime at the start of each month (the last point is ``as_of`` itself) and the local
    systems."""
    rows = provider_list(repository, as_of, include_confidential=include_confidential)
    # A regime appears only from the day it began (the PIP from April 2025, the RSP from July
    # 2021): before then it is no column and no line, not a column of zeros.
    regimes = regimes_in_existence(_regimes(include_confidential), as_of)
    by_regime = Counter(v for r in rows for v in r["regimes"])
    by_rating = Counter(r["overall_rating"] or "Not rated" for r in rows)
    return {
        "as_of": as_of.isoformat(),
        "confidential": include_confidential,
        "providers": len(rows),
        "by_status": [
            {"regime": r.value, "label": r.label, "count": by_regime.get(r.value, 0)}
            for r in regimes
        ]
        + [
            {
                "regime": "none",
                "label": "Not in a regime",
                "count": sum(not r["regimes"] for r in rows),
            }
        ],
        "by_rating": [{"rating": k, "count": by_rating.get(k, 0)} for k in RATING_ORDER],
        "series": {
            "regimes": [
                {"regime": r.value, "label": r.label, "from": regime_start(r).isoformat()}
                for r in regimes
            ],
            "months": _monthly_counts(repository, as_of, regimes),
        },
        "systems": systems_index(repository, as_of, include_confidential=False)["systems"],
    }


def systems_index(
    repository: Repository, as_of: date, *, include_confidential: bool
) -> dict[str, Any]:
    """Every local system with its number of providers and how many are in each regime."""
    rows = provider_list(repository, as_of, include_confidential=include_confidential)
    regimes = _regimes(include_confidential)
    systems: dict[str, dict[str, Any]] = {}
    for r in rows:
        s = systems.setdefault(
            r["system"],
            {"system": r["system"], "region": r["region"], "providers": 0}
            | {g.value: 0 for g in regimes},
        )
        s["providers"] += 1
        for v in r["regimes"]:
            s[v] += 1
    return {
        "as_of": as_of.isoformat(),
        "confidential": include_confidential,
        "regimes": [{"regime": r.value, "label": r.label} for r in regimes],
        "systems": sorted(systems.values(), key=lambda s: (s["region"], s["system"])),
    }


def system_view(
    repository: Repository,
    system: str,
    as_of: date,
    *,
    include_confidential: bool,
    bands: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The providers of local system ``system`` side by side: type, the ratings in force for
    each key question, regime status and, when ``bands`` is given (regulators), the watch-list
    band. Raises NotFoundError for a system with no provider."""
    rows = provider_list(
        repository, as_of, include_confidential=include_confidential, system=system
    )
    if not rows:
        raise NotFoundError("local system", system)
    in_force = repository.ratings_in_force(as_of, [r["code"] for r in rows])
    questions = [KeyQuestion.OVERALL, *KeyQuestion.five()]
    providers = []
    for r in rows:
        ratings = in_force.get(r["code"], {})
        row = {
            "code": r["code"],
            "name": r["name"],
            "type": r["type"],
            "type_label": r["type_label"],
            "ratings": {
                q.value: (ratings[q].rating.label if q in ratings else None) for q in questions
            },
            "regime_status": r["regime_status"],
            "regimes": r["regimes"],
        }
        if bands is not None:
            row["watchlist_band"] = bands.get(r["code"])
        providers.append(row)
    return {
        "system": system,
        "region": rows[0]["region"],
        "as_of": as_of.isoformat(),
        "confidential": include_confidential,
        "watchlist": bands is not None,
        "count": len(providers),
        "in_regime": sum(bool(p["regimes"]) for p in providers),
        "by_rating": dict(Counter(p["ratings"]["overall"] or "Not rated" for p in providers)),
        "providers": providers,
    }
