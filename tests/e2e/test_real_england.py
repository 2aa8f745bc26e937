"""On real published A&E data: ``validate-real`` in its three formats, and a trust's indicator
page assured against the national standard in force (chart line, standard and its source)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

from click.testing import CliRunner

from access_fixtures import client_as
from ae_samples import MONTHLY, TIDY, register_trusts
from specialmeasures.bootstrap import Platform, bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.ingest.ae_import import import_ae
from specialmeasures.settings import Settings
from specialmeasures.web.app import create_app


def real_db(url: str) -> Platform:
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    register_trusts(platform, {"RM1": date(2018, 6, 1), "RXW": date(2018, 11, 8)})
    for path in [TIDY, *MONTHLY]:
        import_ae(platform.repository, path, actor="t", at=datetime(2026, 12, 4, tzinfo=UTC))
    return platform


def test_validate_real_in_text_json_and_csv(sqlite_url: str) -> None:
    real_db(sqlite_url).close()
    env = {"SPECIALMEASURES_DATABASE_URL": sqlite_url}
    text = CliRunner().invoke(cli, ["validate-real"], env=env)
    assert text.exit_code == 0, text.stderr
    assert "2016-04 to 2019-03" in text.stdout
    assert "standard 78%" in text.stdout
    assert "CONFIDENTIAL: counts only" in text.stdout
    assert "2018-11 RXW" in text.stdout
    assert "too little data to tell" in text.stdout
    doc = json.loads(CliRunner().invoke(cli, ["validate-real", "--format", "json"], env=env).stdout)
    assert [e["provider_code"] for e in doc["early_warning"]] == ["RM1", "RXW"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                CliRunner().invoke(cli, ["validate-real", "--format", "csv"], env=env).stdout
            )
        )
    )
    assert {"stretch", "provider_code", "standard", "assurance"} <= set(rows[0])
    assert len(rows) == len(doc["spc"])


def test_indicator_page_shows_the_standard_in_force(sqlite_url: str) -> None:
    platform = real_db(sqlite_url)
    try:
        app = create_app(platform, today=lambda: date(2025, 5, 31))
        client, _ = client_as(app, None)
        data = client.get("/providers/RM1/indicators/ae_four_hour.json").json()
        assert data["indicator"]["target"] == 0.78
        assert data["indicator"]["standard"]["source_url"].startswith("https://")
        assert data["indicator"]["assurance_icon"] in {"pass", "fail", "inconsistent"}
        page = client.get("/providers/RM1/indicators/ae_four_hour")
        assert page.status_code == 200
        assert "78%: Planning guidance 2025/26" in page.text
        assert "national standard 0.78" in page.text
        assert "No target" not in page.text
    finally:
        platform.close()
