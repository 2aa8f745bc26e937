"""The A&E indicators the A&E import brings, and the national standards they are judged against.

Definitions (written out in ``docs/real-data.md``):

- ``ae_four_hour``: NHS England's headline four-hour measure. Numerator: attendances admitted,
  transferred or discharged within four hours of arrival; denominator: all attendances; every
  department type (1: major emergency departments, 2: single-specialty, other: urgent treatment
  centres, minor injury units and walk-in centres) and booked appointments included.
- ``ae_four_hour_type1``: the same for type 1 departments, booked type 1 appointments included
  (the booked appointments are attendances at that type of department).

The standards are data (``data/standards.csv``: threshold, the dates each applies, the source),
loaded into ``indicator_standards`` with the indicators. The standard *in force* on a day is the
operational standard of the planning guidance covering that day when there is one, else the
constitutional standard.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from importlib import resources

from sqlalchemy import Connection, insert, select, update

from specialmeasures.domain import (
    Category,
    Frequency,
    IndicatorDefinition,
    IndicatorKind,
    KeyQuestion,
    Polarity,
)
from specialmeasures.domain.standard import Standard
from specialmeasures.store import mapping
from specialmeasures.store.tables import indicator_standards, indicators

__all__ = [
    "AE_FOUR_HOUR",
    "AE_FOUR_HOUR_TYPE1",
    "AE_INDICATORS",
    "ensure_indicators",
    "packaged_standards",
]

AE_FOUR_HOUR = IndicatorDefinition(
    id="ae_four_hour",
    name="A&E attendances within 4 hours (all types and booked appointments)",
    unit="proportion of attendances",
    polarity=Polarity.HIGHER_IS_BETTER,
    kind=IndicatorKind.PROPORTION,
    frequency=Frequency.MONTHLY,
    category=Category.OPERATIONS,
    domain=KeyQuestion.RESPONSIVE,
    description=(
        "Share of A&E attendances admitted, transferred or discharged within 4 hours of arrival, "
        "over type 1, type 2 and other departments and booked appointments (NHS England's "
        "headline measure). Source: NHS England, A&E Attendances and Emergency Admissions "
        "(Open Government Licence v3.0)."
    ),
)
AE_FOUR_HOUR_TYPE1 = IndicatorDefinition(
    id="ae_four_hour_type1",
    name="Type 1 A&E attendances within 4 hours",
    unit="proportion of attendances",
    polarity=Polarity.HIGHER_IS_BETTER,
    kind=IndicatorKind.PROPORTION,
    frequency=Frequency.MONTHLY,
    category=Category.OPERATIONS,
    domain=KeyQuestion.RESPONSIVE,
    description=(
        "Share of attendances at type 1 (major, consultant-led, 24-hour) emergency departments, "
        "booked type 1 appointments included, admitted, transferred or discharged within 4 "
        "hours. Source: NHS England, A&E Attendances and Emergency Admissions (Open Government "
        "Licence v3.0)."
    ),
)
AE_INDICATORS = (AE_FOUR_HOUR, AE_FOUR_HOUR_TYPE1)


def packaged_standards() -> tuple[Standard, ...]:
    """The standards shipped with the package (``ingest/data/standards.csv``)."""
    text = (
        resources.files("specialmeasures.ingest")
        .joinpath("data/standards.csv")
        .read_text(encoding="utf-8")
    )
    return tuple(
        Standard(
            indicator_id=r["indicator_id"],
            kind=r["kind"],
            valid_from=date.fromisoformat(r["valid_from"]),
            valid_to=date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
            threshold=float(r["threshold"]),
            name=r["name"],
            source=r["source"],
            source_url=r["source_url"],
        )
        for r in csv.DictReader(io.StringIO(text))
    )


def ensure_indicators(conn: Connection) -> list[str]:
    """Add the A&E indicators and their packaged standards where missing (or changed); return
    the ids of indicators added."""
    known = set(conn.execute(select(indicators.c.id)).scalars())
    added = [d for d in AE_INDICATORS if d.id not in known]
    if added:
        conn.execute(insert(indicators), [mapping.indicator_to_row(d) for d in added])
    stored = {
        (s.indicator_id, s.kind, s.valid_from): s
        for s in (Standard(**dict(r)) for r in conn.execute(select(indicator_standards)).mappings())
    }
    for standard in packaged_standards():
        key = (standard.indicator_id, standard.kind, standard.valid_from)
        row = standard.row()
        if key not in stored:
            conn.execute(insert(indicator_standards).values(**row))
        elif stored[key] != standard:
            conn.execute(
                update(indicator_standards)
                .where(
                    indicator_standards.c.indicator_id == standard.indicator_id,
                    indicator_standards.c.kind == standard.kind,
                    indicator_standards.c.valid_from == standard.valid_from,
                )
                .values(**row)
            )
    return [d.id for d in added]
