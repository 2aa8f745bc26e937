"""The one return, pure: each body's report cut from it; the burden saving; plan progress."""

from __future__ import annotations

from datetime import date

import pytest

from specialmeasures.domain import DomainError
from specialmeasures.domain.oversight import (
    ActionStatus,
    Body,
    DriverDomain,
    FindingKind,
    MonthlyReturn,
    PlanAction,
    body_report,
    burden,
    check_return,
    plan_progress,
)

REQUESTS = {
    Body.CQC: ["falls", "vacancy_rate", "complaints"],
    Body.ICB: ["falls", "ae_4h", "complaints"],
    Body.HEALTHWATCH: ["complaints"],
    Body.HEE: ["vacancy_rate", "trainee_survey"],
}


def test_burden_counts_the_deduplication_saving() -> None:
    b = burden(REQUESTS)
    assert (b.requested, b.unique, b.saving) == (9, 5, 4)
    assert b.saving_percent == 44.4
    assert b.shared["complaints"] == (Body.CQC, Body.HEALTHWATCH, Body.ICB)


def test_each_body_reads_its_items_from_one_return() -> None:
    one = MonthlyReturn("RAA", date(2017, 1, 1), {"falls": "3", "complaints": "12"})
    assert body_report(one, REQUESTS, Body.HEALTHWATCH) == [{"item": "complaints", "value": "12"}]
    assert body_report(one, REQUESTS, Body.HEE)[0] == {
        "item": "trainee_survey", "value": "not supplied"
    }  # fmt: skip


def test_return_validation() -> None:
    with pytest.raises(DomainError, match="first day of a month"):
        MonthlyReturn("RAA", date(2017, 1, 2), {"falls": "1"})
    with pytest.raises(DomainError, match="no OAG body requested"):
        check_return(MonthlyReturn("RAA", date(2017, 1, 1), {"x": "1"}), ["falls"])


def test_plan_progress_over_time() -> None:
    action = PlanAction("RAA", FindingKind.MUST_DO, "f", "a", frozenset({DriverDomain.GOVERNANCE}),
                        "CEO", date(2017, 3, 1), created_on=date(2017, 1, 1), id=1)  # fmt: skip
    updates = [(1, date(2017, 2, 10), ActionStatus.IN_PROGRESS),
               (1, date(2017, 4, 10), ActionStatus.COMPLETE)]  # fmt: skip
    months = [date(2017, m, 1) for m in (1, 3, 4, 5)]
    rows = plan_progress([action], updates, months)
    assert [(r["in_progress"], r["overdue"], r["percent_complete"]) for r in rows] == [
        (0, 0, 0.0), (1, 0, 0.0), (1, 1, 0.0), (0, 0, 100.0)
    ]  # fmt: skip
