"""An inspection entered by hand before CQC's file carries it: stored as of its publication
date, audited, and met by the later import of the file (same ratings recognised, a different
one refused), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cqc_samples import SNAPSHOT_2019, SNAPSHOT_2021
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import InputError, KeyQuestion, NotFoundError, Rating
from specialmeasures.ingest import import_cqc_ratings
from specialmeasures.register.inspections import HAND_ENTERED, record_inspection
from specialmeasures.store import audit

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
RI, G = Rating.REQUIRES_IMPROVEMENT, Rating.GOOD
PUBLISHED = date(2021, 2, 9)  # ZZ1's publication in the 2021 file


def enter(platform: Platform, ratings: dict[KeyQuestion, Rating], **changes: object) -> int:
    given: dict[str, object] = {
        "provider_code": "ZZ1", "inspection_date": date(2020, 11, 2),
        "publication_date": PUBLISHED, "ratings": ratings, "actor": "alan",
        "role": "Chief Inspector", "rationale": "Report published before the download",
        "recorded_at": datetime(2021, 2, 10, 8, tzinfo=UTC),
        "account_role": "regulator_analyst", **changes,
    }  # fmt: skip
    done = record_inspection(platform.repository, **given)  # type: ignore[arg-type]
    assert done.inspection.id is not None
    return done.inspection.id


def test_entered_ratings_are_in_force_from_publication_and_audited(platform: Platform) -> None:
    import_cqc_ratings(platform.repository, SNAPSHOT_2019, actor="tester", at=AT)
    new_id = enter(platform, {KeyQuestion.OVERALL: RI, KeyQuestion.WELL_LED: RI})
    repo = platform.repository
    before = repo.ratings_in_force(PUBLISHED.replace(day=8), ["ZZ1"])["ZZ1"]
    assert before[KeyQuestion.OVERALL].rating is Rating.INADEQUATE
    after = repo.ratings_in_force(PUBLISHED, ["ZZ1"])["ZZ1"]
    assert (after[KeyQuestion.OVERALL].rating, after[KeyQuestion.OVERALL].inspection_id) == (
        RI,
        new_id,
    )
    assert after[KeyQuestion.SAFE].published < PUBLISHED  # not rated by this report: kept
    assert repo.inspections("ZZ1")[-1].source == HAND_ENTERED
    with platform.engine.connect() as conn:
        row = audit.entries(conn, entity="provider", entity_key="ZZ1")[-1]
        assert audit.verify(conn) == []
    assert (row.actor, row.role, row.action) == ("alan", "regulator_analyst", "inspection.add")
    assert row.payload["office"] == "Chief Inspector"
    assert row.payload["ratings"] == {"overall": "Requires improvement",
                                      "well_led": "Requires improvement"}  # fmt: skip


def test_the_later_import_recognises_the_same_ratings(platform: Platform) -> None:
    import_cqc_ratings(platform.repository, SNAPSHOT_2019, actor="tester", at=AT)
    new_id = enter(platform, {KeyQuestion.OVERALL: RI, KeyQuestion.CARING: G})
    report = import_cqc_ratings(platform.repository, SNAPSHOT_2021, actor="tester", at=AT)
    assert report.skipped["already recorded by an earlier import"] >= 2
    zz1 = platform.repository.inspections("ZZ1")
    assert [i.publication_date for i in zz1] == [date(2019, 3, 14), PUBLISHED]
    # The file's other ratings of that publication joined the entered inspection.
    assert zz1[-1].id == new_id
    assert zz1[-1].rating(KeyQuestion.SAFE) is RI


def test_the_later_import_refuses_a_different_rating(platform: Platform) -> None:
    import_cqc_ratings(platform.repository, SNAPSHOT_2019, actor="tester", at=AT)
    enter(platform, {KeyQuestion.OVERALL: G})
    counts = platform.repository.counts()
    with pytest.raises(InputError, match="conflicts with the 'Good' Overall rating published"):
        import_cqc_ratings(platform.repository, SNAPSHOT_2021, actor="tester", at=AT)
    assert platform.repository.counts() == counts


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"ratings": {KeyQuestion.SAFE: G}}, "overall"),
        ({"publication_date": date(2021, 3, 1)}, "publication_date"),  # after it is recorded
        ({"inspection_date": date(2021, 3, 1)}, "publication_date"),  # published before visit
        ({"rationale": " "}, "rationale"),
    ],
)
def test_bad_entries_name_the_field_and_change_nothing(
    platform: Platform, changes: dict[str, object], column: str
) -> None:
    import_cqc_ratings(platform.repository, SNAPSHOT_2019, actor="tester", at=AT)
    counts = platform.repository.counts()
    rest = dict(changes)
    ratings = rest.pop("ratings", {KeyQuestion.OVERALL: G})
    with pytest.raises(InputError) as raised:
        enter(platform, ratings, **rest)  # type: ignore[arg-type]
    assert raised.value.column == column
    assert platform.repository.counts() == counts


def test_one_publication_is_entered_once_and_the_provider_must_exist(platform: Platform) -> None:
    import_cqc_ratings(platform.repository, SNAPSHOT_2019, actor="tester", at=AT)
    enter(platform, {KeyQuestion.OVERALL: G})
    with pytest.raises(InputError, match="already has inspection"):
        enter(platform, {KeyQuestion.OVERALL: G})
    with pytest.raises(NotFoundError):
        enter(platform, {KeyQuestion.OVERALL: G}, provider_code="NOPE1")
