"""Board / OAG packs for one trust as HTML and Excel, and the Table 3 matrix as Excel.

PDF: :func:`specialmeasures.reports.pack_pdf.pack_pdf` draws the same :class:`Pack` with fpdf2
(pure Python). The HTML pack also carries print styles for a browser's "Print to PDF".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Font

from specialmeasures.access.classification import WITHHELD
from specialmeasures.domain import Regime
from specialmeasures.domain.as_known import assignment_as_known, known_end
from specialmeasures.domain.directors import add_months
from specialmeasures.domain.funding import FundingStage
from specialmeasures.interventions import buddies, directors, funding, leadership, plans, returns
from specialmeasures.interventions.matrix import Matrix
from specialmeasures.reports.cells import append_row
from specialmeasures.store import Repository

__all__ = ["Pack", "build_pack", "pack_html", "write_matrix_xlsx", "write_pack_xlsx"]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Pack:
    provider_code: str
    provider_name: str
    as_of: date
    synthetic: bool
    sections: list[Section] = field(default_factory=list)


def build_pack(
    repository: Repository, code: str, as_of: date, *, include_confidential: bool = False
) -> Pack:
    """Everything an OAG or board meeting reads about a trust's interventions on ``as_of``, as
    known on that day. Without ``include_confidential`` (a trust board may not know the trust's
    CP status) the CP list, the stage of CP funding and assignment ends on a CP exit are left
    out or withheld, as ``access.classification`` does for the web pages."""
    p = repository.provider(code)
    active = repository.active_episodes(as_of, [code]).get(code, [])
    active = [e for e in active if include_confidential or not e.regime.confidential]
    cp_ends = set() if include_confidential else {
        e.end for e in repository.episodes(code, regime=Regime.CP) if e.end is not None
    }  # fmt: skip
    synthetic = p.synthetic or repository.meta().get("synthetic") == "true"
    pack = Pack(code, p.name, as_of, synthetic)
    pack.sections.append(Section("Regime status", ["regime", "since"], [
        {"regime": e.regime.label, "since": e.start} for e in active
    ], "" if active else "Not in a regime on this date."))  # fmt: skip
    roster = {d.id: d.name for d in directors.directors(repository)}
    known = [assignment_as_known(a, as_of) for a in directors.assignments(repository)]
    pack.sections.append(Section("Improvement Director", ["director", "start", "phase", "end"], [
        {"director": roster.get(a.director_id), "start": a.start, "phase": a.phase_on(as_of) or "ended",
         "end": WITHHELD if a.end in cp_ends else a.end}
        for a in known if a.provider_code == code and a.start <= as_of
    ]))  # fmt: skip
    pack.sections.append(Section("Buddying", ["buddy", "scope", "arranged_by", "paid", "start", "end"], [
        {"buddy": b.buddy_code, "scope": b.scope.value, "arranged_by": b.arranged_by.value,
         "paid": "yes" if b.paid else "no", "start": b.start, "end": known_end(b.end, as_of)}
        for b in buddies.arrangements(repository) if b.provider_code == code and b.start <= as_of
    ]))  # fmt: skip
    funds = []
    for v in funding.applications(repository, code, as_of=as_of):
        app = v.application
        if app.applied_on > as_of:
            continue
        approved = app.approved_on is not None and app.approved_on <= as_of
        cp_stage = app.stage is FundingStage.CP and not include_confidential
        funds.append({"stage": WITHHELD if cp_stage else app.stage.value, "applied": app.amount,
                      "status": "approved" if approved else "applied",
                      "approved": app.approved_amount if approved else None, "spent": v.spent})  # fmt: skip
    pack.sections.append(
        Section("NHSI funds", ["stage", "applied", "status", "approved", "spent"], funds)
    )
    posts, stable = leadership.leadership_summary(repository, code, as_of)
    pack.sections.append(Section(
        "Leadership", ["post", "holder", "interim", "tenure_months", "vacancy_months", "changes_24m"],
        [{"post": s.post.label, "holder": s.holder or "vacant", "interim": "yes" if s.interim else "",
          "tenure_months": s.tenure_months, "vacancy_months": s.vacancy_months,
          "changes_24m": s.changes_24m} for s in posts],
        "Triumvirate stable." if stable.stable else "Triumvirate unstable: " + "; ".join(stable.reasons),
    ))  # fmt: skip
    pack.sections.append(
        Section(
            "Improvement plan progress",
            ["month", "actions", "complete", "in_progress", "overdue", "percent_complete"],
            plans.progress(repository, code, add_months(as_of, -5), as_of),
        )
    )
    b = returns.burden_report(repository, code)
    pack.sections.append(Section("Reporting burden", ["measure", "value"], [
        {"measure": "items requested across bodies", "value": b.requested},
        {"measure": "unique items in the one return", "value": b.unique},
        {"measure": "saving", "value": b.saving},
    ]))  # fmt: skip
    return pack


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ pack.provider_name }} - interventions pack {{ pack.as_of }}</title>
<style>
body{font-family:Arial,sans-serif;margin:2em;color:#212b32}
table{border-collapse:collapse;margin-bottom:1.5em}
th,td{border:1px solid #aeb7bd;padding:4px 8px;text-align:left}
th{background:#f0f4f5}.note{font-style:italic}
@media print{body{margin:0}h2{page-break-after:avoid}}
</style></head><body>
{% if pack.synthetic %}<p><strong>Synthetic demonstration data — fictional trusts, not real NHS
organisations.</strong></p>{% endif %}
<p>CONFIDENTIAL: for the trust board and its Oversight and Assurance Group.</p>
<h1>{{ pack.provider_name }} ({{ pack.provider_code }})</h1>
<p>Interventions as of {{ pack.as_of }}</p>
{% for s in pack.sections %}<h2>{{ s.title }}</h2>
{% if s.rows %}<table><thead><tr>{% for c in s.columns %}<th>{{ c.replace('_', ' ') }}</th>{% endfor %}</tr></thead>
<tbody>{% for r in s.rows %}<tr>{% for c in s.columns %}<td>{{ '' if r[c] is none else r[c] }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% else %}<p class="note">None recorded.</p>{% endif %}
{% if s.note %}<p class="note">{{ s.note }}</p>{% endif %}{% endfor %}
</body></html>
"""


