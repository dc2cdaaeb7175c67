"""Markdown (or text) with YAML front matter: the fields fill the record, the body is read
as plain text. The body here is the opening of the seed document (FRUS 1958–60 vol. XIX,
d110); the front matter is written as an edition that publishes Markdown would write it.
"""

# ruff: noqa: E501  (the Markdown sample keeps its long lines as an edition writes them)
from __future__ import annotations

from pathlib import Path

import pytest

from despatch.errors import ParseError, ReadError
from despatch.model import DateSource, DocumentType, Party
from despatch.readers import read_path
from despatch.readers.markdown import MarkdownReader, read_markdown, split_front_matter

MD = """---
volume: frus1958-60v19
number: 110
title: Telegram From the Embassy in the Soviet Union to the Department of State
date: 1958-09-19
dateline: Moscow, September 19, 1958, 8 p.m.
source: "Source: Department of State, Central Files, 793.00/9–1958. Official Use Only; Niact. Transmitted in five sections. Received at 9:29 p.m."
pages: 231-238
---

634. Following is text of Khrushchev’s reply to *President’s* letter of September 12, which Kuznetsov handed me this afternoon.[^1]

“Mr. President, Having received your letter of September 12 and studied it, I was [Page 232] grieved. With respect (signed) N. Khrushchev.”

Davis

[^1]: Reported in telegram 631 from Moscow, September 19. (*Ibid.*)
"""


def test_front_matter_fills_the_record() -> None:
    doc = read_markdown(MD, origin="d110.md")
    assert doc.id == "frus1958-60v19/d110"
    assert doc.volume == "frus1958-60v19" and doc.number == "110"
    assert doc.heading == (
        "110. Telegram From the Embassy in the Soviet Union to the Department of State"
    )
    assert doc.type is DocumentType.TELEGRAM
    assert doc.sender == [Party(name="Embassy in the Soviet Union", place="Moscow", kind="post")]
    assert doc.dateline == "Moscow, September 19, 1958, 8 p.m."
    assert doc.place == "Moscow"
    # The dateline outranks the front-matter date; both are kept as evidence.
    assert doc.date.value == "1958-09-19T20:00" and doc.date.source is DateSource.DATELINE
    assert {e.source for e in doc.dates} >= {
        DateSource.DATELINE, DateSource.FRONT_MATTER, DateSource.FILE_NUMBER,
    }  # fmt: skip
    assert doc.telegram is not None
    assert (doc.telegram.serial, doc.telegram.classification, doc.telegram.precedence) == (
        "634", "Official Use Only", "Niact",
    )  # fmt: skip
    assert doc.telegram.sections == 5 and doc.telegram.received == "9:29 p.m."
    assert doc.archival[0].file_number == "793.00/9–1958"
    assert (doc.first_page, doc.last_page) == ("231", "238")
    assert doc.reader == "markdown" and doc.origin == "d110.md"


def test_body_goes_through_the_plain_text_reader() -> None:
    doc = read_markdown(MD)
    assert doc.text.startswith("634. Following is text of Khrushchev’s reply to President’s")
    assert "*" not in doc.text and "[^" not in doc.text and "[Page" not in doc.text
    assert [b.page for b in doc.pages] == ["232"]
    assert doc.signers == ["Davis"]
    source, note = doc.notes
    assert source.kind == "source" and source.anchor is None
    assert note.text == "Reported in telegram 631 from Moscow, September 19. (Ibid.)"
    assert note.anchor is not None
    assert doc.text[: note.anchor].endswith("this afternoon.")
    assert doc.embedded[0].signed == "(signed) N. Khrushchev"


def test_volume_option_wins_over_front_matter() -> None:
    assert read_markdown(MD, volume="other").id == "other/d110"


def test_unknown_fields_and_bad_values_are_warnings() -> None:
    doc = read_markdown("---\nnumber: 3\ntags: [a]\ndate: soon\ntype: poem\n---\n\nText.\n")
    messages = " ".join(w.message for w in doc.warnings)
    assert "'tags'" in messages and "'soon'" in messages and "'poem'" in messages
    assert doc.number == "3" and doc.text == "Text."


def test_markdown_heading_line_without_front_matter() -> None:
    doc = read_markdown("# 114. Editorial Note\n\nOn September 20 the Secretary met.\n")
    assert doc.heading == "114. Editorial Note"
    assert doc.type is DocumentType.EDITORIAL_NOTE


def test_broken_front_matter_is_a_parse_error_with_a_line() -> None:
    with pytest.raises(ParseError) as info:
        read_markdown("---\ntitle: [unclosed\n---\n\nText\n", origin="bad.md")
    assert info.value.path == "bad.md" and info.value.line is not None
    with pytest.raises(ParseError, match="never closed"):
        read_markdown("---\ntitle: x\n\nText\n")
    with pytest.raises(ParseError, match="mapping"):
        read_markdown("---\n- a\n- b\n---\nText\n")


def test_front_matter_only_is_an_error_without_a_title() -> None:
    with pytest.raises(ReadError):
        read_markdown("---\nvolume: x\n---\n")
    doc = read_markdown("---\ntitle: Editorial Note\nnumber: 2\n---\n")
    assert doc.heading == "2. Editorial Note" and doc.text == ""


def test_split_front_matter() -> None:
    fm, body, line = split_front_matter("---\na: 1\n---\nbody\n")
    assert fm == {"a": 1} and body == "body\n" and line == 4
    assert split_front_matter("no front matter") == ({}, "no front matter", 1)


def test_reader_and_read_path(tmp_path: Path) -> None:
    p = tmp_path / "d110.md"
    p.write_text(MD, encoding="utf-8")
    (doc,) = list(MarkdownReader().read(p))
    assert doc.id == "frus1958-60v19/d110"
    (again,) = list(read_path(p))
    assert again.reader == "markdown"
