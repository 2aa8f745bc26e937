"""The synthetic country loads into both databases, in one transaction, labelled synthetic."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from specialmeasures.bootstrap import Platform
from specialmeasures.demo import generate
from specialmeasures.domain import KeyQuestion, SpecialMeasuresError
from specialmeasures.store import audit
from specialmeasures.store.loader import demo_state, load_country, reset_demo
from specialmeasures.store.tables import truth_latent_quality, truth_records


def test_short_country_round_trips(platform: Platform) -> None:
    country = generate(7, end=date(2014, 12, 1))
    counts = load_country(platform.repository, country)
    repo = platform.repository
    stored = repo.counts()
    assert stored["providers"] == len(country.providers) == counts["providers"]
    assert stored["inspections"] == len(country.inspections)
    assert stored["episodes"] == len(country.episodes)
    assert stored["indicators"] == len(country.indicators)
    assert stored["observations"] == len(country.observations.value)
    with platform.engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(truth_latent_quality)).scalar_one()
            == counts["latent"]
        )
        assert (
            conn.execute(select(func.count()).select_from(truth_records)).scalar_one()
            == counts["truth_records"]
        )
        assert audit.verify(conn) == []
        assert [e.action for e in audit.entries(conn)] == ["demo.loaded"]
    state = demo_state(repo)
    assert state.built
    assert state.meta["synthetic"] == "true"
    assert "Synthetic" in state.label
    assert all(p.synthetic for p in repo.providers())
    # A stored observation reads back as the generator made it.
    first = country.observations.observation(0)
    back = repo.observations(first.provider_code, first.indicator_id)
    match = [o for o in back if o.period == first.period]
    assert match == [first]
    # Ratings in force agree with the generator's last inspection of a provider.
    code = country.inspections[0].provider_code
    last = [i for i in country.inspections if i.provider_code == code][-1]
    in_force = repo.ratings_in_force(date(2014, 12, 31), [code])[code]
    assert in_force[KeyQuestion.OVERALL].rating == last.overall


def test_reset_refuses_a_database_with_real_data(platform: Platform) -> None:
    from factories import provider

    repo = platform.repository
    with repo.transaction() as conn:
        repo.add_providers(conn, [provider("RA1", synthetic=False)])
    with pytest.raises(SpecialMeasuresError, match="refusing to overwrite"):
        reset_demo(repo)
    assert [p.code for p in repo.providers()] == ["RA1"]


def test_rebuild_empties_every_demo_table(platform: Platform) -> None:
    from specialmeasures.store import data_version
    from specialmeasures.store.loader import KEPT_ON_RESET
    from specialmeasures.store.tables import metadata

    repo = platform.repository
    load_country(repo, generate(7, end=date(2014, 9, 1)))
    loaded = data_version.current(platform.engine)
    reset_demo(repo)
    # the version moves on, never back: a worker's cache of the old demo cannot match again
    assert data_version.current(platform.engine) > loaded > 0
    with platform.engine.connect() as conn:
        leftovers = {
            t.name: n
            for t in metadata.sorted_tables
            if t.name not in KEPT_ON_RESET
            and (n := conn.execute(select(func.count()).select_from(t)).scalar_one())
        }
    assert leftovers == {}
    assert not demo_state(repo).has_data
    # The emptied synthetic log starts a new chain, and the checkpoint with it.
    load_country(repo, generate(7, end=date(2014, 9, 1)))
    with platform.engine.connect() as conn:
        assert audit.verify(conn) == []
