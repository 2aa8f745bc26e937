"""The interventions commands end to end: record, refuse with a clear error, Table 3's shape."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from factories import add_cli_accounts
from interventions_fixtures import load_register
from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.settings import Settings

WHO = ["--as", "ada", "--role", "NHSI regional director", "--rationale", "why"]
TRUST = ["--as", "tara", "--role", "Trust board secretary", "--rationale", "monthly"]


def test_interventions_commands(sqlite_url: str, tmp_path: Path) -> None:
    platform = bootstrap(Settings(database_url=sqlite_url), upgrade=True)
    load_register(platform)
    add_cli_accounts(platform.repository, trust="ZB1")
    platform.close()
    env = {"SPECIALMEASURES_DATABASE_URL": sqlite_url}
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    run("ids", "add", "Ida One", "--background", "governance", "--max-trusts", "1", *WHO)
    run("ids", "assign", "Ida One", "ZB1", "--start", "2016-07-01", *WHO)
    refused = run("ids", "assign", "Ida One", "ZB3", "--start", "2017-02-01", *WHO, code=2)
    assert "at capacity" in refused
    assert "Ida One" in run("ids", "propose", "ZB3", "--as-of", "2017-02-01")
    assert "long_in_post" in run("ids", "flags", "--as-of", "2017-06-01")
    assert "2016-07" in run("ids", "caseload", "--from", "2016-07", "--to", "2016-09")
    over = run("funding", "apply", "ZB1", "--stage", "smq-entry", "--amount", "600000",
               "--aim", "QI faculty", "--on", "2016-09-01", *WHO, code=2)  # fmt: skip
    assert "smq.funding.entry_available" in over
    run("funding", "apply", "ZB1", "--stage", "smq-entry", "--amount", "400000",
        "--aim", "QI faculty=300000", "--aim", "Ward leaders=100000", "--on", "2016-09-01", *WHO)  # fmt: skip
    run("funding", "approve", "1", "--on", "2016-10-01", "--as", "eve", "--role",
        "Executive Medical Director", "--rationale", "mapped to aims")  # fmt: skip
    suggestions = run("buddies", "suggest", "ZB1", "--scope", "maternity", "--as-of", "2017-01-01",
                      "--format", "json")  # fmt: skip
    assert json.loads(suggestions)[0]["buddy"] == "ZB4"
    run("buddies", "record", "ZB1", "ZB4", "--arranged-by", "nhsi", "--start", "2016-08-01", *WHO)
    run("leaders", "add", "ZB1", "--post", "chief_executive", "--holder", "C", "--start",
        "2016-10-01", "--interim", *WHO)  # fmt: skip
    assert "UNSTABLE" in run("leaders", "show", "ZB1", "--as-of", "2017-01-01")
    run("plan", "add", "ZB1", "--finding-kind", "must_do", "--finding", "Unsafe staffing",
        "--action", "Recruit", "--domain", "clinical_leadership", "--owner", "CN",
        "--due", "2099-01-01", *WHO)  # fmt: skip
    run("returns", "member", "ZB1", "--body", "cqc", "--name", "Cara", *WHO)
    run("returns", "member", "ZB1", "--body", "icb", "--name", "Ian", *WHO)
    run(
        "returns", "request", "ZB1", "--body", "cqc", "--item", "falls", "--item", "vacancies", *WHO
    )
    run("returns", "request", "ZB1", "--body", "icb", "--item", "falls", *WHO)
    data = tmp_path / "return.json"
    data.write_text(json.dumps({"falls": "3", "vacancies": "40"}))
    refused = run("returns", "submit", "ZB1", "--period", "2017-01", "--file", str(data), *WHO,
                  code=4)  # fmt: skip
    assert "ada may not return.submit: role regulator_decision_maker" in refused
    run("returns", "submit", "ZB1", "--period", "2017-01", "--file", str(data), *TRUST)
    again = run("returns", "submit", "ZB1", "--period", "2017-01", "--file", str(data), *TRUST,
                code=2)  # fmt: skip
    assert "one return per period" in again
    assert "vacancies" not in run(
        "returns", "report", "ZB1", "--period", "2017-01", "--body", "icb"
    )
    burden = json.loads(run("returns", "burden", "ZB1", "--format", "json"))
    assert {"measure": "saving (item reports not duplicated)", "value": 1} in burden
    run("interventions", "record", "ZB3", "--kind", "director", "--status", "none", *WHO)

    matrix = json.loads(run("interventions", "matrix", "--as-of", "2018-01-01", "--format", "json"))
    assert [r["intervention"] for r in matrix] == [
        "Improvement Director", "Buddying", "Changes in senior management staff and/or board",
        "NHSI funds",
    ]  # fmt: skip
    assert [r["ZB1"] for r in matrix] == ["✓", "✓", "", "✓"]  # first holder: no change
    assert [r["ZB3"] for r in matrix] == ["", "No data", "No data", "No data"]
    assert matrix[3]["ZB2"] == ""
    csv = run("interventions", "matrix", "--providers", "ZB1", "--as-of", "2018-01-01",
              "--format", "csv")  # fmt: skip
    assert csv.splitlines()[0] == "intervention,ZB1"
    out = tmp_path / "m.xlsx"
    run(
        "interventions", "matrix", "--as-of", "2018-01-01", "--format", "xlsx", "--output", str(out)
    )
    sheet = load_workbook(out).active
    assert sheet is not None
    assert sheet["A1"].value == "intervention"
    assert sheet.max_row == 5
    html = tmp_path / "pack.html"
    run("interventions", "pack", "ZB1", "--as-of", "2017-02-01", "--output", str(html))
    assert "Improvement Director" in html.read_text()
    run("interventions", "pack", "ZB1", "--format", "xlsx", "--output", str(tmp_path / "p.xlsx"))
    pack = load_workbook(tmp_path / "p.xlsx")
    for ws in pack.worksheets:
        assert str(ws["A1"].value).startswith("CONFIDENTIAL"), ws.title
        assert ws.oddHeader.center.text.startswith("CONFIDENTIAL"), ws.title
