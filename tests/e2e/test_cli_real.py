"""``specialmeasures real`` and the register commands, run as a user runs them, and the pages of
the real database labelled as real, published data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.settings import Settings
from specialmeasures.store.tables import imports, providers
from specialmeasures.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "real"


def run(args: list[str], url: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, env={"SPECIALMEASURES_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def counts(url: str) -> tuple[int, int]:
    platform = bootstrap(Settings(database_url=url))
    try:
        with platform.engine.connect() as conn:
            return (
                int(conn.execute(select(func.count()).select_from(providers)).scalar_one()),
                int(conn.execute(select(func.count()).select_from(imports)).scalar_one()),
            )
    finally:
        platform.close()


def test_import_commands_print_what_they_did_and_name_unmatched_names(sqlite_url: str) -> None:
    code, out, err = run(["import", "ods", str(DATA / "ods" / "etr_2021.csv")], sqlite_url)
    assert code == 0, err
    assert "Read 241 rows from etr_2021.csv (etr, 24 fields" in out
    assert "Created 238 trusts." in out
    assert "3  in Wales (region W00): not an NHS England trust" in out
    code, out, _ = run(["import", "ods", str(DATA / "ods" / "etr_2021.csv")], sqlite_url)
    assert out.startswith("Already imported: etr_2021.csv")
    code, out, _ = run(["import", "smq-record"], sqlite_url)
    assert code == 0
    assert "23 trusts; 22 mapped to ODS codes through smq_trust_codes.csv, 1 unmatched." in out
    assert "Heatherwood and Wexham Park Hospitals NHS Foundation Trust: not in the register" in out
    assert "RXW   SMQ  2018-11-08 (day)" in out
    code, out, _ = run(["import", "successors"], sqlite_url)
    assert code == 0
    assert "Loaded 40 successions from ods_successors.csv" in out
    code, out, _ = run(["successors", "RNL", "--as-of", "2020-01-01"], sqlite_url)
    assert code == 0
    assert "On 2020-01-01, RNL's services were held by RNN." in out
    code, out, _ = run(["successors", "RAJ", "--format", "csv"], sqlite_url)
    assert out.splitlines()[1:] == [
        "RDD,RAJ,2020-04-01,merger,ods-snapshots",
        "RQ8,RAJ,2020-04-01,merger,ods-snapshots",
    ]


def test_a_corrupted_register_file_exits_2_naming_the_cell(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "etr.csv"
    bad.write_bytes(
        (DATA / "ods" / "etr_2021.csv").read_bytes().replace(b",20110401,", b",2011-04-01,", 1)
    )
    code, _, err = run(["import", "ods", str(bad)], sqlite_url)
    assert code == 2
    assert "etr.csv" in err
    assert "column 11 (open date)" in err
    assert "2011-04-01" in err


@pytest.mark.slow
def test_real_builds_a_labelled_real_database_and_never_twice(sqlite_url: str) -> None:
    code, out, err = run(["real", "--data", str(DATA), "--no-serve", "--actor", "t"], sqlite_url)
    assert code == 0, err
    assert "Loaded 40 successions" in out
    assert "22 mapped to ODS codes" in out
    assert "A&E statistics: 12 files imported, 0 already imported" in out
    assert "Local accounts, one per role" in out
    built = counts(sqlite_url)
    assert built[0] == 241
    code, out, err = run(["real", "--data", str(DATA), "--no-serve"], sqlite_url)
    assert code == 0, err
    assert "Already imported: etr_2021.csv" in out
    assert "A&E statistics: 0 files imported, 12 already imported." in out
    assert counts(sqlite_url) == built
    platform = bootstrap(Settings(database_url=sqlite_url))
    try:
        meta = platform.repository.meta()
        assert (meta["real"], meta["synthetic"]) == ("true", "false")
        assert not any(p.synthetic for p in platform.repository.providers())
        client = TestClient(create_app(platform, today=lambda: date(2018, 12, 1)))
        html = client.get("/providers").text
        assert "Real, published data" in html
        assert "Open Government Licence v3.0" in html
        assert "Synthetic data" not in html
        assert "THE SHREWSBURY AND TELFORD HOSPITAL NHS TRUST" in html
        rows = client.get("/providers.json", params={"as_of": "2018-12-01"}).json()["providers"]
        rxw = next(r for r in rows if r["code"] == "RXW")
        assert rxw["regime_status"] == "Special measures for quality"
        assert rxw["synthetic"] is False
        profile = client.get("/providers/RXW")
        assert "Real, published data" in profile.text
        assert "Public record: start published as 2018-11-08 (day)" in profile.text
        episode = client.get("/providers/RXW.json").json()["episodes"][0]
        assert episode["public_record"]["end_basis"].startswith("exit not in record")
        rnl = client.get("/providers/RNL.json", params={"as_of": "2018-12-01"}).json()
        assert rnl["provider"]["close_date"] == "2019-09-30"
        assert rnl["provider"]["successions"][0]["successor"] == "RNN"
        assert "Taken over by" in client.get("/providers/RNL").text
    finally:
        platform.close()
    # The demo never overwrites it.
    code, _, err = run(["demo", "--no-serve"], sqlite_url)
    assert code != 0
    assert "not the synthetic demo" in err


def test_real_refuses_the_synthetic_demo_database(small_db: tuple[str, Platform]) -> None:
    url, _ = small_db
    code, _, err = run(["real", "--data", str(DATA), "--no-serve"], url)
    assert code == 1
    assert "synthetic demo" in err
