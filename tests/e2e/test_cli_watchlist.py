"""``specialmeasures watchlist`` and ``validate-early-warning`` end to end on SQLite."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.demo import generate
from specialmeasures.monitoring import CONFIDENTIAL_BANNER
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('wl') / 'wl.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    load_country(platform.repository, generate(7, end=date(2015, 12, 1)))
    platform.close()
    return {"SPECIALMEASURES_DATABASE_URL": url}


def _run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_table_has_the_banner(env: dict[str, str]) -> None:
    out = _run(env, "watchlist", "--as-of", "2015-10-01", "--limit", "5")
    assert CONFIDENTIAL_BANNER in out
    assert "Watch list as of 2015-10-01" in out


def test_csv_export(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "wl.csv"
    _run(env, "watchlist", "--as-of", "2015-10", "--format", "csv", "-o", str(target))
    lines = target.read_text().splitlines()
    assert lines[0].startswith("# CONFIDENTIAL")
    assert lines[1].split(",")[:3] == ["band", "code", "name"]
    assert lines[1].endswith("confidential")
    assert all(line.endswith(",True") for line in lines[2:])
    assert len(lines) == 2 + 217


def test_json_and_xlsx_exports(env: dict[str, str], tmp_path: Path) -> None:
    data = json.loads(_run(env, "watchlist", "--as-of", "2015-10-01", "--format", "json"))
    assert data["confidential"] is True
    assert data["banner"].startswith("CONFIDENTIAL")
    assert {"providers", "flags", "systems"} <= set(data)
    target = tmp_path / "wl.xlsx"
    _run(env, "watchlist", "--as-of", "2015-10-01", "--format", "xlsx", "-o", str(target))
    book = load_workbook(target)
    assert book.sheetnames == ["Providers", "Flags", "Systems"]
    for sheet in book.worksheets:
        assert str(sheet["A1"].value).startswith("CONFIDENTIAL")
    assert book["Providers"]["A2"].value == "band"


def test_xlsx_needs_a_file(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        cli, ["watchlist", "--as-of", "2015-10-01", "--format", "xlsx"], env=env
    )
    assert result.exit_code == 2
    assert "-o FILE.xlsx" in result.output


def test_validate_early_warning(env: dict[str, str]) -> None:
    out = _run(env, "validate-early-warning", "--from", "2014-07", "--to", "2015-12")
    assert "sensitivity" in out
    assert "false alarms" in out
    assert "lead time" in out
    assert "chance level" in out
    assert "PPV" in out
    data = json.loads(_run(env, "validate-early-warning", "--from", "2014-07", "--format", "json"))
    assert data["months"] == 18
    warning = data["warning"]
    assert warning["entries_flagged_before"] <= warning["entries"]
    assert 0 <= warning["chance_level"] <= 1
    assert warning["onsets_followed_by_entry"] <= warning["flag_onsets"]


@pytest.mark.slow
def test_validate_early_warning_in_a_null_world() -> None:
    result = CliRunner().invoke(
        cli, ["validate-early-warning", "--world", "null", "--seeds", "1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["world"] == "null"
    s = data["summary"]
    # No designed pre-entry decline: direct entries are flagged about as often as chance.
    assert abs(s["direct_sensitivity"] - s["direct_chance_level"]) < 0.3
    assert s["ppv"] < 0.5
