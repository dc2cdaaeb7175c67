"""Writers that turn records back into text.

``render_plaintext`` writes a document in the form a reader copies from
history.state.gov (the form of the seed document and of ``readers/plaintext.py``):

* the heading with the source note's marker glued to it (``…State0``);
* the dateline, when the record has one, on its own line;
* the paragraphs separated by blank lines, with ``[Page N]`` where page N starts and each
  footnote marker glued where its note is anchored;
* the notes block right after the last line: ``  1. Source: …``, numbered from 1.

Markers use ``Note.marker`` when the record has it (the web copy numbers them from 0),
else the note's number. Reading the output with ``readers.plaintext.read_text`` gives
back the same heading, text, page breaks and note anchors.
"""

from __future__ import annotations

from despatch.model import Document, Note

__all__ = ["render_plaintext"]


def _marker(note: Note) -> str:
    return note.marker if note.marker is not None else note.n


def render_plaintext(doc: Document) -> str:
    """Render ``doc`` in the history.state.gov plain-text copy form."""
    heading = doc.heading or doc.title
    for note in doc.notes:
        if note.anchor is None and note.kind == "source":
            heading += _marker(note)
            break
    inserts: list[tuple[int, int, int, str]] = []  # offset, markers first, order, text
    for k, b in enumerate(doc.pages):
        if b.note is None:
            inserts.append((b.offset, 1, k, f"[Page {b.page}] "))
    for k, note in enumerate(doc.notes):
        if note.anchor is not None:
            inserts.append((note.anchor, 0, k, _marker(note)))
    inserts.sort()
    text = doc.text
    pieces: list[str] = []
    cursor = 0
    for offset, _kind, _order, value in inserts:
        offset = min(max(offset, 0), len(text))
        pieces.append(text[cursor:offset])
        if value.startswith("[Page") and offset == len(text):
            value = " " + value.rstrip()
        pieces.append(value)
        cursor = offset
    pieces.append(text[cursor:])
    body = "".join(pieces)
    parts = [heading]
    if doc.dateline:
        parts.append(doc.dateline)
    if body:
        parts.append(body)
    out = "\n\n".join(parts)
    lines: list[str] = []
    for i, note in enumerate(doc.notes, start=1):
        note_text = note.text
        breaks = sorted(
            (b for b in doc.pages if b.note is not None and b.note == note.id),
            key=lambda b: b.offset,
            reverse=True,
        )
        for b in breaks:
            off = min(max(b.offset, 0), len(note_text))
            note_text = f"{note_text[:off]}[Page {b.page}] {note_text[off:]}"
        lines.append(f"  {i}. {' '.join(note_text.split())}")
    if lines:
        out += "\n" + "\n".join(lines)
    return out
