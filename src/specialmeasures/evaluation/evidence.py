"""Qualitative evidence: the coding framework, evidence records and the framework matrix.

A record is one interview, observation or document at a site (trust), dated, with the
organisational tier of its source, a rapid-assessment summary under fixed headings, quotes and
the framework codes it supports. The framework starts from the seed paper: the four driver
domains (Table 4), the interventions (Table 3) and the unintended consequences; a codebook CSV
adds codes. The **framework matrix** crosses sites with codes; each cell counts the sources
behind it and their source types, and a cell backed by two or more source types is
*triangulated*. Everything here is confidential by default.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "DEFAULT_FRAMEWORK",
    "FAMILIES",
    "RAP_HEADINGS",
    "SOURCE_TYPES",
    "TIERS",
    "Code",
    "EvidenceRecord",
    "MatrixCell",
    "framework_matrix",
]

SOURCE_TYPES = ("interview", "observation", "document")
TIERS = ("senior", "divisional", "frontline", "external")
FAMILIES = ("driver", "intervention", "unintended", "other")
#: Fixed headings of the rapid-assessment (RAP) summary, one CSV column each (``rap_<heading>``).
RAP_HEADINGS = (
    "context",
    "interventions",
    "drivers",
    "barriers",
    "unintended_consequences",
    "sustainability",
)


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    family: str
    label: str
    description: str = ""


DEFAULT_FRAMEWORK: tuple[Code, ...] = (
    Code("governance", "driver", "Improving governance arrangements",
         "Board-to-ward visits, accountability, QI and safety strategy (Table 4)."),
    Code("clinical_leadership", "driver", "Developing clinical leadership",
         "Clinical leadership at senior, divisional and ward level (Table 4)."),
    Code("staff_engagement", "driver", "Staff engagement",
         "Culture, bullying, recognition, communication (Table 4)."),
    Code("external_partnerships", "driver", "External partnerships",
         "System-level collaboration; failure seen across the system (Table 4)."),
    Code("improvement_director", "intervention", "Improvement Director", "Table 3."),
    Code("buddying", "intervention", "Buddying", "Peer improvement, MoU (Table 3)."),
    Code("funding", "intervention", "NHSI funds", "Central funding (Table 3)."),
    Code("leadership_change", "intervention", "Changes in senior management and/or board",
         "Table 3."),
    Code("deep_dive", "intervention", "Deep dives", "Intensive analysis with NHSI."),
    Code("risk_assurance", "intervention", "Risk assurance and OAG",
         "Extra reporting to the commissioner and the Oversight and Assurance Group."),
    Code("stigma_morale", "unintended", "Stigma and low morale", "On entry to SMQ/CP."),
    Code("recruitment_retention", "unintended", "Recruitment and retention", ""),
    Code("duplicate_reporting", "unintended", "Duplicate reporting and workload",
         "\"It requires a lot of work to feed the OAG each month.\""),
    Code("reduced_collaboration", "unintended", "Less capacity for local collaboration", ""),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    ref: str
    site: str
    collected_on: date
    source_type: str
    tier: str
    title: str
    summary: dict[str, str]
    quotes: tuple[str, ...]
    codes: tuple[str, ...]
    confidential: bool = True


@dataclass(slots=True)
class MatrixCell:
    site: str
    code: str
    refs: list[str] = field(default_factory=list)
    source_types: set[str] = field(default_factory=set)
    tiers: set[str] = field(default_factory=set)

    @property
    def sources(self) -> int:
        return len(self.refs)

    @property
    def triangulated(self) -> bool:
        return len(self.source_types) >= 2

    def text(self) -> str:
        if not self.refs:
            return ""
        types = "+".join(t for t in SOURCE_TYPES if t in self.source_types)
        return f"{self.sources} ({types}){' *' if self.triangulated else ''}"

    def row(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "code": self.code,
            "sources": self.sources,
            "source_types": ";".join(t for t in SOURCE_TYPES if t in self.source_types),
            "tiers": ";".join(t for t in TIERS if t in self.tiers),
            "triangulated": self.triangulated,
            "refs": ";".join(sorted(self.refs)),
        }


def framework_matrix(
    records: Iterable[EvidenceRecord], codes: Sequence[Code]
) -> dict[str, dict[str, MatrixCell]]:
    """Sites x codes: for each site (sorted) and each code (framework order), the cell."""
    cells: dict[str, dict[str, MatrixCell]] = defaultdict(dict)
    for record in records:
        row = cells[record.site]
        for code in record.codes:
            cell = row.setdefault(code, MatrixCell(record.site, code))
            cell.refs.append(record.ref)
            cell.source_types.add(record.source_type)
            cell.tiers.add(record.tier)
    return {
        site: {c.code: cells[site].get(c.code, MatrixCell(site, c.code)) for c in codes}
        for site in sorted(cells)
    }
