"""The plain-text reader on the seed document, on other conventions, and on bad input.

The seed is FRUS 1958–1960 vol. XIX, document 110, as a reader copies it from
history.state.gov (``samples/plaintext/000_2018aa1b5c0eb2cd.txt``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from despatch.errors import DespatchError, ParseError, ReadError, UnsupportedFormat
from despatch.export import render_plaintext
from despatch.model import (
    Addressee,
    Confidence,
    DateSource,
    Document,
    DocumentType,
    Party,
)
from despatch.readers import read_path
from despatch.readers.plaintext import PlainTextReader, decode_bytes, read_text
from tests.conftest import GOLDEN, SEED

VOLUME = "frus1958-60v19"


@pytest.fixture(scope="module")
def seed() -> Document:
    return next(iter(PlainTextReader().read(SEED, volume=VOLUME)))


def test_seed_identity(seed: Document) -> None:
    assert seed.id == "frus1958-60v19/d110"
    assert seed.volume == VOLUME
    assert seed.number == "110"
    assert seed.title == "Telegram From the Embassy in the Soviet Union to the Department of State"
    assert seed.heading == f"110. {seed.title}"
    assert seed.type is DocumentType.TELEGRAM
    assert seed.reader == "plaintext"


def test_seed_correspondents(seed: Document) -> None:
    assert seed.sender == [Party(name="Embassy in the Soviet Union", place="Moscow", kind="post")]
    assert seed.recipient == [Party(name="Department of State", place="Washington", kind="office")]
    assert seed.signers == ["Davis"]
    assert seed.closer == "Davis"
    last = seed.paragraphs[-1]
    assert last.kind == "signed" and seed.text[last.start : last.end] == "Davis"


def test_seed_date_from_file_number_cross_checked_with_note_2(seed: Document) -> None:
    # The web copy has no dateline; the file number 793.00/9–1958 (9/19/58) dates it,
    # and note 2 ("telegram 631 from Moscow, September 19") agrees on the day.
    assert seed.dateline is None
    assert seed.date.value == "1958-09-19"
    assert seed.date.precision == "day"
    assert seed.date.source is DateSource.FILE_NUMBER
    assert seed.date.confidence is Confidence.PROBABLE
    file_ev = [e for e in seed.dates if e.source is DateSource.FILE_NUMBER]
    assert [(e.value, e.text) for e in file_ev] == [("1958-09-19", "793.00/9–1958")]
    note2_id = seed.notes[1].id
    cross = [e for e in seed.dates if e.note == note2_id and e.value == "1958-09-19"]
    assert cross and cross[0].text == "September 19" and cross[0].role == "mentioned"


def test_seed_telegram(seed: Document) -> None:
    t = seed.telegram
    assert t is not None
    assert t.serial == "634"
    assert t.classification == "Official Use Only"
    assert t.precedence == "Niact"
    assert t.sections == 5
    assert t.received == "9:29 p.m."
    assert t.addressees == [
        Addressee(name="CINCPAC", role="action", precedence="priority", qualifier="for POLAD"),
        *[
            Addressee(name=name, role="repeated", precedence="priority")
            for name in ("USUN", "London", "Taipei", "Warsaw", "Hong Kong")
        ],
    ]


def test_seed_archival_source(seed: Document) -> None:
    assert len(seed.archival) == 1
    src = seed.archival[0]
    assert src.text == "Department of State, Central Files, 793.00/9–1958"
    assert src.repository == "Department of State"
    assert src.collection == "Central Files"
    assert src.file_number == "793.00/9–1958"
    assert src.file_date == "1958-09-19"
    assert seed.source_note is not None and seed.source_note.unparsed == []


def test_seed_pages(seed: Document) -> None:
    # [Page 232] is the first marker, so the document starts on page 231.
    assert seed.first_page == "231" and seed.last_page == "238"
    assert [b.page for b in seed.pages] == [str(n) for n in range(232, 239)]
    for b in seed.pages:
        assert b.note is None
    # Each break sits where the marker stood: page 232 starts at "the entire Chinese
    # people", page 234 at "1943.", page 238 at "an evaluation".
    starts = {b.page: seed.text[b.offset : b.offset + 20] for b in seed.pages}
    assert starts["232"] == "the entire Chinese p"
    assert starts["234"].startswith("1943. This")
    assert starts["238"].startswith("an evaluation of the")
    # "support of [Page 232] the entire": one space is left between the words.
    assert seed.text[seed.pages[0].offset - 11 : seed.pages[0].offset] == "support of "


def test_seed_paragraph_pages(seed: Document) -> None:
    assert len(seed.paragraphs) == 33
    assert seed.paragraphs[0].pages == ["231"]
    spanning = [p for p in seed.paragraphs if len(p.pages) == 2]
    assert [p.pages for p in spanning] == [[str(n), str(n + 1)] for n in range(231, 238)]
    assert seed.paragraphs[-1].pages == ["238"]
    assert seed.page_at(0) == "231" and seed.page_at(len(seed.text) - 1) == "238"


def test_seed_notes_aligned_by_order_and_count(seed: Document) -> None:
    notes = seed.notes
    assert [n.n for n in notes] == ["1", "2", "3", "4"]
    assert [n.marker for n in notes] == ["0", "1", "2", "3"]
    assert [n.kind for n in notes] == ["source", "editorial", "editorial", "editorial"]
    # The heading's marker "0" attaches the source note to the heading: anchor None.
    assert notes[0].anchor is None and notes[0].page == "231"
    assert notes[0].text.startswith("Source: Department of State, Central Files")
    a1, a2, a3 = (n.anchor for n in notes[1:])
    assert a1 is not None and a2 is not None and a3 is not None
    assert seed.text[:a1].endswith("which Kuznetsov handed me this afternoon.")
    assert seed.text[:a2].endswith("in the Cairo Declaration of 1943.")
    assert seed.text[:a3].endswith("confirmed in the Potsdam Declaration of 1945,")
    assert [n.page for n in notes[1:]] == ["231", "234", "234"]
    assert notes[1].text.startswith("Reported in telegram 631 from Moscow, September 19.")
    assert notes[3].text.endswith("vol. II, p. 1474.")
    codes = [w.code for w in seed.warnings]
    assert codes == ["footnote-markers-offset"]


def test_seed_text_has_no_markers_and_keeps_real_numbers(seed: Document) -> None:
    text = seed.text
    assert "[Page" not in text and "]" not in text.replace("[countries]", "")
    assert "afternoon.1" not in text and "1943.2" not in text and "1945,3" not in text
    assert "State0" not in text
    assert text.startswith("634. Following is text of Khrushchev’s reply")
    for real in ("1943", "1945", "600 million", "10,000 kilometers", "in 1949, Acheson",
                 "September 12"):  # fmt: skip
        assert real in text
    # No digit glued to a word or to sentence punctuation is left (a stray marker would be).
    assert re.search(r"[A-Za-z][0-9]|[.,;][0-9](?![0-9])", text) is None


def test_seed_embedded_letter(seed: Document) -> None:
    assert len(seed.embedded) == 1
    letter = seed.embedded[0]
    assert letter.kind is DocumentType.LETTER
    assert letter.author == "Khrushchev"
    assert letter.addressee == "the President"
    assert letter.salutation == "Mr. President"
    assert letter.signed == "(signed) N. Khrushchev"
    assert letter.replies_to == "letter of September 12"
    span = seed.text[letter.start : letter.end]
    assert span.startswith("“Mr. President, Having received your letter of September 12")
    assert span.endswith("With respect (signed) N. Khrushchev.”")
    # The letter starts in paragraph 2 and ends at the end of the last letter paragraph.
    assert letter.start == seed.paragraphs[1].start
    assert letter.end == seed.paragraphs[-2].end


def test_seed_json_round_trip(seed: Document) -> None:
    again = Document.from_json(seed.to_json())
    assert again == seed
    assert json.loads(again.to_json()) == json.loads(seed.to_json())


def test_seed_renders_back_to_the_same_bytes(seed: Document) -> None:
    original = SEED.read_text(encoding="utf-8")
    assert render_plaintext(seed) == original
    again = read_text(render_plaintext(seed), volume=VOLUME, origin=seed.origin)
    assert again == seed


def test_id_without_volume_is_stable_and_says_so() -> None:
    text = SEED.read_text(encoding="utf-8")
    a = read_text(text)
    b = read_text(text, origin="elsewhere.txt")
    assert a.id == b.id
    assert re.fullmatch(r"local-[0-9a-f]{12}/d110", a.id)
    assert a.volume is None
    changed = read_text(text.replace("Kuznetsov", "Kuznetzov"))
    assert changed.id != a.id


def test_windows_line_ends_give_the_same_record() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert read_text(text.replace("\n", "\r\n")) == read_text(text)


def test_notes_block_that_lost_its_indentation() -> None:
    # Copying from some browsers drops the notes' leading spaces.
    text = SEED.read_text(encoding="utf-8")
    flush = read_text(text.replace("\n  ", "\n"), volume=VOLUME)
    seed = read_text(text, volume=VOLUME)
    assert flush.text == seed.text
    assert [(n.n, n.anchor, n.text) for n in flush.notes] == [
        (n.n, n.anchor, n.text) for n in seed.notes
    ]
    # A numbered list at the end of the body is not a notes block.
    body_list = read_text(
        "5. Telegram From the Department of State to the Embassy in France\n\n"
        "1234. Points follow:\n1. First point.\n2. Second point.\n"
    )
    assert body_list.notes == []
    assert body_list.text.endswith("1. First point. 2. Second point.")


def test_read_path_picks_the_plaintext_reader() -> None:
    records = list(read_path(SEED, volume=VOLUME))
    assert len(records) == 1 and isinstance(records[0], Document)
    assert records[0].reader == "plaintext"


# ------------------------------------------------------------------ other conventions


def test_cablegram_1948_day_month_year_and_upper_case_classification() -> None:
    """Convention: FRUS volumes of the 1940s print Army and Navy cablegrams with a
    "Cablegram <number>, <PLACE>, <day> <Month> <year>, <time>" dateline and the
    classification as an upper-case line of its own (e.g. the Berlin and Moscow
    cablegrams in FRUS 1948, vol. II, Germany and Austria). The text below is written in
    that form for this test; it is not copied from a volume."""
    text = (
        "317. Cablegram From the Ambassador in the Soviet Union (Smith) to the Secretary "
        "of State1\n\n"
        "TOP SECRET\n\n"
        "Cablegram 317, MOSCOW, 28 September 1948, 8.20 p.m.\n\n"
        "Molotov received the three Ambassadors this evening at 6.30 and read the Soviet "
        "reply.2 He made no comment on the currency proposals of 30 August.\n\n"
        "Smith\n"
        "  1. Source: Department of State, Central Files, 740.00119 Control (Germany)/9–2848.\n"
        "  2. The text of the reply is printed below.\n"
    )
    doc = read_text(text, volume="frus1948v02")
    assert doc.id == "frus1948v02/d317"
    assert doc.type is DocumentType.CABLEGRAM
    assert doc.sender[0].name == "Ambassador in the Soviet Union (Smith)"
    assert doc.sender[0].place == "Moscow"
    assert doc.recipient[0].name == "Secretary of State"
    assert doc.dateline == "Cablegram 317, MOSCOW, 28 September 1948, 8.20 p.m."
    assert doc.place == "Moscow"
    assert doc.date.value == "1948-09-28T20:20"
    assert doc.date.source is DateSource.DATELINE
    assert doc.date.confidence is Confidence.CERTAIN
    assert doc.telegram is not None
    assert doc.telegram.serial == "317"
    assert doc.telegram.classification == "Top Secret"
    assert doc.paragraphs[0].kind == "label"
    assert doc.text.startswith("TOP SECRET\n\nMolotov received")
    assert "6.30" in doc.text  # a time with a full stop is not a marker
    assert doc.notes[1].anchor is not None
    assert doc.text[: doc.notes[1].anchor].endswith("read the Soviet reply.")
    assert doc.signers == ["Smith"]
    assert doc.archival[0].file_date == "1948-09-28"
    assert doc.warnings == []


def test_1940s_file_caption_and_classification_beside_the_dateline() -> None:
    """Convention: the printed FRUS volumes of the 1940s head a telegram with its decimal
    file number and kind ("761.00/9–2848: Telegram"), give the heading without a type
    ("The Ambassador in … to the Secretary of State"), and print the classification on the
    dateline's line ("TOP SECRET    Moscow, September 28, 1948—8 p.m."). The text is
    written in that form for this test; it is not copied from a volume."""
    doc = read_text(
        "761.00/9–2848: Telegram\n\n"
        "The Ambassador in the Soviet Union (Smith) to the Secretary of State\n\n"
        "TOP SECRET    Moscow, September 28, 1948—8 p.m.\n\n"
        "2037. Molotov received us this evening.\n\n"
        "Smith\n"
    )
    assert doc.type is DocumentType.TELEGRAM
    assert doc.title == "The Ambassador in the Soviet Union (Smith) to the Secretary of State"
    assert doc.dateline == "Moscow, September 28, 1948—8 p.m." and doc.place == "Moscow"
    assert doc.date.value == "1948-09-28T20:00"
    assert doc.telegram is not None
    assert (doc.telegram.serial, doc.telegram.classification) == ("2037", "Top Secret")
    assert doc.archival[0].file_number == "761.00/9–2848"
    assert doc.archival[0].file_date == "1948-09-28"
    assert doc.paragraph_texts() == ["2037. Molotov received us this evening.", "Smith"]
    assert doc.warnings == []


def test_nineteenth_century_despatch_without_document_number() -> None:
    """Convention: FRUS before the 1920s heads a document "Mr. Conger to Mr. Hay." with no
    number and no type; the despatch number ("No. 435.]") and the dateline ("Legation of
    the United States, Peking, …") open the text. The words are FRUS 1901, Appendix,
    Affairs in China, document 48 (the bundled TEI excerpt, frus1901China-excerpt.xml)."""
    text = (
        "Mr. Conger to Mr. Hay.\n\n"
        "No. 435.]\n\n"
        "Legation of the United States, Peking, October 30, 1900.\n\n"
        "Sir: I have the honor to confirm my telegram of the 28th. To make the Chinese "
        "Government indemnify native Christians for wrongs to their persons and property by "
        "the “Boxer” movement, the responsibility for which the Imperial Government "
        "practically acknowledges, would be a most humane act, and would give to missionary "
        "work great prestige for the future; but it would open up an almost limitless field "
        "of investigation.\n\n"
        "I have, etc.,\n\n"
        "E. H. Conger.\n"
    )
    doc = read_text(text)
    assert doc.number is None
    assert re.fullmatch(r"local-[0-9a-f]{12}/doc", doc.id)
    assert doc.title == doc.heading == "Mr. Conger to Mr. Hay."
    assert doc.type is DocumentType.DESPATCH
    assert doc.sender == [Party(name="Mr. Conger", place="Peking", kind="person")]
    assert doc.recipient == [Party(name="Mr. Hay", kind="person")]
    assert doc.dateline == "Legation of the United States, Peking, October 30, 1900."
    assert doc.place == "Peking"
    assert doc.date.value == "1900-10-30" and doc.date.source is DateSource.DATELINE
    assert [p.kind for p in doc.paragraphs] == ["opener", "p", "closer", "signed"]
    assert doc.paragraph_texts()[0] == "No. 435.]"
    assert doc.signers == ["E. H. Conger"]
    assert doc.telegram is not None and doc.telegram.serial == "435"  # the despatch number
    assert doc.telegram.classification is None
    assert "28th" in doc.text
    assert doc.notes == [] and doc.warnings == []


def test_dateline_with_dash_and_time() -> None:
    doc = read_text(
        "5. Telegram From the Embassy in Poland to the Department of State\n\n"
        "Warsaw, September 19, 1958—9 p.m.\n\n"
        "512. Beam met Wang today.\n"
    )
    assert doc.dateline == "Warsaw, September 19, 1958—9 p.m."
    assert doc.date.value == "1958-09-19T21:00"
    assert doc.telegram is not None and doc.telegram.serial == "512"
    assert doc.sender[0].place == "Warsaw"


def test_undated_document() -> None:
    doc = read_text("12. Paper Prepared in the Department of State\n\nUndated.\n\nText.\n")
    assert doc.date.is_undated and doc.date.value is None
    assert doc.dateline == "Undated."


# ------------------------------------------------------------------ markers and pages


def test_markers_numbered_from_one_need_no_warning() -> None:
    doc = read_text(
        "7. Memorandum From the Secretary of State to the President1\n\n"
        "Washington, May 2, 1960.\n\n"
        "The talks of 1959 went well.2 About 600 million people live there.3\n\n"
        "  1. Source: Eisenhower Library, Whitman File, Dulles-Herter Series. Secret.\n"
        "  2. See Document 5.\n"
        "  3. Estimate of 1960.\n"
    )
    assert [n.anchor is None for n in doc.notes] == [True, False, False]
    assert [n.marker for n in doc.notes] == ["1", "2", "3"]
    assert "600 million" in doc.text and "1959" in doc.text
    assert doc.warnings == []
    assert doc.archival[0].repository == "Eisenhower Library"
    assert doc.archival[0].collection == "Whitman File, Dulles-Herter Series"


def test_decimal_after_a_number_is_not_taken_as_a_marker() -> None:
    doc = read_text(
        "8. Memorandum for the Record\n\n"
        "Output rose by 3.5 million tons in 1958.1 Then it fell.\n\n"
        "  1. Source: Department of State, Central Files, 893.00/1–559. Secret.\n"
    )
    assert "3.5 million" in doc.text
    assert doc.text.startswith("Output rose by 3.5 million tons in 1958. Then")
    # The source note has a marker in the body here (no marker on the heading).
    assert doc.notes[0].anchor == len("Output rose by 3.5 million tons in 1958.")


def test_marker_glued_to_a_number_is_read_by_order_and_count_with_a_warning() -> None:
    # FRUS 1958-60 vol. XIX d106 in the web copy: "Warsaw’s 4119" is telegram 411 and
    # marker 9; only the count of notes says so.
    doc = read_text(
        "1. Telegram From the Department of State to the Embassy in Poland0\n\n"
        "Along the lines suggested by Warsaw’s 4111 whereby we would refrain.\n\n"
        "  1. Source: Department of State, Central Files, 611.93/9–1958. Secret.\n"
        "  2. Telegram 411 from Warsaw, September 15.\n"
    )
    assert "Warsaw’s 411 whereby" in doc.text
    assert doc.notes[1].anchor == doc.text.index(" whereby")
    assert "marker-glued-to-number" in [w.code for w in doc.warnings]


def test_page_marker_alone_between_paragraphs_and_at_paragraph_start() -> None:
    doc = read_text(
        "3. Editorial Note\n\nFirst paragraph.\n\n[Page 12]\n\nSecond.\n\n[Page 13] Third.\n"
    )
    assert doc.paragraph_texts() == ["First paragraph.", "Second.", "Third."]
    assert [(b.page, doc.text[b.offset :][:6]) for b in doc.pages] == [
        ("12", "Second"),
        ("13", "Third."),
    ]
    assert doc.first_page == "11" and doc.last_page == "13"


def test_page_break_inside_a_note() -> None:
    doc = read_text(
        "1. Editorial Note\n\nText.1\n\n  1. A long note that runs [Page 7] onto the next page.\n"
    )
    (note,) = doc.notes
    assert note.text == "A long note that runs onto the next page."
    assert [(b.page, b.offset, b.note) for b in doc.pages] == [("7", 22, note.id)]
    assert note.text[22:].startswith("onto")
    again = read_text(render_plaintext(doc))
    assert again.model_copy(update={"id": doc.id}) == doc  # the id hashes the exact text


def test_roman_page_numbers() -> None:
    doc = read_text("1. Editorial Note\n\nOne [Page XXII] two.\n")
    assert doc.first_page == "XXI" and doc.last_page == "XXII"
    assert doc.text == "One two."


# ------------------------------------------------------------------ bad input


def test_empty_file_is_a_read_error(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(ReadError, match="empty"):
        list(PlainTextReader().read(p))
    p.write_bytes(b"  \n\n \t\n")
    with pytest.raises(ReadError, match=r"empty\.txt"):
        list(PlainTextReader().read(p))


def test_binary_file_is_unsupported(tmp_path: Path) -> None:
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(UnsupportedFormat, match="binary"):
        list(PlainTextReader().read(p))


def test_cp1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "old.txt"
    p.write_bytes("1. Editorial Note\n\nKhrushchev\u2019s reply \u2014 1958.\n".encode("cp1252"))
    doc = next(iter(PlainTextReader().read(p)))
    assert "Khrushchev’s reply — 1958." in doc.text
    assert [w.code for w in doc.warnings] == ["encoding-cp1252"]
    assert doc.warnings[0].line == 3


def test_undecodable_bytes_name_the_line() -> None:
    data = b"1. Editorial Note\n\nline two\n\x81\x8d\x8f bad\n"
    with pytest.raises(ParseError) as info:
        decode_bytes(data, path="x.txt")
    assert info.value.path == "x.txt" and info.value.line == 4
    assert "UTF-8" in str(info.value)


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="cannot read"):
        list(PlainTextReader().read(tmp_path / "nope.txt"))


def test_markers_with_no_notes_are_kept_and_reported() -> None:
    doc = read_text(
        "110. Telegram From the Embassy in the Soviet Union to the Department of State0\n\n"
        "634. Following is text of reply.1 It was handed me this afternoon.2\n"
    )
    assert doc.notes == []
    assert "markers-without-notes" in [w.code for w in doc.warnings]
    assert "reply.1" in doc.text  # left as printed, not silently removed
    assert doc.title.endswith("State0")


def test_truncated_notes_block_is_reported() -> None:
    doc = read_text(
        "9. Editorial Note\n\nOne.1 Two.2 Three.3\n\n"
        "  1. First note.\n"
        "  2. The second note was cut off in the mid\n"
    )
    codes = [w.code for w in doc.warnings]
    assert "notes-truncated" in codes
    assert "note-without-marker" not in codes
    assert doc.notes[1].anchor is not None
    # Marker 3 has no note: it stays in the text and the record says the block is short.
    assert "Three.3" in doc.text


def test_note_missing_from_the_middle_is_reported() -> None:
    doc = read_text("9. Editorial Note\n\nOne.1 Two.2\n\n  1. First note.\n  3. Third note.\n")
    assert "notes-numbering" in [w.code for w in doc.warnings]


def test_text_without_heading_gets_a_warning_not_an_error() -> None:
    doc = read_text("This is just a paragraph of prose without any heading line at all, "
                    "and it goes on long enough to be a paragraph. " * 4)  # fmt: skip
    assert doc.number is None and doc.title == ""
    assert [w.code for w in doc.warnings] == ["no-heading"]


# ------------------------------------------------------------------ golden files

CASES = sorted(p.stem for p in (GOLDEN / "plaintext").glob("*.txt"))


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, update_golden: bool) -> None:
    """Each tests/golden/plaintext/<case>.txt reads to exactly <case>.json."""
    src = GOLDEN / "plaintext" / f"{case}.txt"
    expected_path = src.with_suffix(".json")
    m = re.match(r"^(frus[\w-]+?)-d\d+", case)
    volume = m.group(1) if m else None
    doc = next(iter(PlainTextReader().read(src, volume=volume)))
    doc.origin = f"tests/golden/plaintext/{case}.txt"
    actual = json.loads(doc.to_json())
    if update_golden or not expected_path.exists():
        expected_path.write_text(
            json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if not update_golden:
            pytest.fail(f"wrote missing golden file {expected_path.name}; review and commit it")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


def test_golden_cases_exist() -> None:
    assert len(CASES) >= 4


def test_every_error_is_a_despatch_error() -> None:
    for bad in ("", " ", "\n\n"):
        with pytest.raises(DespatchError):
            read_text(bad)
