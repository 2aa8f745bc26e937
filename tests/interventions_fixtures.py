"""A small register for the interventions tests: SMQ (after and before the funding component),
CP, and two well-rated trusts that can buddy."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from factories import RI, G, I, O, cp, inspection, provider, smq
from specialmeasures.bootstrap import Platform
from specialmeasures.interventions import Actor
from specialmeasures.store import audit
from specialmeasures.store import tables as t

WHO = Actor("Ada Analyst", "NHSI regional director", "test rationale", datetime(2024, 1, 1, 9))
EMD = Actor("Eve Medic", "Executive Medical Director", "meets the criteria", datetime(2024, 1, 2))

INTERVENTION_TABLES = (
    t.improvement_directors, t.director_assignments, t.buddy_arrangements,
    t.funding_applications, t.funding_aims, t.funding_spend, t.plan_actions, t.plan_updates,
    t.deep_dives, t.leadership_terms, t.oag_members, t.oag_item_requests, t.monthly_returns,
    t.return_values, t.intervention_records,
)  # fmt: skip


def load_register(platform: Platform) -> None:
    repo = platform.repository
    with repo.transaction() as conn:
        repo.add_providers(
            conn,
            [
                provider("ZB1"),
                provider("ZB2"),
                provider("ZB3"),
                provider("ZB4", latitude=52.1, longitude=-1.1),
                provider("ZB5", teaching=True, beds=1500, latitude=53.0, longitude=-2.0),
            ],
        )
        repo.add_inspections(
            conn,
            [
                inspection("ZB1", date(2016, 4, 1), date(2016, 5, 1), (I, RI, G, RI, I, I)),
                inspection("ZB4", date(2014, 4, 1), date(2014, 5, 1), (I, RI, G, RI, I, I)),
                inspection("ZB4", date(2016, 4, 1), date(2016, 5, 1), (G, G, G, G, G, G)),
                inspection("ZB5", date(2015, 4, 1), date(2015, 5, 1), (G, G, O, G, G, G)),
            ],
        )
        for e in (
            smq("ZB1", date(2016, 6, 1)),
            smq("ZB2", date(2014, 1, 1), date(2015, 6, 1)),
            cp("ZB3", date(2017, 1, 1)),
        ):
            repo.add_episode(conn, e)


def snapshot(platform: Platform) -> tuple[tuple[int, ...], int, str | None]:
    """Row counts of every interventions table, audit rows, last audit hash."""
    with platform.engine.connect() as conn:
        counts = tuple(
            int(conn.execute(select(func.count()).select_from(x)).scalar_one())
            for x in INTERVENTION_TABLES
        )
        rows = audit.entries(conn)
        assert audit.verify(conn) == []
    return counts, len(rows), rows[-1].hash if rows else None
