"""The public SMQ record: parsing with date precision, episodes, censoring and the summary."""

from __future__ import annotations

from datetime import date

import pytest

from specialmeasures.domain import InputError
from specialmeasures.ingest import episodes, packaged_record, summarise
from specialmeasures.ingest.real_record import date_bounds, parse_record
from specialmeasures.ingest.real_record_summary import add_months, within

HEADER = (
    "trust_name,regime,event,event_date,date_precision,decided_by,basis,ratings_note,"
    "source_url,notes\n"
)


def record_of(*lines: str) -> bytes:
    return ("# SOURCE: test\n" + HEADER + "".join(line + "\n" for line in lines)).encode()


def test_packaged_copy_parses_with_its_provenance_and_a_source_for_every_event() -> None:
    record = packaged_record()
    assert len(record.events) == 50
    assert len(record.trusts) == 23  # distinct names in the file (REGIME.md says 27)
    assert record.provenance.startswith("SOURCE:")
    assert all(e.source_url.startswith("http") for e in record.events)


@pytest.mark.parametrize(
    ("text", "precision", "bounds"),
    [
        ("2013-07-16", "day", (date(2013, 7, 16), date(2013, 7, 16))),
        ("2015-10-22", "day (year inferred)", (date(2015, 10, 22), date(2015, 10, 22))),
        ("2014-07", "month", (date(2014, 7, 1), date(2014, 7, 31))),
        ("2016-02", "month (approx)", (date(2016, 2, 1), date(2016, 2, 29))),
        ("2015", "year (inferred)", (date(2015, 1, 1), date(2015, 12, 31))),
    ],
)
def test_date_bounds_follow_the_precision(
    text: str, precision: str, bounds: tuple[date, date]
) -> None:
    assert date_bounds(text, precision) == bounds


def test_a_date_contradicting_its_precision_is_an_input_error_naming_the_cell() -> None:
    data = record_of("Test Trust,SMQ,entry,2014-07,day,NHS TDA,b,,https://example.invalid/a,")
    with pytest.raises(InputError, match="month precision") as caught:
        parse_record("events.csv", data)
    assert (caught.value.row, caught.value.column, caught.value.value) == (
        3,
        "event_date",
        "2014-07",
    )


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("Test Trust,SMQ,arrival,2014-07-01,day,x,b,,https://example.invalid/a,", "event"),
        ("Test Trust,SMQ,entry,2014-07-01,day,x,b,,,", "source_url"),
        (",SMQ,entry,2014-07-01,day,x,b,,https://example.invalid/a,", "trust_name"),
        ("Test Trust,SMQ,entry,July 2014,month,x,b,,https://example.invalid/a,", "event_date"),
    ],
)
def test_bad_rows_name_the_column(line: str, column: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_record("events.csv", record_of(line))
    assert (caught.value.file, caught.value.row, caught.value.column) == ("events.csv", 3, column)


def test_add_months_clips_to_the_end_of_the_month() -> None:
    assert add_months(date(2013, 7, 16), 12) == date(2014, 7, 16)
    assert add_months(date(2016, 1, 31), 1) == date(2016, 2, 29)


def test_episodes_re_entries_and_censoring() -> None:
    eps = {(e.trust, e.number): e for e in episodes(packaged_record().events)}
    ulht = "United Lincolnshire Hospitals NHS Trust"
    assert eps[(ulht, 1)].outcome == "exit"
    assert eps[(ulht, 2)].outcome == "transfer to RSP"
    assert (
        eps[("Heatherwood and Wexham Park Hospitals NHS Foundation Trust", 1)].outcome == "merger"
    )
    bhrut = eps[("Barking Havering and Redbridge University Hospitals NHS Trust", 1)]
    assert bhrut.outcome == "not in record"
    # Still in after the July 2015 re-inspection, ~18 months on: not within 12, unknown for 24.
    assert within(bhrut, 12) == "no"
    assert within(bhrut, 24) == "unknown"


def test_within_uses_date_ranges_honestly() -> None:
    eps = {(e.trust, e.number): e for e in episodes(packaged_record().events)}
    # Exit dated only "July 2014" after entry on 16 July 2013: either side of 12 months.
    assert within(eps[("Buckinghamshire Healthcare NHS Trust", 1)], 12) == "uncertain"
    # George Eliot left on 17 July 2014: 12 months and a day.
    assert within(eps[("George Eliot Hospital NHS Trust", 1)], 12) == "no"
    assert within(eps[("George Eliot Hospital NHS Trust", 1)], 24) == "yes"
    colchester = eps[("Colchester Hospital University NHS Foundation Trust", 1)]
    assert within(colchester, 24) == "no"
    span = colchester.duration_months()
    assert span is not None
    assert 47 < span[0] <= span[1] <= span[2] < 49


def test_summary_statistics() -> None:
    stats = {s.statistic: s for s in summarise(packaged_record().events)}
    assert stats["SMQ episodes"].value == "26"
    assert stats["trusts that re-entered after an exit"].value == "3"
    assert stats["episodes ending in an exit"].value == "17"
    assert stats["episodes with no exit in the record (censored)"].value == "7"
    assert stats["episodes exiting within 12 months"].value == "0-4"
    mean = float(stats["mean months from entry to exit (exited episodes)"].value)
    assert 20 < mean < 30


def test_summary_as_of_a_date_censors_later_exits() -> None:
    stats = {s.statistic: s for s in summarise(packaged_record().events, as_of=date(2017, 5, 1))}
    assert stats["episodes ending in an exit"].value == "14"
    assert "Colchester" in stats["episodes with no exit in the record (censored)"].detail
