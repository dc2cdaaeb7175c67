"""Reader for documents as a reader copies them from history.state.gov (plain text).

The form (the project's seed document is the reference)::

    110. Telegram From the Embassy in the Soviet Union to the Department of State0

    634. Following is text of Khrushchev’s reply … this afternoon.1

    … paragraphs, with [Page 232] markers anywhere, also mid-sentence …

    Davis
      1. Source: Department of State, Central Files, 793.00/9–1958. Official Use Only; …
      2. Reported in telegram 631 from Moscow, September 19. …

* the heading: document number, title, and a footnote marker glued to it (the source
  note belongs to the heading: its ``Note.anchor`` is ``None``);
* optional opener lines: a dateline (``Moscow, September 19, 1958—9 p.m.``,
  ``Cablegram 317, MOSCOW, 28 September 1948, 8.20 p.m.``), a classification line
  (``TOP SECRET``), a despatch number (``No. 435.]``);
* paragraphs separated by blank lines; the first paragraph of a telegram starts with its
  number (``634.``);
* the signature (``Davis``), optionally after a complimentary close (``I have, etc.,``);
* the notes block: indented numbered lines (``  1. Source: …``).

The dateline is kept in ``Document.dateline`` (not in the body text), as the TEI reader
does; openers, paragraphs and the signature are the body text.

Document ids: ``<volume>/d<number>`` when the volume is known (the ``volume`` argument,
``--volume``, or front matter). Otherwise the id is ``local-<hash>/d<number>`` where
``<hash>`` is 12 hex digits of a BLAKE2b digest of the document text as read (line ends
normalised), so the same text always gets the same id whatever the file is called;
documents without a number get ``…/doc``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from despatch.errors import ParseError, ReadError, UnsupportedFormat
from despatch.model import (
    ArchivalSource,
    Confidence,
    DateEvidence,
    DateSource,
    Document,
    DocumentDate,
    DocumentType,
    Note,
    PageBreak,
    RecordWarning,
    SourceNote,
)
from despatch.readers._copybody import (
    align_notes,
    build_body,
    check_notes,
    note_text,
    page_range,
    pages_of,
)
from despatch.readers._copylayout import Block, Openers, layout, mark_closer, read_openers
from despatch.readers.dates import (
    date_conflicts,
    mentioned_dates,
    parse_date,
    settle_date,
)
from despatch.readers.embedded import find_embedded
from despatch.readers.footmarks import (
    Candidate,
    MarkerRun,
    glued_to_numbers,
    marker_candidates,
    select_markers,
)
from despatch.readers.heading import (
    correspondence_type,
    document_type,
    parties,
    split_heading,
    telegram_info,
    telegram_serial,
)
from despatch.readers.sourcenote import (
    decimal_file_date,
    parse_source_note,
)

__all__ = ["PlainTextReader", "decode_bytes", "parse_document", "read_text"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_TELEGRAPHIC = frozenset({DocumentType.TELEGRAM, DocumentType.CABLEGRAM, DocumentType.AIRGRAM})


class PlainTextReader:
    """Reads one FRUS document in the history.state.gov plain-text copy form."""

    name = "plaintext"

    def read(self, path: Path, *, volume: str | None = None) -> Iterator[Document]:
        """Yield the one document in the file at ``path``."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ReadError(f"cannot read file: {exc.strerror or exc}", path=path) from exc
        text, warnings = decode_bytes(data, path=str(path))
        yield parse_document(text, origin=str(path), volume=volume, warnings=warnings)


