"""`specialmeasures demo --no-serve` builds the full synthetic country and prints its counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from specialmeasures.cli.main import cli


@pytest.mark.slow
def test_demo_builds_the_calibrated_country_then_reuses_it(tmp_path: Path) -> None:
    env = {"SPECIALMEASURES_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Synthetic demonstration data" in out

    def count(label: str) -> int:
        match = re.search(rf"^\s+{label}\s+(\d+)\s*$", out, re.MULTILINE)
        assert match, label
        return int(match.group(1))

    assert count("providers") == 217
    assert count("entered smq or cp jul2013 sep2019") == 59
    assert count("ever smq or cp by oct2019") == 62
    assert count("smq reentries") >= 3
    assert count("inspections") > 800
    assert count("observations") > 500_000
    for group in ("prolonged poor performer", "cp to smq", "cp only", "clear improver"):
        assert count(f"group {group}") >= 2

    again = runner.invoke(cli, ["demo", "--no-serve"], env=env)
    assert again.exit_code == 0
    assert "already built (seed 2013)" in again.stdout

    providers = runner.invoke(
        cli, ["providers", "--format", "csv", "--as-of", "2016-01-01"], env=env
    )
    assert providers.exit_code == 0
    assert len(providers.stdout.strip().splitlines()) == 218
    assert "(synthetic)" in providers.stdout or "synthetic" in providers.stdout.lower()
