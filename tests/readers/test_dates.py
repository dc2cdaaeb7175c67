"""Dates in the forms the genre uses, datelines, and how the document date is settled."""

from __future__ import annotations

import pytest

from despatch.model import Confidence, DateEvidence, DateSource
from despatch.readers.dates import (
    date_conflicts,
    file_number_date,
    find_dates,
    is_undated,
    parse_date,
    parse_dateline,
    settle_date,
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("September 19, 1958", "1958-09-19"),
        ("Sept. 19, 1958", "1958-09-19"),
        ("19 September 1958", "1958-09-19"),
        ("28 September 1948, 8.20 p.m.", "1948-09-28T20:20"),
        ("September 19, 1958—9 p.m.", "1958-09-19T21:00"),
        ("September 19, 1958, 8 p.m.", "1958-09-19T20:00"),
        ("September 19, 1958, 5:10 p.m.", "1958-09-19T17:10"),
        ("January 24, 1964, 11–11:28 a.m.", "1964-01-24T11:00"),
        ("January 29, 1964, midnight", "1964-01-29T00:00"),
        ("June 1, 1950, noon", "1950-06-01T12:00"),
        ("December 12, 1958, 12:30 a.m.", "1958-12-12T00:30"),
        ("SEPTEMBER 28, 1948", "1948-09-28"),
        ("September 1958", "1958-09"),
    ],
)
def test_parse_date_forms(text: str, iso: str) -> None:
    ev = parse_date(text)
    assert ev is not None and ev.value == iso


def test_parse_date_rejects_impossible_and_missing_dates() -> None:
    assert parse_date("February 30, 1958") is None
    assert parse_date("no date here") is None
    assert parse_date("September 19") is None
    ev = parse_date("September 19", default_year=1958, source=DateSource.NOTE)
    assert ev is not None and ev.value == "1958-09-19" and ev.source is DateSource.NOTE


@pytest.mark.parametrize(
    ("line", "place", "iso", "serial"),
    [
        ("Moscow, September 19, 1958—9 p.m.", "Moscow", "1958-09-19T21:00", None),
        ("Cablegram 317, MOSCOW, 28 September 1948, 8.20 p.m.", "Moscow", "1948-09-28T20:20",
         "317"),
        ("Legation of the United States, Peking, October 30, 1900.", "Peking", "1900-10-30",
         None),
        ("Department of State, Washington, January 11, 1901.", "Washington", "1901-01-11",
         None),
        ("Newport, Rhode Island, September 21, 1958.", "Newport, Rhode Island", "1958-09-21",
         None),
        ("Taipei, September 19, 1958, 5:10 p.m.", "Taipei", "1958-09-19T17:10", None),
        ("20th Chinese Moon. (November 11, 1900.)", None, "1900-11-11", None),
        ("New York, September 23, 1958, 3 p.m.–4:30 p.m.", "New York", "1958-09-23T15:00",
         None),
        ("Washington, September 19, 1958, 9:47–10:40 a.m.", "Washington", "1958-09-19T09:47",
         None),
    ],
)  # fmt: skip
def test_datelines(line: str, place: str | None, iso: str, serial: str | None) -> None:
    dl = parse_dateline(line)
    assert dl is not None
    assert dl.place == place and dl.serial == serial
    assert dl.evidence is not None and dl.evidence.value == iso
    assert dl.evidence.source is DateSource.DATELINE
    assert dl.evidence.confidence is Confidence.CERTAIN


def test_sentences_with_dates_are_not_datelines() -> None:
    assert parse_dateline("Following is text of the reply, September 19, 1958 which") is None
    assert parse_dateline("The talks began on September 15, 1958 in Warsaw.") is None
    assert parse_dateline("Nothing") is None


def test_place_with_undated() -> None:
    dl = parse_dateline("Washington, undated.")
    assert dl is not None and dl.is_undated and dl.place == "Washington"


@pytest.mark.parametrize("text", ["undated", "Undated.", "[undated]", "n.d."])
def test_undated(text: str) -> None:
    assert is_undated(text)
    dl = parse_dateline(text)
    assert dl is not None and dl.is_undated and dl.evidence is None


def test_file_number_date() -> None:
    assert file_number_date("793.00/9–1958") == "1958-09-19"
    assert file_number_date("793.00/9-1958") == "1958-09-19"
    assert file_number_date("POL 16 CHICOM") is None


def test_find_dates_with_and_without_year() -> None:
    text = "Reported in telegram 631 from Moscow, September 19. Issued on December 1, 1943."
    assert [(iso, words) for _s, _e, iso, words in find_dates(text)] == [
        ("1943-12-01", "December 1, 1943")
    ]
    assert [iso for _s, _e, iso, _w in find_dates(text, default_year=1958)] == [
        "1958-09-19",
        "1943-12-01",
    ]


def _ev(value: str, source: DateSource, role: str = "document") -> DateEvidence:
    return DateEvidence(value=value, source=source, role=role)  # type: ignore[arg-type]


def test_settle_prefers_dateline_then_encoded_then_note_then_file_number() -> None:
    file_ev = _ev("1958-09-19", DateSource.FILE_NUMBER)
    note_ev = _ev("1958-09-18", DateSource.NOTE)
    dateline = _ev("1958-09-18T20:00", DateSource.DATELINE)
    encoded = _ev("1958-09-18", DateSource.ENCODED)
    assert settle_date([file_ev, note_ev, dateline, encoded]).source is DateSource.DATELINE
    assert settle_date([file_ev, note_ev, encoded]).source is DateSource.ENCODED
    assert settle_date([file_ev, note_ev]).source is DateSource.NOTE
    only_file = settle_date([file_ev])
    assert only_file.value == "1958-09-19" and only_file.confidence is Confidence.INFERRED
    assert only_file.precision == "day"


def test_file_number_cross_checked_by_a_mentioned_date_is_probable() -> None:
    chosen = settle_date(
        [_ev("1958-09-19", DateSource.FILE_NUMBER), _ev("1958-09-19", DateSource.NOTE, "mentioned")]
    )
    assert chosen.source is DateSource.FILE_NUMBER
    assert chosen.confidence is Confidence.PROBABLE
    # A mentioned date never becomes the document date by itself.
    assert settle_date([_ev("1958-09-19", DateSource.NOTE, "mentioned")]).value is None


def test_conflicts_allow_filing_a_few_days_late() -> None:
    evidence = [
        _ev("1958-09-18", DateSource.DATELINE),
        _ev("1958-09-19", DateSource.FILE_NUMBER),
        _ev("1958-10-02", DateSource.NOTE),
    ]
    chosen = settle_date(evidence)
    messages = date_conflicts(evidence, chosen)
    assert len(messages) == 1 and "1958-10-02" in messages[0]


def test_undated_settles_to_an_undated_date() -> None:
    d = settle_date([], is_undated=True)
    assert d.is_undated and d.value is None and d.precision == "unknown"
