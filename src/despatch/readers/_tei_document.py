"""One FRUS ``<div type="document">`` (and its ``frus:attachment``s) → ``Document`` records.

The page in force flows from record to record through ``PageState``: a ``<pb>`` at the
very end of a document, or between documents, starts the page of the *next* document's
first character (samples/tei/EXCERPTS.md, "Quirks"), so such breaks are carried forward
instead of being recorded where they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from despatch.model import (
    Confidence,
    DateEvidence,
    DateSource,
    Document,
    DocumentType,
    Note,
    PageBreak,
    Paragraph,
    Party,
    RecordWarning,
    SourceNote,
    TelegramInfo,
)
from despatch.readers import _tei_records as records
from despatch.readers import dates as _dates
from despatch.readers import heading as _heading
from despatch.readers._tei_dates import DateReading
from despatch.readers._tei_records import construct
from despatch.readers._tei_text import (
    FRUS,
    TEI,
    XML_ID,
    TextBuilder,
    TextWalker,
    WalkContext,
    local,
    norm,
)
from despatch.readers.dates import mentioned_dates
from despatch.readers.sourcenote import parse_source_note


@dataclass
class PageState:
    """The printed page in force between records."""

    page: str | None = None
    facs: str | None = None


@dataclass
class VolumeContext:
    """What every document of a volume shares while it is being read."""

    volume: str
    path: str
    persons: dict[str, str] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)
    coverage: tuple[str, str] | None = None
    page: PageState = field(default_factory=PageState)
    sequence: int = 0


_TELEGRAPHIC = {DocumentType.TELEGRAM, DocumentType.AIRGRAM, DocumentType.CABLEGRAM}
_NUMBERED_HEAD = re.compile(r"^(?P<n>\d+[A-Za-z]?)\.\s+")
# the month-name pre-check that readers.dates.mentioned_dates applies to notes
_MONTH_NAME = _dates.MONTH_NAME
_DESPATCH_NO = re.compile(r"^\[?No\.\s*(?P<n>\d+[A-Za-z]?)\b")


def read_document(div: Any, vctx: VolumeContext, division: list[str]) -> list[Document]:
    """The records of one document ``<div>``: the document, then its attachments."""
    xml_id = div.get(XML_ID) or (f"d{div.get('n')}" if div.get("n") else f"doc{vctx.sequence}")
    doc_id = f"{vctx.volume}/{xml_id}"
    attachments = [c for c in div.iter(FRUS + "attachment")]
    main = _build(div, doc_id, vctx, division, parent=None)
    records = [main]
    att_ids: list[str] = []
    for k, att in enumerate(attachments, start=1):
        att_xml = att.get(XML_ID) or f"{xml_id}-{k}"
        att_doc = _build(att, f"{vctx.volume}/{att_xml}", vctx, division, parent=main)
        att_ids.append(att_doc.id)
        records.append(att_doc)
    if att_ids:
        main.attachments = att_ids
    return records


def read_headnote(
    elements: list[Any], vctx: VolumeContext, div_id: str, division: list[str], title: str
) -> Document | None:
    """A chapter/compilation headnote: division-level text before its first document."""
    if not any(local(e.tag) not in ("pb", "") for e in elements):
        return None
    doc_id = f"{vctx.volume}/{div_id}"
    return _build(
        None, doc_id, vctx, division, parent=None, children=elements, headnote_title=title
    )


def _build(
    el: Any,
    doc_id: str,
    vctx: VolumeContext,
    division: list[str],
    *,
    parent: Document | None,
    children: list[Any] | None = None,
    headnote_title: str | None = None,
) -> Document:
    ctx = WalkContext(
        volume=vctx.volume,
        path=vctx.path,
        document=doc_id,
        persons=vctx.persons,
        terms=vctx.terms,
    )
    walker = TextWalker(ctx)
    b = TextBuilder()
    kids = list(el) if children is None else children
    head = next((c for c in kids if local(c.tag) == "head"), None)
    heading = ""
    head_people: list[tuple[str, str, str | None]] = []  # (type, text, key)
    if head is not None:
        heading = walker.inline_text(head)
        walker.head_notes(head)
        for pb in head.iter(TEI + "pb"):
            b.page_break(pb.get("n") or "", pb.get("facs"))
        for tagged in head.iter(TEI + "persName", TEI + "gloss"):
            role = tagged.get("type")
            if role in ("from", "to"):
                key = tagged.get("corresp")
                words = (tagged.text or "") if not len(tagged) else "".join(tagged.itertext())
                head_people.append((role, norm(words), key.lstrip("#") if key else None))
    body = [
        c
        for c in kids
        if c is not head and not (isinstance(c.tag, str) and c.tag == FRUS + "attachment")
    ]
    walker.blocks(b, body)
    b.finish()
    walker.collect_body(b)
    text = b.text

    # pages: breaks followed by text are the document's; the rest start the next record
    start_page = vctx.page.page
    pages: list[PageBreak] = []
    trailing: list[tuple[str, str | None]] = []
    for page, facs, mark in b.breaks:
        offset = mark[0]
        if offset is None:
            trailing.append((page, facs))
        else:
            pages.append(records.page_break(page=page, offset=offset, facs=facs, note=None))
    first_page = start_page
    for brk in pages:
        if brk.offset == 0:
            first_page = brk.page
    last_page = pages[-1].page if pages else first_page
    if trailing:
        vctx.page.page, vctx.page.facs = trailing[-1]
    elif pages:
        vctx.page.page, vctx.page.facs = pages[-1].page, pages[-1].facs
    paragraphs = _paragraph_pages(b.paragraphs, pages, first_page)
    for nb in ctx.note_breaks:
        last_page = nb.page if text == "" else last_page
    pages.extend(ctx.note_breaks)

    # heading, number, title
    number: str | None = None
    title = heading
    m = _NUMBERED_HEAD.match(heading)
    if m is not None:
        title = heading[m.end() :].strip()
        n_attr = el.get("n") if el is not None else None
        if n_attr is None or n_attr == m.group("n"):
            number = m.group("n")
    if headnote_title is not None:
        title = title or headnote_title
        heading = heading or headnote_title

    # dateline and dates
    warnings = list(ctx.warnings)
    reading = DateReading()
    dateline_text: str | None = None
    place: str | None = None
    if ctx.datelines:
        dl = ctx.datelines[0]
        dateline_text = walker.inline_text(dl) or None
        place_el = next(dl.iter(TEI + "placeName"), None)
        if place_el is not None:
            place = walker.inline_text(place_el).rstrip(" ,") or None
        date_el = next(dl.iter(TEI + "date"), None)
        if date_el is not None:
            reading.from_date_element(date_el, dateline_text or "")
        else:
            reading.from_words(dateline_text or "")
    if el is not None:
        reading.from_div(el, vctx.coverage)

    # notes: pages at their anchors; the source note parsed with the shared grammar
    notes = _place_notes(ctx.notes, pages, first_page)
    source_note: SourceNote | None = None
    src = next((n for n in notes if n.kind == "source"), None)
    if src is not None:
        source_note = parse_source_note(src.text)
        for s in source_note.sources:
            if s.file_date:
                reading.evidence.append(
                    construct(
                        DateEvidence,
                        value=s.file_date,
                        source=DateSource.FILE_NUMBER,
                        text=s.file_number or "",
                        confidence=Confidence.INFERRED,
                        note=src.id,
                    )
                )
    year = next((int(e.value[:4]) for e in reading.evidence if e.value[:4].isdigit()), None)
    reading.evidence.extend(
        mentioned_dates(notes, source_note, year=year, source_note_id=src.id if src else None)
    )
    for msg in reading.warnings:
        warnings.append(RecordWarning(code="date-attribute", message=msg))
    date = reading.settle()

    # closer and signers
    closer = " ".join(t for t in (walker.inline_text(c) for c in ctx.closers) if t) or None
    signers = [s for s in (_signer(walker, sg) for sg in ctx.signed) if s]

    # type, parties, serial, telegram details
    subtype = el.get("subtype") if el is not None else None
    doc_type = _document_type(title, subtype, headnote_title is not None)
    senders, recipients = _parties(title) if title else ([], [])
    senders, recipients = _tag_parties(senders, recipients, head_people)
    if place and doc_type in _TELEGRAPHIC and senders and senders[0].kind == "post":
        # The dateline says where a post's telegram was sent from; it beats the table of
        # posts, which cannot know that the Embassy in Germany sat in Bonn from 1949.
        where = place.split(",")[0].strip()
        if where and where != senders[0].place:
            senders[0] = senders[0].model_copy(update={"place": where})
    serial: str | None = None
    telegram: TelegramInfo | None = None
    first_para = b.text[b.paragraphs[0].start : b.paragraphs[0].end] if b.paragraphs else ""
    despatch_no = next(
        (mm.group("n") for lab in ctx.seg_labels if (mm := _DESPATCH_NO.search(lab))), None
    )
    if doc_type in _TELEGRAPHIC:
        serial = _heading.telegram_serial(first_para)
        telegram = _heading.telegram_info(source_note, serial)
    elif despatch_no is not None:
        telegram = TelegramInfo(serial=despatch_no)
    if doc_type is DocumentType.CORRESPONDENCE and parent is None:
        doc_type = _heading.correspondence_type(
            dateline_text, has_despatch_number=despatch_no is not None
        )
    if parent is not None:
        subtype = doc_type.value if doc_type is not DocumentType.OTHER else subtype
        doc_type = DocumentType.ATTACHMENT

    seq = vctx.sequence
    vctx.sequence += 1
    return construct(
        Document,
        id=doc_id,
        volume=vctx.volume,
        number=number,
        title=title,
        heading=heading,
        type=doc_type,
        subtype=subtype,
        sender=senders,
        recipient=recipients,
        signers=signers,
        place=place,
        dateline=dateline_text,
        date=date,
        dates=reading.evidence,
        telegram=telegram,
        source_note=source_note,
        archival=list(source_note.sources) if source_note else [],
        drafting=source_note.drafting if source_note else None,
        text=text,
        paragraphs=paragraphs,
        pages=pages,
        first_page=first_page,
        last_page=last_page,
        closer=closer,
        notes=notes,
        spans=ctx.spans,
        references=ctx.references,
        parent=parent.id if parent is not None else None,
        division=list(division),
        sequence=seq,
        warnings=warnings,
        origin=vctx.path,
        reader="tei",
    )


def _place_notes(notes: list[Note], pages: list[PageBreak], first_page: str | None) -> list[Note]:
    body = [p for p in pages if p.note is None]
    out = []
    for note in notes:
        page = first_page
        if note.anchor is not None:
            for p in body:
                if p.offset <= note.anchor:
                    page = p.page
        # the reader made the note with page=None given (so in its fields set): set the
        # value without BaseModel.__setattr__, which costs more than building the record
        note.__dict__["page"] = page
        out.append(note)
    return out


def _paragraph_pages(
    paragraphs: list[Paragraph], pages: list[PageBreak], first_page: str | None
) -> list[Paragraph]:
    """Each paragraph with the printed pages it runs over."""
    out = []
    i = 0
    current = first_page
    for para in paragraphs:
        while i < len(pages) and pages[i].offset <= para.start:
            current = pages[i].page
            i += 1
        on = [current] if current is not None else []
        j = i
        while j < len(pages) and pages[j].offset < para.end:
            on.append(pages[j].page)
            j += 1
        para.__dict__["pages"] = on  # as note.page above
        out.append(para)
    return out


def _signer(walker: TextWalker, signed: Any) -> str | None:
    """The name in a ``<signed>``: its ``persName``, else its text up to a comma or line."""
    person = next(signed.iter(TEI + "persName"), None)
    if person is not None:
        name = walker.inline_text(person)
    else:
        parts: list[str] = [signed.text or ""]
        for child in signed:
            if local(child.tag) == "lb":
                break
            if local(child.tag) != "note":
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        name = norm("".join(parts)).split(",")[0]
    name = name.strip(" .,;")
    name = re.sub(r"^\(signed\)\s*", "", name, flags=re.IGNORECASE)
    return name or None


def _document_type(title: str, subtype: str | None, is_headnote: bool) -> DocumentType:
    if is_headnote or subtype == "chapter-headnote":
        return DocumentType.CHAPTER_HEADNOTE
    if subtype == "editorial-note" or title.strip(" .").lower() == "editorial note":
        return DocumentType.EDITORIAL_NOTE
    if not title:
        return DocumentType.OTHER
    kind = _TYPES.get(title)
    if kind is None:
        if len(_TYPES) > _CACHE_SIZE:
            _TYPES.clear()
        kind = _TYPES[title] = _heading.document_type(title)
    return kind


# Headings repeat within a volume (the same correspondents, hundreds of times): the
# heading grammar runs once per distinct title. Cached parties are copied out, so no two
# records share a Party.
_CACHE_SIZE = 512
_TYPES: dict[str, DocumentType] = {}
_PARTIES: dict[str, tuple[list[Party], list[Party]]] = {}


def _parties(title: str) -> tuple[list[Party], list[Party]]:
    found = _PARTIES.get(title)
    if found is None:
        if len(_PARTIES) > _CACHE_SIZE:
            _PARTIES.clear()
        found = _PARTIES[title] = _heading.parties(title)
    senders, recipients = found
    return [records.copy(p) for p in senders], [records.copy(p) for p in recipients]


def _tag_parties(
    senders: list[Party], recipients: list[Party], tagged: list[tuple[str, str, str | None]]
) -> tuple[list[Party], list[Party]]:
    """Fill in what the heading's ``@type="from|to"`` tags add: the parties themselves when
    the heading grammar found none, and authority keys for tagged people."""
    out: dict[str, list[Party]] = {"from": list(senders), "to": list(recipients)}
    for role, text, key in tagged:
        parties = out[role]
        match = next((p for p in parties if text and text in p.name), None)
        if match is None:
            if not parties:
                parties.append(Party(name=text, entity=key, kind="person" if key else "unknown"))
            continue
        if key and match.entity is None:
            parties[parties.index(match)] = match.model_copy(update={"entity": key})
    return out["from"], out["to"]
