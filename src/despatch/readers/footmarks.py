"""Footnote markers and page markers in text copied from history.state.gov.

In the web copy a footnote marker is a bare number glued to the word or punctuation it
follows (``afternoon.1``, ``of 1943.2``, ``1945,3``, ``State0``); printed page breaks are
``[Page 232]``. Digits that belong to the text (``1943``, ``600 million``, ``10,000``,
``9:29``, ``3.5 million``) must survive, so markers are found in two steps:

1. ``marker_candidates`` finds every digit run that *could* be a marker, graded
   ``strong`` (nothing else reads that way: ``afternoon.1``, ``1945,3 which``) or ``weak``
   (could be a number: ``3.5 million``, ``U2``);
2. ``select_markers`` keeps the candidates that form the expected run of consecutive
   numbers, one per note, in text order, trying the usual starting numbers (0 in the web
   copy, whose note list starts at 1; 1 elsewhere). Strong candidates are preferred;
   weak ones fill gaps only.

Markers are aligned to notes by order and count, never by trusting the digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "PAGE_MARKER",
    "Candidate",
    "MarkerRun",
    "glued_to_numbers",
    "marker_candidates",
    "page_before",
    "select_markers",
]

PAGE_MARKER = re.compile(r"\[\s*Page\s+([0-9]{1,5}[a-z]?|[IVXLCDMivxlcdm]{1,8})\s*\]")
_DIGITS = re.compile(r"\d+")


class _Letters:
    """Membership test: letters (any script) and the punctuation a marker may follow."""

    def __contains__(self, ch: str) -> bool:
        return ch.isalpha() or ch in ".,;:!?)]’”\"'"


_BEFORE = _Letters()
_AFTER = frozenset(' \t\n,.;:!?)]’”"—–-')


@dataclass(frozen=True, slots=True)
class Candidate:
    """A digit run that may be a footnote marker: block index, position, value."""

    block: int  # index of the block (-1 for the heading)
    start: int  # position in the block's raw text
    end: int
    value: int
    strong: bool


def _grade(text: str, start: int, end: int) -> bool | None:
    """True strong, False weak, None not a marker at all."""
    prev = text[start - 1]
    prev2 = text[start - 2] if start >= 2 else " "
    nxt = text[end] if end < len(text) else ""
    after = text[end + 1] if end + 1 < len(text) else ""
    if prev == ":" and prev2.isdigit():
        return None  # a time or a ratio: 9:29
    if prev in ".," and prev2.isdigit():
        if prev == ",":
            return True  # "1945,3 which": a thousands group always has three digits
        # "1943.2 This" (end of sentence) vs "3.5 million" (a decimal)
        return nxt == "" or (nxt.isspace() and (after == "" or after.isupper() or after in '“"('))
    if prev.isalpha():
        j = start - 1
        while j > 0 and text[j - 1].isalpha():
            j -= 1
        word = text[j:start]
        return not (word.isupper() and len(word) <= 3)  # "U2", "MIG17": designations
    return True


def marker_candidates(text: str, block: int) -> list[Candidate]:
    """Every possible footnote marker in one block of raw text (page markers excluded)."""
    out: list[Candidate] = []
    spans: list[tuple[int, int]] | None = None
    n = len(text)
    # Scan digit runs (fast) and test their surroundings here, rather than running a
    # regex with a look-behind at every position of the text.
    for m in _DIGITS.finditer(text):
        s, e = m.start(), m.end()
        if e - s > 2 or s == 0 or text[s - 1] not in _BEFORE:
            continue
        if e < n and text[e] not in _AFTER:
            continue
        if spans is None:
            spans = [(p.start(), p.end()) for p in PAGE_MARKER.finditer(text)]
        if any(a <= s < b for a, b in spans):
            continue
        grade = _grade(text, s, e)
        if grade is None:
            continue
        out.append(Candidate(block=block, start=s, end=e, value=int(m.group()), strong=grade))
    return out


def _split_pairs(cands: list[Candidate]) -> list[Candidate]:
    """Also offer "12" as the adjacent markers "1" and "2" (two notes on one word)."""
    out: list[Candidate] = []
    for c in cands:
        out.append(c)
        if c.end - c.start == 2:
            first, second = c.value // 10, c.value % 10
            if second == first + 1:
                out.append(Candidate(c.block, c.start, c.start + 1, first, c.strong))
                out.append(Candidate(c.block, c.start + 1, c.end, second, c.strong))
    return out


@dataclass(frozen=True, slots=True)
class MarkerRun:
    """The markers chosen for a document: the number the run starts at, and the markers.

    A marker of value ``v`` belongs to the ``v - first``-th note of the run; values the
    run skipped (a marker the text lost or glued to a number) have no marker.
    """

    first: int
    markers: list[Candidate]


def _chain(
    cands: list[Candidate], first: int, count: int, *, weak: bool
) -> tuple[list[Candidate], int]:
    """Markers first, first+1, … in text order, skipping at most two lost values at a time."""
    chosen: list[Candidate] = []
    skips = 0
    expected = first
    last = first + count - 1
    last_end = (-2, -1)
    for c in cands:
        if expected > last:
            break
        if (not c.strong and not weak) or (c.block, c.start) < last_end:
            continue
        if c.value == expected:
            pass
        elif c.strong and expected < c.value <= min(expected + 2, last) and chosen:
            skips += c.value - expected
        else:
            continue
        chosen.append(c)
        last_end = (c.block, c.end)
        expected = c.value + 1
    return chosen, skips


def select_markers(
    candidates: list[Candidate], count: int, *, starts: tuple[int, ...] = (0, 1)
) -> MarkerRun:
    """The candidates that are the document's footnote markers (at most ``count``).

    Tries each starting number in ``starts``, first with strong candidates only, then
    letting weak ones in, and keeps the run with most markers and fewest skipped values
    (ties: the earlier start).
    """
    if count <= 0 or not candidates:
        return MarkerRun(first=starts[0] if starts else 0, markers=[])
    cands = _split_pairs(sorted(candidates, key=lambda c: (c.block, c.start, c.end)))
    best: list[Candidate] = []
    best_first = starts[0]
    best_key = (0, 0)
    for weak in (False, True):
        for first in starts:
            run, skips = _chain(cands, first, count, weak=weak)
            key = (len(run), -skips)
            if key > best_key:
                best, best_first, best_key = run, first, key
        if len(best) >= count:
            break
    return MarkerRun(first=best_first, markers=best)


def glued_to_numbers(blocks: list[str], run: MarkerRun, count: int) -> list[tuple[Candidate, str]]:
    """Markers the run lacks, read from the end of a number in the gap where they belong.

    The web copy glues a marker to a number as readily as to a word (``Warsaw’s 4119``
    is telegram 411 and marker 9). Only the order and count of the notes tell them apart,
    so a lost marker is taken from a number only when exactly one number in the stretch
    of text between its neighbours ends with its digits. Returns the new candidates with
    the number as printed, for a warning.
    """
    have = {c.value for c in run.markers}
    missing = [v for v in range(run.first, run.first + count) if v not in have]
    if not missing:
        return []
    ordered = sorted(run.markers, key=lambda c: (c.block, c.start))
    found: list[tuple[Candidate, str]] = []
    for v in missing:
        before = [c for c in ordered if c.value < v and c.block >= 0]
        after = [c for c in ordered if c.value > v]
        lo = (before[-1].block, before[-1].end) if before else (0, 0)
        hi = (after[0].block, after[0].start) if after else (len(blocks), 0)
        digits = str(v)
        rx = re.compile(rf"(?<![\w.,:/–-])(\d+?)({digits})(?=[\s,.;:)\]’”]|$)")
        hits: list[tuple[Candidate, str]] = []
        for bi in range(max(lo[0], 0), min(hi[0], len(blocks) - 1) + 1):
            text = blocks[bi]
            spans = [(m.start(), m.end()) for m in PAGE_MARKER.finditer(text)]
            for m in rx.finditer(text):
                pos = (bi, m.start(2))
                if pos < lo or pos >= hi or any(a <= m.start() < b for a, b in spans):
                    continue
                hits.append((Candidate(bi, m.start(2), m.end(2), v, strong=False), m.group(0)))
        if len(hits) > 1:
            # "September 173": a day of the month cannot exceed 31, so that one is it.
            days = [h for h in hits if _is_day_plus_marker(blocks[h[0].block], h[0].start)]
            hits = days if len(days) == 1 else hits
        if len(hits) == 1:
            found.append(hits[0])
            ordered = sorted([*ordered, hits[0][0]], key=lambda c: (c.block, c.start))
    return found


_MONTH_BEFORE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+(\d+)$"
)


def _is_day_plus_marker(text: str, marker_start: int) -> bool:
    m = _MONTH_BEFORE.search(text, 0, marker_start)
    if m is None:
        return False
    day = int(m.group(1))
    whole = int(text[m.start(1) : marker_start] + text[marker_start])
    return 1 <= day <= 31 and whole > 31


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _roman_value(s: str) -> int | None:
    total = 0
    prev = 0
    for ch in reversed(s.lower()):
        v = _ROMAN.get(ch)
        if v is None:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _to_roman(n: int, upper: bool) -> str:
    parts = []
    for value, sym in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while n >= value:
            parts.append(sym)
            n -= value
    out = "".join(parts)
    return out.upper() if upper else out


def page_before(page: str) -> str | None:
    """The page printed before ``page`` (``232`` → ``231``, ``XXI`` → ``XX``), if any."""
    if page.isdigit():
        n = int(page)
        return str(n - 1) if n > 1 else None
    v = _roman_value(page)
    if v is None or v <= 1:
        return None
    return _to_roman(v - 1, page.isupper())
