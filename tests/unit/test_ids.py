"""Improvement Directors: the cycle, proposals (explained) and flags, pure."""

from __future__ import annotations

from datetime import date

import pytest

from factories import RI, I, smq
from specialmeasures.domain import DomainError, KeyQuestion
from specialmeasures.domain.directors import (
    Background,
    DirectorAssignment,
    DirectorCycle,
    ImprovementDirector,
    caseload,
    director_flags,
    propose_directors,
)

CYCLE = DirectorCycle(3, 3, 8)
GOV = ImprovementDirector("Gov", Background.GOVERNANCE, True, 2, id=1)
NUR = ImprovementDirector("Nur", Background.NURSING, False, 1, id=2)


def test_cycle_phases_and_hours() -> None:
    a = DirectorAssignment(1, "RAA", date(2017, 1, 15), 2, 3)
    assert a.intensive_end == date(2017, 3, 15)
    assert a.planned_end == date(2017, 6, 15)
    assert a.phase_on(date(2017, 2, 1)) == "intensive"
    assert a.phase_on(date(2017, 4, 1)) == "maintenance"
    assert a.phase_on(date(2017, 7, 1)) == "extended"
    assert a.hours_on(date(2017, 4, 1)) == 7.5


def test_end_before_start_is_refused() -> None:
    with pytest.raises(DomainError, match=r"assignment\.end"):
        DirectorAssignment(1, "RAA", date(2017, 1, 15), 2, 3, end=date(2017, 1, 1))


def test_proposal_explains_capacity_background_experience() -> None:
    busy = [DirectorAssignment(2, "RBB", date(2017, 1, 1), 3, 3)]
    ranked = propose_directors(
        [GOV, NUR], busy, provider_code="RAA",
        ratings={KeyQuestion.WELL_LED: I, KeyQuestion.SAFE: RI}, in_smq=True,
        as_of=date(2017, 2, 1),
    )  # fmt: skip
    assert [p.director.name for p in ranked] == ["Gov", "Nur"]
    assert ranked[0].score == 100.0
    assert "Well-led" in ranked[0].explain()
    assert not ranked[1].eligible


def test_flags() -> None:
    long_ = DirectorAssignment(1, "RAA", date(2016, 1, 1), 3, 3)
    early = DirectorAssignment(1, "RBB", date(2016, 1, 1), 3, 3, end=date(2016, 6, 1))
    over = [DirectorAssignment(2, c, date(2016, 1, 1), 3, 3) for c in ("RCC", "RDD")]
    flags = director_flags(
        [GOV, NUR], [long_, early, *over],
        [smq("RBB", date(2015, 12, 1)), smq("REE", date(2016, 2, 1))],
        {"RBB": [date(2017, 1, 1)]}, as_of=date(2016, 10, 1), cycle=CYCLE,
    )  # fmt: skip
    kinds = sorted((f.kind, f.provider_code) for f in flags)
    assert kinds == [
        ("long_in_post", "RAA"), ("long_in_post", "RCC"), ("long_in_post", "RDD"),
        ("over_capacity", None),
        ("smq_without_director", "RBB"), ("smq_without_director", "REE"),
        ("withdrawn_before_reinspection", "RBB"),
    ]  # fmt: skip


def test_caseload_month_by_month() -> None:
    a = DirectorAssignment(1, "RAA", date(2016, 1, 1), 1, 1, end=date(2016, 3, 1))
    rows = caseload([GOV], [a], date(2016, 1, 1), date(2016, 4, 1))
    assert [(r["month"], r["trusts"]) for r in rows] == [
        ("2016-01", "RAA (intensive)"), ("2016-02", "RAA (maintenance)")
    ]  # fmt: skip
