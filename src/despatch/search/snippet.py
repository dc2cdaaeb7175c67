"""Snippets: the passage of a matching document that shows the hit, and its printed page.

Every backend builds its snippets here from the same inputs, so a hit in the paragraph
after ``[Page 234]`` reports page 234 whichever backend found it.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from despatch.model import Document
from despatch.search.fields import fold, tokenize
from despatch.search.query import Prefix, Query, positive_terms

#: Characters of context shown before the first hit.
BEFORE = 70
#: Longest snippet, in characters (without the ellipses).
LENGTH = 240


@dataclass(frozen=True)
class SnippetSource:
    """What a snippet is cut from: the body, its page breaks, and the notes."""

    body: str
    page_breaks: tuple[tuple[str, int], ...] = ()  # (page, offset) of body page breaks
    first_page: str | None = None
    # (text, page of the note's anchor) for each note; or a function giving them, called
    # only when the body has no hit (a store may read notes lazily).
    notes: (
        tuple[tuple[str, str | None], ...] | Callable[[], tuple[tuple[str, str | None], ...]]
    ) = ()

    @classmethod
    def of(cls, doc: Document) -> SnippetSource:
        """The snippet source of a document."""
        return cls(
            body=doc.text,
            page_breaks=tuple((b.page, b.offset) for b in doc.pages if b.note is None),
            first_page=doc.first_page,
            notes=tuple((n.text, n.page) for n in doc.notes),
        )

    def page_at(self, offset: int) -> str | None:
        """The printed page in force at ``offset`` (as ``Document.page_at``)."""
        offsets = [o for _, o in self.page_breaks]
        i = bisect.bisect_right(offsets, offset) - 1
        if i >= 0:
            return self.page_breaks[i][0]
        return self.first_page


@dataclass(frozen=True)
class Snippet:
    """Plain text with highlight spans (offsets into ``text``) and the page it is on."""

    text: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    page: str | None = None


_AFTER_TOKEN = r"(?![^\W_])"
_BETWEEN = r"[\W_]+"
#: How many hits (per term) are considered when choosing the snippet's window.
_CANDIDATES = 60


def _ascii_run(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeEncodeError)
    run = exc.object[exc.start : exc.end]
    out = "".join(c if len(c) == 1 and c.isascii() else "\x7f" for c in map(fold, run))
    return out, exc.end


codecs.register_error("despatch-snippet", _ascii_run)


def _fold_ascii(text: str) -> str:
    """``fold`` for finding ASCII tokens: the same length, other letters become DEL.

    A C-level encode instead of per-character work: snippets fold every hit's body.
    """
    if text.isascii():
        return text.lower()
    return text.encode("ascii", "despatch-snippet").lower().decode("ascii")


class _Matcher:
    """Finds the free-text terms of a query in folded text, on token boundaries.

    Each term is located by ``str.find`` of its first token (fast) and then confirmed by
    an anchored regex (the rest of a phrase, the word's end).
    """

    def __init__(self, query: Query) -> None:
        self._bytes_terms: list[tuple[bytes, re.Pattern[bytes]]] | None = None
        self.terms: list[tuple[str, re.Pattern[str]]] = []
        for term in positive_terms(query):
            toks = tokenize(term.text)
            if not toks:
                continue
            if isinstance(term, Prefix):
                self.terms.append((toks[0], re.compile(re.escape(toks[0]) + r"[^\W_]*")))
            else:
                body = _BETWEEN.join(re.escape(t) for t in toks)
                self.terms.append((toks[0], re.compile(body + _AFTER_TOKEN)))

    def scan_utf8(self, text: str, limit: int = _CANDIDATES) -> list[tuple[int, int, int]] | None:
        """``scan`` over the UTF-8 bytes of ``text`` (C-speed), offsets in characters.

        Only for ASCII terms; ``None`` when a term is not ASCII. Accented letters in the
        text do not fold here, so a caller falls back to ``scan`` when this finds nothing.
        """
        if self._bytes_terms is None:
            if not all(literal.isascii() for literal, _ in self.terms):
                return None
            self._bytes_terms = [
                (literal.encode("ascii"), re.compile(rx.pattern.encode("ascii")))
                for literal, rx in self.terms
            ]
        data = text.encode("utf-8").lower()
        found: list[tuple[int, int, int]] = []
        for index, (literal, rx) in enumerate(self._bytes_terms):
            pos, n = 0, 0
            while n < limit:
                j = data.find(literal, pos)
                if j < 0:
                    break
                pos = j + 1
                if j > 0 and data[j - 1 : j].isalnum():
                    continue
                m = rx.match(data, j)
                if m:
                    found.append((j, m.end(), index))
                    n += 1
                    pos = m.end()
        if not found or text.isascii():
            return sorted(found)
        # Byte offsets to character offsets, decoding each stretch once.
        marks = sorted({p for a, b, _ in found for p in (a, b)})
        chars: dict[int, int] = {}
        last_b = last_c = 0
        for p in marks:
            last_c += len(data[last_b:p].decode("utf-8", "ignore"))
            last_b = p
            chars[p] = last_c
        return sorted((chars[a], chars[b], t) for a, b, t in found)

    def locate(self, text: str) -> list[tuple[int, int, int]]:
        """The hits in ``text``: the fast byte scan, else the folded scan."""
        hits = self.scan_utf8(text)
        if hits:
            return hits
        if hits is not None and text.isascii():
            return hits
        return self.scan(self.fold(text))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def fold(self, text: str) -> str:
        """``text`` folded as far as this query's terms need."""
        if all(literal.isascii() for literal, _ in self.terms):
            return _fold_ascii(text)
        return fold(text)

    def scan(self, folded: str, limit: int = _CANDIDATES) -> list[tuple[int, int, int]]:
        """``(start, end, term)`` of each hit in ``folded``, in order of ``start``."""
        hits: list[tuple[int, int, int]] = []
        for index, (literal, rx) in enumerate(self.terms):
            pos, found = 0, 0
            while found < limit:
                j = folded.find(literal, pos)
                if j < 0:
                    break
                pos = j + 1
                if j > 0 and folded[j - 1].isalnum():
                    continue
                m = rx.match(folded, j)
                if m:
                    hits.append((j, m.end(), index))
                    found += 1
                    pos = m.end()
        hits.sort()
        return hits


class Snippeter:
    """One query's terms, prepared once for the snippets of all its hits."""

    def __init__(self, query: Query) -> None:
        self.matcher = _Matcher(query)

    def __call__(self, source: SnippetSource) -> Snippet:
        return make_snippet(source, self)


def find_hits(text: str, query: Query) -> list[tuple[int, int]]:
    """Character spans of ``text`` where the free-text terms of ``query`` occur."""
    matcher = _Matcher(query)
    return _merge([(a, b) for a, b, _ in matcher.scan(matcher.fold(text), len(text))])


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _cut(text: str, first: int) -> tuple[int, int]:
    """The window of ``text`` shown around offset ``first``, on word boundaries."""
    start = max(0, first - BEFORE)
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        if space >= 0 and first - space < BEFORE + 30:
            start = space + 1
    end = min(len(text), start + LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > first:
            end = space
    return start, end


def _snippet(
    text: str, hits: list[tuple[int, int, int]], first: int | None
) -> tuple[str, list[tuple[int, int]]]:
    start, end = _cut(text, first or 0)
    window = text[start:end].replace("\n", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    marks = _merge([(a + shift, b + shift) for a, b, _ in hits if a >= start and b <= end])
    return prefix + window + suffix, marks


def _best_start(hits: list[tuple[int, int, int]]) -> int | None:
    """The offset of the hit whose window shows the most different terms (the first wins)."""
    if not hits:
        return None
    if len({t for _, _, t in hits}) == 1:
        return hits[0][0]
    span = LENGTH - BEFORE
    counts: dict[int, int] = {}
    best, best_terms, j = hits[0][0], 0, 0
    for pos, _, term in hits:
        while j < len(hits) and hits[j][0] - pos < span:
            counts[hits[j][2]] = counts.get(hits[j][2], 0) + 1
            j += 1
        if len(counts) > best_terms:
            best, best_terms = pos, len(counts)
        counts[term] -= 1
        if not counts[term]:
            del counts[term]
    return best


def make_snippet(source: SnippetSource, query: Query | Snippeter) -> Snippet:
    """The snippet of a matching document for ``query``, and the page of its hit.

    The window is cut around the hit in the body that shows the most different terms;
    if the body has none, the first note with a hit; otherwise the start of the body.
    Pass a ``Snippeter`` to reuse one query's preparation across its hits.
    """
    matcher = query.matcher if isinstance(query, Snippeter) else _Matcher(query)
    if matcher:
        hits = matcher.locate(source.body)
        first = _best_start(hits)
        if first is not None:
            text, marks = _snippet(source.body, hits, first)
            return Snippet(text, marks, source.page_at(first))
        notes = source.notes() if callable(source.notes) else source.notes
        for note_text, note_page in notes:
            hits = matcher.locate(note_text)
            first = _best_start(hits)
            if first is not None:
                text, marks = _snippet(note_text, hits, first)
                return Snippet(text, marks, note_page or source.first_page)
    if source.body:
        text, _ = _snippet(source.body, [], None)
        return Snippet(text, [], source.page_at(0))
    return Snippet("", [], source.first_page)


__all__ = ["Snippet", "SnippetSource", "Snippeter", "find_hits", "make_snippet"]
