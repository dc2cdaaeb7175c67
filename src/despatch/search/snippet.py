"""Snippets: the passage of a matching document that shows the hit, and its printed page.

Every backend builds its snippets here from the same inputs, so a hit in the paragraph
after ``[Page 234]`` reports page 234 whichever backend found it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from despatch.model import Document
from despatch.search.fields import fold, tokenize
from despatch.search.query import Phrase, Prefix, Query, Word, positive_terms

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
    notes: tuple[tuple[str, str | None], ...] = ()  # (text, page of the note's anchor)

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


_BEFORE_TOKEN = r"(?<![^\W_])"
_AFTER_TOKEN = r"(?![^\W_])"
_BETWEEN = r"[\W_]+"


def _pattern(query: Query) -> re.Pattern[str] | None:
    """One regex over folded text matching any free-text term of ``query`` on token bounds."""
    alternatives: list[str] = []
    for term in positive_terms(query):
        if isinstance(term, Prefix):
            stem = tokenize(term.text)
            if stem:
                alternatives.append(_BEFORE_TOKEN + re.escape(stem[0]) + r"[^\W_]*")
        elif isinstance(term, Word | Phrase):
            toks = tokenize(term.text)
            if toks:
                body = _BETWEEN.join(re.escape(t) for t in toks)
                alternatives.append(_BEFORE_TOKEN + body + _AFTER_TOKEN)
    if not alternatives:
        return None
    # Longer alternatives first, so a phrase wins over a word it starts with.
    alternatives.sort(key=len, reverse=True)
    return re.compile("|".join(f"({a})" for a in alternatives))


def find_hits(
    text: str, pattern: re.Pattern[str] | None, *, limit: int | None = None
) -> list[tuple[int, int]]:
    """Character spans of ``text`` where ``pattern`` matches, in order (at most ``limit``)."""
    if pattern is None or not text:
        return []
    hits: list[tuple[int, int]] = []
    for m in pattern.finditer(fold(text)):
        hits.append((m.start(), m.end()))
        if limit is not None and len(hits) >= limit:
            break
    return hits


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
    text: str, pattern: re.Pattern[str] | None, first: int | None
) -> tuple[str, list[tuple[int, int]]]:
    start, end = _cut(text, first or 0)
    window = text[start:end].replace("\n", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix)
    marks = [(a + shift, b + shift) for a, b in find_hits(window, pattern) if b <= len(window)]
    return prefix + window + suffix, marks


#: How many hits are considered when choosing the snippet's window.
_CANDIDATES = 200


def _best_start(text: str, pattern: re.Pattern[str]) -> int | None:
    """The offset of the hit whose window shows the most different terms (the first wins)."""
    folded = fold(text)
    matches = []
    for m in pattern.finditer(folded):
        matches.append((m.start(), m.lastindex or 0))
        if len(matches) >= _CANDIDATES:
            break
    if not matches:
        return None
    best, best_terms = matches[0][0], 0
    span = LENGTH - BEFORE
    for i, (pos, _) in enumerate(matches):
        terms = {g for p, g in matches[i:] if p - pos < span}
        if len(terms) > best_terms:
            best, best_terms = pos, len(terms)
    return best


def make_snippet(source: SnippetSource, query: Query) -> Snippet:
    """The snippet of a matching document for ``query``, and the page of its hit.

    The window is cut around the hit in the body that shows the most different terms;
    if the body has none, the first note with a hit; otherwise the start of the body.
    """
    pattern = _pattern(query)
    if pattern is not None:
        first = _best_start(source.body, pattern)
        if first is not None:
            text, marks = _snippet(source.body, pattern, first)
            return Snippet(text, marks, source.page_at(first))
        for note_text, note_page in source.notes:
            first = _best_start(note_text, pattern)
            if first is not None:
                text, marks = _snippet(note_text, pattern, first)
                return Snippet(text, marks, note_page or source.first_page)
    if source.body:
        text, _ = _snippet(source.body, None, None)
        return Snippet(text, [], source.page_at(0))
    return Snippet("", [], source.first_page)


__all__ = ["Snippet", "SnippetSource", "find_hits", "make_snippet"]
