"""The ``ratings`` and ``policy`` commands through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from specialmeasures.cli.main import cli
from specialmeasures.rules import load_policies, load_policy


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["I", "RI", "I", "RI", "I"], "Inadequate"),  # Hinchingbrooke, January 2015
        (["RI", "G", "G", "RI", "G"], "Requires improvement"),  # Colchester, November 2017
        (["O", "O", "G", "G", "G"], "Outstanding"),
        (["Good", "good", "Requires improvement", "G", "Outstanding"], "Good"),
        (["I", "G", "G", "G", "G"], "judgement needed"),
    ],
)
def test_aggregate_prints_one_line(runner: CliRunner, args: list[str], expected: str) -> None:
    result = runner.invoke(cli, ["ratings", "aggregate", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{expected}\n"


def test_aggregate_breach_and_explain(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ratings", "aggregate", "--breach", "--explain", *"GGGGG"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "Requires improvement"
    assert result.stdout.splitlines()[1].startswith("rule breach_limiter:")


def test_bad_rating_is_a_one_line_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ratings", "aggregate", "I", "RI", "X", "RI", "I"])
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: Caring: must be Outstanding")


def test_policy_list_and_show(runner: CliRunner) -> None:
    listed = runner.invoke(cli, ["policy", "list", "--format", "csv"])
    assert listed.exit_code == 0
    ids = [line.split(",")[0] for line in listed.stdout.splitlines()[1:]]
    assert ids == [p.id for p in load_policies()]
    shown = runner.invoke(cli, ["policy", "show", "smq-2013"])
    assert shown.exit_code == 0
    for rule in load_policy("smq-2013").rules:
        assert rule.id in shown.stdout
    assert "funding_component_start" in shown.stdout
    missing = runner.invoke(cli, ["policy", "show", "smq-1999"])
    assert missing.exit_code == 1
    assert missing.stderr == "error: unknown policy: 'smq-1999'\n"


def test_policy_validate(runner: CliRunner, tmp_path: Path) -> None:
    import specialmeasures.policy as package

    good = Path(package.__file__).parent / "cp.yaml"
    ok = runner.invoke(cli, ["policy", "validate", str(good)])
    assert ok.exit_code == 0
    assert "valid (cp version 1.0.0" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        good.read_text().replace('op: "==", value: false}', 'op: "gtt", value: false}', 1)
    )
    failed = runner.invoke(cli, ["policy", "validate", str(bad)])
    assert failed.exit_code == 2
    assert failed.stderr == f"error: {bad}: rules[0].when.all[0]: unknown operator 'gtt'\n"
