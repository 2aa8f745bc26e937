"""Decisions and judgements on both databases: one transaction with the audit row, or nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, select

from factories import load_small_register
from specialmeasures.bootstrap import Platform
from specialmeasures.domain import InputError, NotFoundError, Regime
from specialmeasures.domain.lifecycle import TransitionError
from specialmeasures.regime import enter_judgement, evaluate_provider, record_decision
from specialmeasures.store import audit
from specialmeasures.store.tables import audit_log, decisions, judgements, regime_episodes

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
def loaded(platform: Platform) -> Platform:
    load_small_register(platform.repository)
    return platform


def _counts(platform: Platform) -> tuple[int, ...]:
    with platform.engine.connect() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (decisions, regime_episodes, audit_log, judgements)
        )


def _decide(platform: Platform, transition: str, on: date, **extra: object) -> object:
    return record_decision(
        platform.repository,
        provider_code=str(extra.pop("code", "ZA1")),
        regime=extra.pop("regime", Regime.SMQ),  # type: ignore[arg-type]
        transition=transition,
        actor="Dana Chair",
        role="Provider Regulation Committee",
        rationale="Recorded for the test",
        on=on,
        recorded_at=AT,
        **extra,  # type: ignore[arg-type]
    )


def test_full_smq_cycle_with_re_entry_and_audit(loaded: Platform) -> None:
    repo = loaded.repository
    ref = "smq-2013@1.0.0:smq.entry.judgement_needed:ZA3:2014-06-01"
    with pytest.raises(InputError, match="was not made"):
        _decide(loaded, "recommend_entry", date(2014, 6, 2), code="ZA3", recommendation_ref=ref)
    steps = [
        ("reinspect", date(2015, 4, 1)),
        ("recommend_exit", date(2015, 4, 20)),
        ("exit", date(2015, 6, 1)),
    ]
    # ZA1's episode (2014-03-15 .. 2015-06-01) is in the register already; start a fresh trust.
    for name, on in [
        ("recommend_entry", date(2016, 2, 1)),
        ("enter", date(2016, 3, 1)),
        *[(n, d.replace(year=d.year + 2)) for n, d in steps],
        ("place_without_recommendation", date(2018, 11, 8)),
    ]:
        _decide(loaded, name, on, code="ZA2")
    eps = repo.episodes("ZA2", regime=Regime.SMQ)
    assert [(e.start, e.end, e.state.value) for e in eps] == [
        (date(2016, 3, 1), date(2017, 6, 1), "exited"),
        (date(2018, 11, 8), None, "in_regime"),
    ]
    with loaded.engine.connect() as conn:
        rows = audit.entries(conn, entity="provider", entity_key="ZA2")
        assert [r.action for r in rows] == [
            "decision.recommend_entry",
            "decision.enter",
            "decision.reinspect",
            "decision.recommend_exit",
            "decision.exit",
            "decision.place_without_recommendation",
        ]
        assert rows[1].payload["from"] == "recommended"
        assert rows[1].payload["to"] == "in_regime"
        assert audit.verify(conn) == []
    kinds = [d.kind.value for d in repo.decisions("ZA2")]
    assert kinds == ["recommend_entry", "entry", "reinspection", "recommend_exit", "exit", "entry"]


def test_an_illegal_transition_changes_nothing(loaded: Platform) -> None:
    before = _counts(loaded)
    with pytest.raises(TransitionError, match="its state is 'none'"):
        _decide(loaded, "exit", date(2016, 1, 1), code="ZA2")
    with pytest.raises(NotFoundError):
        _decide(loaded, "enter", date(2016, 1, 1), code="ZZ9")
    assert _counts(loaded) == before


def test_a_failure_inside_the_transaction_rolls_back_everything(loaded: Platform) -> None:
    """The episode and decision rows are written, then the audit write fails: none remain."""
    before = _counts(loaded)

    def fail_audit(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            raise RuntimeError("simulated failure of the audit write")

    event.listen(loaded.engine, "before_cursor_execute", fail_audit)
    try:
        with pytest.raises(RuntimeError, match="simulated failure"):
            _decide(loaded, "place_without_recommendation", date(2016, 1, 1), code="ZA2")
    finally:
        event.remove(loaded.engine, "before_cursor_execute", fail_audit)
    assert _counts(loaded) == before
    with loaded.engine.connect() as conn:
        assert audit.verify(conn) == []
    _decide(loaded, "place_without_recommendation", date(2016, 1, 1), code="ZA2")
    assert _counts(loaded) == (before[0] + 1, before[1] + 1, before[2] + 1, before[3])


def test_override_is_recorded_against_the_recommendation(loaded: Platform) -> None:
    repo = loaded.repository
    enter_judgement(
        repo, provider_code="ZA1", fact="judgement.leadership_cannot_fix", value="yes",
        actor="Ann Inspector", role="Chief Inspector of Hospitals", rationale="No grip on safety",
        on=date(2014, 3, 5), recorded_at=AT,
    )  # fmt: skip
    found = evaluate_provider(repo, "ZA1", date(2014, 3, 10), policy_ids=["smq-2013"])
    recs = [r for r in found.recommendations if r.rule_id == "smq.entry.recommend"]
    assert len(recs) == 1
    ref = found.ref(recs[0])
    assert ref == "smq-2013@1.0.0:smq.entry.recommend:ZA1:2014-03-10"
    with loaded.engine.begin() as conn:  # clear ZA1's loaded episode so it is out of the regime
        conn.execute(regime_episodes.delete().where(regime_episodes.c.provider_code == "ZA1"))
    _decide(loaded, "recommend_entry", date(2014, 3, 11), recommendation_ref=ref)
    with pytest.raises(InputError, match="does not follow recommendation"):
        _decide(loaded, "decline_entry", date(2014, 3, 12), recommendation_ref=ref)
    with pytest.raises(InputError, match="is about ZA1, not ZA3"):
        _decide(loaded, "recommend_entry", date(2014, 3, 12), code="ZA3", recommendation_ref=ref)
    done = _decide(loaded, "decline_entry", date(2014, 3, 12), recommendation_ref=ref,
                   overridden=True)  # fmt: skip
    assert done.accepted is False  # type: ignore[attr-defined]
    with loaded.engine.connect() as conn:
        rows = conn.execute(select(decisions.c.transition, decisions.c.accepted)).all()
    assert [tuple(r) for r in rows] == [("recommend_entry", True), ("decline_entry", False)]


def test_judgements_are_typed_audited_and_seen_by_evaluate(loaded: Platform) -> None:
    repo = loaded.repository
    with pytest.raises(InputError, match="must be true or false"):
        enter_judgement(
            repo, provider_code="ZA1", fact="leadership_cannot_fix", value="perhaps",
            actor="A", role="CQC", rationale="r", on=date(2014, 3, 5), recorded_at=AT,
        )  # fmt: skip
    before = evaluate_provider(repo, "ZA1", date(2014, 3, 10), policy_ids=["smq-2013"])
    assert "smq.entry.judgement_needed" in [r.rule_id for r in before.recommendations]
    enter_judgement(
        repo, provider_code="ZA1", fact="leadership_cannot_fix", value="no",
        actor="A", role="CQC", rationale="New board", on=date(2014, 3, 5), recorded_at=AT,
    )  # fmt: skip
    after = evaluate_provider(repo, "ZA1", date(2014, 3, 10), policy_ids=["smq-2013"])
    rule_ids = [r.rule_id for r in after.recommendations]
    assert rule_ids == ["smq.entry.not_recommended_leadership_can_fix"]
    earlier = evaluate_provider(repo, "ZA1", date(2014, 3, 4), policy_ids=["smq-2013"])
    assert "smq.entry.judgement_needed" in [r.rule_id for r in earlier.recommendations]
    with loaded.engine.connect() as conn:
        assert [e.action for e in audit.entries(conn)] == ["judgement.add"]
        assert audit.verify(conn) == []


def test_the_database_refuses_a_second_open_episode(loaded: Platform) -> None:
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    _decide(loaded, "place_without_recommendation", date(2016, 3, 1), code="ZA2")
    row = {"provider_code": "ZA2", "regime": "smq", "start_date": date(2016, 4, 1)}
    with pytest.raises(IntegrityError), loaded.engine.begin() as conn:
        conn.execute(insert(regime_episodes).values(**row, state="in_regime"))
    # A closed episode, or an open one in another regime, is allowed.
    with loaded.engine.begin() as conn:
        conn.execute(
            insert(regime_episodes).values(**row, end_date=date(2016, 5, 1), state="exited")
        )
        conn.execute(insert(regime_episodes).values(**{**row, "regime": "cp"}, state="in_regime"))


def test_a_decision_opens_an_episode_on_a_freshly_loaded_demo(platform: Platform) -> None:
    from specialmeasures.demo import generate
    from specialmeasures.store.loader import load_country

    country = generate(7, end=date(2014, 12, 1))
    load_country(platform.repository, country)
    assert country.episodes
    assert max(e.id or 0 for e in country.episodes) > 1
    open_now = {e.provider_code for e in country.episodes if e.end is None}
    code = next(p.code for p in country.providers if p.code not in open_now)
    done = record_decision(
        platform.repository,
        provider_code=code,
        regime=Regime.SMQ,
        transition="place_without_recommendation",
        actor="Dana Chair",
        role="NHS Improvement",
        rationale="Recorded for the test on the synthetic demo",
        on=date(2015, 1, 5),
        recorded_at=AT,
    )
    assert done.episode is not None
    assert done.episode.id is not None
    assert done.episode.id > max(e.id or 0 for e in country.episodes)


def test_placing_against_judgement_needed_is_an_override(loaded: Platform) -> None:
    """'Judgement needed' calls for a judgement, not a placement: placing cites it as overridden."""
    ref = "smq-2013@1.0.0:smq.entry.judgement_needed:ZA1:2014-03-10"
    before = _counts(loaded)
    with pytest.raises(InputError, match="does not follow recommendation"):
        _decide(loaded, "place_without_recommendation", date(2015, 7, 1), code="ZA1",
                recommendation_ref=ref)  # fmt: skip
    assert _counts(loaded) == before
    done = _decide(loaded, "place_without_recommendation", date(2015, 7, 1), code="ZA1",
                   recommendation_ref=ref, overridden=True)  # fmt: skip
    assert done.accepted is False  # type: ignore[attr-defined]


def test_a_second_open_episode_is_refused_in_one_line_even_past_the_lock(
    loaded: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a writer reads a stale state (here: no episodes), the index refuses, cleanly."""
    from specialmeasures.regime import decisions as service

    _decide(loaded, "place_without_recommendation", date(2016, 3, 1), code="ZA2")
    before = _counts(loaded)
    monkeypatch.setattr(service, "episodes_of", lambda conn, code: [])
    monkeypatch.setattr(service, "lifecycle_events", lambda conn, code: [])
    with pytest.raises(TransitionError, match="another decision opened an episode first"):
        _decide(loaded, "place_without_recommendation", date(2016, 4, 1), code="ZA2")
    assert _counts(loaded) == before
