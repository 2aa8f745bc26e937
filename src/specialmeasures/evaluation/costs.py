"""The regime's direct costs beside each trust's finances and outcomes: a cost-consequence table.

Evaluation item 8: per trust and per trajectory group, what the regime cost directly (funding
drawn, Improvement Director days, buddy payments, oversight and reporting staff time, priced at
the configurable rates of ``policy/evaluation.yaml``, the ``cost_*`` parameters) listed beside
the trust's financial indicators and its outcome changes around entry. A cost-consequence
analysis lists consequences beside costs and does **not** divide one by the other: there is no
single ratio, and the outcome changes are descriptive (entry follows a deterioration, see
docs/evaluation.md), not effects.

Everything here is pure: records come in (domain objects and plain numbers), the as-of date
comes in, a frozen table comes out. ``cost_views`` reads the records from the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean
from typing import Any

from specialmeasures.domain import DomainError, Polarity, Regime, RegimeEpisode
from specialmeasures.domain.buddying import BuddyArrangement
from specialmeasures.domain.directors import DirectorAssignment, months_between

__all__ = [
    "COST_COLUMNS",
    "MONEY_COLUMNS",
    "CostRates",
    "CostTable",
    "TrustCost",
    "TrustCostInputs",
    "buddy_months",
    "cost_table",
    "director_hours",
    "display_value",
    "first_entry",
    "trust_cost",
    "window_means",
]

_DAYS_PER_WEEK = 7.0
#: Regimes whose months count as months under oversight, and the order in which a trust's
#: "entry" is chosen: its first SMQ entry, else its first CP entry, else its first RSP entry.
ENTRY_ORDER = (Regime.SMQ, Regime.CP, Regime.RSP)

#: The cost columns, in the order of the table (money in pounds, rounded to the pound).
COST_COLUMNS = ("funding_approved", "funding_spent", "id_days", "id_cost", "buddy_paid_months",
                "buddy_cost", "oversight_hours", "oversight_cost", "reporting_hours",
                "reporting_cost", "total_direct_cost")  # fmt: skip
#: The priced parts that make up the total direct cost.
_PRICED = ("funding_spent", "id_cost", "buddy_cost", "oversight_cost", "reporting_cost")
#: The columns in pounds (whole pounds).
MONEY_COLUMNS = ("funding_approved", "funding_spent", "id_cost", "buddy_cost", "oversight_cost",
          "reporting_cost", "total_direct_cost")  # fmt: skip


def display_value(column: str, value: Any, *, thousands: bool = False) -> Any:
    """A cost-consequence cell for people to read: money with separators (in £ thousands when
    ``thousands``, for the terminal), other numbers to 3 significant figures or whole when
    large; text and missing values as they are. CSV, JSON and Excel keep the exact values.

    >>> display_value("total_direct_cost", 1234567.0), display_value("shmi_change", 0.012345)
    ('£1,234,567', '0.0123')
    >>> display_value("total_direct_cost", 1234567.0, thousands=True)
    '1,234.6'
    """
    if value is None or isinstance(value, bool | str):
        return value
    if column in MONEY_COLUMNS or column == "mean_direct_cost_per_trust":
        return f"{value / 1000:,.1f}" if thousands else f"£{value:,.0f}"
    if isinstance(value, int) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


@dataclass(frozen=True, slots=True)
class CostRates:
    """The assumed rates (policy ``evaluation``, ``cost_*`` parameters), checked once."""

    id_day_rate: float
    id_hours_per_day: float
    buddy_monthly_payment: float
    oag_hours_per_member_month: float
    reporting_hours_per_item: float
    staff_hourly_rate: float
    months: int = 12
    financial_indicators: tuple[str, ...] = ("financial_position", "agency_spend")
    outcome_indicators: tuple[str, ...] = ("shmi", "ae_four_hour")
    policy_version: str = ""

    def __post_init__(self) -> None:
        for name in ("id_day_rate", "buddy_monthly_payment", "oag_hours_per_member_month",
                     "reporting_hours_per_item", "staff_hourly_rate"):  # fmt: skip
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise DomainError(f"cost_{name}", value, "must be a number >= 0")
        if not 0 < self.id_hours_per_day <= 24:
            raise DomainError("cost_id_hours_per_day", self.id_hours_per_day, "must be 0-24")
        if isinstance(self.months, bool) or not isinstance(self.months, int) or self.months < 1:
            raise DomainError("cost_months", self.months, "must be a whole number >= 1")

    def row(self) -> dict[str, object]:
        """The rates as one row (the assumptions sheet of an export)."""
        return {
            "policy": self.policy_version,
            "id_day_rate": self.id_day_rate,
            "id_hours_per_day": self.id_hours_per_day,
            "buddy_monthly_payment": self.buddy_monthly_payment,
            "oag_hours_per_member_month": self.oag_hours_per_member_month,
            "reporting_hours_per_item": self.reporting_hours_per_item,
            "staff_hourly_rate": self.staff_hourly_rate,
            "months": self.months,
        }


@dataclass(frozen=True, slots=True)
class TrustCostInputs:
    """Everything recorded about one trust that the costs are computed from.

    ``approved`` and ``spend`` are (date, pounds) pairs (approval date and approved amount; spend
    date and amount); ``return_items`` is (period, number of items) for each monthly return;
    ``series`` maps an indicator id to its monthly values (period -> value).
    """

    code: str
    group: str
    episodes: tuple[RegimeEpisode, ...] = ()
    assignments: tuple[DirectorAssignment, ...] = ()
    buddies: tuple[BuddyArrangement, ...] = ()
    approved: tuple[tuple[date, int], ...] = ()
    spend: tuple[tuple[date, int], ...] = ()
    oag_members: int = 0
    return_items: tuple[tuple[date, int], ...] = ()
    series: Mapping[str, Mapping[date, float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TrustCost:
    """One trust's direct costs (``costs``, by ``COST_COLUMNS``) and consequences."""

    code: str
    group: str
    entry: date | None
    entry_regime: str | None
    regime_months: float
    costs: Mapping[str, float]
    #: indicator id -> (mean before, mean after, change); None where a window has no data.
    indicators: Mapping[str, tuple[float | None, float | None, float | None]]

    @property
    def total(self) -> float:
        return self.costs["total_direct_cost"]


