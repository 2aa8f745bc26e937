"""The watch list and its validation on a generated country loaded into SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from specialmeasures.bootstrap import Platform
from specialmeasures.demo import generate
from specialmeasures.domain import Regime
from specialmeasures.monitoring import screen
from specialmeasures.monitoring.validation import validate_store
from specialmeasures.store.loader import load_country


def test_watchlist_and_validation_on_a_loaded_country(platform: Platform) -> None:
    country = generate(7, end=date(2015, 12, 1))
    load_country(platform.repository, country)
    as_of = date(2015, 11, 15)
    wl = screen(platform.repository, as_of)
    assert wl.confidential
    assert wl.data_through == date(2015, 11, 1)  # nothing after the date is used
    assert len(wl.providers) == len(country.providers)
    assert {e.band for e in wl.providers} <= set(range(1, 7))
    smq = {
        e.provider_code
        for e in country.episodes
        if e.regime is Regime.SMQ and e.start <= as_of and (e.end is None or e.end > as_of)
    }
    assert smq
    assert all(wl.entry(c).band == 1 for c in smq)
    assert sum(s.providers for s in wl.systems) == len(country.providers)
    assert any(e.flags for e in wl.providers)
    assert wl.facts(wl.providers[0].code)["ew.band"] == "red"

    report = validate_store(platform.repository, date(2014, 7, 1), date(2015, 12, 1))
    assert report.months == 18
    assert report.spells > 0
    assert 0 <= report.sensitivity <= 1
    assert report.to_dict()["confidential"] is True
