"""Parity of the two readers: the seed document read as plain text (history.state.gov copy)
and document 110 read from the TEI excerpt of the same volume describe the same document.

Field by field. The differences that remain are genuine differences between the sources,
and each is asserted as such (not skipped):

* text: the TEI keeps the print-hyphenation space of ``co- operation``; the web copy has
  ``co-operation``, so page breaks after it sit one character later in the TEI;
* note numbers: the web copy numbers its notes 1–4, the TEI's ``@n`` is 0–3 (the source
  note is ``n="0"``); both record the markers 0–3 as printed in the text;
* dateline: the web copy leaves out ``Moscow, September 19, 1958, 8 p.m.``, so the
  plain-text reader dates the document by its file number (793.00/9–1958 → 1958-09-19)
  while the TEI gives the dateline to the minute; the two agree on the day;
* entity spans: the TEI's editors tag people and abbreviations (58 spans); plain text has
  none until enrichment runs;
* division: only the TEI knows the chapter (comp1 › ch2).
"""

from __future__ import annotations

import pytest

from despatch.model import DateSource, Document
from despatch.readers.plaintext import PlainTextReader
from despatch.readers.tei import TeiReader
from tests.conftest import SEED, TEI_V19

VOLUME = "frus1958-60v19"


@pytest.fixture(scope="module")
def pair() -> tuple[Document, Document]:
    plain = next(iter(PlainTextReader().read(SEED, volume=VOLUME)))
    tei = next(
        r for r in TeiReader().read(TEI_V19) if isinstance(r, Document) and r.id.endswith("/d110")
    )
    return plain, tei


def test_heading_number_and_type(pair: tuple[Document, Document]) -> None:
    plain, tei = pair
    assert plain.id == tei.id == f"{VOLUME}/d110"
    assert plain.heading == tei.heading
    assert plain.title == tei.title
    assert plain.number == tei.number == "110"
    assert plain.type == tei.type
    assert plain.sender == tei.sender and plain.recipient == tei.recipient


def test_telegram_number_and_source_note(pair: tuple[Document, Document]) -> None:
    plain, tei = pair
    assert plain.telegram is not None and tei.telegram is not None
    assert plain.telegram.serial == tei.telegram.serial == "634"
    assert plain.telegram == tei.telegram
    assert plain.source_note == tei.source_note
    assert plain.archival == tei.archival


def test_text_modulo_the_stray_hyphenation_space(pair: tuple[Document, Document]) -> None:
    plain, tei = pair
    assert "co- operation" in tei.text and "co- operation" not in plain.text
    assert tei.text.replace("co- operation", "co-operation") == plain.text
    assert [p.kind for p in plain.paragraphs] == [p.kind for p in tei.paragraphs]
    assert [p.pages for p in plain.paragraphs] == [p.pages for p in tei.paragraphs]


def test_pages_231_to_238(pair: tuple[Document, Document]) -> None:
    plain, tei = pair
    assert plain.first_page == tei.first_page == "231"
    assert plain.last_page == tei.last_page == "238"
    assert [b.page for b in plain.pages] == [b.page for b in tei.pages]
    shift = tei.text.index("co- operation")
    for p_break, t_break in zip(plain.pages, tei.pages, strict=True):
        expected = p_break.offset + (1 if p_break.offset > shift else 0)
        assert t_break.offset == expected
        assert (
            tei.text[t_break.offset : t_break.offset + 30]
            == plain.text[p_break.offset : p_break.offset + 30]
        )


def test_the_four_notes(pair: tuple[Document, Document]) -> None:
    plain, tei = pair
    assert len(plain.notes) == len(tei.notes) == 4
    for p_note, t_note in zip(plain.notes, tei.notes, strict=True):
        assert p_note.text == t_note.text
        assert p_note.id == t_note.id
        assert p_note.kind == t_note.kind
        assert p_note.anchor == t_note.anchor
        assert p_note.page == t_note.page
        assert p_note.marker == t_note.marker  # as printed in the text: 0–3
    assert [n.n for n in plain.notes] == ["1", "2", "3", "4"]  # the web copy's list
    assert [n.n for n in tei.notes] == ["0", "1", "2", "3"]  # TEI @n


def test_signature_and_closer(pair: tuple[Document, Document]) -> None:
    plain, tei = pair
    assert plain.signers == tei.signers == ["Davis"]
    assert plain.closer == tei.closer == "Davis"


def test_dateline_agrees_with_the_file_number_date(pair: tuple[Document, Document]) -> None:
    plain, tei = pair
    assert plain.dateline is None  # the web copy leaves the dateline out
    assert tei.dateline == "Moscow, September 19, 1958, 8 p.m." and tei.place == "Moscow"
    assert tei.date.value == "1958-09-19T20:00" and tei.date.source is DateSource.DATELINE
    assert plain.date.source is DateSource.FILE_NUMBER
    assert plain.date.value == tei.date.day == "1958-09-19"
    file_dates = [e.value for e in tei.dates if e.source is DateSource.FILE_NUMBER]
    assert file_dates == [plain.date.value]
    # every piece of evidence the plain text gives, the TEI gives too (plus its dateline)
    shared = [e for e in tei.dates if e.source in (DateSource.FILE_NUMBER, DateSource.NOTE)]
    assert shared == plain.dates


def test_what_only_the_tei_knows(pair: tuple[Document, Document]) -> None:
    plain, tei = pair
    assert plain.spans == [] and len(tei.spans) == 58
    assert plain.division == [] and tei.division == ["comp1", "ch2"]