def first_entry(episodes: Sequence[RegimeEpisode], as_of: date) -> tuple[date, Regime] | None:
    """The trust's entry: its first SMQ start by ``as_of``, else first CP, else first RSP.

    >>> from specialmeasures.domain import RegimeEpisode, Regime
    >>> cp = RegimeEpisode("RXX", Regime.CP, date(2014, 1, 1))
    >>> smq = RegimeEpisode("RXX", Regime.SMQ, date(2015, 3, 1))
    >>> first_entry([cp, smq], date(2016, 1, 1))
    (datetime.date(2015, 3, 1), <Regime.SMQ: 'smq'>)
    """
    for regime in ENTRY_ORDER:
        starts = [e.start for e in episodes if e.regime is regime and e.start <= as_of]
        if starts:
            return min(starts), regime
    return None


def regime_months(episodes: Sequence[RegimeEpisode], as_of: date) -> float:
    """Months spent in SMQ, CP or the RSP up to ``as_of``, overlapping spells counted once."""
    days: set[int] = set()
    for e in episodes:
        if e.regime not in ENTRY_ORDER or e.start > as_of:
            continue
        stop = e.end if e.end is not None and e.end <= as_of else as_of
        days.update(range(e.start.toordinal(), stop.toordinal()))
    return round(len(days) / 30.4375, 2)


def director_hours(assignment: DirectorAssignment, as_of: date) -> float:
    """ID hours of one assignment up to ``as_of``: its weekly hours in each phase (intensive,
    then maintenance and any extension) times the weeks spent in that phase.

    >>> a = DirectorAssignment(1, "RXX", date(2016, 1, 1), 1, 3, 21.0, 7.0, date(2016, 3, 1))
    >>> director_hours(a, date(2017, 1, 1))  # 31 days at 21 h/week, 29 days at 7 h/week
    122.0
    """
    stop = min(assignment.end or as_of, as_of)
    if stop <= assignment.start:
        return 0.0
    turn = min(max(assignment.intensive_end, assignment.start), stop)
    intensive = (turn - assignment.start).days / _DAYS_PER_WEEK * assignment.hours_intensive
    later = (stop - turn).days / _DAYS_PER_WEEK * assignment.hours_maintenance
    return intensive + later


