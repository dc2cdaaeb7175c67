"""Citations in a document's text and notes, as ``Reference``s with offsets.

What is found (each with ``start``/``end`` in the body text, or in a note's text with
``note`` = the note's id):

* telegrams: "telegram 631 from Moscow, September 19", "Telegram 245 to Taipei",
  "telegram 644, September 20", "JCS telegram 948448", "Deptel 1234", "Embtel 567",
  "urtel 12", "your 634", "my 631", "Taipei's 753" — with serial, the post it came from
  (``place``) or went to (``destination``), and the date resolved to the year nearest the
  citing document's own date (a note of a September 1958 telegram citing "telegram 5,
  January 3" means January 1959);
* despatches and airgrams: "despatch No. 461, of November 30", "airgram A-12";
* letters and memoranda by date: "your letter of September 12";
* documents of the same volume: "Document 105", "footnote 1, Document 93";
* FRUS volumes: "Foreign Relations, 1955–1957, vol. II, pp. 10–12" → ``frus1955-57v02``
  (ids checked against the list of published volumes, see ``volumes.py``);
* archival files: "793.00/9–2058" (decimal file, whose suffix is its filing date) and
  "POL 27 CHINAT–US" (subject-numeric) with the archive they are in (``source``);
* "Ibid." chains: an ibid means the previous citation's source, so "(Ibid.)" after a
  Central Files citation is a Central Files reference and "ibid., The Conference of Berlin
  …" is a FRUS volume.

References the reader already made (TEI ``<ref target>``) are kept; a reference found here
that overlaps one of them only fills the fields it lacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from despatch.enrich._scan import (
    _DATE,
    _MONTH,
    _anchored,
    _ref,
    file_date,
    resolve_date,
)
from despatch.enrich.authority import Authority, default_authority
from despatch.enrich.citations import Cite, files_in, find_citations, source_of
from despatch.enrich.entities import enrich_entities
from despatch.enrich.resolve import (
    ChainLookup,
    DocumentIndex,
    ReferenceLookup,
    SerialCandidate,
    resolve_references,
)
from despatch.model import Document, Reference, Volume

# A post or place after "from"/"to": capitalised words, not a month ("Warsaw, September").
_PLACE = rf"(?:the\s+)?(?!{_MONTH}\b)[A-Z][\w’'-]*(?:\s+(?!{_MONTH}\b)[A-Z][\w’'-]*){{0,2}}"
_WHEN = rf"(?:,?\s+(?:of\s+|dated\s+|on\s+)?(?P<date>{_DATE})(?P<last>\s+last)?)?"

# Each finder is a literal anchor found with ``str.find`` (cheap: a few per document) and
# a full pattern matched from the start of the anchor's word. A regex that may start
# anywhere (an optional lead word, a leading ``\b``) costs 1–3 ms on a long document;
# this costs a few microseconds per anchor.
_TELEGRAM = re.compile(
    rf"""
    (?:Telegram|telegram|Cablegram|cablegram)s?\s+(?:No\.\s*)?
    (?P<serial>\d{{1,7}}Z?|[A-Z]{{1,5}}[- ]?\d{{1,6}})\b
    (?:\s+(?P<dir>from|to)\s+(?P<place>{_PLACE}))?
    (?:\s+(?P<dir2>from|to)\s+(?P<place2>{_PLACE}))?
    {_WHEN}
    """,
    re.X,
)
_TEL_LEAD = re.compile(
    r"(?:Circular|circular|JCS|Embassy|Department(?:’s|'s)?|Consulate|Legation|Delegation"
    r"|Mission|[Yy]our|[Mm]y|[Oo]ur)\s+$"
)
_TELABBR = re.compile(
    rf"""
    (?P<abbr>Deptels?|Embtels?|Contels?|Circtels?|Depcirtels?|[Uu]rtels?|[Oo]urtels?
        |[Mm]ytels?|[Rr]eourtels?|[Rr]eurtels?)
    \s+(?:No\.\s*)?(?P<serial>\d{{1,6}})\b
    (?:\s+(?P<dir>from|to)\s+(?P<place>{_PLACE}))?
    {_WHEN}
    """,
    re.X,
)
# "your 634", "my 631" (a bare number after a possessive is a telegram in telegraphese);
# only when what follows cannot be a noun phrase ("our 600 million" is not a telegram).
_POSSESSIVE = re.compile(
    rf"""
    (?P<who>[Yy]our|[Mm]y|[Oo]ur|[Uu]r)\s+(?P<serial>\d{{1,5}})\b
    (?=\s*(?:[.,;:)\]]|$|\s(?:of|and|which|received|re|para|paragraph|reporting|reports|
        reported|stated|says|said|was|is|we|I|the|to|on|in|from|dated|regarding|concerning|
        {_MONTH})\b))
    {_WHEN}
    """,
    re.X,
)
_DESPATCH = re.compile(
    rf"""
    (?P<word>[Dd]espatch(?:es)?|[Dd]ispatch(?:es)?|[Aa]irgrams?|[Ii]nstructions?)
    \s+(?:No\.\s*)?(?P<serial>(?:[A-Z]{{1,3}}[-–])?\d{{1,6}})\b
    (?:\s+(?P<dir>from|to)\s+(?P<place>{_PLACE}))?
    {_WHEN}
    """,
    re.X,
)
_DESPATCH_LEAD = re.compile(
    r"(?:[Yy]our|[Mm]y|[Oo]ur|Embassy(?:’s|'s)?|Legation(?:’s|'s)?|"
    r"Consulate(?:\s+General)?(?:’s|'s)?|Department(?:’s|'s)?)\s+$"
)
_LETTER = re.compile(rf"(?P<word>letter|memorandum|message|aide-mémoire)\s+of\s+(?P<date>{_DATE})")
_LETTER_LEAD = re.compile(r"(?:[Yy]our|[Mm]y|[Oo]ur|[Hh]is|[Hh]er|[A-Z][\w-]+(?:’s|'s))\s+$")
_DOCUMENT = re.compile(
    r"Documents?\s+(?P<n>\d{1,4})\b(?![./]\d)"
    r"(?P<more>(?:(?:\s*,\s*|\s+and\s+|\s*,\s+and\s+)\d{1,4}\b)*)"
)
_FOOTNOTE_LEAD = re.compile(r"footnotes?\s+\d+,\s+$")
# --------------------------------------------------------------------------- dates


def document_day(doc: Document) -> date | None:
    """The citing document's date (day precision), for resolving "September 19".

    An undated document (an editorial note) borrows the filing date of the first decimal
    file it cites: the best evidence of its year there is.
    """
    candidates = [doc.date.value, doc.date.not_before, *(d.value for d in doc.dates)]
    candidates += [a.file_date for a in doc.archival]
    for value in candidates:
        if value and len(value) >= 10:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    for text in (doc.text, *(n.text for n in doc.notes)):
        for _s, _e, _number, fdate in files_in(text):
            if fdate:
                return date.fromisoformat(fdate)
    for value in candidates:
        if value and value[:4].isdigit():
            return date(int(value[:4]), 7, 1)
    return None


# --------------------------------------------------------------------------- posts


def _clean_place(place: str | None) -> str | None:
    if not place:
        return None
    place = re.sub(r"^the\s+", "", place.strip()).rstrip(".’'")
    return place.removesuffix("’s").removesuffix("'s") or None


def _party_place(doc: Document, side: str) -> str | None:
    parties = doc.sender if side == "sender" else doc.recipient
    for p in parties:
        if p.place:
            return p.place
    if side == "sender" and doc.place:
        return doc.place
    return None


def _post_side(doc: Document) -> str | None:
    """Which side of the correspondence is the post abroad (not Washington)."""
    s, r = _party_place(doc, "sender"), _party_place(doc, "recipient")
    if s and s != "Washington":
        return "sender"
    if r and r != "Washington":
        return "recipient"
    return None


# --------------------------------------------------------------------------- finders


def _who_place(doc: Document, who: str | None) -> str | None:
    if not who:
        return None
    w = who.strip().lower()
    if w in {"your", "ur"}:
        return _party_place(doc, "recipient")
    if w in {"my", "our"}:
        return _party_place(doc, "sender")
    return None


def _when(m: re.Match[str], day: date | None) -> str | None:
    if not m.group("date"):
        return None
    when = resolve_date(m.group("date"), day)
    if when and m.group("last") and day and when > day.isoformat():
        when = resolve_date(f"{m.group('date')}, {day.year - 1}", day)  # "of November 30 last"
    return when


def _telegrams(text: str, note: str | None, doc: Document, day: date | None) -> list[Reference]:
    out: list[Reference] = []
    for start, m, lead in _anchored(text, ("elegram",), _TELEGRAM, _TEL_LEAD):
        place = dest = None
        for d, p in ((m.group("dir"), m.group("place")), (m.group("dir2"), m.group("place2"))):
            if d == "from":
                place = _clean_place(p)
            elif d == "to":
                dest = _clean_place(p)
        if place is None:
            place = _who_place(doc, lead)
            if lead and lead.startswith("Department"):
                place = "Washington"
        out.append(
            _ref("telegram", text, start, m.end(), note, serial=m.group("serial"),
                 place=place, destination=dest, date=_when(m, day))
        )  # fmt: skip
    for start, m, _lead in _anchored(text, ("tel ", "tels "), _TELABBR, None):
        abbr = m.group("abbr").lower().rstrip("s")
        place = dest = None
        if abbr in {"deptel", "circtel", "depcirtel"}:
            place = "Washington"
            side = _post_side(doc)
            dest = _party_place(doc, side) if side else None
        elif abbr in {"embtel", "contel"}:
            side = _post_side(doc)
            place = _party_place(doc, side) if side else None
        elif abbr in {"urtel", "reurtel"}:
            place = _party_place(doc, "recipient")
        else:  # ourtel, mytel, reourtel
            place = _party_place(doc, "sender")
        if m.group("dir") == "to":
            dest = _clean_place(m.group("place"))
        elif m.group("dir") == "from":
            place = _clean_place(m.group("place"))
        out.append(
            _ref("telegram", text, start, m.end(), note, serial=m.group("serial"),
                 place=place, destination=dest, date=_when(m, day))
        )  # fmt: skip
    if doc.type in {"telegram", "cablegram"} or note is not None:
        for start, m, _lead in _anchored(
            text, ("our ", "my ", "ur ", "My ", "Ur "), _POSSESSIVE, None
        ):
            out.append(
                _ref("telegram", text, start, m.end(), note, serial=m.group("serial"),
                     place=_who_place(doc, m.group("who")), date=_when(m, day))
            )  # fmt: skip
    return out


def _despatches(text: str, note: str | None, doc: Document, day: date | None) -> list[Reference]:
    out: list[Reference] = []
    anchors = ("spatch", "irgram", "nstruction")
    for start, m, lead in _anchored(text, anchors, _DESPATCH, _DESPATCH_LEAD):
        word = m.group("word").lower()
        kind = "airgram" if word.startswith("airgram") else "despatch"
        if word.startswith("instruction"):
            kind = "other"
        place = _clean_place(m.group("place")) if m.group("dir") == "from" else None
        dest = _clean_place(m.group("place")) if m.group("dir") == "to" else None
        place = place or _who_place(doc, lead)
        out.append(
            _ref(kind, text, start, m.end(), note, serial=m.group("serial"), place=place,
                 destination=dest, date=_when(m, day))
        )  # fmt: skip
    letters = ("letter of", "memorandum of", "message of", "aide-mémoire of")
    for start, m, _lead in _anchored(text, letters, _LETTER, _LETTER_LEAD):
        word = m.group("word")
        kind = "letter" if word == "letter" else "memorandum" if word == "memorandum" else "other"
        out.append(_ref(kind, text, start, m.end(), note, date=resolve_date(m.group("date"), day)))
    return out


def _documents(text: str, note: str | None, doc: Document) -> list[Reference]:
    out: list[Reference] = []
    for start, m, _lead in _anchored(text, ("Document",), _DOCUMENT, _FOOTNOTE_LEAD):
        if m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        numbers = [(m.group("n"), start, m.end("n"))]
        for extra in re.finditer(r"\d{1,4}", m.group("more") or ""):
            at = m.start("more") + extra.start()
            numbers.append((extra.group(), at, at + len(extra.group())))
        for n, s, e in numbers:
            target = f"{doc.volume}/d{n}" if doc.volume else None
            out.append(_ref("document", text, s, e, note, target=target, target_volume=doc.volume))
    return out


def find_references(doc: Document, *, authority: Authority | None = None) -> list[Reference]:
    """Every citation in the body text and notes of ``doc``, in reading order.

    The body text comes first, then the notes in their order; the ibid chain runs through
    the notes, starting from the document's own archival source.
    """
    auth = authority or default_authority()
    day = document_day(doc)
    own_files = {a.file_number for a in doc.archival if a.file_number}
    first = next((a for a in doc.archival if a.file_number), None)
    chain = Cite(
        source=source_of(first.text, first.file_number or "") if first else None,
        file_number=first.file_number if first else None,
    )
    out: list[Reference] = []
    texts: list[tuple[str | None, str]] = [(None, doc.text)]
    texts += [(n.id or n.n, n.text) for n in doc.notes]
    for note, text in texts:
        if not text:
            continue
        refs = _telegrams(text, note, doc, day)
        refs += _despatches(text, note, doc, day)
        cites, chain_after = find_citations(text, note, doc, chain, auth, own_files)
        if note is not None:
            chain = chain_after
        refs += cites
        refs += _documents(text, note, doc)
        out.extend(_drop_overlaps(refs))
    return out


def _drop_overlaps(refs: list[Reference]) -> list[Reference]:
    """One reference per stretch of text: the longest (a volume beats the document in it)."""
    refs.sort(key=lambda r: (r.start or 0, -((r.end or 0) - (r.start or 0))))
    out: list[Reference] = []
    limit = -1
    for r in refs:
        if (r.start or 0) >= limit:
            out.append(r)
            limit = r.end or 0
    return out


def merge_references(existing: list[Reference], found: list[Reference]) -> list[Reference]:
    """The reader's references, each completed by an overlapping found one, plus the rest."""
    merged = list(existing)
    for r in found:
        hit = next(
            (
                i
                for i, e in enumerate(merged)
                if e.note == r.note
                and e.start is not None
                and e.end is not None
                and (r.start or 0) < e.end
                and e.start < (r.end or 0)
            ),
            None,
        )
        if hit is None:
            merged.append(r)
            continue
        e = merged[hit]
        fill = {
            k: v
            for k, v in r.model_dump().items()
            if v not in (None, False) and getattr(e, k) in (None, False)
            and k not in {"text", "start", "end", "note"}
        }  # fmt: skip
        if e.kind == "other" and r.kind != "other":
            fill["kind"] = r.kind
        if fill:
            merged[hit] = e.model_copy(update=fill)
    return merged


