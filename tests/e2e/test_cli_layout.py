"""Wide matrices in the terminal (cli/_layout.py): at 80 columns the interventions and evidence
matrices print long (one row per trust x item) and every line fits; in a wide terminal, or with
--layout wide, they print as the matrix; --layout long forces the long form anywhere."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.demo import generate
from specialmeasures.interventions import intervention_matrix
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country

AS_OF = "2016-12-01"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('layout') / 'layout.db'}"
    platform = bootstrap(Settings(database_url=url), upgrade=True)
    try:
        load_country(platform.repository, generate(7, end=date(2016, 12, 1)))
        trusts = intervention_matrix(platform.repository, as_of=date(2016, 12, 1)).providers
    finally:
        platform.close()
    return url, list(trusts)


def _run(db: tuple[str, list[str]], columns: int, *args: str) -> str:
    env = {"SPECIALMEASURES_DATABASE_URL": db[0], "COLUMNS": str(columns)}
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _head(text: str) -> str:
    """The table's header rows (rich draws them with heavy rules)."""
    return "\n".join(line for line in text.splitlines() if "┃" in line)


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_interventions_matrix_turns_long_at_80_columns(db: tuple[str, list[str]]) -> None:
    trusts = db[1]
    assert len(trusts) > 10  # too many for a column each in 80 characters
    out = _run(db, 80, "interventions", "matrix", "--as-of", AS_OF)
    assert _widest(out) <= 80
    header = next(line for line in out.splitlines() if "┃ intervention" in line)
    assert "┃ trust" in header
    assert "delivered" in header
    for code in trusts:  # one row per trust and intervention
        assert sum(f" {code} " in line for line in out.splitlines()) == 4


def test_interventions_matrix_is_wide_when_it_fits_or_is_asked(
    db: tuple[str, list[str]],
) -> None:
    trusts = db[1]
    two = ["--providers", trusts[0], "--providers", trusts[1]]
    narrow_but_small = _run(db, 80, "interventions", "matrix", "--as-of", AS_OF, *two)
    header = next(line for line in narrow_but_small.splitlines() if "┃ intervention" in line)
    assert trusts[0] in header  # two trusts fit 80 columns: the matrix itself
    assert trusts[1] in header
    forced = _run(db, 80, "interventions", "matrix", "--as-of", AS_OF, "--layout", "wide")
    header = next(line for line in forced.splitlines() if "┃ intervention" in line)
    assert all(code in header for code in trusts)  # one unwrapped line, every trust a column
    wide = _run(db, 1000, "interventions", "matrix", "--as-of", AS_OF)
    assert wide.splitlines()[2:] == forced.splitlines()[2:]  # auto: wide when it fits
    long = _run(db, 1000, "interventions", "matrix", "--as-of", AS_OF, "--layout", "long")
    assert "delivered" in long


def test_evidence_matrix_layouts(db: tuple[str, list[str]], tmp_path: Path) -> None:
    site = db[1][0]
    codes = "governance;clinical_leadership;staff_engagement;external_partnerships;funding"
    path = tmp_path / "ev.csv"
    path.write_text(
        "ref,site,date,source_type,tier,title,rap_context,rap_interventions,rap_drivers,"
        "rap_barriers,rap_unintended_consequences,rap_sustainability,quote,codes\n"
        f"L-1,{site},2016-01-01,interview,senior,CEO,,,,,,,,{codes}\n"
        f"L-2,{site},2016-01-02,document,external,Minutes,,,,,,,,governance\n"
    )
    _run(db, 80, "evidence", "import", str(path))
    narrow = _run(db, 80, "evidence", "matrix")
    assert _widest(narrow) <= 80
    header = _head(narrow)
    assert "code" in header  # long: a code column, one row per site and code
    assert "governance" not in header
    wide = _run(db, 400, "evidence", "matrix")
    assert "governance" in _head(wide)  # a column per code
    assert "2 (interview+document) *" in wide
    forced = _run(db, 400, "evidence", "matrix", "--layout", "long")
    assert "governance" not in _head(forced)
    csv = _run(db, 80, "evidence", "matrix", "--format", "csv")
    assert csv.splitlines()[0].startswith("site,governance,")  # files keep their shape
