"""`specialmeasures demo --no-serve` builds the full synthetic country and prints its counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from specialmeasures.access import Role
from specialmeasures.access.demo_work import WORK, demo_as_of, work_at
from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.interventions.demo_current import FUNDED_REGIMES, regime_now
from specialmeasures.settings import Settings


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

    # Every scoped demo account belongs to a trust with current work at the demo's last month.
    printed = re.findall(r"^  (\w+)\s+(demo-[\w-]+)\s+\S+(?:\s+scope: (.+))?$", out, re.MULTILINE)
    scopes = {Role(role): scope for role, _, scope in printed}
    assert set(scopes) == {r for r in Role if r is not Role.PUBLIC}
    trusts = {scopes[r] for r in Role if r.scoped}
    assert len(trusts) == 1
    assert all(not scopes[r] for r in scopes if not r.scoped)
    (trust,) = trusts
    platform = bootstrap(Settings(database_url=env["SPECIALMEASURES_DATABASE_URL"]))
    try:
        as_of = demo_as_of(platform.repository)
        assert as_of.year == 2025  # the demo's last month of data
        with platform.engine.connect() as conn:
            found = work_at(conn, as_of)
        regime = regime_now(platform.repository, trust, as_of)
    finally:
        platform.close()
    # Funding is applied for in the regimes the funding rules know (SMQ, CP, RSP, PIP); the one
    # trust in a current episode at the end of 2025 is in the Recovery Support Programme.
    lacking = [] if regime in FUNDED_REGIMES else ["funding"]
    assert [w for w in WORK if trust not in found[w]] == lacking

    again = runner.invoke(cli, ["demo", "--no-serve"], env=env)
    assert again.exit_code == 0
    assert "already built (seed 2013)" in again.stdout

    providers = runner.invoke(
        cli, ["providers", "--format", "csv", "--as-of", "2016-01-01"], env=env
    )
    assert providers.exit_code == 0
    assert len(providers.stdout.strip().splitlines()) == 218
    assert "(synthetic)" in providers.stdout or "synthetic" in providers.stdout.lower()