def enrich_document(
    doc: Document,
    *,
    authority: Authority | None = None,
    volume: Volume | None = None,
    lookup: ReferenceLookup | None = None,
) -> Document:
    """The one entry point readers and ingest call: entities, references, resolution.

    ``doc`` comes back with the reader's spans labelled and the entity mentions found
    added (``Document.spans``), the citations found added to the reader's own
    (``Document.references``; overlapping ones merged, never duplicated) and, when a
    ``lookup`` is given, every reference it can resolve marked ``is_resolved`` with its
    ``target``. ``volume`` is the document's ``Volume`` record when the reader has it
    (TEI), for the volume's own Lists of Persons and Abbreviations; without it the lists
    bundled for the sample volumes are used. Running it again on its own output changes
    nothing (idempotent).
    """
    auth = authority or default_authority()
    out = enrich_entities(doc, volume=volume, authority=auth)
    found = find_references(out, authority=auth)
    refs = merge_references(list(out.references), found)
    order = {n.id or n.n: i for i, n in enumerate(out.notes)}
    refs.sort(key=lambda r: (-1 if r.note is None else order.get(r.note, len(order)), r.start or 0))
    out = out.model_copy(update={"references": refs})
    if lookup is not None:
        out = resolve_references(out, lookup)
    return out


