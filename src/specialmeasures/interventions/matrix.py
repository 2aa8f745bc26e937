"""The delivery matrix of the seed's Table 3: interventions by trust, with "No data".

Rows: Improvement Director, buddying, changes in senior management staff and/or board, NHSI
funds; one column per trust. A cell is "✓" when the intervention is recorded, blank when the
record says none was delivered (or, for funds, when every spell pre-dates the funding
component), and "No data" when nothing is recorded either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, delete, insert, select

from specialmeasures.domain import InputError, Regime
from specialmeasures.domain.directors import add_months
from specialmeasures.interventions._common import Actor, check_provider, funding_rules, record
from specialmeasures.store import Repository
from specialmeasures.store.tables import (
    buddy_arrangements,
    director_assignments,
    funding_applications,
    intervention_records,
    leadership_terms,
    regime_episodes,
)

__all__ = ["KINDS", "ROWS", "Matrix", "intervention_matrix", "record_status"]

#: Row keys and labels, in the order of Table 3.
ROWS = (
    ("director", "Improvement Director"),
    ("buddying", "Buddying"),
    ("leadership", "Changes in senior management staff and/or board"),
    ("funding", "NHSI funds"),
)
KINDS = tuple(k for k, _ in ROWS)
YES, NONE, NO_DATA = "✓", "", "No data"
#: Leadership changes up to this many months before entry count as "in parallel".
LEAD_IN_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Matrix:
    providers: tuple[str, ...]
    cells: dict[str, dict[str, str]]  # row key -> provider code -> cell

    def rows(self) -> list[dict[str, str]]:
        return [
            {"intervention": label, **{c: self.cells[key][c] for c in self.providers}}
            for key, label in ROWS
        ]

    @property
    def columns(self) -> list[str]:
        return ["intervention", *self.providers]


def record_status(
    repository: Repository, code: str, kind: str, status: str, note: str, who: Actor
) -> None:
    """Record that a trust had no such intervention ('none') or could not say ('no_data')."""
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}", column="--kind", value=kind)
    if status not in {"none", "no_data"}:
        raise InputError("status must be none or no_data", column="--status", value=status)
    with repository.transaction() as conn:
        check_provider(conn, code)
        conn.execute(
            delete(intervention_records).where(
                intervention_records.c.provider_code == code, intervention_records.c.kind == kind
            )
        )
        conn.execute(
            insert(intervention_records).values(
                provider_code=code, kind=kind, status=status, note=note
            )
        )
        record(conn, who, "interventions.status", "provider", code,
               {"kind": kind, "status": status, "note": note})  # fmt: skip


def regime_providers(conn: Connection, as_of: date) -> list[str]:
    """Providers with an SMQ or CP spell started by ``as_of``."""
    rows = conn.execute(
        select(regime_episodes.c.provider_code)
        .where(
            regime_episodes.c.regime.in_([Regime.SMQ.value, Regime.CP.value]),
            regime_episodes.c.start_date <= as_of,
        )
        .distinct()
        .order_by(regime_episodes.c.provider_code)
    )
    return [r[0] for r in rows]


def intervention_matrix(
    repository: Repository, *, as_of: date, providers: Sequence[str] | None = None
) -> Matrix:
    """Table 3 for ``providers`` (default: every trust with an SMQ or CP spell by ``as_of``)."""
    start = funding_rules().component_start
    with repository.engine.connect() as conn:
        codes = list(providers) if providers else regime_providers(conn, as_of)
        for code in codes:
            check_provider(conn, code)
        status = {
            (r.provider_code, r.kind): r.status
            for r in conn.execute(
                select(intervention_records).where(intervention_records.c.provider_code.in_(codes))
            )
        }
        directors = {
            r[0]
            for r in conn.execute(
                select(director_assignments.c.provider_code).where(
                    director_assignments.c.start_date <= as_of
                )
            )
        }
        buddies = {
            r[0]
            for r in conn.execute(
                select(buddy_arrangements.c.provider_code).where(
                    buddy_arrangements.c.start_date <= as_of
                )
            )
        }
        funded = {
            r[0]
            for r in conn.execute(
                select(funding_applications.c.provider_code).where(
                    funding_applications.c.status == "approved",
                    funding_applications.c.approved_on <= as_of,
                )
            )
        }
        spells: dict[str, list[tuple[date, date | None]]] = {}
        for r in conn.execute(
            select(regime_episodes).where(
                regime_episodes.c.regime.in_([Regime.SMQ.value, Regime.CP.value]),
                regime_episodes.c.start_date <= as_of,
            )
        ):
            spells.setdefault(r.provider_code, []).append((r.start_date, r.end_date))
        terms: dict[str, list[tuple[str, date]]] = {}
        for r in conn.execute(
            select(leadership_terms).where(leadership_terms.c.start_date <= as_of)
        ):
            terms.setdefault(r.provider_code, []).append((r.post, r.start_date))
    cells: dict[str, dict[str, str]] = {k: {} for k in KINDS}
    for code in codes:

        def fallback(kind: str, code: str = code) -> str:
            return {"none": NONE, "no_data": NO_DATA}.get(status.get((code, kind), ""), NO_DATA)

        cells["director"][code] = YES if code in directors else fallback("director")
        cells["buddying"][code] = YES if code in buddies else fallback("buddying")
        own = spells.get(code, [])
        if code in funded:
            cells["funding"][code] = YES
        elif own and all(s < start for s, _ in own) and (code, "funding") not in status:
            cells["funding"][code] = NONE  # every spell pre-dates the funding component
        else:
            cells["funding"][code] = fallback("funding")
        held = terms.get(code, [])
        if held and own:
            first_of_post = {p: min(d for q, d in held if q == p) for p, _ in held}
            lo = add_months(min(s for s, _ in own), -LEAD_IN_MONTHS)
            hi = max((e or as_of) for _, e in own)
            changed = any(lo <= d <= hi and d != first_of_post[p] for p, d in held)
            cells["leadership"][code] = YES if changed else NONE
        else:
            cells["leadership"][code] = fallback("leadership")
    return Matrix(tuple(codes), cells)
