"""Load the synthetic demo's interventions through the intervention services, in one transaction.

Everything goes through the services' ``*_in`` functions, so each record is checked by the
same rules as a person's entry (the Director cycle and ID capacity, the funding caps, start date
and approver, one holder per post, the OAG's requested items) and gets the same audit row. The
actor is ``specialmeasures demo`` (role ``system``); funding approvals are made in the name of
the demo's fictional Executive Medical Director, the only role the funding service accepts.
Two writes bypass a service for speed and say so below; their audit rows match the service's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, update

from specialmeasures.demo import SyntheticCountry
from specialmeasures.demo.governance import ActionUpdate
from specialmeasures.demo.interventions import (
    InterventionPolicy,
    StatusRecord,
    generate_interventions,
)
from specialmeasures.domain.funding import APPROVER_ROLE, FundingStage
from specialmeasures.interventions._common import Actor, director_cycle, funding_rules, record
from specialmeasures.interventions.buddies import record_in
from specialmeasures.interventions.directors import add_director_in, assign_in
from specialmeasures.interventions.funding import apply_in, approve_in, spend_in
from specialmeasures.interventions.leadership import add_term_in
from specialmeasures.interventions.plans import add_action_in, add_deep_dive_in
from specialmeasures.interventions.returns import add_member_in, request_in, submit_in
from specialmeasures.store import Repository
from specialmeasures.store.tables import intervention_records, plan_actions, plan_updates

__all__ = ["ACTOR", "demo_policy", "load_interventions"]

ACTOR = "specialmeasures demo"
_RATIONALE = "synthetic demonstration data: fictional interventions at fictional trusts"
Progress = Callable[[str, int, int], None]


def demo_policy() -> InterventionPolicy:
    """The generator's policy values, read from the smq-2013 and cp policies."""
    rules, cycle = funding_rules(), director_cycle()
    return InterventionPolicy(
        funding_start=rules.component_start,
        cap_smq_entry=rules.caps[FundingStage.SMQ_ENTRY],
        cap_cp=rules.caps[FundingStage.CP],
        cap_smq_exit=rules.caps[FundingStage.SMQ_EXIT],
        exit_window_months=rules.exit_window_months,
        max_intensive_months=cycle.max_intensive_months,
        maintenance_months=cycle.maintenance_months,
        concern_months=cycle.concern_months,
    )


def _update_action(
    conn: Connection, action_id: int, code: str, update_: ActionUpdate, who: Actor
) -> None:
    """What ``plans.update_in`` writes, for an action the loader has just added (the service
    reads every action to find one, which made the demo load quadratic)."""
    conn.execute(
        insert(plan_updates).values(
            action_id=action_id, on_date=update_.on, status=update_.status.value, note=update_.note
        )
    )
    values: dict[str, object] = {"status": update_.status.value}
    if update_.evidence:
        values["evidence"] = update_.evidence
    conn.execute(update(plan_actions).where(plan_actions.c.id == action_id).values(**values))
    record(conn, who, "plan.action_updated", "provider", code, {
        "action_id": action_id, "status": update_.status, "on": update_.on,
        "note": update_.note, "evidence": update_.evidence,
    })  # fmt: skip


def _status(conn: Connection, status: StatusRecord, who: Actor) -> None:
    """What ``matrix.record_status`` writes (it opens its own transaction)."""
    conn.execute(
        insert(intervention_records).values(
            provider_code=status.provider_code, kind=status.kind, status=status.status,
            note=status.note,
        )
    )  # fmt: skip
    record(conn, who, "interventions.status", "provider", status.provider_code,
           {"kind": status.kind, "status": status.status, "note": status.note})  # fmt: skip


def load_interventions(
    repo: Repository,
    country: SyntheticCountry,
    *,
    progress: Progress | None = None,
    at: datetime | None = None,
) -> dict[str, int]:
    """Generate the country's interventions and write them in one transaction; return counts.

    Call after ``load_country`` on the same database: the providers and episodes must be there.
    """
    found = generate_interventions(country, demo_policy())
    when = at or datetime.now(UTC)
    who = Actor(ACTOR, "system", _RATIONALE, when)
    emd = Actor(found.approver, APPROVER_ROLE, _RATIONALE, when)
    g = found.governance
    stage = "Loading interventions"
    total = len(found.assignments) + len(found.funding) + len(g.terms) + len(g.actions)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(stage, done, total)

    with repo.transaction() as conn:
        ids = [add_director_in(conn, d, who) for d in found.directors]
        for a in found.assignments:
            assign_in(conn, replace(a, director_id=ids[a.director_id - 1]), who)
        tick(len(found.assignments))
        for b in found.buddies:
            record_in(conn, b, who)
        for f in found.funding:
            app = f.application
            new_id = apply_in(conn, replace(app, status="applied"), who)
            if app.status == "approved" and app.approved_on is not None:
                approve_in(conn, new_id, app.approved_amount, app.approved_on, emd)
            for line in f.spend:
                spend_in(conn, replace(line, application_id=new_id), who)
        tick(len(found.funding))
        for term in g.terms:
            add_term_in(conn, term, who)
        tick(len(g.terms))
        for item in g.actions:
            action_id = add_action_in(conn, item.action, who)
            for u in item.updates:
                _update_action(conn, action_id, item.action.provider_code, u, who)
        for dive in g.deep_dives:
            add_deep_dive_in(conn, dive, who)
        tick(len(g.actions))
        for oag in g.oags:
            for body, name in oag.members:
                add_member_in(conn, oag.provider_code, body, name, who)
            for body, items in oag.requests:
                request_in(conn, oag.provider_code, body, list(items), who)
            for monthly in oag.returns:
                submit_in(conn, monthly, who)
        for s in found.statuses:
            _status(conn, s, who)
        counts = found.counts()
        repo.set_meta(conn, {"interventions": json.dumps(counts, sort_keys=True)})
        record(conn, who, "demo.interventions_loaded", "dataset",
               f"synthetic-seed-{country.seed}", {"counts": counts})  # fmt: skip
    return counts
