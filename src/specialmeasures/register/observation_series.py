"""One indicator's monthly series for a provider or for England (``specialmeasures observations``).

One row per month: ``period, numerator, denominator, value`` (value a proportion for proportion
indicators, at full precision). A provider's series is its rows in ``observations``; a
reporting organisation that is not in the register (a walk-in centre, say) has its A&E series
computed from the stored A&E counts. England's series (``national``) of the A&E indicators sums
every reporting organisation of the month, trust or not (the counts in use, see
``ingest.ae_import``); of any other indicator, or of an A&E indicator in a database without A&E
counts (the synthetic country), it sums the numerators and denominators of every provider with
data that month.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from specialmeasures.domain import InputError, NotFoundError
from specialmeasures.ingest.ae_import import (
    ALL_ATTENDANCES,
    ALL_OVER4,
    TYPE1_ATTENDANCES,
    TYPE1_OVER4,
    current_activity,
)
from specialmeasures.store import Repository
from specialmeasures.store.tables import indicators, observations, providers

__all__ = ["SeriesRow", "observation_series"]

_AE_COLUMNS = {
    "ae_four_hour": (ALL_ATTENDANCES, ALL_OVER4),
    "ae_four_hour_type1": (TYPE1_ATTENDANCES, TYPE1_OVER4),
}


@dataclass(frozen=True, slots=True)
class SeriesRow:
    period: date
    numerator: float | None
    denominator: float | None
    value: float


def observation_series(
    repository: Repository,
    indicator_id: str,
    *,
    provider: str | None = None,
    national: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> list[SeriesRow]:
    """The monthly series of one indicator for ``provider`` or, with ``national``, England.

    Raises NotFoundError for an unknown indicator or organisation, InputError when neither or
    both of ``provider`` and ``national`` are given, or England's figure cannot be formed.
    """
    if (provider is None) == (not national):
        raise InputError("give either a provider code or national, not both or neither")
    with repository.engine.connect() as conn:
        if (
            conn.execute(select(indicators.c.id).where(indicators.c.id == indicator_id)).first()
            is None
        ):
            raise NotFoundError("indicator", indicator_id)
        if national:
            rows = _ae_series(conn, indicator_id, None) if indicator_id in _AE_COLUMNS else []
            if not rows:  # not an A&E indicator, or no A&E counts (the synthetic country's)
                rows = _national_from_observations(conn, indicator_id)
        else:
            assert provider is not None
            code = provider.strip().upper()
            known = conn.execute(select(providers.c.code).where(providers.c.code == code)).first()
            if known is not None:
                rows = _provider_rows(conn, indicator_id, code)
            elif indicator_id in _AE_COLUMNS:
                rows = _ae_series(conn, indicator_id, code)
                if not rows:
                    raise NotFoundError("provider or A&E reporting organisation", code)
            else:
                raise NotFoundError("provider", code)
    return [
        r for r in rows if (start is None or r.period >= start) and (end is None or r.period <= end)
    ]


def _provider_rows(conn: object, indicator_id: str, code: str) -> list[SeriesRow]:
    query = (
        select(
            observations.c.period,
            observations.c.numerator,
            observations.c.denominator,
            observations.c.value,
        )
        .where(observations.c.provider_code == code, observations.c.indicator_id == indicator_id)
        .order_by(observations.c.period)
    )
    return [
        SeriesRow(p, n, d, float(v))
        for p, n, d, v in conn.execute(query)  # type: ignore[attr-defined]
    ]


def _ae_series(conn: object, indicator_id: str, code: str | None) -> list[SeriesRow]:
    attendances, over4 = _AE_COLUMNS[indicator_id]
    query = current_activity()
    if code is not None:
        query = query.where(query.selected_columns.org_code == code)
    total: dict[date, int] = defaultdict(int)
    late: dict[date, int] = defaultdict(int)
    for row in conn.execute(query):  # type: ignore[attr-defined]
        total[row.period] += sum(int(getattr(row, c) or 0) for c in attendances)
        late[row.period] += sum(int(getattr(row, c) or 0) for c in over4)
    return [
        SeriesRow(p, float(total[p] - late[p]), float(total[p]), (total[p] - late[p]) / total[p])
        for p in sorted(total)
        if total[p] > 0
    ]


def _national_from_observations(conn: object, indicator_id: str) -> list[SeriesRow]:
    query = (
        select(
            observations.c.period,
            func.sum(observations.c.numerator),
            func.sum(observations.c.denominator),
            func.count(),
            func.count(observations.c.denominator),
        )
        .where(observations.c.indicator_id == indicator_id)
        .group_by(observations.c.period)
        .order_by(observations.c.period)
    )
    out = []
    for period, num, den, n, with_den in conn.execute(query):  # type: ignore[attr-defined]
        if with_den != n or not den:
            raise InputError(
                f"England's figure needs every provider's numerator and denominator; "
                f"{n - with_den} of {n} rows of {period:%Y-%m} have only a value",
                column="denominator",
                value=indicator_id,
            )
        out.append(SeriesRow(period, float(num), float(den), float(num) / float(den)))
    return out
