"""The body text of a copy-form document: markers removed, pages and notes placed.

Private to ``readers/plaintext.py``: joins the blocks into the body text (paragraphs
separated by blank lines) while removing ``[Page N]`` markers and the chosen footnote
markers, recording where each page starts and where each marker stood; then attaches the
notes to their markers by order and count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from despatch.model import Note, PageBreak, Paragraph, RecordWarning
from despatch.readers._copylayout import Block, RawNote
from despatch.readers.footmarks import PAGE_MARKER, Candidate, MarkerRun, page_before


@dataclass(slots=True)
class Body:
    text: str
    paragraphs: list[Paragraph]
    pages: list[PageBreak]
    anchors: dict[tuple[int, int], int]  # (block, raw start) of a chosen marker -> offset


def build_body(blocks: list[Block], chosen: list[Candidate]) -> Body:
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
                if out_len == 0 and not _has_text(out):
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
    return Body(text="".join(pieces), paragraphs=paragraphs, pages=pages, anchors=anchors)


def _has_text(out: list[str]) -> bool:
    return any(p.strip() for p in out)


def note_text(raw: str, note_id: str) -> tuple[str, list[PageBreak]]:
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


def page_range(pages: list[PageBreak]) -> tuple[str | None, str | None]:
    if not pages:
        return None, None
    first = pages[0].page if pages[0].offset == 0 else page_before(pages[0].page)
    return first, pages[-1].page


def pages_of(start: int, end: int, pages: list[PageBreak], first: str | None) -> list[str]:
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


def align_notes(
    notes: list[Note],
    run: MarkerRun,
    body: Body,
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
            note.page = page_at(body.pages, note.anchor, first_page)
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


def page_at(pages: list[PageBreak], offset: int | None, first: str | None) -> str | None:
    if offset is None:
        return first
    current = first
    for b in pages:
        if b.offset <= offset:
            current = b.page
        else:
            break
    return current


def check_notes(raw: list[RawNote], warnings: list[RecordWarning]) -> None:
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
