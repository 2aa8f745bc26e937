"""The board/OAG pack as PDF: written by the CLI for a trust of a small synthetic country with
the demo's interventions, from the same read model as the HTML pack, marked CONFIDENTIAL and
"Synthetic data" on every page; a pack on a database that is not the demo is not "Synthetic"."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from factories import cp, provider
from specialmeasures.bootstrap import bootstrap
from specialmeasures.cli.main import cli
from specialmeasures.demo import generate
from specialmeasures.interventions.demo_load import load_interventions
from specialmeasures.interventions.directors import assignments
from specialmeasures.interventions.packs import build_pack, pack_html
from specialmeasures.reports.pack_pdf import latin1, pack_pdf
from specialmeasures.settings import Settings
from specialmeasures.store.loader import load_country

AS_OF = date(2016, 12, 1)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def _text(pdf: bytes) -> str:
    """The literal strings shown on the pages of an uncompressed core-font PDF."""
    shown = re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", pdf)
    return "\n".join(
        re.sub(rb"\\(.)", rb"\1", s).decode("latin-1") for s in shown
    )  # fmt: skip


def test_pack_pdf_from_the_cli_on_the_synthetic_demo(sqlite_url: str, tmp_path: Path) -> None:
    platform = bootstrap(Settings(database_url=sqlite_url), upgrade=True)
    try:
        country = generate(7, n_providers=150, end=AS_OF)
        load_country(platform.repository, country)
        load_interventions(platform.repository, country)
        code = next(a.provider_code for a in assignments(platform.repository) if a.start <= AS_OF)
        pack = build_pack(platform.repository, code, AS_OF)
    finally:
        platform.close()
    assert pack.synthetic
    assert any(s.rows for s in pack.sections if s.title == "Improvement Director")

    out = tmp_path / "pack.pdf"
    result = CliRunner().invoke(
        cli,
        ["interventions", "pack", code, "--as-of", AS_OF.isoformat(), "--format", "pdf",
         "--output", str(out)],
        env={"SPECIALMEASURES_DATABASE_URL": sqlite_url},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = out.read_bytes()
    assert written.startswith(b"%PDF-")
    assert written.rstrip().endswith(b"%%EOF")

    plain = pack_pdf(pack, compress=False)
    pages = _pages(plain)
    assert pages == _pages(written) > 0
    text = _text(plain)
    assert latin1(pack.provider_name) in text
    assert f"({code})" in text
    for section in pack.sections:
        assert section.title in text
    assert text.count("CONFIDENTIAL") == pages
    assert text.count("Synthetic data") == pages
    assert re.search(rf"Page {pages} of\s*{pages}", text)  # "{nb}" is set apart
    assert "director" in text  # the ID table's header row
    assert "phase" in text
    assert b"/Lang (en-GB)" in plain
    assert b"/DisplayDocTitle true" in plain
    assert b"/Outlines" in plain
    # The same read model as the HTML pack.
    assert pack.provider_name in pack_html(pack)


def test_pack_pdf_on_a_register_that_is_not_synthetic(sqlite_url: str) -> None:
    platform = bootstrap(Settings(database_url=sqlite_url), upgrade=True)
    repo = platform.repository
    try:
        with repo.transaction() as conn:
            repo.add_providers(conn, [provider("ZR1", name="Real–Name “Trust”", synthetic=False)])
            repo.add_episode(conn, cp("ZR1", date(2017, 1, 1)))
        pack = build_pack(repo, "ZR1", date(2017, 2, 1), include_confidential=True)
    finally:
        platform.close()
    assert not pack.synthetic
    plain = pack_pdf(pack, compress=False)
    text = _text(plain)
    assert text.count("CONFIDENTIAL") == _pages(plain) > 0
    assert "Synthetic data" not in text
    assert 'Real-Name "Trust" (ZR1)' in text
    assert pack.sections[0].rows[0]["regime"] in text  # the CP status, hence CONFIDENTIAL


def test_latin1_maps_what_the_core_font_cannot_encode() -> None:
    assert latin1("£5 — “ok” ≥ 2 → done ✗") == '£5 - "ok" >= 2 -> done ?'
