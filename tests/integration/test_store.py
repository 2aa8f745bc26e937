"""The store on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

import factories
from factories import RI, G, I, inspection, provider, small_register
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import KeyQuestion, NotFoundError, Rating, Regime
from specialmeasures.register import provider_list, provider_profile


def load_small(platform: Platform) -> None:
    factories.load_small_register(platform.repository)


def test_round_trip_of_domain_objects(platform: Platform) -> None:
    load_small(platform)
    repo = platform.repository
    providers, inspections, episodes = small_register()
    assert repo.providers() == providers
    stored = repo.inspections("ZA1")
    assert [i.ratings for i in stored] == [i.ratings for i in inspections[:2]]
    assert [e.start for e in repo.episodes("ZA1")] == [episodes[0].start]
    assert repo.counts()["ratings"] == 18


def test_ratings_in_force_as_of(platform: Platform) -> None:
    load_small(platform)
    repo = platform.repository
    assert repo.ratings_in_force(date(2014, 2, 28)).get("ZA1") is None
    first = repo.ratings_in_force(date(2014, 3, 1))["ZA1"]
    assert first[KeyQuestion.OVERALL].rating is Rating.INADEQUATE
    assert first[KeyQuestion.OVERALL].published == date(2014, 3, 1)
    later = repo.ratings_in_force(date(2016, 1, 1))["ZA1"]
    assert later[KeyQuestion.WELL_LED].rating is Rating.REQUIRES_IMPROVEMENT


def test_unrated_key_question_keeps_its_earlier_rating_and_date(platform: Platform) -> None:
    load_small(platform)
    repo = platform.repository
    focused = inspection("ZA2", date(2017, 1, 1), date(2017, 2, 1), (RI,) + (G,) * 5)
    focused = type(focused)(
        provider_code="ZA2",
        inspection_date=focused.inspection_date,
        publication_date=focused.publication_date,
        ratings={KeyQuestion.SAFE: Rating.REQUIRES_IMPROVEMENT},
    )
    with repo.transaction() as conn:
        repo.add_inspections(conn, [focused])
    in_force = repo.ratings_in_force(date(2018, 1, 1))["ZA2"]
    assert in_force[KeyQuestion.SAFE].rating is Rating.REQUIRES_IMPROVEMENT
    assert in_force[KeyQuestion.SAFE].published == date(2017, 2, 1)
    assert in_force[KeyQuestion.CARING].rating is Rating.OUTSTANDING
    assert in_force[KeyQuestion.CARING].published == date(2015, 7, 1)


def test_regime_status_as_of(platform: Platform) -> None:
    load_small(platform)
    repo = platform.repository
    assert repo.active_episodes(date(2014, 3, 14)) == {}
    assert [e.regime for e in repo.active_episodes(date(2014, 3, 15))["ZA1"]] == [Regime.SMQ]
    assert "ZA1" not in repo.active_episodes(date(2015, 6, 1))  # end is exclusive
    assert [e.regime for e in repo.active_episodes(date(2020, 1, 1))["ZA3"]] == [Regime.CP]


def test_provider_list_hides_the_confidential_cp_list_by_default(platform: Platform) -> None:
    load_small(platform)
    public = {r["code"]: r for r in provider_list(platform.repository, date(2016, 6, 1))}
    assert public["ZA3"]["regime_status"] == "None"
    assert public["ZA3"]["regimes"] == []
    full = {
        r["code"]: r
        for r in provider_list(platform.repository, date(2016, 6, 1), include_confidential=True)
    }
    assert full["ZA3"]["regimes"] == ["cp"]
    profile = provider_profile(platform.repository, "ZA3", date(2016, 6, 1))
    assert profile["episodes"] == []


def test_provider_list_filters(platform: Platform) -> None:
    load_small(platform)
    repo = platform.repository
    day = date(2014, 6, 1)
    assert [r["code"] for r in provider_list(repo, day, type_="mental_health")] == ["ZA2"]
    assert [r["code"] for r in provider_list(repo, day, regime="smq")] == ["ZA1"]
    assert [r["code"] for r in provider_list(repo, day, rating="Inadequate")] == ["ZA1"]
    assert [r["code"] for r in provider_list(repo, day, search="za3")] == ["ZA3"]


def test_unknown_provider_is_not_found(platform: Platform) -> None:
    with pytest.raises(NotFoundError, match="unknown provider: 'ZZZ'"):
        platform.repository.provider("ZZZ")


def test_failed_transaction_leaves_the_database_as_it_was(platform: Platform) -> None:
    load_small(platform)
    repo = platform.repository
    before = repo.counts()
    with pytest.raises(IntegrityError), repo.transaction() as conn:
        repo.add_providers(conn, [provider("ZB1")])
        repo.add_providers(conn, [provider("ZA1")])  # duplicate key
    assert repo.counts() == before
    assert [p.code for p in repo.providers()] == ["ZA1", "ZA2", "ZA3"]


def test_foreign_keys_are_enforced(platform: Platform) -> None:
    repo = platform.repository
    with pytest.raises(IntegrityError), repo.transaction() as conn:
        repo.add_inspections(
            conn, [inspection("ZQ9", date(2014, 1, 1), date(2014, 2, 1), (G,) * 6)]
        )


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    from specialmeasures.store import open_engine

    engine = open_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("rating", [I, RI])
def test_rating_check_constraint_holds_the_scale(platform: Platform, rating: Rating) -> None:
    load_small(platform)
    with pytest.raises(IntegrityError), platform.engine.begin() as conn:
        conn.execute(text("UPDATE ratings SET rating = 7 WHERE rating = :r"), {"r": int(rating)})
