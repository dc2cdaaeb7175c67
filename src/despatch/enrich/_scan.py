"""Shared pieces of the reference finders: dates, literal anchors, building a ``Reference``."""

from __future__ import annotations

import re
from datetime import date

from despatch.model import Reference
from despatch.readers.dates import MONTHS

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


__all__ = ["file_date", "resolve_date"]
