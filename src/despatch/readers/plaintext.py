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
from dataclasses import dataclass, field
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
    Paragraph,
    RecordWarning,
    SourceNote,
)
from despatch.readers.dates import (
    Dateline,
    date_conflicts,
    find_dates,
    is_undated,
    parse_date,
    parse_dateline,
    settle_date,
)
from despatch.readers.embedded import find_embedded
from despatch.readers.footmarks import (
    PAGE_MARKER,
    Candidate,
    MarkerRun,
    glued_to_numbers,
    marker_candidates,
    page_before,
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
    CLASSIFICATIONS,
    PRECEDENCES,
    decimal_file_date,
    parse_source_note,
)

__all__ = ["PlainTextReader", "decode_bytes", "parse_document", "read_text"]

_NOTE_LINE = re.compile(r"^[ \t]+(\d{1,3})\.[ \t]+(\S.*)$")
_NOTE_LINE_FLUSH = re.compile(r"^[ \t]*(\d{1,3})\.[ \t]+(\S.*)$")
_NOTES_HEADER = re.compile(r"^[ \t]*(?:Footnotes|Notes)[ \t]*:?[ \t]*$", re.IGNORECASE)
_NUMBERED_HEADING = re.compile(r"^\s*\d{1,4}[A-Za-z]?\.\s+\S")
_FILE_CAPTION = re.compile(
    r"^\s*(?P<file>\d{2,3}(?:\.\d+\w*)*/\S+?)\s*:\s*(?P<kind>Telegram|Airgram|Despatch|"
    r"Instruction|Circular Telegram|Memorandum|Letter|Note|Cablegram)\s*$",
    re.IGNORECASE,
)
_DESPATCH_NO = re.compile(r"^(?:\[)?No\.\s*(?P<n>\d{1,5}[A-Z]?)\.?\]?$")
# "[Inclosure 1.—Translation.]": the attachment caption of the older volumes.
_INCLOSURE = re.compile(
    r"^\[?(?:Inclosure|Enclosure|Annex|Attachment|Subinclosure|Tab [A-Z])\b[^\]]{0,80}\]?$"
)
_SIGNATURE = re.compile(
    r"^(?:\(signed\)\s*)?(?P<name>(?:[A-Z]\.\s?)*[A-Z][A-Za-z’'\-]+(?:\s+(?:[A-Z]\.\s?)*"
    r"(?:[A-Z][A-Za-z’'\-]+|de|van|von|da))*)"
    # "David J. Hill, Acting Secretary.": a title after the name
    r"(?:,\s+(?:[A-Z][a-z]+|of|the|and)(?:\s+(?:[A-Z][a-z]+|of|the|and))*)?\.?$"
)
_TRAILING_MARKER = re.compile(r"(?<=[A-Za-z.])\d{1,2}$")
_CLOSING = re.compile(
    r"^(?:I (?:have|am),? etc\.,?|I have the honor to be, etc\.,?|Respectfully(?: yours)?,?|"
    r"Sincerely(?: yours)?,?|Faithfully(?: yours)?,?|Very respectfully(?: yours)?,?|"
    r"With (?:respect|highest consideration|best regards|warm regards)\.?,?|"
    r"Accept, etc\.,?|Yours (?:sincerely|faithfully|respectfully),?)$",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
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


# --------------------------------------------------------------------------- structure


@dataclass(slots=True)
class _Block:
    raw: str
    line: int  # 1-based line of the block's first line
    kind: str = "p"


@dataclass(slots=True)
class _RawNote:
    n: str
    text: str
    line: int


@dataclass(slots=True)
class _Layout:
    heading: str | None = None
    heading_line: int = 0
    caption: str | None = None  # "761.00/9–2848: Telegram"
    blocks: list[_Block] = field(default_factory=list)
    notes: list[_RawNote] = field(default_factory=list)


def _squeeze(text: str) -> str:
    """Collapse runs of spaces and tabs to one space (a cheap test first: most text has none)."""
    if "  " in text or "\t" in text or "\u00a0" in text:
        return _SPACES.sub(" ", text)
    return text


def _unpage(text: str) -> str:
    """``text`` without its page markers, stripped."""
    if "[" in text:
        text = PAGE_MARKER.sub("", text)
    return text.strip()


def _lines(text: str) -> list[str]:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _find_notes(lines: list[str], first: int) -> int:
    """Index of the first line of the notes block (``len(lines)`` if there is none)."""
    end = len(lines)
    while end > first and not lines[end - 1].strip():
        end -= 1
    # A "Notes"/"Footnotes" header: everything after it is the notes block.
    for i in range(end - 1, first - 1, -1):
        if _NOTES_HEADER.match(lines[i]):
            if i + 1 < end and _NOTE_LINE_FLUSH.match(lines[i + 1]):
                return i
            break
    start = end
    i = end - 1
    candidate = end
    while i >= first:
        line = lines[i]
        if not line.strip():
            i -= 1
            continue
        if _NOTE_LINE.match(line):
            candidate = i
        elif not line[:1].isspace():
            break
        i -= 1
    if candidate < end:
        start = candidate
    return start


def _layout(text: str, *, detect_heading: bool = True) -> _Layout:
    lines = _lines(text)
    out = _Layout()
    i = 0
    n = len(lines)
    while i < n and not lines[i].strip():
        i += 1
    if i < n and _FILE_CAPTION.match(lines[i]):
        out.caption = lines[i].strip()
        i += 1
        while i < n and not lines[i].strip():
            i += 1
    body_start = i
    if i < n and detect_heading:
        first = _squeeze(lines[i].strip())
        nxt_blank = i + 1 >= n or not lines[i + 1].strip()
        is_numbered = bool(_NUMBERED_HEADING.match(first)) and len(first) <= 400
        has_more = any(line.strip() for line in lines[i + 1 :])
        # In the copy form the first line is the heading when a blank line follows it.
        is_titled = (
            len(first) <= 300
            and nxt_blank
            and (has_more or document_type(first) is not DocumentType.OTHER)
        )
        if ((is_numbered and (nxt_blank or len(first) <= 250)) or is_titled) and not (
            _INCLOSURE.match(first)
        ):
            out.heading = first
            out.heading_line = i + 1
            body_start = i + 1
    notes_at = _find_notes(lines, body_start)
    # The body: blocks separated by blank lines, each joined into one string.
    current: list[str] = []
    current_line = 0
    for k in range(body_start, notes_at):
        line = lines[k]
        if line.strip():
            if not current:
                current_line = k + 1
            current.append(line.strip())
        elif current:
            out.blocks.append(_Block(raw=_squeeze(" ".join(current)), line=current_line))
            current = []
    if current:
        out.blocks.append(_Block(raw=_squeeze(" ".join(current)), line=current_line))
    # The notes: numbered lines, with indented continuation lines appended.
    for k in range(notes_at, len(lines)):
        line = lines[k]
        if not line.strip() or _NOTES_HEADER.match(line):
            continue
        m = _NOTE_LINE_FLUSH.match(line)
        if m is not None:
            out.notes.append(_RawNote(n=m.group(1), text=m.group(2).strip(), line=k + 1))
        elif out.notes:
            out.notes[-1].text = f"{out.notes[-1].text} {line.strip()}"
    for note in out.notes:
        note.text = _squeeze(note.text)
    return out


# --------------------------------------------------------------------------- the reader


@dataclass(slots=True)
class _Openers:
    dateline: str | None = None
    place: str | None = None
    evidence: DateEvidence | None = None
    undated: bool = False
    classification: str | None = None
    precedence: str | None = None
    despatch_no: str | None = None
    cable_serial: str | None = None
    cable_kind: str | None = None
    attachment: bool = False


def _classification_line(raw: str) -> tuple[str | None, str | None] | None:
    parts = [p.strip() for p in re.split(r"\s*[;—,]\s*|\s{2,}", raw.strip().rstrip(".")) if p]
    if not parts:
        return None
    cls = prec = None
    for part in parts:
        key = " ".join(part.lower().split())
        if key in CLASSIFICATIONS and cls is None:
            cls = CLASSIFICATIONS[key]
        elif key in PRECEDENCES and prec is None:
            prec = PRECEDENCES[key]
        elif key in ("eyes only", "limdis", "exdis", "nodis", "personal"):
            continue
        else:
            return None
    if cls is None and prec is None:
        return None
    return cls, prec


def _read_openers(blocks: list[_Block], op: _Openers) -> list[_Block]:
    """Classify the opener blocks after the heading; return the blocks left in the body."""
    keep: list[_Block] = []
    i = 0
    while i < len(blocks) and i < 5:
        b = blocks[i]
        raw = _unpage(b.raw)
        if len(raw) > 200:
            break
        cl = _classification_line(raw)
        if cl is not None:
            op.classification = op.classification or cl[0]
            op.precedence = op.precedence or cl[1]
            b.kind = "label"
            keep.append(b)
            i += 1
            continue
        # "TOP SECRET    Moscow, September 28, 1948—8 p.m." (1940s print: one line)
        two = re.match(r"^([A-Z][A-Z ;—-]{3,40}?)(?:\s{2,}|\t)(.+)$", raw)
        if two is not None and _classification_line(two.group(1)) is not None:
            dl = parse_dateline(two.group(2))
            if dl is not None:
                cl2 = _classification_line(two.group(1))
                assert cl2 is not None
                op.classification = op.classification or cl2[0]
                _take_dateline(op, dl)
                i += 1
                continue
        if _INCLOSURE.match(raw):
            op.attachment = True
            b.kind = "opener"
            keep.append(b)
            i += 1
            continue
        m = _DESPATCH_NO.match(raw)
        if m is not None:
            op.despatch_no = m.group("n")
            b.kind = "opener"
            keep.append(b)
            i += 1
            continue
        if op.dateline is None:
            dl = parse_dateline(raw)
            if dl is not None:
                _take_dateline(op, dl)
                i += 1
                continue
        if is_undated(raw):
            op.undated = True
            op.dateline = raw
            i += 1
            continue
        break
    return keep + blocks[i:]


def _take_dateline(op: _Openers, dl: Dateline) -> None:
    op.dateline = dl.text
    op.undated = dl.is_undated
    op.place = dl.place
    op.evidence = dl.evidence
    if dl.serial:
        op.cable_serial = dl.serial
        op.cable_kind = dl.kind


def _closer(blocks: list[_Block]) -> list[str]:
    """Mark the signature (and complimentary close) blocks; return the signers."""
    if len(blocks) < 2:
        return []
    last = blocks[-1]
    # A footnote marker may be glued to the signature ("R.W. Komer5").
    raw = _TRAILING_MARKER.sub("", _unpage(last.raw))
    m = _SIGNATURE.match(raw)
    if len(raw) > 80 or len(raw.split()) > 10 or m is None:
        return []
    last.kind = "signed"
    prev = blocks[-2]
    if len(blocks) >= 3 and _CLOSING.match(_unpage(prev.raw)):
        prev.kind = "closer"
    return [m.group("name")]


@dataclass(slots=True)
class _Body:
    text: str
    paragraphs: list[Paragraph]
    pages: list[PageBreak]
    anchors: dict[tuple[int, int], int]  # (block, raw start) of a chosen marker -> offset


def _build_body(blocks: list[_Block], chosen: list[Candidate]) -> _Body:
    """Join the blocks into the body text, removing page and footnote markers."""
    by_block: dict[int, list[Candidate]] = {}
    for c in chosen:
        if c.block >= 0:
            by_block.setdefault(c.block, []).append(c)
    pieces: list[str] = []
    pos = 0
    spans: list[tuple[int, int, str]] = []
    pages: list[PageBreak] = []
    anchors: dict[tuple[int, int], int] = {}
    pending: str | None = None
    for bi, block in enumerate(blocks):
        raw = block.raw
        events: list[tuple[int, int, str, str]] = []  # start, end, kind, payload
        for m in PAGE_MARKER.finditer(raw):
            events.append((m.start(), m.end(), "page", m.group(1)))
        for c in by_block.get(bi, []):
            events.append((c.start, c.end, "marker", ""))
        events.sort()
        out: list[str] = []
        out_len = 0
        cursor = 0
        block_pages: list[tuple[int, str]] = []
        for start, end, kind, payload in events:
            if start < cursor:
                continue
            seg = raw[cursor:start]
            if kind == "page":
                # Drop the marker and one space beside it: "of [Page 232] the" -> "of the".
                if end < len(raw) and raw[end] == " ":
                    end += 1
                elif seg.endswith(" ") and (end >= len(raw)):
                    seg = seg.rstrip(" ")
            out.append(seg)
            out_len += len(seg)
            if kind == "page":
                if out_len == 0 and not out_has_text(out):
                    block_pages.append((0, payload))
                else:
                    block_pages.append((out_len, payload))
            else:
                anchors[(bi, start)] = out_len
            cursor = end
        out.append(raw[cursor:])
        para_text = "".join(out).strip(" ")
        lead = len("".join(out)) - len("".join(out).lstrip(" "))
        if not para_text:
            # A block of page markers only: the break falls at the next paragraph.
            if block_pages:
                pending = block_pages[-1][1]
            continue
        if pieces:
            pieces.append("\n\n")
            pos += 2
        start_pos = pos
        if pending is not None:
            pages.append(PageBreak(page=pending, offset=start_pos))
            pending = None
        for off, page in block_pages:
            rel = min(max(off - lead, 0), len(para_text))
            if rel >= len(para_text):
                pending = page  # a marker at the end: the next paragraph starts the page
            else:
                pages.append(PageBreak(page=page, offset=start_pos + rel))
        for key, off in list(anchors.items()):
            if key[0] == bi:
                anchors[key] = start_pos + min(max(off - lead, 0), len(para_text))
        pieces.append(para_text)
        pos += len(para_text)
        spans.append((start_pos, pos, block.kind))
    if pending is not None:
        pages.append(PageBreak(page=pending, offset=pos))
    paragraphs = [Paragraph(start=s, end=e, kind=k) for s, e, k in spans]
    return _Body(text="".join(pieces), paragraphs=paragraphs, pages=pages, anchors=anchors)


def out_has_text(out: list[str]) -> bool:
    return any(p.strip() for p in out)


def _note_text(raw: str, note_id: str) -> tuple[str, list[PageBreak]]:
    if "[" not in raw:
        return raw, []
    breaks: list[PageBreak] = []
    out: list[str] = []
    cursor = 0
    length = 0
    for m in PAGE_MARKER.finditer(raw):
        seg = raw[cursor : m.start()]
        out.append(seg)
        length += len(seg)
        breaks.append(PageBreak(page=m.group(1), offset=length, note=note_id))
        cursor = m.end()
        if cursor < len(raw) and raw[cursor] == " " and (not seg or seg.endswith(" ")):
            cursor += 1
    out.append(raw[cursor:])
    return "".join(out), breaks


def _doc_id(volume: str | None, number: str | None, text: str) -> str:
    if volume and number:
        return f"{volume}/d{number}"
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
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
    lay = _layout(text, detect_heading=heading is None)
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
    op = _Openers()
    blocks = _read_openers(lay.blocks, op)
    signers = _closer(blocks)
    # Footnote markers: the heading's, then the body's, aligned to the notes by order.
    count = len(lay.notes)
    candidates: list[Candidate] = []
    if parts.marker is not None:
        candidates.append(Candidate(-1, 0, 0, int(parts.marker), True))
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
    if parts.marker is not None and not any(c.block == -1 for c in chosen):
        title_with_marker = f"{title}{parts.marker}"
        if lay.heading and lay.heading.rstrip().endswith(f" {parts.marker}"):
            title_with_marker = f"{title} {parts.marker}"
        title = title_with_marker  # the digit was not a marker after all
        heading = f"{number}. {title}" if number else title
    body = _build_body(blocks, chosen)
    closer = next((body.text[p.start : p.end] for p in body.paragraphs if p.kind == "signed"), None)
    first_page, last_page = _page_range(body.pages)
    for p in body.paragraphs:
        p.pages = _pages_of(p.start, p.end, body.pages, first_page)
    # Notes.
    prefix = f"d{number}" if number else ""
    notes: list[Note] = []
    note_breaks: list[PageBreak] = []
    for raw_note in lay.notes:
        nid = f"{prefix}fn{raw_note.n}"
        ntext, nbreaks = _note_text(raw_note.text, nid)
        note_breaks.extend(nbreaks)
        kind = "source" if ntext.lower().startswith("source:") else "editorial"
        notes.append(Note(n=raw_note.n, id=nid, text=ntext, kind=kind))
    _align_notes(notes, run, body, first_page, warnings)
    _check_notes(lay.notes, warnings)
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


def _page_range(pages: list[PageBreak]) -> tuple[str | None, str | None]:
    if not pages:
        return None, None
    first = pages[0].page if pages[0].offset == 0 else page_before(pages[0].page)
    return first, pages[-1].page


def _pages_of(start: int, end: int, pages: list[PageBreak], first: str | None) -> list[str]:
    current = first
    out: list[str] = []
    for b in pages:
        if b.offset <= start:
            current = b.page
        elif b.offset < end:
            if current is not None and current not in out:
                out.append(current)
            current = b.page
        else:
            break
    if current is not None and current not in out:
        out.append(current)
    return out


def _align_notes(
    notes: list[Note],
    run: MarkerRun,
    body: _Body,
    first_page: str | None,
    warnings: list[RecordWarning],
) -> None:
    """Attach the chosen markers to the notes by order; warn where they disagree."""
    if not notes:
        return
    chosen = run.markers
    start = 0
    heading_marker = bool(chosen) and chosen[0].block == -1
    if not heading_marker and notes[0].kind == "source" and len(chosen) < len(notes):
        start = 1  # the source note belongs to the heading even without a marker
    offset_seen: set[int] = set()
    for cand in chosen:
        idx = start + cand.value - run.first
        if not 0 <= idx < len(notes):
            continue
        note = notes[idx]
        note.marker = str(cand.value)
        if cand.block == -1:
            note.anchor = None
            note.page = first_page
        else:
            note.anchor = body.anchors.get((cand.block, cand.start))
            note.page = _page_at(body.pages, note.anchor, first_page)
        if note.n.isdigit():
            offset_seen.add(int(note.n) - cand.value)
    if offset_seen and offset_seen != {0}:
        shift = sorted(offset_seen)
        warnings.append(
            RecordWarning(
                code="footnote-markers-offset",
                message=(
                    "the footnote markers in the text are numbered differently from the "
                    f"notes (note = marker + {', '.join(str(s) for s in shift)}); "
                    "they were aligned by order and count"
                ),
            )
        )
    if start == 1:
        notes[0].page = first_page
    for k, note in enumerate(notes):
        if note.marker is None and not (k == 0 and start == 1):
            warnings.append(
                RecordWarning(
                    code="note-without-marker",
                    message=f"note {note.n} has no marker in the text; it is kept unanchored",
                )
            )


def _page_at(pages: list[PageBreak], offset: int | None, first: str | None) -> str | None:
    if offset is None:
        return first
    current = first
    for b in pages:
        if b.offset <= offset:
            current = b.page
        else:
            break
    return current


def _check_notes(raw: list[_RawNote], warnings: list[RecordWarning]) -> None:
    expected = 1
    for note in raw:
        if note.n.isdigit() and int(note.n) != expected:
            warnings.append(
                RecordWarning(
                    code="notes-numbering",
                    message=f"the notes block jumps from note {expected - 1} to note "
                    f"{note.n}; a note may be missing",
                    line=note.line,
                )
            )
            expected = int(note.n) + 1
        else:
            expected += 1
    if raw and not re.search(r"[.)\]”’\"?!]\s*$|\d\s*$", raw[-1].text):
        warnings.append(
            RecordWarning(
                code="notes-truncated",
                message=f"note {raw[-1].n} ends mid-sentence; the notes block may be truncated",
                line=raw[-1].line,
            )
        )


def _evidence(
    op: _Openers,
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
    if source_note is not None and source_note.drafting and source_note.drafting.drafted_on:
        ev = parse_date(
            source_note.drafting.drafted_on,
            source=DateSource.NOTE,
            role="mentioned",
            default_year=year,
            note=src.id if src else None,
        )
        if ev is not None:
            evidence.append(ev)
    for note in notes:
        if note.kind == "source":
            continue
        for _s, _e, iso, words in find_dates(note.text, default_year=year):
            evidence.append(
                DateEvidence(
                    value=iso,
                    source=DateSource.NOTE,
                    text=words,
                    confidence=Confidence.PROBABLE,
                    note=note.id,
                    role="mentioned",
                )
            )
    return evidence