def enrich_records(
    records: Iterable[Document | Volume],
    *,
    authority: Authority | None = None,
    lookup: ReferenceLookup | None = None,
) -> Iterator[Document | Volume]:
    """``enrich_document`` over the records of one file, in the reader's order.

    The TEI reader yields a volume's ``Volume`` record (with its Lists of Persons and
    Abbreviations) after its documents, so the documents of a file are held until the
    file is read and then enriched with the volume's lists; a file of one plain-text
    document costs nothing extra. References are then resolved among the file's own
    documents (a volume's "Document 105", "my dispatch No. 461") and, when ``lookup`` is
    given, against it as well. Use one call per file (per reader call). If the reader
    fails part-way, the documents it gave are still yielded before its error is raised.
    """
    held: list[Document] = []
    volumes: list[Volume] = []
    failure: BaseException | None = None
    try:
        for record in records:
            if isinstance(record, Volume):
                volumes.append(record)
            else:
                held.append(record)
    except Exception as exc:
        # A reader that fails part-way (a truncated volume) still gave good documents:
        # they are enriched and yielded first, then its error is raised as it came.
        failure = exc
    by_id = {v.id: v for v in volumes}
    enriched = [
        enrich_document(
            doc,
            authority=authority,
            volume=by_id.get(doc.volume or "") or (volumes[0] if len(volumes) == 1 else None),
        )
        for doc in held
    ]
    within = DocumentIndex(enriched)
    chain: ReferenceLookup = within if lookup is None else ChainLookup(within, lookup)
    for doc in enriched:
        yield resolve_references(doc, chain)
    yield from volumes
    if failure is not None:
        raise failure


__all__ = [
    "DocumentIndex",
    "ReferenceLookup",
    "SerialCandidate",
    "document_day",
    "enrich_document",
    "enrich_records",
    "file_date",
    "find_references",
    "merge_references",
    "resolve_date",
    "resolve_references",
]
