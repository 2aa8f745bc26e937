"""Improvement plans, deep dives, the Oversight and Assurance Group and the one monthly return.

Plans: actions linked to the inspection's must-do / should-do findings, each coded to one or
more of the four driver domains of the seed paper's Table 4. OAG: members from named bodies,
each declaring the items it needs monthly; the trust submits ONE return a period, and each
body's report is cut from it ("reduce duplication of reporting", Box 1 of the paper).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from types import MappingProxyType

from specialmeasures.domain._checks import require_date, require_enum, require_order, require_text
from specialmeasures.domain.errors import DomainError

__all__ = [
    "ActionStatus",
    "Body",
    "BurdenReport",
    "DeepDive",
    "DriverDomain",
    "FindingKind",
    "MonthlyReturn",
    "PlanAction",
    "body_report",
    "burden",
    "plan_progress",
]


class DriverDomain(Enum):
    """The four domains that drove improvement (Table 4 of the seed paper)."""

    GOVERNANCE = "governance"
    CLINICAL_LEADERSHIP = "clinical_leadership"
    STAFF_ENGAGEMENT = "staff_engagement"
    EXTERNAL_PARTNERSHIPS = "external_partnerships"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class FindingKind(Enum):
    MUST_DO = "must_do"
    SHOULD_DO = "should_do"


class ActionStatus(Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    DROPPED = "dropped"


@dataclass(frozen=True, slots=True)
class PlanAction:
    provider_code: str
    finding_kind: FindingKind
    finding: str
    action: str
    domains: frozenset[DriverDomain]
    owner: str
    due: date
    status: ActionStatus = ActionStatus.NOT_STARTED
    evidence: str = ""
    inspection_id: int | None = None
    created_on: date | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("action.provider_code", self.provider_code)
        object.__setattr__(
            self,
            "finding_kind",
            require_enum("action.finding_kind", self.finding_kind, FindingKind),
        )
        require_text("action.finding", self.finding, max_length=2000)
        require_text("action.action", self.action, max_length=2000)
        domains = frozenset(require_enum("action.domain", d, DriverDomain) for d in self.domains)
        if not domains:
            raise DomainError("action.domains", (), "must name at least one driver domain")
        object.__setattr__(self, "domains", domains)
        require_text("action.owner", self.owner)
        require_date("action.due", self.due)
        if self.created_on is not None:
            require_order("action.created_on", self.created_on, "action.due", self.due)
        object.__setattr__(self, "status", require_enum("action.status", self.status, ActionStatus))

    def overdue(self, as_of: date) -> bool:
        return (
            self.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS) and self.due < as_of
        )


@dataclass(frozen=True, slots=True)
class DeepDive:
    provider_code: str
    topic: str
    start: date
    end: date | None = None
    findings: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("deep_dive.provider_code", self.provider_code)
        require_text("deep_dive.topic", self.topic)
        require_date("deep_dive.start", self.start)
        if self.end is not None:
            require_order("deep_dive.start", self.start, "deep_dive.end", self.end)


def plan_progress(
    actions: Sequence[PlanAction],
    updates: Sequence[tuple[int, date, ActionStatus]],
    months: Sequence[date],
) -> list[dict[str, object]]:
    """Status counts at each month start, from the dated status updates (action id, day, status)."""
    rows: list[dict[str, object]] = []
    for month in months:
        counts = {s.value: 0 for s in ActionStatus}
        overdue = 0
        live = [a for a in actions if a.created_on is None or a.created_on <= month]
        for a in live:
            known = [(d, s) for i, d, s in updates if i == a.id and d <= month]
            status = max(known, key=lambda x: x[0])[1] if known else ActionStatus.NOT_STARTED
            counts[status.value] += 1
            if status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS) and a.due < month:
                overdue += 1
        done = counts[ActionStatus.COMPLETE.value]
        rows.append(
            {
                "month": month.isoformat()[:7],
                "actions": len(live),
                **counts,
                "overdue": overdue,
                "percent_complete": round(100 * done / len(live), 1) if live else 0.0,
            }
        )
    return rows


class Body(Enum):
    """Bodies that sit on an Oversight and Assurance Group."""

    CQC = "cqc"
    ICB = "icb"  # the commissioner (a CCG before July 2022)
    HEALTHWATCH = "healthwatch"
    HEE = "hee"  # Health Education England
    NHSI = "nhsi"

    @property
    def label(self) -> str:
        return _BODY_LABELS[self]


_BODY_LABELS = {
    Body.CQC: "Care Quality Commission",
    Body.ICB: "Integrated care board / commissioner",
    Body.HEALTHWATCH: "Healthwatch",
    Body.HEE: "Health Education England",
    Body.NHSI: "NHS Improvement / NHS England",
}


def _check_item(item: str) -> str:
    text = require_text("item", item, max_length=120).strip()
    if not all(ch.isalnum() or ch in "_-." for ch in text):
        raise DomainError(
            "item", item, "must be letters, digits, '_', '-' or '.' (e.g. rtt_52_weeks)"
        )
    return text


@dataclass(frozen=True, slots=True)
class MonthlyReturn:
    """ONE return from a trust for a month: item -> value."""

    provider_code: str
    period: date
    values: Mapping[str, str] = field(default_factory=dict)
    submitted_by: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        require_text("return.provider_code", self.provider_code)
        require_date("return.period", self.period)
        if self.period.day != 1:
            raise DomainError("return.period", self.period, "must be the first day of a month")
        clean = {_check_item(k): str(v) for k, v in dict(self.values).items()}
        if not clean:
            raise DomainError("return.values", {}, "must hold at least one item")
        object.__setattr__(self, "values", MappingProxyType(clean))


def check_return(submitted: MonthlyReturn, requested: Iterable[str]) -> None:
    """Every item in the return must be one some OAG body asked for."""
    wanted = set(requested)
    if not wanted:
        raise DomainError(
            "return.provider_code",
            submitted.provider_code,
            "has no OAG item requests: declare what each body needs first",
        )
    unknown = sorted(set(submitted.values) - wanted)
    if unknown:
        raise DomainError("return.values", unknown, "items no OAG body requested")


def body_report(
    submitted: MonthlyReturn, requests: Mapping[Body, Sequence[str]], body: Body
) -> list[dict[str, str]]:
    """The rows ``body`` asked for, cut from the one return ("not supplied" when missing)."""
    return [
        {"item": item, "value": submitted.values.get(item, "not supplied")}
        for item in sorted(requests.get(body, ()))
    ]


@dataclass(frozen=True, slots=True)
class BurdenReport:
    """Items requested across bodies vs unique items collected once."""

    requested: int
    unique: int
    by_body: Mapping[Body, int]
    shared: Mapping[str, tuple[Body, ...]]

    @property
    def saving(self) -> int:
        """Item reports the trust no longer writes each month by submitting one return."""
        return self.requested - self.unique

    @property
    def saving_percent(self) -> float:
        return round(100 * self.saving / self.requested, 1) if self.requested else 0.0


def burden(requests: Mapping[Body, Sequence[str]]) -> BurdenReport:
    """The de-duplication saving of one return over one report per body.

    >>> b = burden({Body.CQC: ["a", "b"], Body.ICB: ["a", "c"], Body.HEE: ["a"]})
    >>> b.requested, b.unique, b.saving
    (5, 3, 2)
    """
    owners: dict[str, list[Body]] = {}
    for body, items in requests.items():
        for item in set(items):
            owners.setdefault(item, []).append(body)
    requested = sum(len(set(items)) for items in requests.values())
    return BurdenReport(
        requested,
        len(owners),
        MappingProxyType({b: len(set(i)) for b, i in requests.items()}),
        MappingProxyType(
            {k: tuple(sorted(v, key=lambda b: b.value)) for k, v in owners.items() if len(v) > 1}
        ),
    )