def buddy_months(arrangement: BuddyArrangement, as_of: date) -> float:
    """Months of a paid buddy arrangement up to ``as_of`` (0 when unpaid)."""
    if not arrangement.paid or arrangement.start > as_of:
        return 0.0
    stop = arrangement.end if arrangement.end is not None and arrangement.end <= as_of else as_of
    return months_between(arrangement.start, stop)


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


def window_means(
    series: Mapping[date, float], entry: date, months: int, as_of: date
) -> tuple[float | None, float | None, float | None]:
    """Mean of the ``months`` months before entry's month, of entry's month and the
    ``months - 1`` after it (values dated after ``as_of`` unseen), and after minus before.

    >>> s = {date(2015, m, 1): float(m) for m in range(1, 13)}
    >>> window_means(s, date(2015, 7, 15), 3, date(2016, 1, 1))
    (5.0, 8.0, 3.0)
    """
    g = _month(entry)
    before = [v for d, v in series.items() if g - months <= _month(d) < g and d <= as_of]
    after = [v for d, v in series.items() if g <= _month(d) < g + months and d <= as_of]
    b = fmean(before) if before else None
    a = fmean(after) if after else None
    return b, a, (a - b if a is not None and b is not None else None)


def trust_cost(inputs: TrustCostInputs, rates: CostRates, as_of: date) -> TrustCost:
    """One trust's direct costs up to ``as_of`` and its indicators around entry."""
    approved = sum(amount for day, amount in inputs.approved if day <= as_of)
    spent = sum(amount for day, amount in inputs.spend if day <= as_of)
    id_hours = sum((director_hours(a, as_of) for a in inputs.assignments), 0.0)
    id_days = id_hours / rates.id_hours_per_day
    paid_months = sum((buddy_months(b, as_of) for b in inputs.buddies), 0.0)
    months = regime_months(inputs.episodes, as_of)
    oversight_hours = inputs.oag_members * rates.oag_hours_per_member_month * months
    items = sum(n for period, n in inputs.return_items if period <= as_of)
    reporting_hours = items * rates.reporting_hours_per_item
    costs = {
        "funding_approved": float(approved),
        "funding_spent": float(spent),
        "id_days": round(id_days, 1),
        "id_cost": id_days * rates.id_day_rate,
        "buddy_paid_months": round(paid_months, 2),
        "buddy_cost": paid_months * rates.buddy_monthly_payment,
        "oversight_hours": round(oversight_hours, 1),
        "oversight_cost": oversight_hours * rates.staff_hourly_rate,
        "reporting_hours": round(reporting_hours, 1),
        "reporting_cost": reporting_hours * rates.staff_hourly_rate,
    }
    for c in MONEY_COLUMNS[:-1]:
        costs[c] = round(costs[c])
    # Funding counts as drawn (spent), not as approved: approval is a ceiling, not a cost. The
    # total adds the rounded parts, so a row adds up as printed.
    costs["total_direct_cost"] = sum(costs[c] for c in _PRICED)
    found = first_entry(inputs.episodes, as_of)
    indicators: dict[str, tuple[float | None, float | None, float | None]] = {}
    for indicator in (*rates.financial_indicators, *rates.outcome_indicators):
        series = inputs.series.get(indicator, {})
        indicators[indicator] = (
            window_means(series, found[0], rates.months, as_of) if found else (None, None, None)
        )
    return TrustCost(
        code=inputs.code,
        group=inputs.group,
        entry=found[0] if found else None,
        entry_regime=found[1].value if found else None,
        regime_months=months,
        costs=costs,
        indicators=indicators,
    )


def direction(change: float | None, polarity: Polarity | None) -> str:
    """``better``/``worse`` by the indicator's polarity; blank when unknown, zero or neutral."""
    if change is None or abs(change) < 1e-12 or polarity in (None, Polarity.NEUTRAL):
        return ""
    better = change > 0 if polarity is Polarity.HIGHER_IS_BETTER else change < 0
    return "better" if better else "worse"


