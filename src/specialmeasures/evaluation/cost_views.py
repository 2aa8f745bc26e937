"""The cost-consequence table read from the store: the queries behind ``evaluation.costs``.

A handful of queries (histories, ID assignments, buddy arrangements, funding approvals and
spend, OAG member counts, return item counts, and the observations of the financial and outcome
indicators up to the as-of date), never one per trust; the computation is ``costs.cost_table``.
The table groups trusts by trajectory group, which uses the CP list: it is confidential.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from specialmeasures.domain import Polarity
from specialmeasures.evaluation.costs import CostRates, CostTable, TrustCostInputs, cost_table
from specialmeasures.evaluation.history import load_histories
from specialmeasures.evaluation.thresholds import GROUPS, NEVER, OTHER, load_thresholds
from specialmeasures.evaluation.trajectories import classify
from specialmeasures.interventions.buddies import arrangements_in
from specialmeasures.interventions.directors import assignments_in
from specialmeasures.rules import load_policy
from specialmeasures.store import Repository
from specialmeasures.store.tables import (
    funding_applications,
    funding_spend,
    monthly_returns,
    oag_members,
    observations,
    return_values,
)

__all__ = ["GROUP_ORDER", "load_cost_rates", "regime_costs"]

#: Groups in the order the table lists them (Table 1's four, then the catch-alls).
GROUP_ORDER = (*GROUPS, OTHER, NEVER)


def load_cost_rates() -> CostRates:
    """The ``cost_*`` parameters of the packaged evaluation policy."""
    policy = load_policy("evaluation")

    def p(name: str) -> object:
        return policy.parameter(f"cost_{name}")

    return CostRates(
        id_day_rate=float(p("id_day_rate")),  # type: ignore[arg-type]
        id_hours_per_day=float(p("id_hours_per_day")),  # type: ignore[arg-type]
        buddy_monthly_payment=float(p("buddy_monthly_payment")),  # type: ignore[arg-type]
        oag_hours_per_member_month=float(p("oag_hours_per_member_month")),  # type: ignore[arg-type]
        reporting_hours_per_item=float(p("reporting_hours_per_item")),  # type: ignore[arg-type]
        staff_hourly_rate=float(p("staff_hourly_rate")),  # type: ignore[arg-type]
        months=int(p("months")),  # type: ignore[call-overload]
        financial_indicators=tuple(str(i) for i in p("financial_indicators")),  # type: ignore[attr-defined]
        outcome_indicators=tuple(str(i) for i in p("outcome_indicators")),  # type: ignore[attr-defined]
        policy_version=f"{policy.id} {policy.version}",
    )


def regime_costs(repo: Repository, as_of: date, rates: CostRates | None = None) -> CostTable:
    """Every trust's direct costs and consequences as of ``as_of`` (trusts never in a regime
    and with no cost are left out)."""
    r = rates or load_cost_rates()
    t = load_thresholds()
    histories = load_histories(repo)
    wanted = (*r.financial_indicators, *r.outcome_indicators)
    approved: dict[str, list[tuple[date, int]]] = defaultdict(list)
    spend: dict[str, list[tuple[date, int]]] = defaultdict(list)
    items: dict[str, list[tuple[date, int]]] = defaultdict(list)
    series: dict[str, dict[str, dict[date, float]]] = defaultdict(lambda: defaultdict(dict))
    with repo.engine.connect() as conn:
        assignments = assignments_in(conn)
        buddies = arrangements_in(conn)
        fa = funding_applications
        for code, amount, day in conn.execute(
            select(fa.c.provider_code, fa.c.approved_amount, fa.c.approved_on).where(
                fa.c.status == "approved"
            )
        ):
            if amount is not None and day is not None:
                approved[code].append((day, int(amount)))
        for code, amount, day in conn.execute(
            select(fa.c.provider_code, funding_spend.c.amount, funding_spend.c.spent_on).join(
                fa, fa.c.id == funding_spend.c.application_id
            )
        ):
            spend[code].append((day, int(amount)))
        members: dict[str, int] = dict(
            conn.execute(
                select(oag_members.c.provider_code, func.count()).group_by(
                    oag_members.c.provider_code
                )
            ).all()
        )
        mr = monthly_returns
        for code, period, n in conn.execute(
            select(mr.c.provider_code, mr.c.period, func.count(return_values.c.item))
            .join(return_values, return_values.c.return_id == mr.c.id)
            .group_by(mr.c.provider_code, mr.c.period)
        ):
            items[code].append((period, int(n)))
        for code, indicator, period, value in conn.execute(
            select(
                observations.c.provider_code,
                observations.c.indicator_id,
                observations.c.period,
                observations.c.value,
            ).where(observations.c.indicator_id.in_(wanted), observations.c.period <= as_of)
        ):
            series[code][indicator][period] = float(value)
    by_code_a = defaultdict(list)
    for a in assignments:
        by_code_a[a.provider_code].append(a)
    by_code_b = defaultdict(list)
    for b in buddies:
        by_code_b[b.provider_code].append(b)
    inputs = [
        TrustCostInputs(
            code=h.code,
            group=classify(h, as_of, t).primary,
            episodes=h.episodes,
            assignments=tuple(by_code_a[h.code]),
            buddies=tuple(by_code_b[h.code]),
            approved=tuple(approved[h.code]),
            spend=tuple(spend[h.code]),
            oag_members=int(members.get(h.code, 0)),
            return_items=tuple(items[h.code]),
            series=series[h.code],
        )
        for h in histories
    ]
    polarity: dict[str, Polarity] = {d.id: d.polarity for d in repo.indicators() if d.id in wanted}
    return cost_table(inputs, r, as_of, polarity)
