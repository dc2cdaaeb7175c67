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
from dataclasses import dataclass, replace
from datetime import date

from despatch.enrich.authority import Authority, default_authority
from despatch.enrich.entities import enrich_entities
from despatch.enrich.resolve import (
    ChainLookup,
    DocumentIndex,
    ReferenceLookup,
    SerialCandidate,
    resolve_references,
)
from despatch.enrich.volumes import parse_volume_citation
from despatch.model import Document, Reference, Volume

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
)
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+1[789]\d\d)?"
    rf"|\d{{1,2}}\s+{_MONTH}(?:,?\s+1[789]\d\d)?)"
)
_DATE_PARTS = re.compile(
    r"(?:(?P<m1>[A-Za-z]+)\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?|(?P<d2>\d{1,2})\s+(?P<m2>[A-Za-z]+)\.?)"
    r"(?:,?\s+(?P<y>1[789]\d\d))?"
)
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
_DOCUMENT_IN = re.compile(r"Documents?\s+(\d{1,4}),?\s+(?:in|of)\s+(?:the\s+)?$")
_FOOTNOTE_LEAD = re.compile(r"footnotes?\s+\d+,\s+$")
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


def _positions(text: str, literals: tuple[str, ...]) -> list[int]:
    """Where any of ``literals`` occurs in ``text``, in order."""
    out: list[int] = []
    for lit in literals:
        at = text.find(lit)
        while at >= 0:
            out.append(at)
            at = text.find(lit, at + 1)
    if len(literals) > 1:
        out.sort()
    return out


def _anchored(
    text: str, literals: tuple[str, ...], full: re.Pattern[str], lead: re.Pattern[str] | None
) -> list[tuple[int, re.Match[str], str | None]]:
    """Matches of ``full`` from the start of each word containing an anchor literal.

    Returns (start, match, lead word) where ``start`` includes the lead ("your telegram").
    """
    out: list[tuple[int, re.Match[str], str | None]] = []
    limit = -1
    for at in _positions(text, literals):
        s = at
        while s > 0 and text[s - 1].isalpha():
            s -= 1
        if s < limit:
            continue
        m = full.match(text, s)
        if m is None:
            continue
        start, word = s, None
        if lead is not None:
            lm = lead.search(text, max(0, s - 32), s)
            if lm is not None:
                start, word = lm.start(), lm.group(0).strip()
        out.append((start, m, word))
        limit = m.end()
    return out


@dataclass(frozen=True, slots=True)
class _Cite:
    """The last citation an ibid can refer to."""

    source: str | None = None
    file_number: str | None = None
    volume: str | None = None
    page: str | None = None
    is_frus: bool = False


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
        for _s, _e, _number, fdate in _files(text):
            if fdate:
                return date.fromisoformat(fdate)
    for value in candidates:
        if value and value[:4].isdigit():
            return date(int(value[:4]), 7, 1)
    return None


def resolve_date(text: str, around: date | None) -> str | None:
    """ISO date of "September 19" / "19 September 1958", nearest to ``around`` if no year."""
    m = _DATE_PARTS.search(text)
    if m is None:
        return None
    month = MONTHS.get((m.group("m1") or m.group("m2") or "").lower().rstrip("."))
    day = int(m.group("d1") or m.group("d2") or 0)
    if month is None:
        return None
    if m.group("y"):
        years = [int(m.group("y"))]
    elif around is not None:
        years = [around.year, around.year - 1, around.year + 1]
    else:
        return f"--{month:02d}-{day:02d}"  # ISO 8601 for a day without its year
    best: date | None = None
    for y in years:
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if best is None or (around and abs((d - around).days) < abs((best - around).days)):
            best = d
    return best.isoformat() if best else None


def file_date(month: str, day_year: str) -> str | None:
    """The filing date of a decimal file suffix: ``9``, ``1958`` → ``1958-09-19``."""
    try:
        return date(1900 + int(day_year[-2:]), int(month), int(day_year[:-2])).isoformat()
    except ValueError:
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


def _ref(
    kind: str, text: str, start: int, end: int, note: str | None, **fields: object
) -> Reference:
    """A reference over ``text[start:end]`` (trailing commas and spaces trimmed)."""
    cited = text[start:end].rstrip(" ,")
    values: dict[str, object] = {
        "text": cited, "kind": kind, "start": start, "end": start + len(cited), "note": note,
        "target": None, "target_volume": None, "target_page": None, "serial": None,
        "place": None, "date": None, "is_resolved": False, "destination": None,
        "source": None, "file_number": None,
    }  # fmt: skip
    values.update(fields)
    return Reference(**values)


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


def _files(text: str) -> list[tuple[int, int, str, str | None]]:
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


def _citations(
    text: str, note: str | None, doc: Document, chain: _Cite, auth: Authority, own_files: set[str]
) -> tuple[list[Reference], _Cite]:
    """Files, FRUS volumes and ibids of one text, in order, following the ibid chain."""
    events: list[tuple[int, str, int, str | None, str | None]] = []
    for s, e, file_number, fdate in _files(text):
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
            chain = _Cite(source=source or chain.source, file_number=number)
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
            chain = _Cite(volume=vol, page=cit.page, is_frus=True)
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


def find_references(doc: Document, *, authority: Authority | None = None) -> list[Reference]:
    """Every citation in the body text and notes of ``doc``, in reading order.

    The body text comes first, then the notes in their order; the ibid chain runs through
    the notes, starting from the document's own archival source.
    """
    auth = authority or default_authority()
    day = document_day(doc)
    own_files = {a.file_number for a in doc.archival if a.file_number}
    first = next((a for a in doc.archival if a.file_number), None)
    chain = _Cite(
        source=_source_of(first.text, first.file_number or "") if first else None,
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
        cites, chain_after = _citations(text, note, doc, chain, auth, own_files)
        if note is not None:
            chain = chain_after
        refs += cites
        refs += _documents(text, note, doc)
        out.extend(_drop_overlaps(refs))
    return out


def _source_of(citation: str, file_number: str) -> str | None:
    at = citation.find(file_number) if file_number else -1
    head = citation[:at] if at >= 0 else citation
    return head.strip(" ,") or None


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
    given, against it as well. Use one call per file (per reader call).
    """
    held: list[Document] = []
    volumes: list[Volume] = []
    for record in records:
        if isinstance(record, Volume):
            volumes.append(record)
        else:
            held.append(record)
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
