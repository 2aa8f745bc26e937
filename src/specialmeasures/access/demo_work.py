"""The trust the demo's scoped accounts belong to: one with work on every page.

A newcomer who signs in to the demo as a trust user, an OAG member, an Improvement Director or a
researcher should see their real day, not empty pages. :func:`pick_work_trust` chooses, from the
loaded data, the trust that at the demo's as-of date (its last month of data) has the most of:

* a current regime episode (any regime: SMQ, CP, RSP ...);
* a current Improvement Director assignment;
* an Oversight and Assurance Group (members);
* returns due (items the OAG's bodies request every month);
* an improvement plan (actions);
* funding (applications made by the as-of date);
* qualitative evidence (sources collected by the as-of date);

a trust in a current episode first (the other kinds of work can be given to it for the demo,
``interventions.demo_current``; an episode cannot), ties broken by the provider code, so the same
data always give the same trust.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, and_, func, or_, select

from specialmeasures.domain import InputError
from specialmeasures.store import Repository
from specialmeasures.store.tables import (
    director_assignments,
    evidence_sources,
    funding_applications,
    oag_item_requests,
    oag_members,
    observations,
    plan_actions,
    providers,
    regime_episodes,
)

__all__ = ["WORK", "WorkTrust", "demo_as_of", "pick_work_trust", "work_at"]

#: The kinds of current work, in the order the docs list them.
WORK = (
    "current episode",
    "Improvement Director",
    "OAG",
    "returns due",
    "plan",
    "funding",
    "evidence",
)


@dataclass(frozen=True, slots=True)
class WorkTrust:
    """The chosen trust, the as-of date it was chosen for and the work it has then."""

    code: str
    as_of: date
    work: frozenset[str]

    @property
    def complete(self) -> bool:
        return self.work == frozenset(WORK)


def demo_as_of(repo: Repository) -> date:
    """The demo's default as-of date: its last month of data (``period_end``), else the last
    observed period, else the latest regime entry."""
    end = repo.meta().get("period_end", "")
    try:
        return date.fromisoformat(end[:10])
    except ValueError:
        pass
    with repo.engine.connect() as conn:
        last = conn.execute(select(func.max(observations.c.period))).scalar_one_or_none()
        if last is None:  # no monthly data: the latest regime entry
            last = conn.execute(select(func.max(regime_episodes.c.start_date))).scalar_one_or_none()
    if last is None:
        raise InputError("the database holds no data to choose the demo's trust from")
    return last if isinstance(last, date) else date.fromisoformat(str(last)[:10])


def _current(table: Table, as_of: date) -> ColumnElement[bool]:
    start, end = table.c.start_date, table.c.end_date
    return and_(start <= as_of, or_(end.is_(None), end >= as_of))


def work_at(conn: Connection, as_of: date) -> dict[str, set[str]]:
    """For each kind of work, the provider codes that have it at ``as_of``."""

    def codes(query: Select[Any]) -> set[str]:
        return {str(c) for c in conn.execute(query).scalars()}

    return {
        "current episode": codes(
            select(regime_episodes.c.provider_code).where(_current(regime_episodes, as_of))
        ),
        "Improvement Director": codes(
            select(director_assignments.c.provider_code).where(
                _current(director_assignments, as_of)
            )
        ),
        "OAG": codes(select(oag_members.c.provider_code)),
        "returns due": codes(select(oag_item_requests.c.provider_code)),
        "plan": codes(select(plan_actions.c.provider_code)),
        "funding": codes(
            select(funding_applications.c.provider_code).where(
                funding_applications.c.applied_on <= as_of
            )
        ),
        "evidence": codes(
            select(evidence_sources.c.provider_code).where(evidence_sources.c.collected_on <= as_of)
        ),
    }


def pick_work_trust(repo: Repository, as_of: date | None = None) -> WorkTrust:
    """The trust with the most current work at ``as_of`` (default: :func:`demo_as_of`)."""
    day = as_of or demo_as_of(repo)
    with repo.engine.connect() as conn:
        every = sorted(str(c) for c in conn.execute(select(providers.c.code)).scalars())
        if not every:
            raise InputError("the database holds no providers: build the demo data first")
        found = work_at(conn, day)
    best = max(
        every,
        key=lambda c: (
            c in found["current episode"],  # the rest can be added for the demo; an episode not
            sum(c in found[w] for w in WORK),
            [-ord(ch) for ch in c],
        ),
    )
    return WorkTrust(best, day, frozenset(w for w in WORK if best in found[w]))
