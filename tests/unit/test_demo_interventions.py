"""The demo's synthetic interventions: deterministic and consistent with the regime episodes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from specialmeasures.demo import SyntheticCountry, generate
from specialmeasures.demo.interventions import DemoInterventions, generate_interventions
from specialmeasures.domain import Regime, RegimeEpisode
from specialmeasures.domain.directors import add_months
from specialmeasures.domain.funding import FundingStage
from specialmeasures.domain.leadership import TRIUMVIRATE
from specialmeasures.interventions.demo_load import demo_policy


@pytest.fixture(scope="module")
def country() -> SyntheticCountry:
    return generate(2013)


@pytest.fixture(scope="module")
def found(country: SyntheticCountry) -> DemoInterventions:
    return generate_interventions(country, demo_policy())


def _spells(country: SyntheticCountry, *regimes: Regime) -> dict[str, list[RegimeEpisode]]:
    out: dict[str, list[RegimeEpisode]] = defaultdict(list)
    for e in country.episodes:
        if e.regime in regimes:
            out[e.provider_code].append(e)
    return out


def test_same_seed_same_interventions(country: SyntheticCountry, found: DemoInterventions) -> None:
    assert generate_interventions(country, demo_policy()) == found
    other = generate_interventions(generate(7, end=date(2016, 12, 1)), demo_policy())
    assert other != found


def test_names_are_invented_and_marked_synthetic(found: DemoInterventions) -> None:
    assert 15 <= len(found.directors) <= 20
    assert len({d.name for d in found.directors}) == len(found.directors)
    people = [d.name for d in found.directors] + [t.holder for t in found.governance.terms]
    people += [n for o in found.governance.oags for _, n in o.members] + [found.approver]
    assert all("(synthetic)" in name for name in people)


def test_directors_only_during_smq_or_cp_spells(
    country: SyntheticCountry, found: DemoInterventions
) -> None:
    spells = _spells(country, Regime.SMQ, Regime.CP)
    policy = demo_policy()
    for a in found.assignments:
        within = [
            e for e in spells[a.provider_code]
            if e.start <= a.start and (e.end is None or (a.end is not None and a.end <= e.end))
        ]  # fmt: skip
        assert within, a
        assert 1 <= a.intensive_months <= policy.max_intensive_months
        assert a.end is None or a.end <= country.end


def test_directors_cover_several_trusts_at_once_within_capacity(found: DemoInterventions) -> None:
    concurrent = 0
    for i, d in enumerate(found.directors, start=1):
        mine = [a for a in found.assignments if a.director_id == i]
        for a in mine:
            busy = [b for b in mine if b.overlaps(a.start, a.end or a.planned_end)]
            assert len(busy) <= d.max_trusts
            concurrent += len({b.provider_code for b in busy}) > 1
    assert concurrent > 10


def test_the_flags_have_something_to_show(
    country: SyntheticCountry, found: DemoInterventions
) -> None:
    concern = demo_policy().concern_months
    long_stays = [
        a for a in found.assignments
        if a.end is not None and a.months_in_post(a.end) >= concern
    ]  # fmt: skip
    assert len(long_stays) >= 3
    withdrawn = [a for a in found.assignments if a.end_reason and "withdrawn" in a.end_reason]
    assert len(withdrawn) >= 3
    # Cycle: most assignments run intensive then ~3 months of maintenance.
    assert {a.maintenance_months for a in found.assignments} <= {2, 3, 4}


def test_some_cp_trusts_have_no_director(
    country: SyntheticCountry, found: DemoInterventions
) -> None:
    cp_only = set(_spells(country, Regime.CP)) - set(_spells(country, Regime.SMQ))
    with_id = {a.provider_code for a in found.assignments}
    assert cp_only - with_id
    assert cp_only & with_id
    none = {s.provider_code for s in found.statuses if s.kind == "director"}
    assert none == set(_spells(country, Regime.SMQ, Regime.CP)) - with_id


def test_buddying_in_about_half_of_smq_trusts(
    country: SyntheticCountry, found: DemoInterventions
) -> None:
    smq = set(_spells(country, Regime.SMQ))
    buddied = {b.provider_code for b in found.buddies}
    assert buddied <= smq
    assert 0.35 <= len(buddied) / len(smq) <= 0.65
    assert len({b.arranged_by for b in found.buddies}) == 3
    assert any(b.paid for b in found.buddies)
    assert not all(b.paid for b in found.buddies)
    assert all(b.mou_date is not None and b.mou_date <= b.start for b in found.buddies)
    assert len({b.scope.value == "trust-wide" for b in found.buddies}) == 2


def test_funding_after_the_component_start_within_the_caps(
    country: SyntheticCountry, found: DemoInterventions
) -> None:
    policy = demo_policy()
    spells = _spells(country, Regime.SMQ, Regime.CP)
    assert found.funding
    for f in found.funding:
        app = f.application
        assert app.applied_on >= policy.funding_start
        assert app.amount <= policy.cap(app.stage)
        own = spells[app.provider_code]
        if app.stage is FundingStage.SMQ_EXIT:
            assert any(
                e.end is not None
                and e.end >= policy.funding_start
                and e.end <= app.applied_on < add_months(e.end, policy.exit_window_months)
                for e in own
            )
        else:
            active = [
                e for e in own if e.regime is app.stage.regime and e.active_on(app.applied_on)
            ]
            assert active
            assert active[-1].start >= policy.funding_start
        if app.status == "approved":
            assert app.approved_amount is not None
            assert app.approved_on is not None
            assert sum(s.amount for s in f.spend) <= app.approved_amount
            assert all(s.spent_on >= app.approved_on for s in f.spend)
    spent = {s.category.value for f in found.funding for s in f.spend}
    assert {"posts", "external_consultants", "organisational_development"} <= spent


def test_table3_no_data_and_none_records(
    country: SyntheticCountry, found: DemoInterventions
) -> None:
    no_data = {s.provider_code for s in found.statuses if s.status == "no_data"}
    assert 1 <= len(no_data) <= 6
    assert not no_data & {f.application.provider_code for f in found.funding}
    assert {s.kind for s in found.statuses} <= {"director", "buddying", "funding", "leadership"}


def test_leadership_turnover_is_higher_around_smq_entry(
    country: SyntheticCountry, found: DemoInterventions
) -> None:
    entries = _spells(country, Regime.SMQ)
    near = far = 0
    near_months = far_months = 0
    terms = found.governance.terms
    for code, spells in entries.items():
        own = [t for t in terms if t.provider_code == code]
        assert {t.post for t in own} == set(TRIUMVIRATE)
        windows = [(add_months(e.start, -6), add_months(e.start, 12)) for e in spells]
        firsts = {p: min(t.start for t in own if t.post is p) for p in TRIUMVIRATE}
        for t in own:
            if t.start == firsts[t.post]:
                continue
            if any(lo <= t.start < hi for lo, hi in windows):
                near += 1
            else:
                far += 1
        span = (country.end.year - country.start.year) * 12
        near_months += 18 * len(spells)
        far_months += span - 18 * len(spells)
    assert near / near_months > 2 * far / far_months
    assert any(t.interim for t in terms)
    assert any(t.previous_smq_experience for t in terms)


def test_plans_coded_to_driver_domains_for_smq_trusts(
    country: SyntheticCountry, found: DemoInterventions
) -> None:
    smq = set(_spells(country, Regime.SMQ))
    actions = found.governance.actions
    assert {a.action.provider_code for a in actions} == smq
    domains = {d.value for a in actions for d in a.action.domains}
    assert domains == {
        "governance", "clinical_leadership", "staff_engagement", "external_partnerships",
    }  # fmt: skip
    for a in actions:
        assert all(u.on <= country.end for u in a.updates)
        assert all(u.evidence for u in a.updates if u.status.value == "complete")


def test_oag_members_and_one_return_a_month_for_a_few_trusts(
    country: SyntheticCountry, found: DemoInterventions
) -> None:
    oags = found.governance.oags
    assert 2 <= len(oags) <= 5
    smq = _spells(country, Regime.SMQ)
    for oag in oags:
        wanted = {i for _, items in oag.requests for i in items}
        assert sum(len(items) for _, items in oag.requests) > len(wanted)  # duplication saved
        periods = [r.period for r in oag.returns]
        assert len(periods) == len(set(periods)) >= 3
        assert all(set(r.values) <= wanted for r in oag.returns)
        assert all(any(e.active_on(p) for e in smq[oag.provider_code]) for p in periods)
