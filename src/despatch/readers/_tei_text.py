"""The text model of the TEI reader: element trees → body text with offsets.

``TextWalker`` walks the TEI elements of a document into a ``TextBuilder``
(``_tei_builder``): block elements (``p``, ``list``/``item``, ``table``/``row``,
``closer``, ``quote`` with paragraphs …) open paragraphs, inline elements (``hi``,
``persName``, ``gloss``, ``ref`` …) add text and spans, ``note`` becomes a ``Note`` with
its own text and an anchor, ``pb`` a page break, ``lb`` a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from despatch.model import Note, PageBreak, RecordWarning, Reference, Span
from despatch.readers import _tei_records as records
from despatch.readers._tei_builder import (
    _LOCAL,
    FRUS,
    TEI,
    XML_ID,
    ParaKind,
    TextBuilder,
    local,
    norm,
)
from despatch.readers._tei_records import construct

__all__ = [
    "FRUS",
    "TEI",
    "XML_ID",
    "TextBuilder",
    "TextWalker",
    "WalkContext",
    "local",
    "norm",
    "parse_target",
]

# Block elements and the paragraph kind their text gets.
_BLOCKS: dict[str, ParaKind] = {
    "p": "p",
    "ab": "p",
    "salute": "salutation",
    "postscript": "postscript",
    "signed": "signed",
    "trailer": "p",
    "byline": "p",
    "docAuthor": "p",
    "l": "p",
    "argument": "p",
    "epigraph": "quote",
    "figDesc": "label",
    "caption": "label",
    "docDate": "p",
    "address": "p",
    "addrLine": "p",
}
# Containers: their children are blocks; loose text in them gets the kind given.
_CONTAINERS: dict[str, ParaKind] = {
    "div": "p",
    "list": "list",
    "table": "table",
    "closer": "closer",
    "opener": "opener",
    "lg": "p",
    "figure": "label",
    "floatingText": "p",
    "body": "p",
    "group": "p",
    "sp": "p",
    "listBibl": "list",
    "attachment": "p",
}
_INLINE = {
    "hi",
    "seg",
    "foreign",
    "emph",
    "title",
    "num",
    "measure",
    "abbr",
    "expan",
    "sic",
    "corr",
    "reg",
    "orig",
    "q",
    "said",
    "rs",
    "add",
    "del",
    "unclear",
    "supplied",
    "span",
    "term",
    "date",
    "time",
    "name",
    "mentioned",
    "soCalled",
    "distinct",
    "code",
    "orgName",
    "persName",
    "placeName",
    "gloss",
    "ref",
    "bibl",
    "quote",
    "stamp",
    "damage",
    "subst",
    "w",
    "c",
    "g",
    "roleName",
    "forename",
    "surname",
    "geogName",
    "country",
    "settlement",
    "region",
    "bloc",
    "idno",
    "graphic",
    "gap",
    "anchor",
    "milestone",
    "lb",
    "pb",
    "cb",
    "note",
    "choice",
    "cit",
    "label",
    "item",
    "cell",
    "row",
    "head",
    "dateline",
}
# Inline elements whose only effect is their text, and those that mark an entity span
# (element → span kind, attribute holding the authority key).
_PLAIN_INLINE = {
    "hi", "seg", "foreign", "emph", "title", "num", "measure", "abbr", "expan", "sic",
    "corr", "reg", "orig", "q", "said", "rs", "add", "del", "unclear", "supplied", "span",
    "term", "date", "time", "name", "mentioned", "soCalled", "distinct", "code", "stamp",
    "damage", "subst", "w", "c", "g", "roleName", "forename", "surname", "geogName",
    "country", "settlement", "region", "bloc", "idno",
}  # fmt: skip
_SPAN_KINDS = {
    "persName": ("person", "corresp"),
    "gloss": ("term", "target"),
    "placeName": ("place", "ref"),
    "orgName": ("organization", "ref"),
}
_NOTE = TEI + "note"
_BLOCK_CHILDREN = set(_BLOCKS) | set(_CONTAINERS) | {"item", "row", "head", "dateline", "label"}


@dataclass
class WalkContext:
    """What the walker needs to know about the volume and collects for the record."""

    volume: str
    path: str
    document: str
    persons: dict[str, str] = field(default_factory=dict)  # id → label
    terms: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    note_breaks: list[PageBreak] = field(default_factory=list)
    warnings: list[RecordWarning] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)
    datelines: list[Any] = field(default_factory=list)  # dateline elements met, in order
    take_dateline: bool = True  # the first dateline goes to the record, not the text
    signed: list[Any] = field(default_factory=list)  # <signed> elements met
    closers: list[Any] = field(default_factory=list)
    seg_labels: list[str] = field(default_factory=list)  # opener <seg>s ("No. 435.]")
    note_counter: int = 0


def parse_target(target: str, volume: str) -> dict[str, Any]:
    """Interpret a ``ref/@target``: kind, target document, volume and page."""
    t = target.strip()
    out: dict[str, Any] = {"kind": "other"}
    if t.startswith(("http://", "https://")):
        out.update(kind="external", target=t)
        return out
    vol, _, frag = t.partition("#")
    if "/" in vol:
        vol, _, rest = vol.partition("/")
        frag = frag or rest
    vol = vol or volume
    out["target_volume"] = vol
    if not frag:
        out["kind"] = "volume"
        return out
    if frag.startswith("pg_"):
        out.update(kind="page", target_page=frag[3:])
        return out
    m = re.match(r"(d\d+[a-z]?(?:-\d+)?)(?:fn\d+)?$", frag)
    if m:
        out.update(kind="document", target=f"{vol}/{m.group(1)}", is_resolved=True)
        return out
    out["target"] = f"{vol}/{frag}"
    return out


class TextWalker:
    """Walks the TEI elements of one document into a ``TextBuilder``."""

    def __init__(self, ctx: WalkContext) -> None:
        self.ctx = ctx

    # -- entry points -----------------------------------------------------------------
    def blocks(self, b: TextBuilder, elements: list[Any], kind: ParaKind = "p") -> None:
        """Walk a sequence of block-level siblings (a document's children)."""
        for el in elements:
            self._node(b, el, kind, block_context=True)
            tail = el.tail
            if tail and not tail.isspace():
                b.resume(kind)
                b.write(tail)
                b.close()

    def inline_text(self, el: Any) -> str:
        """The normalised text of an element without its notes (for heads, datelines)."""
        if not len(el):  # no markup inside: its text alone
            text = el.text
            return " ".join(text.split()) if text else ""
        parts: list[str] = []
        self._collect(el, parts)
        return norm("".join(parts))

    def _collect(self, el: Any, parts: list[str]) -> None:
        text = el.text
        if text:
            parts.append(text)
        for child in el:
            name = _LOCAL.get(child.tag) or local(child.tag)
            if name == "lb":
                parts.append(" ")
            elif name not in ("note", "pb", "") and not isinstance(child, etree._Entity):
                self._collect(child, parts)
            tail = child.tail
            if tail:
                parts.append(tail)

    # -- the walk ---------------------------------------------------------------------
    def _children(self, b: TextBuilder, el: Any, kind: ParaKind) -> None:
        # the hot loop: plain inline markup and entity names are handled here directly
        # (each lxml .tag/.text/.tail access builds a new string: read each once)
        # the text of childless inline elements and all tails is batched into `pieces`
        # and written in one call; anything else writes the batch first
        pieces: list[str | tuple[str, str | None, str | None]] = []
        add = pieces.append
        text = el.text
        if text:
            add(text)
        for child in el:
            name = _LOCAL.get(child.tag) or local(child.tag)
            if name in _PLAIN_INLINE:
                if len(child):
                    if pieces:
                        b.write_many(pieces)
                        pieces.clear()
                    self._children(b, child, kind)
                else:
                    text = child.text
                    if text:
                        add(text)
            elif (span_kind := _SPAN_KINDS.get(name)) is not None:
                skind, attr = span_kind
                value = child.get(attr) or (child.get("corresp") if attr == "ref" else None)
                if not len(child) and (value or name != "gloss"):
                    add((skind, _key(value), child.text))
                else:
                    if pieces:
                        b.write_many(pieces)
                        pieces.clear()
                    if name == "gloss" and not value:
                        self._children(b, child, kind)
                    else:
                        span = b.open_span(skind, _key(value))
                        self._children(b, child, kind)
                        b.close_span(span)
            else:
                if pieces:
                    b.write_many(pieces)
                    pieces.clear()
                self._node(b, child, kind, block_context=False)
            tail = child.tail
            if tail:
                add(tail)
        if pieces:
            b.write_many(pieces)

    def _node(self, b: TextBuilder, el: Any, kind: ParaKind, *, block_context: bool) -> None:
        if isinstance(el, etree._Entity):
            self._warn("entity", f"entity reference {el.text} left unexpanded", el)
            return
        name = _LOCAL.get(el.tag) or local(el.tag)
        if not name:
            return
        if name == "p":  # the commonest block: as _BLOCKS below
            b.begin("p")
            self._children(b, el, "p")
            b.resume(kind)
            return
        if name == "pb":
            b.page_break(el.get("n") or "", el.get("facs"))
            return
        if name == "lb":
            b.space()
            return
        if name == "cb" or name == "milestone" or name == "anchor" or name == "gap":
            return
        if name == "note":
            self._note(b, el)
            return
        if name == "dateline" and self.ctx.take_dateline:
            self.ctx.take_dateline = False
            self.ctx.datelines.append(el)
            self._head_notes(el)
            return
        if name == "attachment" and el.tag == FRUS + "attachment":
            return  # attachments are records of their own
        if name in _BLOCKS or name == "dateline":
            pk = _BLOCKS.get(name, "dateline")
            if name == "signed":
                self.ctx.signed.append(el)
            b.begin(pk)
            self._children(b, el, pk)
            b.resume(kind)
            return
        if name in _CONTAINERS and (block_context or self._has_blocks(el)):
            ck = _CONTAINERS[name]
            if name == "closer":
                self.ctx.closers.append(el)
            b.begin(ck)
            self._container(b, el, ck)
            b.resume(kind)
            return
        if name in ("item", "row", "head", "label") and block_context:
            pk = {"item": "list", "row": "table", "head": "label", "label": "label"}[name]
            b.begin(pk)
            self._children(b, el, pk)
            b.resume(kind)
            return
        if name == "quote" and self._has_blocks(el):
            b.begin("quote")
            self._container(b, el, "quote")
            b.resume(kind)
            return
        # inline
        self._inline(b, el, name, kind)

    def _container(self, b: TextBuilder, el: Any, kind: ParaKind) -> None:
        name = local(el.tag)
        joined = False  # a <label> opens the paragraph its <item> continues
        if el.text and el.text.strip():
            b.begin(kind)
            b.write(el.text)
        for child in el:
            cname = local(child.tag)
            if name == "list" and cname == "label":
                b.begin("list")
                self._children(b, child, "list")
                b.space()
                joined = True
            elif name in ("list", "listBibl") and cname == "item" and joined:
                self._children(b, child, "list")
                joined = False
                b.resume(kind)
            elif name == "opener" and cname == "seg":
                label = self.inline_text(child)
                if label:
                    self.ctx.seg_labels.append(label)
                b.begin("opener")
                self._children(b, child, "opener")
                b.resume(kind)
            elif name == "table" and cname == "row":
                b.begin("table")
                for cell in child:
                    if local(cell.tag) == "cell":
                        self._children(b, cell, "table")
                        b.space()
                    else:
                        self._node(b, cell, "table", block_context=False)
                    b.write(cell.tail)
                b.resume(kind)
            else:
                self._node(b, child, kind, block_context=True)
            tail = child.tail
            if tail:
                if not b.is_open and not tail.isspace():
                    b.begin(kind)
                b.write(tail)

    @staticmethod
    def _has_blocks(el: Any) -> bool:
        for c in el:
            name = _LOCAL.get(c.tag) or local(c.tag)
            if name in _BLOCK_CHILDREN and name != "label":
                return True
        return False

    def _inline(self, b: TextBuilder, el: Any, name: str, kind: ParaKind) -> None:
        if name not in _INLINE and name not in self.ctx.unknown:
            self.ctx.unknown.add(name)
            self._warn(
                "unknown-element",
                f"<{name}> is not a TEI element this reader interprets; its text was kept",
                el,
            )
        span = None
        ref = None
        if name == "persName":
            span = b.open_span("person", _key(el.get("corresp")))
        elif name == "gloss" and el.get("target"):
            span = b.open_span("term", _key(el.get("target")))
        elif name == "placeName":
            span = b.open_span("place", _key(el.get("ref") or el.get("corresp")))
        elif name == "orgName":
            span = b.open_span("organization", _key(el.get("ref") or el.get("corresp")))
        elif name == "ref" and el.get("target"):
            ref = b.open_ref(el.get("target"))
        if name == "choice":
            preferred = [c for c in el if local(c.tag) in ("corr", "reg", "expan")]
            for child in preferred or list(el):
                self._node(b, child, kind, block_context=False)
        else:
            self._children(b, el, kind)
        if span is not None:
            b.close_span(span)
        if ref is not None:
            b.close_ref(ref)

    # -- notes ------------------------------------------------------------------------
    def _note(self, b: TextBuilder | None, el: Any) -> None:
        nb = TextBuilder()
        note_id = (
            el.get(XML_ID) or f"{self.ctx.document.rsplit('/', 1)[-1]}note{self.ctx.note_counter}"
        )
        self.ctx.note_counter += 1
        inner = TextWalker(self.ctx)
        inner._note_mode(nb, el)
        nb.finish()
        ntype = el.get("type") or ""
        kind = (
            "source"
            if ntype == "source"
            else ("editorial" if ntype in ("", "editorial") else "other")
        )
        anchor = b.length if b is not None else None
        n = el.get("n") or ""
        text = nb.text
        self.ctx.notes.append(
            records.note(
                n=n,
                id=note_id,
                text=text,
                kind=kind,
                anchor=anchor,
                marker=n or None,
                page=None,
            )
        )
        for start, end, skind, key in nb.spans:
            self.ctx.spans.append(self._span(text, start, end, skind, key, note_id))
        for start, end, target in nb.refs:
            self.ctx.references.append(self._reference(text, start, end, target, note_id))
        for page, facs, mark in nb.breaks:
            if mark[0] is not None:
                self.ctx.note_breaks.append(
                    records.page_break(page=page, offset=mark[0], facs=facs, note=note_id)
                )

    def _note_mode(self, nb: TextBuilder, el: Any) -> None:
        if self._has_blocks(el):
            self._container(nb, el, "p")
        else:
            self._children(nb, el, "p")

    def head_notes(self, head: Any) -> None:
        """Collect the notes of a heading (anchor None: attached to the heading)."""
        self._head_notes(head)

    def _head_notes(self, el: Any) -> None:
        is_note = el.tag == _NOTE
        for child in el.iter(_NOTE):
            if is_note and any(a is el for a in child.iterancestors(_NOTE)):
                continue
            self._note(None, child)

    # -- records ----------------------------------------------------------------------
    def _span(
        self, text: str, start: int, end: int, kind: str, key: str | None, note: str | None
    ) -> Span:
        label = None
        if key:
            label = self.ctx.persons.get(key) if kind == "person" else self.ctx.terms.get(key)
        return records.span(
            start=start,
            end=end,
            kind=kind,
            text=text[start:end],
            key=key,
            label=label,
            note=note,
        )

    def _reference(
        self, text: str, start: int, end: int, target: str, note: str | None
    ) -> Reference:
        parsed = parse_target(target, self.ctx.volume)
        return construct(Reference, text=text[start:end], start=start, end=end, note=note, **parsed)

    def collect_body(self, b: TextBuilder) -> None:
        """Turn the builder's spans and references into records (body offsets)."""
        text = b.text
        spans = self.ctx.spans
        persons = self.ctx.persons
        terms = self.ctx.terms
        for start, end, kind, key in b.spans:  # as _span, inline: the commonest record
            label = (persons.get(key) if kind == "person" else terms.get(key)) if key else None
            spans.append(
                records.span(
                    start=start,
                    end=end,
                    kind=kind,
                    text=text[start:end],
                    key=key,
                    label=label,
                    note=None,
                )
            )
        for start, end, target in b.refs:
            self.ctx.references.append(self._reference(text, start, end, target, None))

    def _warn(self, code: str, message: str, el: Any) -> None:
        self.ctx.warnings.append(
            construct(
                RecordWarning, code=code, message=message, line=getattr(el, "sourceline", None)
            )
        )


_KEYS: dict[str, str] = {}


def _key(value: str | None) -> str | None:
    """An authority key from ``#p_KNS1`` (first of several, without '#')."""
    if not value:
        return None
    key = _KEYS.get(value)
    if key is None:
        if len(_KEYS) > 4_096:  # a volume has a few thousand; memory stays flat
            _KEYS.clear()
        first = value.split()[0]
        key = _KEYS[value] = first[1:] if first.startswith("#") else first
    return key
