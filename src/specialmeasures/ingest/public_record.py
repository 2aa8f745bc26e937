"""The public SMQ record in the register: trust names joined to ODS codes, episodes loaded.

The record (``smq_events.csv``) names trusts, not codes, and names change. The join goes
through a reviewed mapping (``data/smq_trust_codes.csv``: name, code, the name ODS published
and where). A name the mapping does not list, lists without a code, or lists with more than one
code, or whose code is not in the register, is *unmatched* and reported with the reason; no
name is ever matched by similarity.

For every matched trust the SMQ and RSP episodes the record implies become ``regime_episodes``
of the real provider, each with a ``public_record_episodes`` row saying which events opened and
closed it and how precise their published dates are. Dates published as a month or a year are
stored as their first day (the latest possible day is kept beside it). An episode whose exit the
record does not give ends when SMQ itself ended (:data:`SMQ_ENDED`, the launch of the Recovery
Support Programme), or on the day after the trust closed if that is earlier, and says so.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from specialmeasures.domain import (
    EpisodeState,
    InputError,
    Regime,
    RegimeEpisode,
    SpecialMeasuresError,
)
from specialmeasures.ingest.import_log import find_import, record_import, sha256_of
from specialmeasures.ingest.real_record import RealEvent, RealRecord, load_record
from specialmeasures.ingest.real_record_summary import episodes as smq_episodes
from specialmeasures.ingest.reviewed_csv import file_bytes, packaged_bytes, reviewed_rows
from specialmeasures.store import Repository, audit, mapping
from specialmeasures.store.tables import (
    dataset_meta,
    providers,
    public_record_episodes,
    regime_episodes,
)

__all__ = [
    "IMPORT_KIND",
    "SMQ_ENDED",
    "Matching",
    "PublicRecordReport",
    "TrustCode",
    "TrustCodes",
    "implied_episodes",
    "load_public_record",
    "match_trusts",
    "packaged_trust_codes",
    "parse_trust_codes",
    "read_trust_codes",
]

IMPORT_KIND = "smq-public-record"
PACKAGED_NAME = "smq_trust_codes.csv"
#: SMQ ended when its trusts moved to the Recovery Support Programme, launched 13 July 2021
#: (the record's own transfer_to_RSP row cites it).
SMQ_ENDED = date(2021, 7, 13)
SNAPSHOTS = ("etr_2021.csv", "etr_2025.csv")
COLUMNS = ("trust_name", "ods_code", "ods_name", "snapshot", "note")
_CODE = re.compile(r"^[A-Z0-9]{3}(?:[A-Z0-9]{2})?$")


@dataclass(frozen=True, slots=True)
class TrustCode:
    row: int
    trust_name: str
    ods_code: str | None
    ods_name: str
    snapshot: str
    note: str


@dataclass(frozen=True, slots=True)
class TrustCodes:
    file: str
    sha256: str
    entries: tuple[TrustCode, ...]


def parse_trust_codes(file: str, data: bytes) -> TrustCodes:
    """Validate the mapping file; an ``InputError`` names the file, row, column and value."""
    entries: list[TrustCode] = []
    for row, _cells, values in reviewed_rows(file, data, COLUMNS):

        def fail(
            column: str, message: str, _row: int = row, _v: dict[str, str] = values
        ) -> InputError:
            return InputError(message, file=file, row=_row, column=column, value=_v[column])

        if not values["trust_name"]:
            raise fail("trust_name", "is empty")
        code = values["ods_code"] or None
        if code is None:
            if not values["note"]:
                raise fail("note", "must give the reason a name is left unmatched")
        else:
            if not _CODE.match(code):
                raise fail("ods_code", "is not an ODS organisation code (3 or 5 capitals/digits)")
            if not values["ods_name"]:
                raise fail("ods_name", "must give the name ODS published for the code")
            if values["snapshot"] not in SNAPSHOTS:
                raise fail("snapshot", f"is not one of {', '.join(SNAPSHOTS)}")
        entries.append(
            TrustCode(
                row,
                values["trust_name"],
                code,
                values["ods_name"],
                values["snapshot"],
                values["note"],
            )
        )
    if not entries:
        raise InputError("holds no names", file=file)
    return TrustCodes(file, sha256_of(data), tuple(entries))


def packaged_trust_codes() -> TrustCodes:
    return parse_trust_codes(PACKAGED_NAME, packaged_bytes(PACKAGED_NAME))


def read_trust_codes(path: Path) -> TrustCodes:
    return parse_trust_codes(path.name, file_bytes(path))


@dataclass(frozen=True, slots=True)
class Matching:
    """Every trust name of the record, either mapped to a code or unmatched with a reason."""

    mapped: dict[str, str]
    unmatched: dict[str, str]


def match_trusts(names: tuple[str, ...], codes: TrustCodes, register: set[str]) -> Matching:
    """Join the record's names to codes through the reviewed mapping only (exact names)."""
    by_name: dict[str, list[TrustCode]] = defaultdict(list)
    for entry in codes.entries:
        by_name[entry.trust_name].append(entry)
    mapped: dict[str, str] = {}
    unmatched: dict[str, str] = {}
    for name in sorted(set(names)):
        entries = by_name.get(name, [])
        found = sorted({e.ods_code for e in entries if e.ods_code})
        if not entries:
            unmatched[name] = f"no reviewed mapping in {codes.file}"
        elif len(found) > 1:
            unmatched[name] = f"ambiguous: {codes.file} gives {', '.join(found)}"
        elif not found:
            unmatched[name] = "; ".join(e.note for e in entries)
        elif found[0] not in register:
            unmatched[name] = (
                f"{found[0]} is not in the register (import the ODS register files first)"
            )
        else:
            mapped[name] = found[0]
    return Matching(mapped, unmatched)