def pack_html(pack: Pack) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(_HTML).render(pack=pack)


PACK_MARK = "CONFIDENTIAL: for the trust board and its Oversight and Assurance Group."


def _sheet(
    wb: Workbook,
    title: str,
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    *,
    mark: str | None = None,
) -> None:
    ws = wb.create_sheet(title[:31])
    if mark:
        # Printed on every page of the sheet, and the first row on screen.
        ws.oddHeader.center.text = mark
        append_row(ws, [mark])
    append_row(ws, [c.replace("_", " ") for c in columns])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for r in rows:
        append_row(ws, [r.get(c) for c in columns])


def write_pack_xlsx(pack: Pack, path: Path) -> None:
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover.oddHeader.center.text = PACK_MARK
    append_row(cover, [PACK_MARK])
    append_row(cover, [f"{pack.provider_name} ({pack.provider_code})"])
    append_row(cover, [f"Interventions as of {pack.as_of}"])
    if pack.synthetic:
        append_row(
            cover, ["Synthetic demonstration data — fictional trusts, not real NHS organisations"]
        )
    for s in pack.sections:
        _sheet(wb, s.title, s.columns, s.rows, mark=PACK_MARK)
        if s.note:
            append_row(wb[s.title[:31]], [s.note])
    wb.save(path)


def write_matrix_xlsx(matrix: Matrix, path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Interventions by trust", matrix.columns, matrix.rows())
    wb.save(path)
