"""The evaluation's reads from the database, on SQLite and PostgreSQL: the impact panel with
its composite score equals the one built from the generated columns, the intervention events
start on the first stored start, and the balancing and cost documents come back whole."""

from __future__ import annotations

from datetime import date

import pandas as pd  # type: ignore[import-untyped]

from specialmeasures.bootstrap import Platform
from specialmeasures.demo import generate
from specialmeasures.demo.interventions import generate_interventions
from specialmeasures.evaluation.documents import balancing_document, costs_document
from specialmeasures.evaluation.panel import (
    intervention_starts,
    panel_from_columns,
    panel_from_store,
)
from specialmeasures.interventions.demo_load import demo_policy, load_interventions
from specialmeasures.store.loader import load_country

END = date(2016, 12, 1)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def test_panels_events_and_documents_read_back_from_the_database(platform: Platform) -> None:
    repo = platform.repository
    country = generate(7, end=END)
    load_country(repo, country)
    load_interventions(repo, country)
    obs = country.observations

    stored = panel_from_store(repo, "shmi", composite=True)
    built = panel_from_columns(
        "shmi", "entry", obs.provider_code, obs.indicator_id, obs.period, obs.value,
        country.episodes, composite_of=country.indicators,
    )  # fmt: skip
    assert stored.origin == built.origin
    pd.testing.assert_frame_equal(
        _sorted(stored.frame, ["unit", "t"]), _sorted(built.frame, ["unit", "t"])
    )
    assert stored.covariate is not None
    assert built.covariate is not None
    pd.testing.assert_frame_equal(
        _sorted(stored.covariate, ["unit", "t"]), _sorted(built.covariate, ["unit", "t"]),
        rtol=1e-9,
    )  # fmt: skip

    demo = generate_interventions(country, demo_policy())
    first_buddy: dict[str, date] = {}
    for b in demo.buddies:
        first_buddy[b.provider_code] = min(b.start, first_buddy.get(b.provider_code, b.start))
    assert intervention_starts(repo, "buddy") == first_buddy
    assert set(intervention_starts(repo, "director")) == {a.provider_code for a in demo.assignments}
    buddy = panel_from_store(repo, "shmi", "buddy")
    treated = set(buddy.frame.loc[buddy.frame["g"] >= 0, "unit"])
    assert treated <= set(first_buddy)

    balancing = balancing_document(repo, 6)
    assert {r["role"] for r in balancing["rows"]} == {"balancing", "intended"}
    costs = costs_document(repo, END, "trust")
    assert costs["rows"]
    assert set(costs["columns"]) >= {"code", "total_direct_cost"}
