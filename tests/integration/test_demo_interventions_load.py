"""The demo's interventions load through the services on both databases, audited, and fill
the Table 3 matrix with ticks, blanks and "No data"."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from specialmeasures.bootstrap import Platform
from specialmeasures.demo import generate
from specialmeasures.demo.interventions import generate_interventions
from specialmeasures.interventions import intervention_matrix
from specialmeasures.interventions.demo_load import ACTOR, demo_policy, load_interventions
from specialmeasures.interventions.directors import assignments, directors, flags
from specialmeasures.interventions.funding import applications
from specialmeasures.store import audit
from specialmeasures.store.loader import demo_state, load_country, reset_demo
from specialmeasures.store.tables import (
    buddy_arrangements,
    intervention_records,
    leadership_terms,
    monthly_returns,
    plan_actions,
)


def test_demo_interventions_load_audited_and_fill_the_matrix(platform: Platform) -> None:
    repo = platform.repository
    country = generate(7, end=date(2016, 12, 1))
    load_country(repo, country)
    counts = load_interventions(repo, country)
    expected = generate_interventions(country, demo_policy())
    assert counts == expected.counts()

    assert len(directors(repo)) == counts["improvement_directors"]
    stored = assignments(repo)
    assert len(stored) == counts["director_assignments"]
    assert {a.director_id for a in stored} <= {d.id for d in directors(repo)}
    apps = applications(repo)
    assert len(apps) == counts["funding_applications"]
    assert all(v.spent <= (v.application.approved_amount or 0) for v in apps)
    with platform.engine.connect() as conn:

        def n(table: object) -> int:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]

        assert n(buddy_arrangements) == counts["buddy_arrangements"]
        assert n(leadership_terms) == counts["leadership_terms"]
        assert n(plan_actions) == counts["plan_actions"]
        assert n(monthly_returns) == counts["monthly_returns"]
        assert n(intervention_records) == len(expected.statuses)
        assert audit.verify(conn) == []
        entries = audit.entries(conn)
    actions = [e.action for e in entries]
    assert actions[0] == "demo.loaded"
    assert actions[-1] == "demo.interventions_loaded"
    assert {"director.assigned", "buddy.arranged", "funding.applied", "funding.approved",
            "leader.appointed", "plan.action_added", "return.submitted",
            "interventions.status"} <= set(actions)  # fmt: skip
    assert {e.actor for e in entries if e.action != "funding.approved"} == {ACTOR}
    assert all(e.role == "Executive Medical Director" for e in entries
               if e.action == "funding.approved")  # fmt: skip
    assert '"director_assignments"' in demo_state(repo).meta["interventions"]

    table = intervention_matrix(repo, as_of=country.end)
    values = {key: set(cells.values()) for key, cells in table.cells.items()}
    assert {"✓", ""} <= values["director"]
    assert {"✓", ""} <= values["buddying"]
    assert "✓" in values["leadership"]
    assert "No data" in values["funding"]
    assert "✓" in values["funding"]
    kinds = {f.kind for d in (date(2014, 6, 1), date(2015, 6, 1), date(2016, 6, 1))
             for f in flags(repo, d)}  # fmt: skip
    assert "withdrawn_before_reinspection" in kinds

    reset_demo(repo)  # a rebuild empties the intervention tables too
    with platform.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(plan_actions)).scalar_one() == 0
