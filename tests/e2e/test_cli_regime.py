"""``decide``, ``timeline``, ``evaluate``, ``judgement`` and ``backtest`` through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from specialmeasures.bootstrap import Platform
from specialmeasures.cli.main import cli
from specialmeasures.store import audit
from specialmeasures.store.tables import decisions, regime_episodes

WHO = ["--as", "dana", "--role", "Provider Regulation Committee", "--rationale", "Test"]


@pytest.fixture
def runner(small_db: tuple[str, Platform], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SPECIALMEASURES_DATABASE_URL", small_db[0])
    return CliRunner()


def test_evaluate_text_and_json(runner: CliRunner) -> None:
    text = runner.invoke(cli, ["evaluate", "ZA1", "--as-of", "2014-03-10", "--policy", "smq-2013"])
    assert text.exit_code == 0, text.output
    assert "Judgement needed before recommending special measures" in text.stdout
    assert "reference: smq-2013@1.0.0:smq.entry.judgement_needed:ZA1:2014-03-10" in text.stdout
    assert "a named person decides" in text.stdout
    data = json.loads(
        runner.invoke(cli, ["evaluate", "ZA1", "--as-of", "2014-03-10", "--format", "json"]).stdout
    )
    assert [p["id"] for p in data["policies"]] == ["smq-2013", "cp"]
    assert [r["rule_id"] for r in data["recommendations"]] == ["smq.entry.judgement_needed"]
    assert data["recommendations"][0]["because"]


def test_judgement_then_decide_accepting_the_recommendation(runner: CliRunner) -> None:
    added = runner.invoke(
        cli,
        ["judgement", "add", "ZA3", "--fact", "nhsi_place_without_cqc", "--value", "yes",
         *WHO, "--on", "2016-05-01"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "judgement.nhsi_place_without_cqc = True" in added.stdout
    listed = runner.invoke(cli, ["judgement", "list", "ZA3", "--format", "csv"])
    assert "judgement.nhsi_place_without_cqc,True,2016-05-01" in listed.stdout
    ref = "smq-2013@1.0.0:smq.entry.nhsi_own_evidence:ZA3:2016-05-02"
    placed = runner.invoke(
        cli,
        ["decide", "ZA3", "--transition", "place_without_recommendation", *WHO,
         "--recommendation", ref, "--on", "2016-05-02"],
    )  # fmt: skip
    assert placed.exit_code == 0, placed.output
    assert "none -> in_regime; accepting " + ref in placed.stdout
    shown = runner.invoke(cli, ["timeline", "ZA3", "--as-of", "2017-06-01"])
    assert "Re-inspection OVERDUE: due 2017-05-02" in shown.stdout
    data = json.loads(
        runner.invoke(cli, ["timeline", "ZA3", "--as-of", "2017-06-01", "--format", "json"]).stdout
    )
    assert data["reinspection_overdue"] is True
    assert data["episode_start"] == "2016-05-02"
    verify = runner.invoke(cli, ["audit", "verify"])
    # Five account.create rows of the fixture, the judgement and the decision.
    assert verify.stdout == "audit chain intact: 7 rows\n"
    rows = json.loads(
        runner.invoke(cli, ["audit", "log", "--key", "ZA3", "--format", "json"]).stdout
    )
    assert [(r["actor"], r["role"], r["action"]) for r in rows] == [
        ("dana", "regulator_decision_maker", "judgement.add"),
        ("dana", "regulator_decision_maker", "decision.place_without_recommendation"),
    ]


def test_illegal_transition_is_a_one_line_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["decide", "ZA2", "--transition", "exit", *WHO, "--on", "2016-1-1"])
    assert result.exit_code == 2  # a bad date is a usage error
    result = runner.invoke(cli, ["decide", "ZA2", "--transition", "exit", *WHO, "--on", "2016-01"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: cannot 'exit' ZA2 in special measures for quality: its state is 'none' (no"
        " episode); 'exit' is allowed only from 'exit_recommended'; allowed now: recommend_entry,"
        " place_without_recommendation\n"
    )
    unknown = runner.invoke(cli, ["timeline", "ZZ9"])
    assert unknown.stderr == "error: unknown provider: 'ZZ9'\n"


def test_backtest_formats(runner: CliRunner) -> None:
    table = runner.invoke(cli, ["backtest", "--from", "2013-07", "--to", "2016-12"])
    assert table.exit_code == 0, table.output
    assert "Backtest of smq-2013 1.0.0" in table.stdout
    assert "Where they differ" in table.stdout
    data = json.loads(
        runner.invoke(cli, ["backtest", "--to", "2016-12", "--format", "json"]).stdout
    )
    assert data["months"] == 42
    assert [a["kind"] for a in data["agreement"]] == ["entry", "exit"]
    csv = runner.invoke(cli, ["backtest", "--to", "2016-12", "--format", "csv"]).stdout
    assert csv.startswith("kind,recommended_and_happened,")
    bad = runner.invoke(cli, ["backtest", "--from", "2016-01", "--to", "2015-01"])
    assert bad.exit_code == 2


def _state(small_db: tuple[str, Platform]) -> tuple[int, int, list[str]]:
    platform = small_db[1]
    with platform.engine.connect() as conn:
        rows = audit.entries(conn)
        episodes = conn.execute(select(func.count()).select_from(regime_episodes)).scalar_one()
        made = conn.execute(select(func.count()).select_from(decisions)).scalar_one()
    return int(episodes), int(made), [r.action for r in rows]


def test_a_trust_user_cannot_place_a_trust_in_special_measures(
    runner: CliRunner, small_db: tuple[str, Platform]
) -> None:
    episodes, made, actions = _state(small_db)
    refused = runner.invoke(
        cli,
        ["decide", "ZA1", "--transition", "place_without_recommendation", "--as", "tara",
         "--role", "Provider Regulation Committee", "--rationale", "x", "--on", "2016-01-01"],
    )  # fmt: skip
    assert refused.exit_code == 4, refused.output
    assert refused.output.strip() == (
        "error: tara may not decision.record: role trust_user may not decision.record"
    )
    after = _state(small_db)
    assert after[:2] == (episodes, made)
    assert after[2] == [*actions, "access.denied"]
    with small_db[1].engine.connect() as conn:
        denial = audit.entries(conn)[-1]
        assert audit.verify(conn) == []
    assert (denial.actor, denial.role, denial.entity_key) == ("tara", "trust_user", "ZA1")
    assert denial.payload["via"] == "cli"
    # A trust user may not record a judgement either, nor an unknown account anything.
    judged = runner.invoke(
        cli, ["judgement", "add", "ZA1", "--fact", "leadership_cannot_fix", "--value", "yes",
              "--as", "tara", "--role", "CQC", "--rationale", "x"],
    )  # fmt: skip
    assert judged.exit_code == 4
    assert "tara may not judgement.record" in judged.output
    unknown = runner.invoke(cli, ["decide", "ZA1", "--transition", "enter", "--as", "nobody",
                                  "--role", "r", "--rationale", "x"])  # fmt: skip
    assert unknown.exit_code == 4
    assert "no account 'nobody'" in unknown.output


def test_role_text_names_the_office_and_grants_nothing(
    runner: CliRunner, small_db: tuple[str, Platform], monkeypatch: pytest.MonkeyPatch
) -> None:
    # --as may come from the environment; the free-text role is recorded as the office.
    monkeypatch.setenv("SPECIALMEASURES_CLI_ACCOUNT", "dana")
    placed = runner.invoke(
        cli,
        ["decide", "ZA2", "--transition", "place_without_recommendation", "--role", "banana",
         "--rationale", "x", "--on", "2016-01-01"],
    )  # fmt: skip
    assert placed.exit_code == 0, placed.output
    with small_db[1].engine.connect() as conn:
        row = audit.entries(conn)[-1]
        stored = conn.execute(select(decisions.c.actor, decisions.c.role)).one()
    assert (row.actor, row.role, row.payload["office"]) == (
        "dana",
        "regulator_decision_maker",
        "banana",
    )
    assert tuple(stored) == ("dana", "banana")
    # An analyst's account may read but not decide, whatever role text it gives.
    refused = runner.invoke(
        cli,
        ["decide", "ZA3", "--transition", "place_without_recommendation", "--as", "alan",
         "--role", "regulator_decision_maker", "--rationale", "x", "--on", "2016-01-01"],
    )  # fmt: skip
    assert refused.exit_code == 4
    monkeypatch.delenv("SPECIALMEASURES_CLI_ACCOUNT")
    missing = runner.invoke(cli, ["decide", "ZA3", "--transition", "enter", "--role", "r",
                                  "--rationale", "x"])  # fmt: skip
    assert missing.exit_code == 2
    assert "--as" in missing.output


def test_audit_verify_names_truncation_and_checkpoint_refuses(
    runner: CliRunner, small_db: tuple[str, Platform]
) -> None:
    from sqlalchemy import text

    assert runner.invoke(cli, ["audit", "verify"]).stdout == "audit chain intact: 5 rows\n"
    done = runner.invoke(cli, ["audit", "checkpoint"])
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("audit checkpoint: 5 rows, head ")
    with small_db[1].engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > 3"))
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 3
    assert "audit row 5: rows 4..5 were removed from the end" in broken.stderr
    refused = runner.invoke(cli, ["audit", "checkpoint"])
    assert refused.exit_code == 3
    assert "no checkpoint written" in refused.stderr
    with small_db[1].engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    emptied = runner.invoke(cli, ["audit", "verify"])
    assert emptied.exit_code == 3
    assert "audit row 5: all rows were removed" in emptied.stderr
