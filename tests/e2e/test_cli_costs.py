"""``specialmeasures costs`` end to end on a small generated country with demo interventions."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.demo import generate
from specialmeasures.interventions.demo_load import load_interventions
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country

AS_OF = "2016-12-01"
PRICED = ("funding_spent", "id_cost", "buddy_cost", "oversight_cost", "reporting_cost")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('costs') / 'costs.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    try:
        country = generate(7, end=date(2016, 12, 1))
        load_country(platform.repository, country)
        load_interventions(platform.repository, country)
    finally:
        platform.close()
    return url


def _run(db: str, monkeypatch: pytest.MonkeyPatch, *args: str, code: int = 0) -> Result:
    monkeypatch.setenv("SPECIALMEASURES_DATABASE_URL", db)
    result = CliRunner().invoke(cli, ["costs", "--as-of", AS_OF, *args])
    assert result.exit_code == code, result.output
    return result


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_trust_rows_add_up_to_the_group_rows(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    trusts = _csv(_run(db, monkeypatch, "--by", "trust", "--format", "csv").stdout)
    groups = _csv(_run(db, monkeypatch, "--by", "group", "--format", "csv").stdout)
    assert trusts
    assert {r["confidential"] for r in trusts} == {"yes"}
    for r in trusts:
        assert float(r["total_direct_cost"]) == sum(float(r[c]) for c in PRICED)
    total = {r["group"]: r for r in groups}["all"]
    assert int(total["trusts"]) == len(trusts)
    assert float(total["total_direct_cost"]) == sum(float(r["total_direct_cost"]) for r in trusts)
    assert float(total["total_direct_cost"]) > 0
    assert float(total["id_days"]) > 0
    by_group = [r for r in groups if r["group"] != "all"]
    assert sum(int(r["trusts"]) for r in by_group) == len(trusts)
    # consequences listed beside the costs: finances and outcome changes, with their direction
    for column in ("financial_position_change", "agency_spend_change", "shmi_change",
                   "ae_four_hour_change", "ae_four_hour_direction"):  # fmt: skip
        assert column in total
    assert total["shmi_change"] != ""


def test_json_and_table(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = json.loads(_run(db, monkeypatch, "--by", "group", "--format", "json").stdout)
    assert rows[-1]["group"] == "all"
    assert all(r["confidential"] == "yes" for r in rows)
    table = _run(db, monkeypatch).stdout
    assert "CONFIDENTIAL" in table
    assert "total direct" in table


def test_xlsx_has_a_confidential_cover_and_the_assumptions(
    db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "costs.xlsx"
    _run(db, monkeypatch, "--format", "xlsx", "-o", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["CONFIDENTIAL", "groups", "trusts", "assumptions"]
    assumptions = list(book["assumptions"].values)
    assert "id_day_rate" in assumptions[0]
    bad = _run(db, monkeypatch, "--format", "xlsx", code=2)
    assert "xlsx" in bad.output


def test_csv_to_a_file(db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "costs.csv"
    _run(db, monkeypatch, "--by", "trust", "--format", "csv", "-o", str(out))
    assert _csv(out.read_text(encoding="utf-8"))[0]["confidential"] == "yes"
