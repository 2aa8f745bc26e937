"""What each field of a view reveals, and the role views built from that: the one place where
confidential content is classified.

``access.policy.can`` decides whether a person may open a page; this module decides what the
page may hold for them. Every field that can carry or imply a confidential fact is listed in
:data:`CLASSIFICATION` with the permission it needs and how it is treated for someone without
that permission (left out, redacted, or kept to the person's scope). The read models build their
documents in full; the web layer passes them through the functions here, which apply the
classification, before rendering HTML, JSON or CSV.

The classes of confidential content:

* ``cp_status``: Challenged Provider status, the CP list, and any field that implies it (a
  funding application's stage, an Improvement Director assignment ended because the trust left
  the CP list, which other trusts a Director covers, CP-derived counts);
* ``watch_list``: watch-list bands, flags and scores;
* ``recommendation``: draft recommendations and decisions under consideration;
* ``evidence``: qualitative evidence records and monthly returns (scoped per trust).

This module is pure: no database, framework or clock.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from specialmeasures.access.policy import Action

__all__ = [
    "CLASSIFICATION",
    "PUBLIC_SUMMARY_KEYS",
    "WITHHELD",
    "Classified",
    "Sensitivity",
    "Treatment",
    "public_dataset_meta",
    "redact_interventions",
    "scope_rows",
]

#: The value a redacted field carries (the field stays, so the document's shape is stable).
WITHHELD = "withheld"


class Sensitivity(StrEnum):
    """Classes of confidential content, each guarded by one permission."""

    CP_STATUS = "cp_status"
    WATCH_LIST = "watch_list"
    RECOMMENDATION = "recommendation"
    EVIDENCE = "evidence"

    @property
    def action(self) -> Action:
        return _ACTIONS[self]


_ACTIONS = {
    Sensitivity.CP_STATUS: Action.CONFIDENTIAL_READ,
    Sensitivity.WATCH_LIST: Action.WATCHLIST_READ,
    Sensitivity.RECOMMENDATION: Action.RECOMMENDATION_READ,
    Sensitivity.EVIDENCE: Action.EVIDENCE_READ,
}


class Treatment(StrEnum):
    """What a view does with a classified field for someone without the permission."""

    LEFT_OUT = "left out"  # the field or row is not in the document at all
    REDACTED = "redacted"  # the field stays, with the value "withheld" or null
    SCOPED = "scoped"  # rows about providers outside the person's scope are left out


@dataclass(frozen=True, slots=True)
class Classified:
    """One classified field: where it is, what it reveals, and how it is treated."""

    where: str
    sensitivity: Sensitivity
    treatment: Treatment
    why: str


#: Every classified field of the web views (rendered in docs/access-control.md).
CLASSIFICATION: tuple[Classified, ...] = (
    Classified("regime episodes and regime status with regime cp (every view)",
               Sensitivity.CP_STATUS, Treatment.LEFT_OUT, "the CP list itself"),
    Classified("/providers: the cp filter and CP rows of the list",
               Sensitivity.CP_STATUS, Treatment.LEFT_OUT,
               "shown only to roles that see the whole list"),
    Classified("interventions: funding.applications[].stage when it is cp",
               Sensitivity.CP_STATUS, Treatment.REDACTED,
               "a CP-stage application names the CP list"),
    Classified("interventions: director_assignments[].end on a CP episode's end",
               Sensitivity.CP_STATUS, Treatment.REDACTED,
               "an assignment ended because the trust left the CP list dates the CP exit"),
    Classified("interventions: director_assignments[].end_reason",
               Sensitivity.CP_STATUS, Treatment.LEFT_OUT,
               "'trust left the regime' on a CP-only trust names the CP list"),
    Classified("caseload: rows, trusts, counts and hours of other trusts",
               Sensitivity.CP_STATUS, Treatment.SCOPED,
               "a Director's other trusts are on the SMQ or CP list"),
    Classified("caseload and interventions matrix: columns and flags of other trusts",
               Sensitivity.CP_STATUS, Treatment.SCOPED, "the matrix lists SMQ and CP trusts"),
    Classified("dataset.summary: counts other than PUBLIC_SUMMARY_KEYS",
               Sensitivity.CP_STATUS, Treatment.LEFT_OUT,
               "trajectory groups, CP re-entries and SMQ-or-CP counts are CP-derived"),
    Classified("watch list, systems' watch-list band", Sensitivity.WATCH_LIST,
               Treatment.LEFT_OUT, "watch-list content"),
    Classified("decision page: recommendations, policies, past decisions, choices",
               Sensitivity.RECOMMENDATION, Treatment.LEFT_OUT,
               "decisions under consideration"),
    Classified("returns, improvement plans, qualitative evidence of other trusts",
               Sensitivity.EVIDENCE, Treatment.SCOPED,
               "each trust's returns and evidence are its own (and may name its CP status)"),
)  # fmt: skip

#: Calibration counts of ``dataset.summary`` that involve no confidential regime: the only
#: ones public metadata carries (an allow-list, so a new count is confidential until listed).
PUBLIC_SUMMARY_KEYS = frozenset(
    {
        "providers",
        "inspections",
        "indicators",
        "observations",
        "smq_trusts_by_sep2019",
        "keogh_day_smq_entries",
        "smq_reentries",
        "smq_exited_within_24m_pct",
        "smq_mean_completed_stay_months",
        "transfers_to_rsp",
    }
)


def public_dataset_meta(meta: Mapping[str, str]) -> dict[str, str]:
    """Dataset metadata as every page may show it: the summary kept to public counts.

    >>> public_dataset_meta({"label": "x", "summary": '{"providers": 3, "cp_reentries": 1}'})
    {'label': 'x', 'summary': '{"providers": 3}'}
    """
    out = dict(meta)
    if "summary" in out:
        try:
            summary = json.loads(out["summary"])
        except ValueError:
            summary = {}
        kept = (
            {k: v for k, v in summary.items() if k in PUBLIC_SUMMARY_KEYS}
            if isinstance(summary, dict)
            else {}
        )
        out["summary"] = json.dumps(kept)
    return out


def redact_interventions(
    document: dict[str, Any], *, sees_cp: bool, cp_ends: Iterable[date]
) -> dict[str, Any]:
    """A trust's interventions document for someone who may (``sees_cp``) or may not see its
    CP status: the stage of CP funding applications and the end of assignments that ended on
    a CP episode's end (``cp_ends``) are withheld; end reasons are never shown to them."""
    if sees_cp:
        return document
    ends = {d.isoformat() for d in cp_ends}
    funding = document.get("funding", {})
    applications = [
        {**a, "stage": WITHHELD, "regime_stage": WITHHELD} if a.get("stage") == "cp" else a
        for a in funding.get("applications", [])
    ]
    assignments = []
    for a in document.get("director_assignments", []):
        row = {k: v for k, v in a.items() if k != "end_reason"}
        if row.get("end") in ends:
            row["end"] = WITHHELD
        assignments.append(row)
    return {
        **document,
        "funding": {**funding, "applications": applications},
        "director_assignments": assignments,
    }


def scope_rows(
    rows: Iterable[Mapping[str, Any]], key: str, scope: Collection[str] | None
) -> list[dict[str, Any]]:
    """Rows whose provider code (``row[key]``) is in ``scope`` (None: every row)."""
    if scope is None:
        return [dict(r) for r in rows]
    allowed = {c.upper() for c in scope}
    return [dict(r) for r in rows if str(r.get(key, "")).upper() in allowed]
