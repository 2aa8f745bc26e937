"""The demo's scoped accounts belong to a trust with current work, chosen from the loaded data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from specialmeasures.access import Role, create_demo_accounts
from specialmeasures.access.demo_work import WORK, demo_as_of, pick_work_trust, work_at
from specialmeasures.evaluation.demo_evidence import DEMO_SITES, load_demo_evidence
from specialmeasures.interventions.demo_current import prepare_demo_work
from specialmeasures.store import audit
from specialmeasures.store.tables import evidence_sources
from web_country import TODAY, World, build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = build_world(Path(tmp_path_factory.mktemp("demo_work")))
    try:
        yield made
    finally:
        made.platform.close()


def scores(world: World) -> dict[str, tuple[bool, int]]:
    with world.platform.engine.connect() as conn:
        found = work_at(conn, TODAY)
    return {
        p.code: (p.code in found["current episode"], sum(p.code in found[w] for w in WORK))
        for p in world.platform.repository.providers()
    }


def test_the_picker_takes_the_trust_with_the_most_current_work(world: World) -> None:
    repo = world.platform.repository
    assert demo_as_of(repo) == TODAY  # the generated country's last month
    picked = pick_work_trust(repo)
    assert "evidence" not in picked.work  # the generated country has no interviews
    assert not picked.complete
    by_trust = scores(world)
    best = max(by_trust.values())
    assert by_trust[picked.code] == best
    assert best[0]  # a trust in a current episode
    assert picked.code == min(c for c, s in by_trust.items() if s == best)  # lowest code of equals
    assert pick_work_trust(repo) == picked  # the same data, the same trust


def test_the_demo_gives_that_trust_every_kind_of_current_work(world: World) -> None:
    repo = world.platform.repository
    before = pick_work_trust(repo)
    prepared = prepare_demo_work(repo)
    assert prepared.code == before.code
    assert prepared.complete, sorted(set(WORK) - prepared.work)
    assert pick_work_trust(repo) == prepared
    with world.platform.engine.connect() as conn:
        titles = list(conn.execute(select(evidence_sources.c.title, evidence_sources.c.ref)))
        written = audit.entries(conn, entity="provider", entity_key=prepared.code)
    assert len(titles) == 3 * DEMO_SITES
    assert all(t.startswith("Synthetic ") for t, _ in titles)
    assert f"DEMO-{prepared.code}-INT-1" in {r for _, r in titles}
    # What was missing was added through the audited services, as the demo; nothing else was.
    actions = {
        "Improvement Director": "director.assigned",
        "OAG": "oag.member_added",
        "returns due": "oag.items_requested",
        "plan": "plan.action_added",
        "funding": "funding.applied",
    }
    missing = {actions[w] for w in set(WORK) - before.work if w in actions}
    assert missing  # the generated country left the trust short of something
    assert {e.action for e in written if e.actor == "demo"} == missing


def test_demo_evidence_is_replaced_not_doubled_on_a_second_run(world: World) -> None:
    repo = world.platform.repository
    trust = pick_work_trust(repo).code
    again = load_demo_evidence(repo, first=trust)
    assert again["replaced"] == again["records"] == 3 * DEMO_SITES


def test_every_scoped_demo_account_belongs_to_that_trust(world: World) -> None:
    repo = world.platform.repository
    trust = pick_work_trust(repo).code
    made = {a.role: a for a in create_demo_accounts(repo)}
    assert set(made) == {r for r in Role if r is not Role.PUBLIC}
    for role, account in made.items():
        assert account.scope == ((trust,) if role.scoped else ()), role
