"""Dates as the diplomatic-documents genre writes them, and how a document's date is settled.

Forms read (all found in FRUS):

* ``September 19, 1958`` and ``Sept. 19, 1958`` (month day, year);
* ``19 September 1958`` (day month year, the military and British form of the 1940s
  cablegrams: ``Cablegram 317, MOSCOW, 28 September 1948, 8.20 p.m.``);
* a time after the date: ``, 8 p.m.``, ``—9 p.m.``, ``, 8.20 p.m.``, ``, 5:10 p.m.``,
  ``, noon``, ``, midnight``, ranges ``11–11:28 a.m.`` (the start is kept);
* month and year (``September 1958``), or a year alone in a dateline;
* ``undated`` / ``[undated]`` / ``Undated``;
* the suffix of a State Department decimal file number (``793.00/9–1958`` is 9/19/58).

Shared by the plain-text and TEI readers. ``settle_date`` chooses the document date from
all the evidence: dateline first, then an encoded date (TEI ``@when``, front matter), then
the heading, then notes, then the file number (the date the document was *filed* under,
usually its own date but sometimes a day or two later, so it is the weakest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from despatch.model import Confidence, DateEvidence, DateSource, DocumentDate, Note, SourceNote
from despatch.readers.sourcenote import decimal_file_date

__all__ = [
    "MONTHS",
    "Dateline",
    "date_conflicts",
    "file_number_date",
    "find_dates",
    "is_undated",
    "mentioned_dates",
    "parse_date",
    "parse_dateline",
    "settle_date",
]

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|"
    r"Dec\.|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|"
    r"DECEMBER)"
)
_TIME = (
    r"(?P<time>(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?"
    r"(?:\s*[–-]\s*\d{1,2}(?:[:.]\d{2})?)?\s*(?P<ampm>a\.\s?m\.?|p\.\s?m\.?|A\.M\.?|P\.M\.?)"
    r"|(?P<word>noon|midnight)"
    r"|(?P<hhmm>\d{4})\s*(?:hours|hrs\.?|Z|GMT))"
)
_TIME_TAIL = rf"(?:\s*(?:,|—|–|-{{1,2}})\s*{_TIME})?"
_MDY = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>1[6-9]\d\d|20\d\d)\b"
    + _TIME_TAIL
)
_DMY = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>1[6-9]\d\d|20\d\d)\b"
    + _TIME_TAIL
)
_MY = re.compile(rf"\b{_MONTH}\s+(?P<year>1[6-9]\d\d|20\d\d)\b")
_MD = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d{{4}})")
_UNDATED = re.compile(r"^\W*(?:undated|no date|n\.\s?d\.)\W*$", re.IGNORECASE)
_PLACE_UNDATED = re.compile(r"^([A-Z][\w .’'-]{1,40}?),\s*\[?undated\]?\.?$", re.IGNORECASE)
# "…, 3 p.m.–4:30 p.m.": the end of a time range after the time the date pattern took
_TIME_RANGE_END = re.compile(
    r"^[–-]\s*\d{1,2}(?:[:.]\d{2})?\s*(?:a\.\s?m|p\.\s?m|noon|midnight)?\.?$", re.IGNORECASE
)
_PAREN_DATE = re.compile(r"^[^()]{1,60}?\s*\((?=[^()]*\d{4}\.?\)\.?$)([^()]+)\)\.?$")
_DATELINE_PREFIX = re.compile(
    r"^(?:(?P<kind>Cablegram|Telegram|Airgram|Despatch|Circular|Message)\s+(?:No\.\s*)?"
    r"(?P<serial>[\w-]+)\s*,\s*)?",
    re.IGNORECASE,
)
_OFFICE_PREFIX = re.compile(
    r"^(?:(?:The\s+)?(?:Legation|Embassy|Consulate(?:\s+General)?|Department|Mission|"
    r"Foreign\s+Office|White\s+House|Office|Ministry|Imperial|Royal|"
    r"United\s+States\s+(?:Legation|Embassy|Consulate))\b[^,]*,\s*)+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline read into its parts: place, date evidence, and a cablegram serial."""

    text: str
    place: str | None
    evidence: DateEvidence | None
    serial: str | None = None
    kind: str | None = None
    is_undated: bool = False


