"""``decide``, ``timeline``, ``evaluate``, ``judgement`` and ``backtest`` through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from specialmeasures.bootstrap import Platform
from specialmeasures.cli.main import cli

WHO = ["--actor", "Dana Chair", "--role", "Provider Regulation Committee", "--rationale", "Test"]


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
    assert verify.stdout == "audit chain intact: 2 rows\n"


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
