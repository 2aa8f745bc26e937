"""The evaluation commands end to end on a small generated country (SQLite, CliRunner)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.demo import generate
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country

AS_OF = "2016-12-01"
GROUPS = ("prolonged_poor_performer", "cp_to_smq", "cp_only", "clear_improver")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('eval') / 'eval.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    try:
        load_country(platform.repository, generate(7, end=date(2016, 12, 1)))
    finally:
        platform.close()
    return url


@pytest.fixture
def run(db: str, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("SPECIALMEASURES_DATABASE_URL", db)
    runner = CliRunner()

    def invoke(*args: str) -> object:
        result = runner.invoke(cli, list(args))
        assert result.exit_code == 0, result.output + (result.stderr or "")
        return result

    return invoke


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_trajectories_populates_every_group(run) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(run("trajectories", "--as-of", AS_OF, "--format", "csv").stdout)
    groups = {r["primary_group"] for r in rows}
    assert set(GROUPS) <= groups
    assert "never_in_regime" in groups
    table = run("trajectories", "--as-of", AS_OF).stdout
    assert "CONFIDENTIAL" in table


def test_sample_with_four_refusals(run) -> None:  # type: ignore[no-untyped-def]
    first = _csv(run("sample", "--as-of", AS_OF, "--seed", "4", "--format", "csv").stdout)
    assert len(first) == 8
    # Decline four sites of groups with spare candidates (the 2016 country has few improvers).
    sizes: dict[str, int] = {}
    for r in _csv(run("trajectories", "--as-of", AS_OF, "--format", "csv").stdout):
        sizes[r["primary_label"]] = sizes.get(r["primary_label"], 0) + 1
    declined = [r["code"] for r in first if sizes[r["group"]] >= 4][:4]
    assert len(declined) == 4
    args = [a for code in declined for a in ("--decline", code)]
    out = run("sample", "--as-of", AS_OF, "--seed", "4", *args).stdout
    assert "approached 12, declined 4, included 8" in out
    assert "Characteristics of included sites" in out
    rows = json.loads(
        run("sample", "--as-of", AS_OF, "--seed", "4", *args, "--format", "json").stdout
    )
    assert sorted(r["case"] for r in rows if r["status"] == "included") == list(range(1, 9))
    depths = [r["depth"] for r in rows if r["status"] == "included"]
    assert sorted(depths) == ["High-level"] * 4 + ["In-depth"] * 4  # the seed's four and four
    assert "In-depth" in out
    assert "High-level" in out


def test_figure_svg_and_png_with_twins(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(run("trajectories", "--as-of", AS_OF, "--format", "csv").stdout)
    codes = [next(r["code"] for r in rows if r["primary_group"] == g) for g in GROUPS]
    for suffix in ("svg", "png"):
        out = tmp_path / f"traj.{suffix}"
        run("figure", "trajectories", *codes, "--as-of", AS_OF, "-o", str(out))
        assert out.stat().st_size > 1000
        data = json.loads(out.with_suffix(".json").read_text())
        assert data["confidential"] is True
        assert [t["code"] for t in data["trusts"]] == codes
        assert {r["group"] for r in _csv(out.with_suffix(".csv").read_text())} >= {"CP"}
    assert (tmp_path / "traj.svg").read_text().lstrip().startswith("<?xml")


def test_impact_did_with_plot_and_its(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(run("impact", "--indicator", "shmi", "--format", "json").stdout)
    assert doc["estimator"] == "matched"  # the default design
    assert "composite score of the other monthly indicators" in doc["notes"][0]
    assert doc["independent"]["estimator"] == "callaway_santanna"
    assert doc["reading"]["verdict"] in {"cannot tell", "effect"}
    doc = json.loads(
        run("impact", "--indicator", "shmi", "--design", "did", "--format", "json").stdout
    )
    assert doc["estimator"] == "did2s"
    assert "p_value" in doc["pretrend"]
    plot = tmp_path / "es.svg"
    run("impact", "--indicator", "shmi", "-o", str(plot), "--window", "-6", "12")
    assert plot.exists()
    assert len(_csv(plot.with_suffix(".csv").read_text())) == 19
    rows = _csv(run("trajectories", "--as-of", AS_OF, "--format", "csv").stdout)
    entered = [
        r["code"] for r in rows if r["smq_entries"] == "1" and r["trust_type"].startswith("Acute")
    ]
    results = [CliRunner().invoke(cli, ["impact", "--indicator", "shmi", "--design", "its",
                                        "--provider", c, "--format", "json"]) for c in entered]  # fmt: skip
    assert any(r.exit_code == 0 and "level_change" in r.stdout for r in results)


def test_sustainability_and_balancing(run) -> None:  # type: ignore[no-untyped-def]
    curves = _csv(run("sustainability", "--as-of", AS_OF, "--format", "csv").stdout)
    assert curves[0]["stratum"] == "all"
    assert {c["by"] for c in curves} == {"all", "group", "trust type"}
    rows = _csv(run("balancing", "--format", "csv").stdout)
    roles = {r["indicator"]: r["role"] for r in rows}
    assert roles["staff_engagement"] == "balancing"
    assert roles["shmi"] == "intended"


def test_kaplan_meier_figure_with_its_twins(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "km.png"
    run("figure", "sustainability", "--as-of", AS_OF, "--by", "all", "-o", str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(out.with_suffix(".json").read_text())
    curves = _csv(run("sustainability", "--as-of", AS_OF, "--format", "csv").stdout)
    overall = next(c for c in curves if c["by"] == "all")
    (curve,) = data["curves"]
    assert (curve["n"], curve["re_entries"]) == (int(overall["n"]), int(overall["re_entries"]))
    steps = _csv(out.with_suffix(".csv").read_text())
    assert steps[0]["survival"] == "1.0"
    assert all(s["confidential"] == "yes" for s in steps)
    assert len(steps) == len(curve["steps"])
    bad = CliRunner().invoke(cli, ["figure", "sustainability", "-o", str(tmp_path / "km.gif")])
    assert bad.exit_code != 0
    assert ".svg or .png" in bad.output
    assert not (tmp_path / "km.gif").exists()


def test_evidence_import_and_matrix_exports(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(run("trajectories", "--as-of", AS_OF, "--format", "csv").stdout)
    site = rows[0]["code"]
    path = tmp_path / "ev.csv"
    path.write_text(
        "ref,site,date,source_type,tier,title,rap_context,rap_interventions,rap_drivers,"
        "rap_barriers,rap_unintended_consequences,rap_sustainability,quote,codes\n"
        f"E2E-1,{site},2019-01-01,interview,senior,CEO,,,,,,,,governance;funding\n"
        f"E2E-2,{site},2019-01-02,document,external,Minutes,,,,,,,,governance\n"
    )
    assert "records 2" in run("evidence", "import", str(path)).stdout
    wide = _csv(run("evidence", "matrix", "--format", "csv").stdout)
    assert wide[0]["governance"] == "2 (interview+document) *"
    assert wide[0]["confidential"] == "yes"
    out = tmp_path / "matrix.xlsx"
    run("evidence", "matrix", "--format", "xlsx", "-o", str(out))
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert book.sheetnames[0] == "CONFIDENTIAL"
    assert {"matrix", "cells", "codebook", "evidence"} <= set(book.sheetnames)
    bad = tmp_path / "bad.csv"
    bad.write_text(path.read_text().replace("interview", "survey"))
    result = CliRunner().invoke(cli, ["evidence", "import", str(bad)])
    assert result.exit_code == 2
    assert "survey" in result.stderr
    assert "row 2" in result.stderr


def test_validate_impact_reports_the_world_it_generated() -> None:
    result = CliRunner().invoke(
        cli,
        ["validate-impact", "--seeds", "1", "--indicator", "shmi", "--world", "selection",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["world"], doc["design"], doc["seeds"]) == ("selection", "matched", [1])
    assert doc["summary"]["att_truth"] < 0  # SHMI: lower is better, SMQ lowers it
