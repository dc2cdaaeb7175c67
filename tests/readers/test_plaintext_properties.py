"""Property tests: whatever text or bytes come in, the readers give a record or a ReadError.

And for documents built from the parts of the copy form, the record is consistent
(offsets in range, no markers left) and rendering it reads back to the same record.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from despatch.errors import ReadError
from despatch.export import render_plaintext
from despatch.model import Document
from despatch.readers.markdown import read_markdown
from despatch.readers.plaintext import PlainTextReader, read_text

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text built from the characters that matter to the reader, plus anything else.
_ALPHABET = st.sampled_from(
    [*"abcXYZ 0123456789.,;:()[]“”’—–-\n\t ", "[Page 12]", "  1. ", "Source: ", "\r\n"]
)
_noisy_text = st.one_of(
    st.text(max_size=400),
    st.lists(_ALPHABET, max_size=120).map("".join),
)


def _check(doc: Document) -> None:
    n = len(doc.text)
    for p in doc.paragraphs:
        assert 0 <= p.start <= p.end <= n
    for b in doc.pages:
        if b.note is None:
            assert 0 <= b.offset <= n
    for note in doc.notes:
        assert note.anchor is None or 0 <= note.anchor <= n
    for e in doc.embedded:
        assert 0 <= e.start < e.end <= n
    assert Document.from_json(doc.to_json()) == doc


@SETTINGS
@given(_noisy_text)
def test_any_text_gives_a_record_or_a_read_error(text: str) -> None:
    try:
        doc = read_text(text)
    except ReadError:
        return
    _check(doc)


@SETTINGS
@given(st.binary(max_size=600))
def test_any_bytes_give_a_record_or_a_read_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.txt"
        path.write_bytes(data)
        try:
            docs = list(PlainTextReader().read(path))
        except ReadError:
            return
    assert len(docs) == 1
    _check(docs[0])


@SETTINGS
@given(_noisy_text)
def test_any_markdown_gives_a_record_or_a_read_error(text: str) -> None:
    for candidate in (text, f"---\n{text}\n---\n{text}"):
        try:
            doc = read_markdown(candidate)
        except ReadError:
            continue
        _check(doc)


_word = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
_number = st.integers(min_value=0, max_value=99999).map(str)


@st.composite
def _documents(draw: st.DrawFn) -> str:
    """A document in the copy form: heading, paragraphs with markers and pages, notes."""
    n_notes = draw(st.integers(min_value=0, max_value=5))
    paragraphs: list[str] = []
    markers = list(range(1, n_notes + 1))
    page = draw(st.integers(min_value=2, max_value=900))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        words: list[str] = []
        for _ in range(draw(st.integers(min_value=1, max_value=25))):
            kind = draw(st.sampled_from(["word", "word", "word", "number", "page", "marker"]))
            if kind == "number":
                words.append(draw(_number))
            elif kind == "page":
                words.append(f"[Page {page}]")
                page += 1
            elif kind == "marker" and markers and words and words[-1][-1:].isalpha():
                words[-1] = f"{words[-1]}.{markers.pop(0)}"
            else:
                words.append(draw(_word).capitalize())
        paragraphs.append(" ".join(words).replace("] [Page", "] x [Page"))
    assume(not markers)  # every note got its marker
    notes = [f"  {k}. Note {k} text." for k in range(1, n_notes + 1)]
    body = "\n\n".join(paragraphs)
    return f"{draw(_number)}. Editorial Note\n\n{body}" + ("\n" + "\n".join(notes) if notes else "")


@SETTINGS
@given(_documents())
def test_copy_form_documents_are_consistent_and_round_trip(text: str) -> None:
    doc = read_text(text)
    _check(doc)
    assert "[Page" not in doc.text
    assert all(n.anchor is not None for n in doc.notes)
    again = read_text(render_plaintext(doc))
    assert again.text == doc.text
    assert [(b.page, b.offset) for b in again.pages] == [(b.page, b.offset) for b in doc.pages]
    assert [(n.n, n.anchor, n.text) for n in again.notes] == [
        (n.n, n.anchor, n.text) for n in doc.notes
    ]
