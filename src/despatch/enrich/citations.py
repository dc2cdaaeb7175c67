"""Archival files, FRUS volume citations and the "Ibid." chain that links them.

A note cites a file ("Department of State, Central Files, 793.00/9–2058"), a volume of
*Foreign Relations* ("Foreign Relations, 1955–1957, vol. II, pp. 10–12") or repeats the
previous citation ("Ibid.", "ibid., 793.00/9–2058", "ibid., The Conference of Berlin …,
vol. II, p. 1474"). ``find_citations`` reads one text in order and carries the last
citation (``Cite``) from note to note so that each ibid gets its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from despatch.enrich._scan import _positions, _ref, file_date
from despatch.enrich.authority import Authority
from despatch.enrich.volumes import parse_volume_citation
from despatch.model import Document, Reference

_DOCUMENT_IN = re.compile(r"Documents?\s+(\d{1,4}),?\s+(?:in|of)\s+(?:the\s+)?$")
_FRUS = re.compile(r"Foreign Relations(?: of the United States)?(?::\s*Diplomatic Papers)?")
_FILE_SUFFIX = re.compile(r"/\d{1,2}[–-]\d{3,4}\b")
_FILE = re.compile(
    r"(?P<file>\d{3}(?:\.\d+[A-Z]?)+(?:[-–][A-Z]{1,4})?/(?P<m>\d{1,2})[–-](?P<dy>\d{3,4}))\b"
)
_FILE_HEAD = re.compile(r"\d{3}(?:\.\d+[A-Z]?)+(?:[-–][A-Z]{1,4})?$")
_SUBJECT_FILE = re.compile(
    r"(?:POL|DEF|ORG|AID|FN|FT|INCO|PET|SOC|CSM|CUL|INT|LEG|PS|SCI|E)\s+\d+(?:[-–]\d+)*"
    r"(?:\s+[A-Z][A-Z]+(?:[–-][A-Z]+)*)?"
)
_REPOSITORY = re.compile(
    r"(?:Department of State|National Archives|Washington National Records Center|"
    r"Central Intelligence Agency|Department of Defense|[A-Z][\w.]*(?: [A-Z][\w.]*)* Library)"
)


@dataclass(frozen=True, slots=True)
class Cite:
    """The last citation an ibid can refer to."""

    source: str | None = None
    file_number: str | None = None
    volume: str | None = None
    page: str | None = None
    is_frus: bool = False


def _source_before(text: str, at: int) -> str | None:
    """The archive named before a file number in the same citation."""
    lo = max(text.rfind("(", 0, at), text.rfind(";", 0, at), text.rfind(". ", 0, at))
    chunk = text[lo + 1 : at].strip(" ,:")
    if not chunk or re.fullmatch(r"[Ii]bid\.?", chunk):
        return None
    m = _REPOSITORY.search(chunk)
    if m:
        return chunk[m.start() :].strip(" ,")
    if chunk.startswith("Source:"):
        chunk = chunk[7:].strip()
    return chunk if len(chunk) <= 80 and chunk[:1].isupper() else None


def files_in(text: str) -> list[tuple[int, int, str, str | None]]:
    """(start, end, file number, filing date) of the files cited in ``text``."""
    out: list[tuple[int, int, str, str | None]] = []
    for sm in _FILE_SUFFIX.finditer(text):
        head = _FILE_HEAD.search(text, max(0, sm.start() - 24), sm.start())
        if head is None:
            continue
        m = _FILE.match(text, head.start())
        if m is None or (head.start() > 0 and text[head.start() - 1].isalnum()):
            continue
        out.append((m.start(), m.end(), m.group("file"), file_date(m.group("m"), m.group("dy"))))
    for at in _positions(text, ("Files, ",)):
        m = _SUBJECT_FILE.match(text, at + 7)
        if m is not None:
            out.append((m.start(), m.end(), m.group(0), None))
    return out


def find_citations(
    text: str, note: str | None, doc: Document, chain: Cite, auth: Authority, own_files: set[str]
) -> tuple[list[Reference], Cite]:
    """Files, FRUS volumes and ibids of one text, in order, following the ibid chain."""
    events: list[tuple[int, str, int, str | None, str | None]] = []
    for s, e, file_number, fdate in files_in(text):
        events.append((s, "file", e, file_number, fdate))
    for at in _positions(text, ("Foreign Relations", "ibid.", "Ibid.")):
        events.append((at, "frus", at, None, None))
    events.sort(key=lambda t: t[0])
    out: list[Reference] = []
    consumed = -1
    for start, what, end, number, fdate in events:
        if start < consumed:
            continue
        if what == "file" and number is not None:
            ibid = re.search(r"[Ii]bid\.,?\s*$", text[max(0, start - 8) : start]) is not None
            source = chain.source if ibid else _source_before(text, start)
            chain = Cite(source=source or chain.source, file_number=number)
            if number in own_files and note is not None and _is_source_note(doc, note):
                continue  # the document's own archival source, already on the record
            out.append(
                _ref("file", text, start, end, note, file_number=number, source=source,
                     date=fdate)
            )  # fmt: skip
            continue
        is_ibid = text.startswith(("ibid.", "Ibid."), start)
        if start > 0 and text[start - 1].isalnum():
            continue
        word_end = start + 5
        if not is_ibid:
            fm = _FRUS.match(text, start)
            if fm is None:
                continue
            word_end = fm.end()
        cit = parse_volume_citation(text, word_end, authority=auth)
        if cit is not None:
            vol = cit.volume
            number = cit.document
            # "Document 15 in Foreign Relations, 1955–1957, vol. III": the number comes first
            before = _DOCUMENT_IN.search(text, max(0, start - 32), start)
            if before is not None and not is_ibid:
                start, number = before.start(), number or before.group(1)
            target = f"{vol}/d{number}" if vol and number else None
            out.append(
                _ref("volume", text, start, cit.end, note, target_volume=vol,
                     target_page=cit.page, target=target)
            )  # fmt: skip
            chain = Cite(volume=vol, page=cit.page, is_frus=True)
            consumed = cit.end
            continue
        if not is_ibid:
            continue
        after = text[word_end : word_end + 24]
        page = re.match(r",\s*pp?\.\s*(\d+)", after)
        if page and chain.is_frus:
            end = word_end + page.end()
            out.append(
                _ref("volume", text, start, end, note, target_volume=chain.volume,
                     target_page=page.group(1))
            )  # fmt: skip
            chain = replace(chain, page=page.group(1))
            consumed = end
            continue
        if re.match(r",\s*(?:\d{3}|[A-Z]{2,5}\s+\d)", after):
            continue  # "Ibid., 793.00/9–2058": the file finder takes it with the chain
        if chain.source is None and not chain.is_frus:
            continue  # nothing to refer back to
        out.append(
            _ref("ibid", text, start, word_end, note, target_volume=chain.volume,
                 target_page=chain.page, source=chain.source, file_number=chain.file_number)
        )  # fmt: skip
    return out, chain


def _is_source_note(doc: Document, note_key: str) -> bool:
    return any((n.id or n.n) == note_key and n.kind == "source" for n in doc.notes)


def source_of(citation: str, file_number: str) -> str | None:
    at = citation.find(file_number) if file_number else -1
    head = citation[:at] if at >= 0 else citation
    return head.strip(" ,") or None


__all__ = ["Cite", "files_in", "find_citations", "source_of"]