def _r(value: float | None, digits: int = 5) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True, slots=True)
class CostTable:
    """The cost-consequence table: every trust's costs and consequences, and the rates used."""

    as_of: date
    rates: CostRates
    trusts: tuple[TrustCost, ...]
    polarity: Mapping[str, Polarity] = field(default_factory=dict)

    def indicator_columns(self) -> tuple[str, ...]:
        cols: list[str] = []
        for i in self.rates.financial_indicators:
            cols += [f"{i}_before", f"{i}_after", f"{i}_change"]
        for i in self.rates.outcome_indicators:
            cols += [f"{i}_before", f"{i}_after", f"{i}_change", f"{i}_direction"]
        return tuple(cols)

    def trust_columns(self) -> tuple[str, ...]:
        return ("code", "group", "entry_regime", "entry", "regime_months", *COST_COLUMNS,
                *self.indicator_columns())  # fmt: skip

    def group_columns(self) -> tuple[str, ...]:
        consequences: list[str] = []
        for i in self.rates.financial_indicators:
            consequences += [f"{i}_change", f"{i}_trusts"]
        for i in self.rates.outcome_indicators:
            consequences += [f"{i}_change", f"{i}_direction", f"{i}_better", f"{i}_trusts"]
        return ("group", "trusts", *COST_COLUMNS, "mean_direct_cost_per_trust", *consequences)

    def trust_rows(self) -> list[dict[str, object]]:
        """One row per trust: costs, then each indicator before, after and its change."""
        rows = []
        for t in self.trusts:
            row: dict[str, object] = {
                "code": t.code,
                "group": t.group,
                "entry_regime": t.entry_regime,
                "entry": t.entry.isoformat() if t.entry else None,
                "regime_months": t.regime_months,
                **t.costs,
            }
            for indicator, (before, after, change) in t.indicators.items():
                row[f"{indicator}_before"] = _r(before)
                row[f"{indicator}_after"] = _r(after)
                row[f"{indicator}_change"] = _r(change)
                if indicator in self.rates.outcome_indicators:
                    row[f"{indicator}_direction"] = direction(change, self.polarity.get(indicator))
            rows.append(row)
        return rows

    def group_rows(self, groups: Sequence[str] | None = None) -> list[dict[str, object]]:
        """One row per group (in ``groups``' order, else first seen) and an ``all`` row: summed
        costs, the mean direct cost per trust, and each indicator's mean change over the trusts
        with data (``_trusts``), for outcomes with how many of them moved the better way."""
        order = list(groups or dict.fromkeys(t.group for t in self.trusts))
        by_group = {g: [t for t in self.trusts if t.group == g] for g in order}
        by_group["all"] = list(self.trusts)
        rows = []
        for group, members in by_group.items():
            if not members:
                continue
            row: dict[str, object] = {"group": group, "trusts": len(members)}
            for c in COST_COLUMNS:
                total = sum(t.costs[c] for t in members)
                row[c] = round(total, 1) if c not in MONEY_COLUMNS else round(total)
            row["mean_direct_cost_per_trust"] = round(sum(t.total for t in members) / len(members))
            for i in (*self.rates.financial_indicators, *self.rates.outcome_indicators):
                changes = [x for t in members if (x := t.indicators[i][2]) is not None]
                mean = fmean(changes) if changes else None
                row[f"{i}_change"] = _r(mean)
                row[f"{i}_trusts"] = len(changes)
                if i in self.rates.outcome_indicators:
                    polarity = self.polarity.get(i)
                    row[f"{i}_direction"] = direction(mean, polarity)
                    row[f"{i}_better"] = sum(direction(c, polarity) == "better" for c in changes)
            rows.append(row)
        return rows


def cost_table(
    inputs: Sequence[TrustCostInputs],
    rates: CostRates,
    as_of: date,
    polarity: Mapping[str, Polarity] | None = None,
) -> CostTable:
    """The cost-consequence table of ``inputs`` as of ``as_of``. Trusts with no regime episode
    by then and no direct cost are left out (never under the regime, nothing to list)."""
    trusts = []
    for item in inputs:
        cost = trust_cost(item, rates, as_of)
        if cost.entry is not None or cost.total > 0:
            trusts.append(cost)
    return CostTable(as_of, rates, tuple(trusts), dict(polarity or {}))
