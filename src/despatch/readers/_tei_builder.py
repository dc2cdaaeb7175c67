"""The text builder of the TEI reader: normalised text with pending offsets.

A ``TextBuilder`` accumulates the text of one document (or one note) as paragraphs
joined by blank lines, normalising whitespace as a browser would (TEI P5 §1.3.1.1.4:
whitespace in mixed content is not significant), and keeps every offset a record needs:
paragraph bounds, page breaks, entity spans and references. Offsets that belong to "the
next character" (a page break that starts mid-sentence, the start of a name) stay
pending until a character is written, so they never point at a collapsed space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from despatch.model import Paragraph
from despatch.readers import _tei_records as records

TEI = "{http://www.tei-c.org/ns/1.0}"
FRUS = "{http://history.state.gov/frus/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

_WS = re.compile(r"\s+")

ParaKind = str


_LOCAL: dict[str, str] = {}


def local(tag: Any) -> str:
    """The local name of an element tag ("" for comments and entities)."""
    try:
        return _LOCAL[tag]
    except (KeyError, TypeError):
        if not isinstance(tag, str):
            return ""
        name = _LOCAL[tag] = tag.rsplit("}", 1)[-1]
        return name


def norm(text: str) -> str:
    """Collapse whitespace runs to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


@dataclass
class _Mark:
    """An offset waiting for the next written character."""

    offset: int | None = None


@dataclass
class _PendingBreak:
    page: str
    facs: str | None
    mark: _Mark = field(default_factory=_Mark)


@dataclass
class _OpenSpan:
    kind: str
    key: str | None
    mark: _Mark = field(default_factory=_Mark)


@dataclass
class _OpenRef:
    target: str
    mark: _Mark = field(default_factory=_Mark)


class TextBuilder:
    """Accumulates normalised text in paragraphs, with pending offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0
        self.paragraphs: list[Paragraph] = []
        self._open = False
        self._start = 0
        self.kind: ParaKind = "p"
        self._space = False
        self._pending: list[_Mark] = []
        self.breaks: list[_PendingBreak] = []
        self.spans: list[tuple[int, int, str, str | None]] = []
        self.refs: list[tuple[int, int, str]] = []

    # -- paragraphs -------------------------------------------------------------------
    def close(self) -> None:
        """End the current paragraph (if one is open)."""
        if self._open:
            self.paragraphs.append(
                records.paragraph(start=self._start, end=self.length, pages=[], kind=self.kind)
            )
            self._open = False
        self._space = False

    def begin(self, kind: ParaKind) -> None:
        """End the current paragraph; the next text opens one of ``kind``."""
        self.close()
        self.kind = kind

    def resume(self, kind: ParaKind) -> None:
        """After a nested block: text that follows continues in a new ``kind`` paragraph."""
        self.close()
        self.kind = kind

    def space(self) -> None:
        """A word boundary (``<lb/>``, a cell boundary)."""
        if self._open:
            self._space = True

    # -- text -------------------------------------------------------------------------
    def write(self, text: str | None) -> None:
        """Add text, collapsing whitespace."""
        if not text:
            return
        # whitespace runs become one space (str.split is much faster than a regex here)
        words = text.split()
        if not words:
            if self._open:
                self._space = True
            return
        core = " ".join(words)
        lead = text[0].isspace()
        trail = text[-1].isspace()
        if not self._open:
            if self.length:
                self._parts.append("\n\n")
                self.length += 2
            self._start = self.length
            self._open = True
        elif self._space or lead:
            self._parts.append(" ")
            self.length += 1
        if self._pending:
            for m in self._pending:
                m.offset = self.length
            self._pending.clear()
        self._parts.append(core)
        self.length += len(core)
        self._space = trail

    @property
    def text(self) -> str:
        """The text so far."""
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    # -- pending offsets ----------------------------------------------------------------
    def mark(self) -> _Mark:
        """An offset that becomes the position of the next written character."""
        m = _Mark()
        self._pending.append(m)
        return m

    def page_break(self, page: str, facs: str | None) -> None:
        """A ``<pb>``: the page starts at the next character."""
        self.breaks.append(_PendingBreak(page, facs, self.mark()))

    def open_span(self, kind: str, key: str | None) -> _OpenSpan:
        """Start an entity span at the next character."""
        return _OpenSpan(kind, key, self.mark())

    def close_span(self, span: _OpenSpan) -> None:
        """End an entity span here (dropped if it covered no text)."""
        start = span.mark.offset
        if start is not None and start < self.length:
            self.spans.append((start, self.length, span.kind, span.key))

    def open_ref(self, target: str) -> _OpenRef:
        """Start a reference at the next character."""
        return _OpenRef(target, self.mark())

    def close_ref(self, ref: _OpenRef) -> None:
        """End a reference here."""
        start = ref.mark.offset
        if start is not None and start < self.length:
            self.refs.append((start, self.length, ref.target))

    def finish(self) -> None:
        """Close the last paragraph."""
        self.close()
