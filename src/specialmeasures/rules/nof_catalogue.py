"""The NOF 2025/26 metric catalogue (data), quarters and organisation types.

The catalogue is ``policy/nof-2025-metrics.csv``: one row per metric with its id, name, domain,
direction, scoring model (standard, floor, none or bespoke) and threshold, the organisation types
it applies to, whether it is one of the three infection rates, the observation indicator it is
read from (if any) with the factor that turns the quarter's mean into the published unit, the
basis (published or inferred) and the source.

Quarters are NHS financial-year quarters: ``2025Q2`` is 2025/26 quarter 2, July to September
2025.

>>> q = Quarter.parse("2025Q2")
>>> q.label, q.start.isoformat(), q.end.isoformat()
('2025/26 Q2', '2025-07-01', '2025-09-30')
>>> [m.id for m in load_catalogue() if "ambulance" in m.org_types][-2:]
['cat1_response', 'cat2_response']
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

from specialmeasures.domain.errors import DomainError, InputError
from specialmeasures.rules.nof import TRUST_TYPES, MetricSpec

__all__ = [
    "DOMAINS",
    "ORG_TYPE_OF_PROVIDER",
    "NofMetric",
    "Quarter",
    "load_catalogue",
    "metrics_for",
]

#: The five domains of the 2025/26 framework (scores shown as context only, never aggregated).
DOMAINS = {
    "access": "Access to services",
    "effectiveness": "Effectiveness and experience of care",
    "safety": "Patient safety",
    "finance": "Finance and productivity",
    "people": "People and workforce",
}
#: League-table type of each provider type. Specialist trusts are read as acute (inferred: the
#: published acute league of 134 trusts is larger than the general acute sector alone).
ORG_TYPE_OF_PROVIDER = {
    "acute": "acute",
    "acute_and_community": "acute",
    "specialist": "acute",
    "mental_health": "non_acute",
    "community": "non_acute",
    "ambulance": "ambulance",
}
_CATALOGUE = "nof-2025-metrics.csv"
_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Quarter:
    """An NHS financial-year quarter: ``year`` is the year the financial year starts."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        m = _QUARTER.match(text.strip())
        if m is None:
            raise InputError(
                f"{text!r} is not a quarter (use YYYYQn, e.g. 2025Q2 = 2025/26 Q2, Jul-Sep 2025)",
                column="--quarter",
                value=text,
            )
        return cls(int(m[1]), int(m[2]))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def months(self) -> tuple[date, date, date]:
        first = 4 + 3 * (self.number - 1)
        days = []
        for k in range(3):
            month = first + k
            year = self.year + (month - 1) // 12
            days.append(date(year, (month - 1) % 12 + 1, 1))
        return days[0], days[1], days[2]

    @property
    def start(self) -> date:
        return self.months[0]

    @property
    def end(self) -> date:
        last = self.months[2]
        following = date(last.year + last.month // 12, last.month % 12 + 1, 1)
        return following - timedelta(days=1)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


@dataclass(frozen=True, slots=True)
class NofMetric:
    """One catalogue row."""

    id: str
    name: str
    domain: str
    direction: str
    scoring: str
    threshold: float | None
    unit: str
    org_types: frozenset[str]
    infection: bool
    indicator: str | None
    scale: float
    basis: str
    source: str

    @property
    def spec(self) -> MetricSpec:
        return MetricSpec(
            self.id, self.direction == "higher", self.scoring, self.threshold, self.infection
        )

    @property
    def standard_or_floor(self) -> str:
        return {"standard": "standard", "floor": "floor"}.get(self.scoring, "neither")

    def row(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "domain": self.domain,
            "direction": self.direction,
            "scoring": self.scoring,
            "standard_or_floor": self.standard_or_floor,
            "threshold": self.threshold,
            "unit": self.unit,
            "org_types": ";".join(sorted(self.org_types)),
            "infection": self.infection,
            "indicator": self.indicator or "",
            "basis": self.basis,
            "source": self.source,
        }


def _parse(text: str, where: str) -> tuple[NofMetric, ...]:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    out: list[NofMetric] = []
    seen: set[str] = set()
    for row_number, row in enumerate(reader, start=2):

        def bad(column: str, message: str, rn: int = row_number, r: dict[str, str] = row) -> None:
            raise InputError(message, file=where, row=rn, column=column, value=r.get(column))

        metric_id = (row.get("id") or "").strip()
        if not metric_id or metric_id in seen:
            bad("id", "a metric id must be present and unique")
        seen.add(metric_id)
        if row["domain"] not in DOMAINS:
            bad("domain", f"must be one of {', '.join(DOMAINS)}")
        if row["direction"] not in ("higher", "lower"):
            bad("direction", "must be higher or lower")
        types = frozenset(t for t in row["org_types"].split(";") if t)
        if not types or not types <= set(TRUST_TYPES):
            bad("org_types", f"must be ;-separated from {', '.join(TRUST_TYPES)}")
        try:
            threshold = float(row["threshold"]) if row["threshold"].strip() else None
            scale = float(row["scale"] or 1)
        except ValueError:
            bad("threshold", "not a number")
            raise  # pragma: no cover - bad() raises
        if row["basis"] not in ("published", "inferred"):
            bad("basis", "must be published or inferred")
        metric = NofMetric(
            id=metric_id,
            name=row["name"].strip(),
            domain=row["domain"],
            direction=row["direction"],
            scoring=row["scoring"],
            threshold=threshold,
            unit=row["unit"],
            org_types=types,
            infection=row["infection"].strip().lower() == "true",
            indicator=row["indicator"].strip() or None,
            scale=scale,
            basis=row["basis"],
            source=row["source"],
        )
        try:
            metric.spec  # noqa: B018 - validates scoring and threshold
        except DomainError as error:
            bad("scoring", str(error))
        out.append(metric)
    return tuple(out)


def load_catalogue() -> tuple[NofMetric, ...]:
    """The packaged catalogue, in file order."""
    text = resources.files("specialmeasures.policy").joinpath(_CATALOGUE).read_text("utf-8")
    return _parse(text, _CATALOGUE)


def metrics_for(org_type: str, catalogue: tuple[NofMetric, ...] | None = None) -> list[NofMetric]:
    """The catalogue's metrics that apply to one organisation type."""
    if org_type not in TRUST_TYPES:
        raise InputError(f"unknown organisation type {org_type!r}", value=org_type)
    return [m for m in (catalogue or load_catalogue()) if org_type in m.org_types]
