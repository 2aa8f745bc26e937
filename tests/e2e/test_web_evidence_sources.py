"""National-level evidence and the seed's Table 2 (sources by type and level), on SQLite and
PostgreSQL: ``evidence import`` takes ``national`` as a site; the framework matrix stays by
trust; the table counts both levels for readers whose ``evidence.read`` reaches every provider,
and only their own trusts' sources for the others, in the page, JSON, CSV and Excel alike."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from access_fixtures import OWN, add_role_accounts, client_as, load_small_register, make_app
from specialmeasures.access import Role
from specialmeasures.bootstrap import Platform
from specialmeasures.cli.main import cli

HEADER = (
    "ref,site,date,source_type,tier,title,rap_context,rap_interventions,rap_drivers,"
    "rap_barriers,rap_unintended_consequences,rap_sustainability,quote,codes\n"
)
ROWS = (
    "NAT-1,national,2016-03-01,interview,external,National representative 1,,,,,,,,\n"
    "NAT-2,National,2016-03-02,interview,external,National representative 2,,,,,,,,\n"
    "NAT-3,national,2016-03-03,document,external,Policy paper,,,,,,,,\n"
    f"T-1,{OWN},2016-03-04,interview,senior,Chief executive,,,,,,,,\n"
    f"T-2,{OWN},2016-03-05,observation,divisional,Board meeting,,,,,,,,\n"
)


def counts(rows: list[dict[str, object]]) -> dict[tuple[object, object], object]:
    return {(r["level"], r["source_type"]): r["sources"] for r in rows if r["sources"]}


def test_national_evidence_and_table_2(
    platform: Platform, tmp_path: Path, database_url: str
) -> None:
    load_small_register(platform)  # ZA4 has one interview of its own (access_fixtures)
    file = tmp_path / "workstreams.csv"
    file.write_text(HEADER + ROWS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["evidence", "import", str(file)],
                                env={"SPECIALMEASURES_DATABASE_URL": database_url})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "records 5" in result.output
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    regulator, _ = client_as(app, accounts[Role.REGULATOR_ANALYST])
    table = regulator.get("/evaluation/evidence/sources.json").json()
    assert counts(table["rows"]) == {
        ("national", "interview"): 2, ("national", "document"): 1,
        ("trust", "interview"): 2, ("trust", "observation"): 1,
    }  # fmt: skip
    national = next(r for r in table["rows"] if r["level"] == "national" and r["sources"] == 2)
    assert (national["external"], national["sites"]) == (2, None)
    trust_interviews = next(r for r in table["rows"] if r["level"] == "trust"
                            and r["source_type"] == "interview")  # fmt: skip
    assert (trust_interviews["sites"], trust_interviews["senior"]) == (2, 2)
    # The framework matrix stays by trust: no "national" site.
    sites = [r["site"] for r in regulator.get("/evaluation/evidence.json").json()["rows"]]
    assert "" not in sites
    assert "NATIONAL" not in sites
    # A trust user: their own trust's two sources, nothing national, in every form.
    trust, _ = client_as(app, accounts[Role.TRUST_USER])
    own = trust.get("/evaluation/evidence/sources.json").json()
    assert counts(own["rows"]) == {("trust", "interview"): 1, ("trust", "observation"): 1}
    assert own["scoped"] is True
    text = trust.get("/evaluation/evidence/sources.csv").text
    assert "national" not in text
    assert "trust,interview,1,1,1,0,0,0,yes" in text
    book_bytes = trust.get("/evaluation/evidence/sources.xlsx").content
    cells = list(load_workbook(io.BytesIO(book_bytes)).active.iter_rows(values_only=True))
    assert cells[0][0].startswith("CONFIDENTIAL")
    assert all(row[0] != "national" for row in cells)
    page = trust.get("/evaluation/evidence/sources").text
    assert "Showing your own trusts' sources only" in page
    for role in (Role.OAG_MEMBER, Role.ADMINISTRATOR):
        client, _ = client_as(app, accounts[role])
        assert client.get("/evaluation/evidence/sources.json").status_code == 403


def test_national_is_refused_to_a_trust_upload(platform: Platform) -> None:
    load_small_register(platform)
    app, book = make_app(platform)
    accounts = add_role_accounts(book)
    trust, token = client_as(app, accounts[Role.TRUST_USER])
    text = HEADER + "NAT-9,national,2016-03-01,interview,external,X,,,,,,,,\n"
    answer = trust.post(f"/providers/{OWN}/evidence/import.json", headers={"x-csrf-token": token},
                        json={"file_name": "n.csv", "csv": text})  # fmt: skip
    assert answer.status_code == 400
    assert "column 'site'" in answer.json()["error"]["message"]