def _month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _valid(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return day <= (29 if leap else 28)
    return day <= (30 if month in (4, 6, 9, 11) else 31)


def _time_iso(m: re.Match[str]) -> str | None:
    if m.group("time") is None:
        return None
    if m.group("word"):
        return "12:00" if m.group("word").lower() == "noon" else "00:00"
    if m.group("hhmm"):
        hhmm = m.group("hhmm")
        hour, minute = int(hhmm[:2]), int(hhmm[2:])
        return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None
    hour = int(m.group("hour"))
    minute = int(m.group("minute") or 0)
    if not (1 <= hour <= 12 and minute < 60):
        return None
    pm = m.group("ampm").lower().startswith("p")
    if pm and hour != 12:
        hour += 12
    elif not pm and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def _iso(m: re.Match[str]) -> str | None:
    year = int(m.group("year"))
    month = _month_number(m.group("month"))
    day = int(m.group("day"))
    if not _valid(year, month, day):
        return None
    value = f"{year:04d}-{month:02d}-{day:02d}"
    t = _time_iso(m)
    if t is not None:
        value += f"T{t}"
    # "midnight" at the end of a day is the next day's 00:00 in ISO terms, but FRUS means
    # the night of the date printed; keep the printed date with 00:00 (documented choice).
    return value


def find_dates(text: str, *, default_year: int | None = None) -> list[tuple[int, int, str, str]]:
    """Every date of day precision in ``text``: ``(start, end, iso, words)``, in order.

    With ``default_year``, month-and-day dates (``September 19``, as notes write them)
    are completed with that year.
    """
    found: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    patterns = [_MDY, _DMY]
    for rx in patterns:
        for m in rx.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            iso = _iso(m)
            if iso is not None:
                found.append((m.start(), m.end(), iso, m.group(0)))
                taken.append((m.start(), m.end()))
    if default_year is not None:
        for m in _MD.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            month, day = _month_number(m.group("month")), int(m.group("day"))
            if _valid(default_year, month, day):
                iso = f"{default_year:04d}-{month:02d}-{day:02d}"
                found.append((m.start(), m.end(), iso, m.group(0)))
                taken.append((m.start(), m.end()))
    found.sort()
    return found


def parse_date(
    text: str,
    *,
    source: DateSource = DateSource.TEXT,
    confidence: Confidence = Confidence.PROBABLE,
    role: str = "document",
    note: str | None = None,
    default_year: int | None = None,
) -> DateEvidence | None:
    """The first date in ``text`` as evidence, at the precision given; None if there is none.

    ``default_year`` completes a month-and-day date (``September 19``), as notes write
    them; without it such dates are not returned.
    """
    candidates: list[tuple[int, str, str]] = []
    for rx in (_MDY, _DMY):
        m = rx.search(text)
        if m is not None and (iso := _iso(m)) is not None:
            candidates.append((m.start(), iso, m.group(0)))
    if not candidates:
        m2 = _MY.search(text)
        if m2 is not None:
            iso = f"{int(m2.group('year')):04d}-{_month_number(m2.group('month')):02d}"
            candidates.append((m2.start(), iso, m2.group(0)))
    if not candidates and default_year is not None:
        m3 = _MD.search(text)
        if m3 is not None:
            month, day = _month_number(m3.group("month")), int(m3.group("day"))
            if _valid(default_year, month, day):
                iso = f"{default_year:04d}-{month:02d}-{day:02d}"
                candidates.append((m3.start(), iso, m3.group(0)))
    if not candidates:
        return None
    _, value, words = min(candidates)
    return DateEvidence(
        value=value,
        source=source,
        text=words,
        confidence=confidence,
        role=role,
        note=note,
    )


def is_undated(text: str) -> bool:
    """True for the edition's "undated" captions (``undated``, ``[Undated]``, ``n.d.``)."""
    return bool(_UNDATED.match(text))


def file_number_date(file_number: str) -> str | None:
    """ISO date of a decimal file number's suffix: ``793.00/9–1958`` → ``1958-09-19``."""
    return decimal_file_date(file_number)


def parse_dateline(text: str) -> Dateline | None:
    """Read a dateline: ``Moscow, September 19, 1958—9 p.m.``, ``Cablegram 317, MOSCOW,
    28 September 1948, 8.20 p.m.``, ``Legation of the United States, Peking, October 30,
    1900.``; None when ``text`` holds no date (and is not "undated").
    """
    line = " ".join(text.split())
    if not line or len(line) > 200:
        return None
    if is_undated(line):
        return Dateline(text=line, place=None, evidence=None, is_undated=True)
    placed = _PLACE_UNDATED.match(line)
    if placed is not None:  # "Washington, undated."
        return Dateline(
            text=line, place=_place_name(placed.group(1)), evidence=None, is_undated=True
        )
    best: re.Match[str] | None = None
    for rx in (_MDY, _DMY):
        m = rx.search(line)
        if m is not None and _iso(m) is not None and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return None
    tail = line[best.end() :].strip(" .,;")
    paren = _PAREN_DATE.match(line)
    if paren is not None and best.start() >= paren.start(1):
        # "20th Chinese Moon. (November 11, 1900.)": a date given in parentheses
        evidence = DateEvidence(
            value=_iso(best) or "", source=DateSource.DATELINE, text=line,
            confidence=Confidence.CERTAIN,
        )  # fmt: skip
        return Dateline(text=line, place=None, evidence=evidence)
    if tail and not tail.startswith("(") and not _TIME_RANGE_END.match(tail):
        return None  # a sentence that contains a date, not a dateline
    iso = _iso(best)
    assert iso is not None
    head = line[: best.start()].strip(" ,")
    pm = _DATELINE_PREFIX.match(head)
    serial = kind = None
    if pm is not None and pm.group("kind"):
        serial = pm.group("serial")
        kind = pm.group("kind").capitalize()
        head = head[pm.end() :]
    head = _OFFICE_PREFIX.sub("", head).strip(" ,")
    if len(head.split()) > 8 or not all(
        w[0].isupper() or w in _PLACE_PARTICLES for w in head.replace(",", " ").split()
    ):
        return None
    place = _place_name(head) if head else None
    evidence = DateEvidence(
        value=iso, source=DateSource.DATELINE, text=line, confidence=Confidence.CERTAIN
    )
    return Dateline(text=line, place=place, evidence=evidence, serial=serial, kind=kind)


_PLACE_PARTICLES = frozenset({"of", "the", "de", "la", "le", "and", "am", "an", "der", "del"})


def _place_name(head: str) -> str:
    """The place of a dateline in title case (``MOSCOW`` → ``Moscow``), as printed otherwise."""
    if head.isupper():
        return " ".join(w.capitalize() for w in head.split())
    return head


_WEIGHT = {
    DateSource.DATELINE: 0,
    DateSource.ENCODED: 1,
    DateSource.FRONT_MATTER: 2,
    DateSource.HEADING: 3,
    DateSource.NOTE: 4,
    DateSource.FILE_NUMBER: 5,
    DateSource.TEXT: 6,
}
_PRECISION_BY_LEN = {4: "year", 7: "month", 10: "day"}


def _precision(value: str) -> str:
    if "T" in value:
        return "minute"
    return _PRECISION_BY_LEN.get(len(value), "unknown")


def settle_date(evidence: list[DateEvidence], *, is_undated: bool = False) -> DocumentDate:
    """Choose the document date from ``evidence``: dateline > encoded > note > file number.

    Only evidence with role ``document`` or ``sent`` can be the date; ``mentioned``
    dates (a note saying "telegram 631 from Moscow, September 19") only cross-check:
    when the chosen date comes from the file number and another source agrees on the
    day, its confidence rises from ``inferred`` to ``probable``.
    """
    candidates = [e for e in evidence if e.role in ("document", "sent")]
    if not candidates:
        return DocumentDate(is_undated=is_undated, precision="unknown")
    best = min(candidates, key=lambda e: (_WEIGHT.get(e.source, 9), -len(e.value)))
    confidence = best.confidence
    if best.source is DateSource.FILE_NUMBER:
        day = best.value[:10]
        agrees = any(
            e is not best and e.source is not DateSource.FILE_NUMBER and e.value[:10] == day
            for e in evidence
        )
        confidence = Confidence.PROBABLE if agrees else Confidence.INFERRED
    precision = _precision(best.value)
    return DocumentDate(
        value=best.value,
        precision=precision,
        source=best.source,
        confidence=confidence,
        is_undated=is_undated,
    )


def date_conflicts(evidence: list[DateEvidence], chosen: DocumentDate) -> list[str]:
    """Messages for document-date evidence that disagrees with the chosen date.

    A file-number date up to three days after the document date is normal (the date the
    document was filed) and is not reported.
    """
    from datetime import date

    if chosen.day is None:
        return []
    messages: list[str] = []
    try:
        chosen_day = date.fromisoformat(chosen.day)
    except ValueError:
        return []
    for e in evidence:
        if e.role not in ("document", "sent") or len(e.value) < 10:
            continue
        try:
            other = date.fromisoformat(e.value[:10])
        except ValueError:
            continue
        delta = (other - chosen_day).days
        if delta == 0:
            continue
        if e.source is DateSource.FILE_NUMBER and 0 <= delta <= 3:
            continue
        messages.append(
            f"{e.source.value} date {e.value[:10]} ({e.text!r}) differs from the document "
            f"date {chosen.day} ({chosen.source.value if chosen.source else 'unknown'})"
        )
    return messages


#: Every date ``find_dates`` reads names its month, so text without a month name is skipped.
MONTH_NAME = re.compile(_MONTH)


def mentioned_dates(
    notes: list[Note],
    source_note: SourceNote | None,
    *,
    year: int | None,
    source_note_id: str | None,
) -> list[DateEvidence]:
    """Dates the notes mention (the drafting date, dates in editorial notes).

    They never date the document but cross-check it; ``year`` (from the document's own
    evidence) completes dates printed without one.
    """
    found: list[DateEvidence] = []
    if source_note is not None and source_note.drafting and source_note.drafting.drafted_on:
        ev = parse_date(
            source_note.drafting.drafted_on,
            source=DateSource.NOTE,
            role="mentioned",
            default_year=year,
            note=source_note_id,
        )
        if ev is not None:
            found.append(ev)
    for note in notes:
        if note.kind == "source" or not MONTH_NAME.search(note.text):
            continue
        for _start, _end, iso, words in find_dates(note.text, default_year=year):
            found.append(
                DateEvidence(
                    value=iso,
                    source=DateSource.NOTE,
                    text=words,
                    confidence=Confidence.PROBABLE,
                    note=note.id,
                    role="mentioned",
                )
            )
    return found
