"""The reviewed data joining the real files: successors and the SMQ record's names to codes.

Every entry is checked against the vendored ODS snapshots, as its ``verified_from`` or
``snapshot`` column claims, and every name of the public SMQ record is accounted for.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from specialmeasures.domain import InputError
from specialmeasures.ingest.ods_layout import OdsTrust, parse_etr
from specialmeasures.ingest.public_record import (
    SMQ_ENDED,
    implied_episodes,
    match_trusts,
    packaged_trust_codes,
    parse_trust_codes,
)
from specialmeasures.ingest.real_record import packaged_record
from specialmeasures.ingest.successors import packaged_successors, parse_successors

REAL = Path(__file__).resolve().parents[2] / "data" / "real" / "ods"


def snapshot(name: str) -> dict[str, OdsTrust]:
    parsed = parse_etr(name, (REAL / name).read_bytes())
    return {t.code: t for t in parsed.trusts}


OLDER, NEWER = snapshot("etr_2021.csv"), snapshot("etr_2025.csv")


def test_every_succession_is_borne_out_by_the_evidence_it_cites() -> None:
    for s in packaged_successors().entries:
        last_day = s.effective_date - timedelta(days=1)
        if s.verified_from == "ods-dates":
            closes = {
                t.close_date
                for t in (OLDER.get(s.predecessor_code), NEWER.get(s.predecessor_code))
                if t
            }
            opening = NEWER[s.successor_code].open_date
            assert last_day in closes or opening == s.effective_date, s
        elif s.verified_from == "ods-snapshots":
            assert (s.predecessor_code in OLDER, s.predecessor_code in NEWER) == (True, False), s
            assert s.successor_code in NEWER, s
        else:
            assert s.verified_from == "smq-record"
            assert (s.predecessor_code in OLDER, s.predecessor_code in NEWER) == (False, False), s
            names = {e.trust_name for e in packaged_record().events}
            assert s.predecessor_name in names
        # The predecessor's name is the one ODS published (ODS writes capitals).
        published = OLDER.get(s.predecessor_code) or NEWER.get(s.predecessor_code)
        if published is not None:
            assert published.name == s.predecessor_name.upper(), s


def test_every_mapped_name_has_the_code_and_name_ods_published_in_that_snapshot() -> None:
    files = {"etr_2021.csv": OLDER, "etr_2025.csv": NEWER}
    for entry in packaged_trust_codes().entries:
        if entry.ods_code is None:
            continue
        assert files[entry.snapshot][entry.ods_code].name == entry.ods_name, entry


def test_every_name_of_the_record_is_either_mapped_or_listed_unmatched_with_a_reason() -> None:
    record = packaged_record()
    register = set(OLDER) | set(NEWER)
    matching = match_trusts(record.trusts, packaged_trust_codes(), register)
    assert set(matching.mapped) | set(matching.unmatched) == set(record.trusts)
    assert not set(matching.mapped) & set(matching.unmatched)
    assert len(matching.mapped) == 22
    assert list(matching.unmatched) == [
        "Heatherwood and Wexham Park Hospitals NHS Foundation Trust"
    ]
    assert (
        matching.mapped["Northern Lincolnshire and Goole Hospitals NHS Foundation Trust"] == "RJL"
    )
    # Every trust that changed code later has its successor recorded.
    successors = {s.predecessor_code for s in packaged_successors().entries}
    for code in matching.mapped.values():
        assert code in NEWER or code in successors, code


def test_names_are_never_matched_by_similarity() -> None:
    header = "trust_name,ods_code,ods_name,snapshot,note\n"
    codes = parse_trust_codes(
        "m.csv",
        (
            header + "George Eliot Hospital NHS Trust,RLT,GEORGE ELIOT HOSPITAL NHS TRUST,"
            "etr_2021.csv,\n"
        ).encode(),
    )
    matching = match_trusts(
        ("George Eliot Hospital NHS Trust", "Medway NHS Foundation Trust"), codes, {"RLT", "RPA"}
    )
    assert matching.mapped == {"George Eliot Hospital NHS Trust": "RLT"}
    # Medway's name is exactly ODS's (in capitals) and RPA is in the register: still unmatched.
    assert matching.unmatched == {"Medway NHS Foundation Trust": "no reviewed mapping in m.csv"}


def test_a_name_given_two_codes_is_ambiguous_and_not_loaded() -> None:
    header = "trust_name,ods_code,ods_name,snapshot,note\n"
    codes = parse_trust_codes(
        "m.csv",
        (
            header + "A Trust,RAA,A TRUST,etr_2021.csv,\nA Trust,RBB,A TRUST,etr_2025.csv,\n"
        ).encode(),
    )
    matching = match_trusts(("A Trust",), codes, {"RAA", "RBB"})
    assert matching.mapped == {}
    assert matching.unmatched == {"A Trust": "ambiguous: m.csv gives RAA, RBB"}


@pytest.mark.parametrize(
    ("line", "column", "value"),
    [
        ("RD7,A,RD7,B,2014-10-01,merger,ods-dates,", "successor_code", "RD7"),
        ("RD7,A,RDU,B,2014-13-01,merger,ods-dates,", "effective_date", "2014-13-01"),
        ("RD7,A,RDU,B,2014-10-01,takeover,ods-dates,", "kind", "takeover"),
        ("RD7,A,RDU,B,2014-10-01,merger,a hunch,", "verified_from", "a hunch"),
        ("rd7,A,RDU,B,2014-10-01,merger,ods-dates,", "predecessor_code", "rd7"),
    ],
)
def test_a_bad_successor_row_names_its_cell(line: str, column: str, value: str) -> None:
    header = (
        "# note\npredecessor_code,predecessor_name,successor_code,successor_name,"
        "effective_date,kind,verified_from,note\n"
    )
    with pytest.raises(InputError) as caught:
        parse_successors("s.csv", (header + line + "\n").encode())
    assert (caught.value.row, caught.value.column, caught.value.value) == (3, column, value)


def test_the_record_implies_smq_and_rsp_episodes_with_censoring_made_explicit() -> None:
    items = implied_episodes(packaged_record().events)
    ulh = [i for i in items if i.trust_name == "United Lincolnshire Hospitals NHS Trust"]
    assert [(i.regime.value, i.start_date.isoformat(), i.end_basis) for i in ulh] == [
        ("smq", "2013-07-16", "exit"),
        ("smq", "2017-04-01", "moved to the RSP"),
        ("rsp", "2021-07-01", "exit"),
    ]
    iow = [i for i in items if i.trust_name == "Isle of Wight NHS Trust"]
    assert len(iow) == 1
    assert iow[0].end is None
    assert iow[0].end_date == SMQ_ENDED
    assert "exit not in record" in iow[0].end_basis


def test_every_icb_the_newer_snapshot_uses_has_a_reviewed_name() -> None:
    from specialmeasures.ingest.ods import system_name

    codes = {t.icb_code for t in NEWER.values() if t.region_code != "W00"}
    assert len(codes) == 42
    assert sorted(c for c in codes if c is not None and system_name(c) == c) == []
    # Spot checks of the review: a trust's town lies in the ICB named for its code.
    assert system_name(NEWER["RXW"].icb_code) == "Shropshire, Telford and Wrekin"
    assert system_name(NEWER["RNN"].icb_code) == "North East and North Cumbria"
    assert system_name(NEWER["RCX"].icb_code) == "Norfolk and Waveney"
