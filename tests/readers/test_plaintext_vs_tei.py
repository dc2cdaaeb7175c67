"""Real FRUS documents of every kind, through the plain-text form and back.

Each document of the three bundled TEI excerpts (FRUS 1958–60 vol. XIX d105–d115,
1964–68 vol. XXX d1–d14, 1901 China appendix d48–d60 with their inclosures: memoranda,
memoranda of conversation, editorial notes, telegrams, an intelligence estimate,
despatches, instructions, letters) is read by the TEI reader, rendered into the
history.state.gov copy form with ``render_plaintext``, read back with the plain-text
reader, and compared with what the TEI encodes: heading, type, correspondents, body text,
page breaks, notes (text, kind, marker, anchor), dateline and its date, signature and
telegram fields.

What the copy form cannot carry is not compared: the first page of a document whose text
has no page marker (the web copy shows none), and entity spans.
"""

from __future__ import annotations

from functools import cache

import pytest

from despatch.export import render_plaintext
from despatch.model import Document
from despatch.readers.footmarks import page_before
from despatch.readers.plaintext import read_text
from despatch.readers.tei import TeiReader
from tests.conftest import TEI_1901, TEI_V19, TEI_V30

# The excerpt of vol. XIX leaves out pages 69–217 (slices C and D of EXCERPTS.md), so the
# TEI reader's page in force before d105's first break is 69; the copy form says 218.
EXCERPT_CUT = {"frus1958-60v19/d105"}


@cache
def _tei_documents() -> dict[str, Document]:
    docs: dict[str, Document] = {}
    for path in (TEI_V19, TEI_V30, TEI_1901):
        for record in TeiReader().read(path):
            if isinstance(record, Document):
                docs[record.id] = record
    return docs


IDS = sorted(_tei_documents())


def test_the_excerpts_cover_the_genre() -> None:
    kinds = {d.type.value for d in _tei_documents().values()}
    assert len(IDS) >= 45
    assert kinds >= {
        "telegram", "memorandum", "memorandum-of-conversation", "editorial-note",
        "intelligence-estimate", "despatch", "instruction", "attachment",
    }  # fmt: skip


@pytest.mark.parametrize("doc_id", IDS)
def test_rendered_tei_document_reads_back(doc_id: str) -> None:
    tei = _tei_documents()[doc_id]
    text = render_plaintext(tei)
    plain = read_text(text, volume=tei.volume)

    assert plain.heading == tei.heading
    assert plain.title == tei.title
    assert plain.number == tei.number
    if tei.number is not None:
        assert plain.id == tei.id
    assert plain.type is tei.type
    assert [p.name for p in plain.sender] == [p.name for p in tei.sender]
    assert [p.name for p in plain.recipient] == [p.name for p in tei.recipient]

    assert plain.text == tei.text
    # The TEI keeps "I have, etc.," as a paragraph; the plain-text reader calls it the
    # complimentary close ("closer"). The signature is "signed" in both.
    assert [p.kind == "signed" for p in plain.paragraphs] == [
        p.kind == "signed" for p in tei.paragraphs
    ]
    assert plain.signers == tei.signers

    body = [(b.page, b.offset) for b in tei.pages if b.note is None]
    assert [(b.page, b.offset) for b in plain.pages if b.note is None] == body
    assert plain.last_page == (body[-1][0] if body else None)
    if body:
        expected_first = body[0][0] if body[0][1] == 0 else page_before(body[0][0])
        assert plain.first_page == expected_first
        if doc_id not in EXCERPT_CUT:
            assert plain.first_page == tei.first_page

    assert [n.text for n in plain.notes] == [n.text for n in tei.notes]
    assert [n.kind for n in plain.notes] == [n.kind for n in tei.notes]
    assert [n.anchor for n in plain.notes] == [n.anchor for n in tei.notes]
    assert [n.marker for n in plain.notes] == [n.marker or n.n for n in tei.notes]

    assert plain.dateline == tei.dateline
    if tei.dateline and tei.date.day:
        assert plain.date.day == tei.date.day
    if tei.telegram is not None and tei.telegram.serial:
        assert plain.telegram is not None
        assert plain.telegram.serial == tei.telegram.serial
        assert plain.telegram.classification == tei.telegram.classification
        assert plain.telegram.precedence == tei.telegram.precedence
        assert plain.telegram.addressees == tei.telegram.addressees

    # Whatever the plain-text reader could not settle, it says so.
    codes = {w.code for w in plain.warnings}
    assert codes <= {
        "footnote-markers-offset", "marker-glued-to-number", "no-heading", "date-conflict",
    }, codes  # fmt: skip


def test_markers_glued_to_numbers_are_found_and_reported() -> None:
    # vol. XIX d108 in the copy form: "Embtel 4112" is telegram 411 and marker 2,
    # "September 173" is September 17 and marker 3, "Embtel 4394" is 439 and marker 4.
    tei = _tei_documents()["frus1958-60v19/d108"]
    text = render_plaintext(tei)
    assert "Embtel 4112" in text and "September 173" in text and "Embtel 4394" in text
    plain = read_text(text, volume=tei.volume)
    assert "Embtel 411 for summary" in plain.text and "September 17 for full text" in plain.text
    glued = [w.message for w in plain.warnings if w.code == "marker-glued-to-number"]
    assert len(glued) == 3
    assert [n.anchor for n in plain.notes] == [n.anchor for n in tei.notes]