def decode_bytes(data: bytes, *, path: str | None = None) -> tuple[str, list[RecordWarning]]:
    """Decode a file's bytes: UTF-8 (BOM allowed), else Windows-1252 with a warning.

    Raises ``ReadError`` for an empty file, ``UnsupportedFormat`` for binary data and
    ``ParseError`` for bytes that are neither encoding.
    """
    warnings: list[RecordWarning] = []
    if not data or data.isspace():
        raise ReadError("empty file: there is no document to read", path=path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), warnings
        except UnicodeDecodeError as exc:
            raise ParseError(
                "file starts with a UTF-16 mark but is not valid UTF-16; re-save it as UTF-8",
                path=path,
            ) from exc
    if b"\x00" in data[:4096]:
        raise UnsupportedFormat(
            "binary file, not a text document (despatch reads UTF-8 plain text, "
            "Markdown and TEI XML)",
            path=path,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc2:
            raise ParseError(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded) and not "
                "Windows-1252 either; convert the file to UTF-8 and try again",
                path=path,
                line=data.count(b"\n", 0, exc2.start) + 1,
            ) from exc2
        warnings.append(
            RecordWarning(
                code="encoding-cp1252",
                message=(
                    f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at line {line}); "
                    "it was read as Windows-1252: check quotes and dashes, or re-save as UTF-8"
                ),
                line=line,
            )
        )
    head = text[:65536]
    if _CONTROL.search(head) is not None and len(_CONTROL.findall(head)) > max(8, len(head) // 100):
        raise UnsupportedFormat(
            "binary data, not a text document (too many control characters)", path=path
        )
    return text, warnings


def read_text(text: str, *, origin: str | None = None, volume: str | None = None) -> Document:
    """Read one document from in-memory text in the history.state.gov copy form.

    Raises ``ReadError`` when there is no text at all; anything else it cannot interpret
    becomes a ``RecordWarning`` on the record.
    """
    return parse_document(text, origin=origin, volume=volume, warnings=[])


def _doc_id(volume: str | None, number: str | None, text: str) -> str:
    if volume and number:
        return f"{volume}/d{number}"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    canonical = text.strip().encode("utf-8", "surrogatepass")
    digest = hashlib.blake2b(canonical, digest_size=6).hexdigest()
    if volume:
        return f"{volume}/x{digest}"
    return f"local-{digest}/d{number}" if number else f"local-{digest}/doc"


def parse_document(
    text: str,
    *,
    origin: str | None,
    volume: str | None,
    warnings: list[RecordWarning],
    heading: str | None = None,
    evidence: list[DateEvidence] | None = None,
    reader: str = "plaintext",
) -> Document:
    """Read one document from text in the copy form (the engine of ``read_text``).

    ``heading`` gives the heading when it is not the text's first line (Markdown front
    matter); ``evidence`` adds dates known from elsewhere (front matter) before the
    document date is settled.
    """
    if not text.strip() and heading is None:
        raise ReadError("empty document: there is no text to read", path=origin)
    warnings = list(warnings)
    lay = layout(text, detect_heading=heading is None)
    if heading is not None:
        lay.heading = " ".join(heading.split()) or None
    if lay.heading is None:
        warnings.append(
            RecordWarning(
                code="no-heading",
                message='no heading line ("110. Telegram From … to …") was found; the '
                "document has no number or title",
                line=1,
            )
        )
    if not lay.blocks and not lay.notes and lay.heading is None:
        raise ReadError("no document text found", path=origin)
    # Heading and its marker.
    has_source_first = bool(lay.notes) and lay.notes[0].text.lower().startswith("source:")
    parts = split_heading(lay.heading or "", allow_spaced_marker=has_source_first)
    number = parts.number
    title = parts.title
    heading = f"{number}. {title}" if number else title
    # Openers (dateline, classification, despatch number), then the closer.
    op = Openers()
    blocks = read_openers(lay.blocks, op)
    signers = mark_closer(blocks)
    # Footnote markers: the heading's, then the body's, aligned to the notes by order.
    run = _footnote_markers(parts.marker, blocks, len(lay.notes), warnings)
    chosen = run.markers
    if parts.marker is not None and not any(c.block == -1 for c in chosen):
        title_with_marker = f"{title}{parts.marker}"
        if lay.heading and lay.heading.rstrip().endswith(f" {parts.marker}"):
            title_with_marker = f"{title} {parts.marker}"
        title = title_with_marker  # the digit was not a marker after all
        heading = f"{number}. {title}" if number else title
    body = build_body(blocks, chosen)
    closer = next((body.text[p.start : p.end] for p in body.paragraphs if p.kind == "signed"), None)
    first_page, last_page = page_range(body.pages)
    for p in body.paragraphs:
        p.pages = pages_of(p.start, p.end, body.pages, first_page)
    # Notes.
    prefix = f"d{number}" if number else ""
    notes: list[Note] = []
    note_breaks: list[PageBreak] = []
    for raw_note in lay.notes:
        nid = f"{prefix}fn{raw_note.n}"
        ntext, nbreaks = note_text(raw_note.text, nid)
        note_breaks.extend(nbreaks)
        kind = "source" if ntext.lower().startswith("source:") else "editorial"
        notes.append(Note(n=raw_note.n, id=nid, text=ntext, kind=kind))
    align_notes(notes, run, body, first_page, warnings)
    check_notes(lay.notes, warnings)
    # The web copy's markers are the edition's own note numbers (TEI @n), so a note's id
    # follows its marker when it has one: d110fn0 for note 1 of the seed, as in the TEI.
    renamed: dict[str, str] = {}
    for note in notes:
        if note.marker is not None and note.id is not None:
            new_id = f"{prefix}fn{note.marker}"
            renamed[note.id] = new_id
            note.id = new_id
    for b in note_breaks:
        if b.note in renamed:
            b.note = renamed[b.note]
    # The source note, the telegram, dates.
    source_note: SourceNote | None = None
    src = next((n for n in notes if n.kind == "source"), None)
    if src is not None:
        source_note = parse_source_note(src.text)
    kind = document_type(title) if title else DocumentType.OTHER
    if lay.caption is not None and kind in (DocumentType.CORRESPONDENCE, DocumentType.OTHER):
        kind = document_type(lay.caption.split(":", 1)[1].strip())
    if op.cable_kind == "Cablegram" and kind in (DocumentType.CORRESPONDENCE, DocumentType.OTHER):
        kind = DocumentType.CABLEGRAM
    if op.attachment:
        kind = DocumentType.ATTACHMENT
    if kind is DocumentType.CORRESPONDENCE:
        kind = correspondence_type(op.dateline, has_despatch_number=op.despatch_no is not None)
    sender, recipient = parties(title) if title else ([], [])
    if op.place and sender and sender[0].place is None:
        sender[0].place = op.place.split(",")[0].strip()
    telegram = None
    serial = op.cable_serial
    first_para = next((p for p in body.paragraphs if p.kind == "p"), None)
    if serial is None and first_para is not None and kind in _TELEGRAPHIC:
        serial = telegram_serial(body.text[first_para.start : first_para.end])
    if serial is None and op.despatch_no is not None:
        serial = op.despatch_no  # "No. 435.]": the despatch or instruction number
    if kind in _TELEGRAPHIC or serial is not None:
        telegram = telegram_info(source_note, serial)
        if telegram.classification is None:
            telegram.classification = op.classification
        if telegram.precedence is None:
            telegram.precedence = op.precedence
    archival = list(source_note.sources) if source_note else []
    if lay.caption is not None and not archival:
        file_no = lay.caption.split(":", 1)[0].strip()
        archival.append(
            ArchivalSource(
                text=file_no,
                repository="Department of State",
                collection="Central Files",
                file_number=file_no,
                file_date=decimal_file_date(file_no),
            )
        )
    evidence = [*(evidence or []), *_evidence(op, archival, notes, source_note, src)]
    date = settle_date(evidence, is_undated=op.undated)
    if op.undated and date.value is None:
        date = DocumentDate(is_undated=True)
    for message in date_conflicts(evidence, date):
        warnings.append(RecordWarning(code="date-conflict", message=message))
    if telegram is not None and telegram.received:
        received = parse_date(telegram.received)
        if received is not None and "T" in received.value:
            telegram.received_at = received.value
    embedded = find_embedded(body.text, [(p.start, p.end) for p in body.paragraphs])
    return Document(
        id=_doc_id(volume, number, text),
        volume=volume,
        number=number,
        title=title,
        heading=heading,
        type=kind,
        sender=sender,
        recipient=recipient,
        signers=signers,
        place=op.place,
        dateline=op.dateline,
        date=date,
        dates=evidence,
        telegram=telegram,
        source_note=source_note,
        archival=archival,
        drafting=source_note.drafting if source_note else None,
        text=body.text,
        paragraphs=body.paragraphs,
        pages=body.pages + note_breaks,
        first_page=first_page,
        last_page=last_page,
        closer=closer,
        notes=notes,
        embedded=embedded,
        warnings=warnings,
        origin=origin,
        reader=reader,
    )


def _footnote_markers(
    heading_marker: str | None, blocks: list[Block], count: int, warnings: list[RecordWarning]
) -> MarkerRun:
    """Choose the footnote markers for ``count`` notes; warn about what does not fit."""
    candidates: list[Candidate] = []
    if heading_marker is not None:
        candidates.append(Candidate(-1, 0, 0, int(heading_marker), True))
    for bi, block in enumerate(blocks):
        candidates.extend(marker_candidates(block.raw, bi))
    run = select_markers(candidates, count)
    if len(run.markers) < count:
        for cand, printed in glued_to_numbers([b.raw for b in blocks], run, count):
            run.markers.append(cand)
            warnings.append(
                RecordWarning(
                    code="marker-glued-to-number",
                    message=f"read the last digits of {printed!r} as footnote marker "
                    f"{cand.value} (the notes need a marker there); check that number",
                    line=blocks[cand.block].line,
                )
            )
        run.markers.sort(key=lambda c: (c.block, c.start))
    chosen = run.markers
    if chosen:
        last = max((c.block, c.start) for c in chosen)
        extra = [
            c
            for c in candidates
            if c.strong and c.value == run.first + count and (c.block, c.start) > last
        ]
        if extra:
            warnings.append(
                RecordWarning(
                    code="marker-without-note",
                    message=f"marker {extra[0].value} in the text has no note (the notes "
                    f"block has {count}); the notes block may be truncated, and the digit "
                    "was left in the text",
                    line=blocks[extra[0].block].line if extra[0].block >= 0 else None,
                )
            )
    if count == 0:
        orphan = select_markers([c for c in candidates if c.strong], 99).markers
        if len(orphan) >= 2 or (orphan and orphan[0].block == -1):
            warnings.append(
                RecordWarning(
                    code="markers-without-notes",
                    message=f"the text seems to carry {len(orphan)} footnote marker(s) but "
                    "there is no notes block (a truncated copy?); the digits were left in "
                    "the text",
                )
            )
    return run


def _evidence(
    op: Openers,
    archival: list[ArchivalSource],
    notes: list[Note],
    source_note: SourceNote | None,
    src: Note | None,
) -> list[DateEvidence]:
    evidence: list[DateEvidence] = []
    if op.evidence is not None:
        evidence.append(op.evidence)
    year: int | None = int(op.evidence.value[:4]) if op.evidence is not None else None
    for a in archival:
        if a.file_date:
            evidence.append(
                DateEvidence(
                    value=a.file_date,
                    source=DateSource.FILE_NUMBER,
                    text=a.file_number or a.text,
                    confidence=Confidence.INFERRED,
                    note=src.id if src else None,
                )
            )
            year = year or int(a.file_date[:4])
    evidence.extend(
        mentioned_dates(notes, source_note, year=year, source_note_id=src.id if src else None)
    )
    return evidence
