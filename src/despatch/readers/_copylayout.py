"""The layout of the history.state.gov copy form: heading, blocks, notes block, openers.

Private to ``readers/plaintext.py``: splits the text into the heading line, the body's
blocks (paragraphs separated by blank lines) and the notes block, and recognises the
opener blocks (dateline, classification line, despatch number, inclosure caption) and the
signature at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from despatch.model import DateEvidence, DocumentType
from despatch.readers.dates import Dateline, is_undated, parse_dateline
from despatch.readers.footmarks import PAGE_MARKER
from despatch.readers.heading import document_type
from despatch.readers.sourcenote import CLASSIFICATIONS, PRECEDENCES

_NOTE_LINE = re.compile(r"^[ \t]+(\d{1,3})\.[ \t]+(\S.*)$")
_NOTE_LINE_FLUSH = re.compile(r"^[ \t]*(\d{1,3})\.[ \t]+(\S.*)$")
_NOTES_HEADER = re.compile(r"^[ \t]*(?:Footnotes|Notes)[ \t]*:?[ \t]*$", re.IGNORECASE)
_NUMBERED_HEADING = re.compile(r"^\s*\d{1,4}[A-Za-z]?\.\s+\S")
_FILE_CAPTION = re.compile(
    r"^\s*(?P<file>\d{2,3}(?:\.\d+\w*)*/\S+?)\s*:\s*(?P<kind>Telegram|Airgram|Despatch|"
    r"Instruction|Circular Telegram|Memorandum|Letter|Note|Cablegram)\s*$",
    re.IGNORECASE,
)
# An upper-case security caption, then the dateline, on one line (1940s print).
_CAPS_THEN_DATELINE = re.compile(
    r"^((?:TOP SECRET|SECRET|CONFIDENTIAL|RESTRICTED|UNCLASSIFIED|LIMITED OFFICIAL USE|"
    r"OFFICIAL USE ONLY|STRICTLY CONFIDENTIAL|PERSONAL AND CONFIDENTIAL)"
    r"(?:[ ;—-]+(?:NIACT|PRIORITY|IMMEDIATE|FLASH|URGENT|EYES ONLY))*)\s+(?=[A-Z][a-z])(.+)$"
)
_DESPATCH_NO = re.compile(r"^(?:\[)?No\.\s*(?P<n>\d{1,5}[A-Z]?)\.?\]?$")
# "[Inclosure 1.—Translation.]": the attachment caption of the older volumes.
INCLOSURE = re.compile(
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
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(slots=True)
class Block:
    raw: str
    line: int  # 1-based line of the block's first line
    kind: str = "p"


@dataclass(slots=True)
class RawNote:
    n: str
    text: str
    line: int


@dataclass(slots=True)
class Layout:
    heading: str | None = None
    heading_line: int = 0
    caption: str | None = None  # "761.00/9–2848: Telegram"
    blocks: list[Block] = field(default_factory=list)
    notes: list[RawNote] = field(default_factory=list)


def squeeze(text: str) -> str:
    """Collapse runs of spaces and tabs to one space (a cheap test first: most text has none)."""
    if "  " in text or "\t" in text or "\u00a0" in text:
        return _SPACES.sub(" ", text)
    return text


def unpage(text: str) -> str:
    """``text`` without its page markers, stripped."""
    if "[" in text:
        text = PAGE_MARKER.sub("", text)
    return text.strip()


def split_lines(text: str) -> list[str]:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def find_notes_block(lines: list[str], first: int, *, has_header: bool = True) -> int:
    """Index of the first line of the notes block (``len(lines)`` if there is none).

    ``has_header=False`` says the text has no "Notes"/"Footnotes" line (a cheap test the
    caller makes once), so the search for one is skipped.
    """
    end = len(lines)
    while end > first and not lines[end - 1].strip():
        end -= 1
    # A "Notes"/"Footnotes" header: everything after it is the notes block.
    for i in range(end - 1, first - 1 if has_header else end - 1, -1):
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
        return candidate
    # Notes whose indentation was lost in copying: consecutive "1. …", "2. …" lines at
    # the very end, starting with a source note or glued to a short line before them (the
    # signature, as in the copy form). A numbered list of the body does not end that way.
    j = end - 1
    while j > first and _NOTE_LINE_FLUSH.match(lines[j]):
        j -= 1
    block = j + 1
    if block < end and j >= first:
        numbers = [_NOTE_LINE_FLUSH.match(lines[k]) for k in range(block, end)]
        if [int(m.group(1)) for m in numbers if m] == list(range(1, end - block + 1)):
            before = lines[block - 1].strip()
            first_note = numbers[0].group(2) if numbers[0] else ""
            if first_note.lower().startswith("source:") or (
                before and len(before) <= 40 and not before.endswith((":", ";", ","))
            ):
                return block
    return start


def layout(text: str, *, detect_heading: bool = True) -> Layout:
    lines = split_lines(text)
    out = Layout()
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
        first = squeeze(lines[i].strip())
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
            INCLOSURE.match(first)
        ):
            out.heading = first
            out.heading_line = i + 1
            body_start = i + 1
    notes_at = find_notes_block(lines, body_start, has_header="otes" in text)
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
            out.blocks.append(Block(raw=squeeze(" ".join(current)), line=current_line))
            current = []
    if current:
        out.blocks.append(Block(raw=squeeze(" ".join(current)), line=current_line))
    # The notes: numbered lines, with indented continuation lines appended.
    for k in range(notes_at, len(lines)):
        line = lines[k]
        if not line.strip() or _NOTES_HEADER.match(line):
            continue
        m = _NOTE_LINE_FLUSH.match(line)
        if m is not None:
            out.notes.append(RawNote(n=m.group(1), text=m.group(2).strip(), line=k + 1))
        elif out.notes:
            out.notes[-1].text = f"{out.notes[-1].text} {line.strip()}"
    for note in out.notes:
        note.text = squeeze(note.text)
    return out


@dataclass(slots=True)
class Openers:
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


def classification_line(raw: str) -> tuple[str | None, str | None] | None:
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


def read_openers(blocks: list[Block], op: Openers) -> list[Block]:
    """Classify the opener blocks after the heading; return the blocks left in the body."""
    keep: list[Block] = []
    i = 0
    while i < len(blocks) and i < 5:
        b = blocks[i]
        raw = unpage(b.raw)
        if len(raw) > 200:
            break
        cl = classification_line(raw)
        if cl is not None:
            op.classification = op.classification or cl[0]
            op.precedence = op.precedence or cl[1]
            b.kind = "label"
            keep.append(b)
            i += 1
            continue
        # "TOP SECRET    Moscow, September 28, 1948—8 p.m." (1940s print: one line)
        two = _CAPS_THEN_DATELINE.match(raw)
        if two is not None and classification_line(two.group(1)) is not None:
            dl = parse_dateline(two.group(2))
            if dl is not None:
                cl2 = classification_line(two.group(1))
                assert cl2 is not None
                op.classification = op.classification or cl2[0]
                take_dateline(op, dl)
                i += 1
                continue
        if INCLOSURE.match(raw):
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
                take_dateline(op, dl)
                i += 1
                continue
        if is_undated(raw):
            op.undated = True
            op.dateline = raw
            i += 1
            continue
        break
    return keep + blocks[i:]


def take_dateline(op: Openers, dl: Dateline) -> None:
    op.dateline = dl.text
    op.undated = dl.is_undated
    op.place = dl.place
    op.evidence = dl.evidence
    if dl.serial:
        op.cable_serial = dl.serial
        op.cable_kind = dl.kind


def mark_closer(blocks: list[Block]) -> list[str]:
    """Mark the signature (and complimentary close) blocks; return the signers."""
    if len(blocks) < 2:
        return []
    last = blocks[-1]
    # A footnote marker may be glued to the signature ("R.W. Komer5").
    raw = _TRAILING_MARKER.sub("", unpage(last.raw))
    m = _SIGNATURE.match(raw)
    if len(raw) > 80 or len(raw.split()) > 10 or m is None:
        return []
    last.kind = "signed"
    prev = blocks[-2]
    if len(blocks) >= 3 and _CLOSING.match(unpage(prev.raw)):
        prev.kind = "closer"
    return [m.group("name")]
