"""The text builder of the TEI reader: normalised text with pending offsets.

A ``TextBuilder`` accumulates the text of one document (or one note) as paragraphs
joined by blank lines, normalising whitespace as a browser would (TEI P5 §1.3.1.1.4:
whitespace in mixed content is not significant), and keeps every offset a record needs:
paragraph bounds, page breaks, entity spans and references. Offsets that belong to "the
next character" (a page break that starts mid-sentence, the start of a name) stay
pending until a character is written, so they never point at a collapsed space.
"""

from __future__ import annotations

from typing import Any

from despatch.model import Paragraph
from despatch.readers import _tei_records as records

TEI = "{http://www.tei-c.org/ns/1.0}"
FRUS = "{http://history.state.gov/frus/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

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
    # str.split() and the regex \s agree on what is whitespace (str.isspace); split is faster
    return " ".join(text.split())


# An offset waiting for the next written character: a one-item list (``[None]`` until
# that character is written), cheaper to make than an object and shared by reference.
Mark = list[int | None]
# A page break seen: (page, facs, mark); an open span: (kind, key, mark).
PendingBreak = tuple[str, str | None, Mark]
OpenSpan = tuple[str, str | None, Mark]
OpenRef = tuple[str, Mark]


class TextBuilder:
    """Accumulates normalised text in paragraphs, with pending offsets."""

    __slots__ = (
        "_open",
        "_parts",
        "_pending",
        "_space",
        "_start",
        "breaks",
        "kind",
        "length",
        "paragraphs",
        "refs",
        "spans",
    )  # fmt: skip

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0
        self.paragraphs: list[Paragraph] = []
        self._open = False
        self._start = 0
        self.kind: ParaKind = "p"
        self._space = False
        self._pending: list[Mark] = []
        self.breaks: list[PendingBreak] = []
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
        if self._open:
            self.close()
        self._space = False
        self.kind = kind

    def resume(self, kind: ParaKind) -> None:
        """After a nested block: text that follows continues in a new ``kind`` paragraph.

        The same as ``begin`` (a method of its own, not a class-attribute alias, which
        mypyc's compiled classes do not support).
        """
        if self._open:
            self.close()
        self._space = False
        self.kind = kind

    @property
    def is_open(self) -> bool:
        """Whether a paragraph is open (text written since the last ``begin``)."""
        return self._open

    def space(self) -> None:
        """A word boundary (``<lb/>``, a cell boundary)."""
        if self._open:
            self._space = True

    # -- text -------------------------------------------------------------------------
    def write(self, text: str | None) -> None:
        """Add text, collapsing whitespace."""
        if not text:
            return
        # whitespace runs become one space; most pieces need only their ends stripped
        # (printable means no whitespace but the ASCII space), which is cheaper to test
        # than to split every piece into words
        core = text.strip()
        if not core:
            if self._open:
                self._space = True
            return
        if "  " in core or not core.isprintable():
            core = " ".join(core.split())
        parts = self._parts
        length = self.length
        if not self._open:
            if length:
                parts.append("\n\n")
                length += 2
            self._start = length
            self._open = True
        elif self._space or text[0].isspace():
            parts.append(" ")
            length += 1
        pending = self._pending
        if pending:
            for m in pending:
                m[0] = length
            pending.clear()
        parts.append(core)
        self.length = length + len(core)
        self._space = text[-1].isspace()

    def write_many(self, pieces: list[str | tuple[str, str | None, str | None]]) -> None:
        """``write`` each piece in turn; a ``(kind, key, text)`` piece is ``write_span``.

        The walker batches the text of a run of childless inline elements and their tails
        (most of a paragraph) into one call: the same steps as ``write``, with the state in
        local variables.
        """
        parts = self._parts
        pending = self._pending
        spans = self.spans
        length = self.length
        is_open = self._open
        space = self._space
        for piece in pieces:
            mark: Mark | None = None
            text: str | None
            if isinstance(piece, str):
                text = piece
            else:
                kind, key, text = piece
                mark = [None]
                pending.append(mark)
            if text:
                core = text.strip()
                if core:
                    if "  " in core or not core.isprintable():
                        core = " ".join(core.split())
                    if not is_open:
                        if length:
                            parts.append("\n\n")
                            length += 2
                        self._start = length
                        is_open = True
                    elif space or text[0].isspace():
                        parts.append(" ")
                        length += 1
                    if pending:
                        for m in pending:
                            m[0] = length
                        pending.clear()
                    parts.append(core)
                    length += len(core)
                    space = text[-1].isspace()
                elif is_open:
                    space = True
            if mark is not None:
                start = mark[0]
                if start is not None and start < length:
                    spans.append((start, length, kind, key))
        self.length = length
        self._open = is_open
        self._space = space

    @property
    def text(self) -> str:
        """The text so far."""
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    # -- pending offsets ----------------------------------------------------------------
    def mark(self) -> Mark:
        """An offset that becomes the position of the next written character."""
        m: Mark = [None]
        self._pending.append(m)
        return m

    def page_break(self, page: str, facs: str | None) -> None:
        """A ``<pb>``: the page starts at the next character."""
        m: Mark = [None]
        self._pending.append(m)
        self.breaks.append((page, facs, m))

    def open_span(self, kind: str, key: str | None) -> OpenSpan:
        """Start an entity span at the next character."""
        m: Mark = [None]
        self._pending.append(m)
        return (kind, key, m)

    def close_span(self, span: OpenSpan) -> None:
        """End an entity span here (dropped if it covered no text)."""
        start = span[2][0]
        if start is not None and start < self.length:
            self.spans.append((start, self.length, span[0], span[1]))

    def write_span(self, kind: str, key: str | None, text: str | None) -> None:
        """``open_span``, ``write(text)`` and ``close_span`` in one call (a leaf element)."""
        m: Mark = [None]
        self._pending.append(m)
        self.write(text)
        start = m[0]
        if start is not None and start < self.length:
            self.spans.append((start, self.length, kind, key))

    def open_ref(self, target: str) -> OpenRef:
        """Start a reference at the next character."""
        m: Mark = [None]
        self._pending.append(m)
        return (target, m)

    def close_ref(self, ref: OpenRef) -> None:
        """End a reference here."""
        start = ref[1][0]
        if start is not None and start < self.length:
            self.refs.append((start, self.length, ref[0]))

    def finish(self) -> None:
        """Close the last paragraph."""
        self.close()
