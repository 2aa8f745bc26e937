"""The board / OAG pack as PDF, drawn with fpdf2 (pure Python) from the same :class:`Pack` read
model as the HTML and Excel packs; nothing is computed here.

What fpdf2 allows for a readable, accessible PDF: a document title shown in the viewer's title
bar, the document language (en-GB), an outline (bookmarks) with one entry per heading, tables
whose bold header row repeats at the top of every page they run onto, and page numbers
("Page n of N"). fpdf2 does not tag tables in a structure tree, so screen readers read the
table text in order without cell semantics; the HTML pack is the accessible form.

Every page carries "CONFIDENTIAL" (the pack always holds the trust's regime status, which may be
the never-public challenged providers list, its Improvement Director and its monthly returns)
and, on the synthetic demo, "Synthetic data". Text is set in the core Helvetica font (no font
file, no download); characters outside Latin-1 are mapped to near equivalents (dashes,
quotes) or "?".
"""

from __future__ import annotations

from typing import Any

from fpdf import FPDF, FontFace, ViewerPreferences
from fpdf.enums import TableHeadingsDisplay

from specialmeasures.interventions.packs import Pack

__all__ = ["CONFIDENTIAL_MARK", "SYNTHETIC_MARK", "latin1", "pack_pdf"]

CONFIDENTIAL_MARK = "CONFIDENTIAL: for the trust board and its Oversight and Assurance Group"
SYNTHETIC_MARK = "Synthetic data: fictional trusts, not real NHS organisations"

_MAP = str.maketrans(
    {
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'",
        "\u201b": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2026": "...",
        "\u2022": "*", "\u2264": "<=", "\u2265": ">=", "\u2192": "->", "\u2190": "<-",
        "\u2009": " ", "\u202f": " ", "\u200b": "", "\u20ac": "EUR", "\u2713": "yes",
    }
)  # fmt: skip


def latin1(text: str) -> str:
    """``text`` as the core fonts can encode it.

    >>> latin1("£5 — “ok” ≥ 2 → done ✗")
    '£5 - "ok" >= 2 -> done ?'
    """
    return text.translate(_MAP).encode("latin-1", "replace").decode("latin-1")


def _cell(value: Any) -> str:
    return "" if value is None else latin1(str(value))


class _PackPDF(FPDF):
    def __init__(self, pack: Pack) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.pack = pack

    def header(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.set_text_color(170, 0, 0)
        self.cell(0, 5, latin1(CONFIDENTIAL_MARK), new_x="LMARGIN", new_y="NEXT")
        if self.pack.synthetic:
            self.set_text_color(0, 0, 0)
            self.cell(0, 5, latin1(SYNTHETIC_MARK), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(33, 43, 50)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(33, 43, 50)
        name = latin1(f"{self.pack.provider_name} ({self.pack.provider_code})")
        self.cell(0, 5, f"{name} - interventions pack {self.pack.as_of}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def pack_pdf(pack: Pack, *, compress: bool = True) -> bytes:
    """The pack as PDF bytes; ``compress=False`` leaves page text searchable in the bytes."""
    pdf = _PackPDF(pack)
    pdf.set_compression(compress)
    title = f"{pack.provider_name} - interventions pack {pack.as_of}"
    pdf.set_title(latin1(title))
    pdf.set_lang("en-GB")
    pdf.set_subject("Board and Oversight and Assurance Group pack (CONFIDENTIAL)")
    pdf.set_keywords("confidential" + (", synthetic" if pack.synthetic else ""))
    pdf.set_creator("specialmeasures")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.page_mode = "USE_OUTLINES"
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    heading = f"{pack.provider_name} ({pack.provider_code})"
    pdf.start_section(latin1(heading), level=0)
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, latin1(heading), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, f"Interventions as of {pack.as_of}", new_x="LMARGIN", new_y="NEXT")
    headings = FontFace(emphasis="BOLD", fill_color=(240, 244, 245))
    for s in pack.sections:
        pdf.ln(4)
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.start_section(latin1(s.title), level=1)
        pdf.set_font("Helvetica", "B", 13)
        pdf.cell(0, 7, latin1(s.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        if s.rows:
            with pdf.table(
                headings_style=headings,
                text_align="LEFT",
                line_height=5,
                repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
            ) as table:
                top = table.row()
                for c in s.columns:
                    top.cell(latin1(c.replace("_", " ")))
                for r in s.rows:
                    row = table.row()
                    for c in s.columns:
                        row.cell(_cell(r.get(c)))
        else:
            pdf.set_font("Helvetica", "I", 9)
            pdf.cell(0, 5, "None recorded.", new_x="LMARGIN", new_y="NEXT")
        if s.note:
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(0, 5, latin1(s.note), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