@dataclass(frozen=True, slots=True)
class ImpliedEpisode:
    """One episode the record implies for a trust, ready to store."""

    trust_name: str
    regime: Regime
    start: RealEvent
    end: RealEvent | None
    end_date: date
    end_basis: str

    @property
    def start_date(self) -> date:
        return self.start.earliest


def _end_basis(event: RealEvent) -> str:
    return {
        "exit": "exit",
        "exit_recommended": "exit recommended by CQC (decision date not in record)",
        "end_by_merger": "ended by merger",
        "transfer_to_RSP": "moved to the RSP",
    }[event.event]


def implied_episodes(events: tuple[RealEvent, ...]) -> list[ImpliedEpisode]:
    """SMQ episodes (entries to exits, see ``real_record_summary.episodes``) and RSP episodes
    (transfer to the RSP to the RSP exit) of every trust in ``events``."""
    out: list[ImpliedEpisode] = []
    for ep in smq_episodes(events):
        if ep.start is None:
            continue  # the record shows an exit or a re-inspection but no entry: no start date
        if ep.end is None:
            out.append(
                ImpliedEpisode(
                    ep.trust,
                    Regime.SMQ,
                    ep.start,
                    None,
                    SMQ_ENDED,
                    "exit not in record; closed when SMQ ended (2021-07-13)",
                )
            )
        else:
            out.append(
                ImpliedEpisode(
                    ep.trust, Regime.SMQ, ep.start, ep.end, ep.end.earliest, _end_basis(ep.end)
                )
            )
    by_trust: dict[str, list[RealEvent]] = defaultdict(list)
    for e in events:
        if e.regime == "RSP":
            by_trust[e.trust_name].append(e)
    for trust, items in sorted(by_trust.items()):
        start: RealEvent | None = None
        for e in sorted(items, key=lambda e: (e.earliest, e.row)):
            if e.event in {"transfer_to_RSP", "entry"} and start is None:
                start = e
            elif e.event == "exit" and start is not None:
                out.append(ImpliedEpisode(trust, Regime.RSP, start, e, e.earliest, "exit"))
                start = None
        if start is not None:
            out.append(
                ImpliedEpisode(trust, Regime.RSP, start, None, date.max, "open: no exit in record")
            )
    return out


@dataclass(frozen=True, slots=True)
class LoadedEpisode:
    provider_code: str
    trust_name: str
    regime: str
    start: date
    start_precision: str
    end: date | None
    end_basis: str

    def as_row(self) -> dict[str, str]:
        return {
            "code": self.provider_code,
            "trust_name": self.trust_name,
            "regime": self.regime,
            "start": self.start.isoformat(),
            "start_precision": self.start_precision,
            "end": self.end.isoformat() if self.end else "",
            "end_basis": self.end_basis,
        }


@dataclass(frozen=True, slots=True)
class PublicRecordReport:
    record_file: str
    mapping_file: str
    events: int
    matching: Matching
    episodes: tuple[LoadedEpisode, ...]
    replaced: int
    already_loaded: bool
    import_id: int


def _refuse_synthetic(conn: Connection) -> None:
    synthetic = conn.execute(
        select(dataset_meta.c.value).where(dataset_meta.c.key == "synthetic")
    ).scalar_one_or_none()
    if synthetic == "true":
        raise SpecialMeasuresError(
            "the database holds the synthetic demo; the real SMQ record is never attached to "
            "its fictional trusts (point SPECIALMEASURES_DATABASE_URL at a real database)"
        )


