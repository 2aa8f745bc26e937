"""Interventions on both databases: every write audited; bad input changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from interventions_fixtures import EMD, WHO, load_register, snapshot
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import DomainError, InputError, NotFoundError
from specialmeasures.domain.buddying import ArrangedBy, BuddyArrangement, BuddyScope
from specialmeasures.domain.directors import Background, ImprovementDirector
from specialmeasures.domain.funding import PolicyRefusalError
from specialmeasures.domain.leadership import LeadershipTerm, Post
from specialmeasures.domain.oversight import (
    Body,
    DeepDive,
    DriverDomain,
    FindingKind,
    MonthlyReturn,
    PlanAction,
)
from specialmeasures.interventions import buddies, directors, funding, leadership, plans, returns
from specialmeasures.interventions.matrix import intervention_matrix, record_status
from specialmeasures.store import audit


@pytest.fixture
def loaded(platform: Platform) -> Platform:
    load_register(platform)
    repo = platform.repository
    directors.add_director(
        repo, ImprovementDirector("Ida One", Background.GOVERNANCE, True, 1), WHO
    )
    directors.assign_director(repo, director="Ida One", provider_code="ZB1",
                              start=date(2016, 7, 1), who=WHO)  # fmt: skip
    return platform


def refused(platform: Platform, error: type[Exception], call: Callable[[], object]) -> Exception:
    before = snapshot(platform)
    with pytest.raises(error) as info:
        call()
    assert snapshot(platform) == before
    return info.value


def test_every_write_is_audited_with_actor_and_rationale(loaded: Platform) -> None:
    repo = loaded.repository
    app = funding.apply_for_funding(repo, provider_code="ZB1", stage="smq-entry",
                                    aims=[("QI faculty", 300_000), ("Ward leadership", 100_000)],
                                    applied_on=date(2016, 9, 1), who=WHO)  # fmt: skip
    assert funding.approve_application(repo, app, on=date(2016, 10, 1), who=EMD) == 400_000
    funding.add_spend(repo, app, category="posts", amount=150_000, on=date(2016, 11, 1),
                      description="Director of QI", who=WHO)  # fmt: skip
    buddies.record_arrangement(repo, BuddyArrangement("ZB1", "ZB4", BuddyScope.MATERNITY,
                               ArrangedBy.NHSI, date(2016, 8, 1), paid=True), WHO)  # fmt: skip
    leadership.add_term(repo, LeadershipTerm("ZB1", Post.CHIEF_EXECUTIVE, "C One",
                                             date(2015, 1, 1), date(2016, 9, 1)), WHO)  # fmt: skip
    leadership.add_term(repo, LeadershipTerm("ZB1", Post.CHIEF_EXECUTIVE, "C Two",
                                             date(2016, 10, 1), interim=True), WHO)  # fmt: skip
    action = plans.add_action(repo, PlanAction("ZB1", FindingKind.MUST_DO, "Staffing unsafe",
                              "Recruit nurses", frozenset({DriverDomain.CLINICAL_LEADERSHIP}),
                              "Chief nurse", date(2017, 3, 1), created_on=date(2016, 7, 1)), WHO)  # fmt: skip
    plans.update_action(repo, action, status="complete", on=date(2017, 2, 1), note="done",
                        evidence="Rota audit", who=WHO)  # fmt: skip
    plans.add_deep_dive(repo, DeepDive("ZB1", "ED performance", date(2016, 9, 1)), WHO)
    returns.add_member(repo, "ZB1", "cqc", "Cara Q", WHO)
    returns.add_member(repo, "ZB1", "icb", "Ian C", WHO)
    returns.request_items(repo, "ZB1", "cqc", ["falls", "vacancy_rate"], WHO)
    returns.request_items(repo, "ZB1", "icb", ["falls", "ae_4h"], WHO)
    returns.submit_return(repo, MonthlyReturn("ZB1", date(2017, 1, 1),
                          {"falls": "12", "vacancy_rate": "9%", "ae_4h": "81%"}), WHO)  # fmt: skip
    record_status(repo, "ZB3", "buddying", "no_data", "not supplied", WHO)
    with loaded.engine.connect() as conn:
        rows = audit.entries(conn)
        assert audit.verify(conn) == []
    assert len(rows) == 17
    assert all(r.actor and r.role and r.payload["rationale"] for r in rows)
    assert rows[3].role == "Executive Medical Director"
    assert returns.report_for(repo, "ZB1", date(2017, 1, 1), Body.ICB) == [
        {"item": "ae_4h", "value": "81%"}, {"item": "falls", "value": "12"}
    ]  # fmt: skip
    assert returns.burden_report(repo, "ZB1").saving == 1
    m = intervention_matrix(repo, as_of=date(2018, 1, 1))
    assert m.providers == ("ZB1", "ZB2", "ZB3")
    assert [m.cells[k]["ZB1"] for k in ("director", "buddying", "leadership", "funding")] == [
        "✓"
    ] * 4
    assert m.cells["funding"]["ZB2"] == ""  # pre-dates the funding component
    assert m.cells["buddying"]["ZB3"] == "No data"
    assert m.cells["director"]["ZB3"] == "No data"


def test_bad_input_changes_nothing(loaded: Platform) -> None:
    repo = loaded.repository
    # ID at capacity (max 1 trust)
    refused(loaded, InputError, lambda: directors.assign_director(
        repo, director="Ida One", provider_code="ZB3", start=date(2017, 2, 1), who=WHO))  # fmt: skip
    # unknown provider
    refused(loaded, NotFoundError, lambda: directors.assign_director(
        repo, director="Ida One", provider_code="ZZ9", start=date(2019, 2, 1), who=WHO))  # fmt: skip
    # end before start
    assignment = directors.assignments(repo)[0].id
    assert assignment is not None
    refused(loaded, InputError, lambda: directors.end_assignment(
        repo, assignment, end=date(2016, 1, 1), reason="x", who=WHO))  # fmt: skip
    refused(loaded, DomainError, lambda: leadership.add_term(repo, LeadershipTerm(
        "ZB1", Post.CHAIR, "P", date(2017, 1, 1), date(2016, 1, 1)), WHO))  # fmt: skip
    # funding: over cap, out of period, pre-dating the component, duplicate
    err = refused(loaded, PolicyRefusalError, lambda: funding.apply_for_funding(
        repo, provider_code="ZB1", stage="smq-entry", aims=[("QI", 600_000)],
        applied_on=date(2016, 9, 1), who=WHO))  # fmt: skip
    assert "smq.funding.entry_available" in str(err)
    assert "cap of £500,000" in str(err)
    err = refused(loaded, PolicyRefusalError, lambda: funding.apply_for_funding(
        repo, provider_code="ZB3", stage="cp", aims=[("QI", 100_000)],
        applied_on=date(2016, 9, 1), who=WHO))  # fmt: skip
    assert "cp.funding.available" in str(err)
    err = refused(loaded, PolicyRefusalError, lambda: funding.apply_for_funding(
        repo, provider_code="ZB2", stage="smq-entry", aims=[("QI", 100_000)],
        applied_on=date(2015, 1, 1), who=WHO))  # fmt: skip
    assert "smq.funding.predates_component" in str(err)
    app = funding.apply_for_funding(repo, provider_code="ZB1", stage="smq-entry",
                                    aims=[("QI", 200_000)], applied_on=date(2016, 9, 1), who=WHO)  # fmt: skip
    err = refused(loaded, PolicyRefusalError, lambda: funding.apply_for_funding(
        repo, provider_code="ZB1", stage="smq-entry", aims=[("QI", 100_000)],
        applied_on=date(2016, 10, 1), who=WHO))  # fmt: skip
    assert "duplicate" in str(err)
    # approval by the wrong role; spend before approval; spend over the approved amount
    refused(loaded, InputError, lambda: funding.approve_application(
        repo, app, on=date(2016, 10, 1), who=WHO))  # fmt: skip
    refused(loaded, InputError, lambda: funding.add_spend(
        repo, app, category="posts", amount=10, on=date(2016, 11, 1), description="", who=WHO))  # fmt: skip
    funding.approve_application(repo, app, on=date(2016, 10, 1), who=EMD, amount=150_000)
    refused(loaded, InputError, lambda: funding.add_spend(
        repo, app, category="posts", amount=150_001, on=date(2016, 11, 1), description="",
        who=WHO))  # fmt: skip
    # one return per period; items nobody asked for
    returns.add_member(repo, "ZB1", "cqc", "Cara Q", WHO)
    returns.request_items(repo, "ZB1", "cqc", ["falls"], WHO)
    returns.submit_return(repo, MonthlyReturn("ZB1", date(2017, 1, 1), {"falls": "3"}), WHO)
    refused(loaded, InputError, lambda: returns.submit_return(
        repo, MonthlyReturn("ZB1", date(2017, 1, 1), {"falls": "4"}), WHO))  # fmt: skip
    refused(loaded, InputError, lambda: returns.submit_return(
        repo, MonthlyReturn("ZB1", date(2017, 2, 1), {"unasked": "4"}), WHO))  # fmt: skip


def test_proposals_flags_caseload_and_buddies(loaded: Platform) -> None:
    repo = loaded.repository
    directors.add_director(repo, ImprovementDirector("Ned Two", Background.NURSING, False, 2), WHO)
    ranked = directors.propose(repo, "ZB3", date(2017, 2, 1))
    assert [p.director.name for p in ranked] == ["Ned Two", "Ida One"]
    assert not ranked[1].eligible
    kinds = {f.kind for f in directors.flags(repo, date(2016, 12, 1))}
    assert "long_in_post" not in kinds
    assert "long_in_post" in {f.kind for f in directors.flags(repo, date(2017, 4, 1))}
    rows = directors.director_caseload(repo, date(2016, 6, 1), date(2016, 9, 1))
    assert [r["month"] for r in rows] == ["2016-07", "2016-08", "2016-09"]
    suggested = buddies.suggest_buddies(repo, "ZB1", as_of=date(2017, 1, 1))
    eligible = [c.provider.code for c in suggested if c.eligible]
    assert eligible[0] == "ZB4"  # close, same type and size, improved the same key questions
    assert "ZB2" not in eligible
    assert "ZB3" not in eligible