def _plan(
    items: list[ImpliedEpisode], matching: Matching, closes: dict[str, date | None]
) -> list[tuple[RegimeEpisode, ImpliedEpisode, str]]:
    planned: list[tuple[RegimeEpisode, ImpliedEpisode, str]] = []
    for item in items:
        code = matching.mapped.get(item.trust_name)
        if code is None:
            continue
        end: date | None = None if item.end_date == date.max else item.end_date
        basis = item.end_basis
        closed = closes.get(code)
        if closed is not None and (end is None or closed + timedelta(days=1) < end):
            end, basis = closed + timedelta(days=1), f"trust closed {closed.isoformat()}"
        if end is not None and end < item.start_date:
            end = item.start_date  # published precision puts the end in the start's month/year
        episode = RegimeEpisode(
            provider_code=code,
            regime=item.regime,
            start=item.start_date,
            end=end,
            state=EpisodeState.EXITED if end is not None else EpisodeState.IN_REGIME,
        )
        planned.append((episode, item, basis))
    return planned


def load_public_record(
    repo: Repository,
    record: RealRecord,
    codes: TrustCodes,
    *,
    actor: str,
    at: datetime,
) -> PublicRecordReport:
    """Load ``record`` (into ``real_smq_events``) and the episodes it implies for the matched
    trusts (replacing earlier public-record episodes); the same inputs again change nothing."""
    with repo.engine.connect() as conn:
        _refuse_synthetic(conn)
        rows = conn.execute(
            select(providers.c.code, providers.c.close_date, providers.c.synthetic)
        ).mappings()
        register = {r["code"]: r for r in rows}
    real = {code for code, r in register.items() if not r["synthetic"]}
    matching = match_trusts(record.trusts, codes, real)
    closes = {code: register[code]["close_date"] for code in matching.mapped.values()}
    planned = _plan(implied_episodes(record.events), matching, closes)
    digest = hashlib.sha256(
        "|".join(
            [record.sha256, codes.sha256, *(f"{n}={c}" for n, c in sorted(matching.mapped.items()))]
            + [f"{e.provider_code}:{e.regime.value}:{e.start}:{e.end}" for e, _, _ in planned]
        ).encode()
    ).hexdigest()
    load_record(repo, record, actor=actor, at=at)
    loaded = tuple(
        LoadedEpisode(
            e.provider_code, i.trust_name, e.regime.value, e.start, i.start.date_precision, e.end, b
        )
        for e, i, b in planned
    )
    with repo.transaction() as conn:
        earlier = find_import(conn, kind=IMPORT_KIND, sha256=digest, sheet="episodes")
        current = conn.execute(
            select(public_record_episodes.c.import_id).limit(1)
        ).scalar_one_or_none()
        if earlier is not None and current == earlier.id:
            return PublicRecordReport(
                record.file, codes.file, len(record.events), matching, loaded, 0, True, earlier.id
            )
        old = list(conn.execute(select(public_record_episodes.c.episode_id)).scalars())
        conn.execute(delete(public_record_episodes))
        if old:
            conn.execute(delete(regime_episodes).where(regime_episodes.c.id.in_(old)))
        import_id = (
            earlier.id
            if earlier is not None
            else record_import(
                conn,
                kind=IMPORT_KIND,
                file_name=f"{record.file} + {codes.file}",
                sha256=digest,
                sheet="episodes",
                rows_read=len(record.events),
                rows_applied=len(planned),
                imported_at=at,
                actor=actor,
                rows_created=len(planned),
                rows_updated=0,
                skipped={f"unmatched: {name}": 1 for name in matching.unmatched},
            )
        )
        for episode, item, basis in planned:
            result = conn.execute(insert(regime_episodes).values(mapping.episode_to_row(episode)))
            key = result.inserted_primary_key
            assert key is not None
            conn.execute(
                insert(public_record_episodes).values(
                    episode_id=int(key[0]),
                    trust_name=item.trust_name,
                    start_event=item.start.event,
                    start_published=item.start.event_date,
                    start_precision=item.start.date_precision,
                    start_latest=item.start.latest,
                    end_event=item.end.event if item.end else None,
                    end_published=item.end.event_date if item.end else None,
                    end_precision=item.end.date_precision if item.end else None,
                    end_latest=item.end.latest if item.end else None,
                    end_basis=basis,
                    source_url=item.start.source_url,
                    import_id=import_id,
                )
            )
        audit.append(
            conn,
            actor=actor,
            role="importer",
            action="import.smq_public_record",
            entity="import",
            entity_key=str(import_id),
            payload={
                "record": record.file,
                "record_sha256": record.sha256,
                "mapping": codes.file,
                "mapping_sha256": codes.sha256,
                "mapped": dict(sorted(matching.mapped.items())),
                "unmatched": dict(sorted(matching.unmatched.items())),
                "episodes": [e.as_row() for e in loaded],
                "replaced": len(old),
            },
            at=at,
        )
    return PublicRecordReport(
        record.file, codes.file, len(record.events), matching, loaded, len(old), False, import_id
    )
