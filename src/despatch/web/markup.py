"""Turn a record's plain text and offsets into safe HTML for the reader.

Everything here starts from plain text: the text is escaped first and only the tags built
here are added around it (page markers, note markers, entity and reference links,
search highlights). Nothing a document contains is ever emitted as markup.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from despatch.model import Document, Note, Reference, Span


@dataclass(frozen=True)
class Wrap:
    """Wrap ``text[start:end]`` in ``open_tag`` … ``close_tag`` (already-safe HTML)."""

    start: int
    end: int
    open_tag: str
    close_tag: str
    rank: int = 0  # lower opens first (outermost) when two start at the same offset
    is_link: bool = False  # an <a>: links cannot nest, so inside one it becomes ``inner_*``
    inner_open: str = "<span>"
    inner_close: str = "</span>"


@dataclass(frozen=True)
class Insert:
    """Insert safe HTML at ``offset``.

    An insert that contains a link (a note or page marker) is never put inside another
    link: the enclosing elements are closed before it and reopened after it.
    """

    offset: int
    html: str
    rank: int = 0
    is_link: bool = False


def render(text: str, wraps: Iterable[Wrap] = (), inserts: Iterable[Insert] = ()) -> Markup:
    """Escape ``text`` and add the given tags; overlapping wraps are clipped to nest."""
    n = len(text)
    ws = sorted(
        (w for w in wraps if 0 <= w.start < w.end <= n), key=lambda w: (w.start, -w.end, w.rank)
    )
    ins = sorted((i for i in inserts if 0 <= i.offset <= n), key=lambda i: (i.offset, i.rank))
    cuts = sorted({0, n, *(w.start for w in ws), *(w.end for w in ws), *(i.offset for i in ins)})
    out: list[str] = []
    stack: list[tuple[int, str, str, bool]] = []  # (end, close tag, open tag, is a link)
    wi = ii = 0
    for k, pos in enumerate(cuts):
        while stack and stack[-1][0] <= pos:
            out.append(stack.pop()[1])
        while ii < len(ins) and ins[ii].offset == pos:
            insert = ins[ii]
            ii += 1
            if insert.is_link and any(item[3] for item in stack):
                out.extend(item[1] for item in reversed(stack))
                out.append(insert.html)
                out.extend(item[2] for item in stack)
            else:
                out.append(insert.html)
        while wi < len(ws) and ws[wi].start == pos:
            w = ws[wi]
            wi += 1
            # A partial overlap is clipped to the enclosing element, whose end is a cut.
            end = min(w.end, stack[-1][0]) if stack else w.end
            if end <= pos:
                continue
            if w.is_link and any(item[3] for item in stack):
                stack.append((end, w.inner_close, w.inner_open, False))
                out.append(w.inner_open)
            else:
                stack.append((end, w.close_tag, w.open_tag, w.is_link))
                out.append(w.open_tag)
        if k + 1 < len(cuts):
            out.append(str(escape(text[pos : cuts[k + 1]])))
    while stack:
        out.append(stack.pop()[1])
    return Markup("".join(out))


def highlight(snippet: str, spans: Sequence[tuple[int, int]]) -> Markup:
    """A search snippet with its hit spans wrapped in ``<mark>``."""
    return render(snippet, [Wrap(s, e, "<mark>", "</mark>") for s, e in spans])


# --- links -----------------------------------------------------------------------------


def document_url(doc_id: str, *, page: str | None = None) -> str:
    """The reader URL of a document (ids contain a slash and stay readable)."""
    url = "/documents/" + quote(doc_id, safe="/")
    if page:
        url += "#page-" + quote(page, safe="")
    return url


def search_url(query: str, **params: str | int) -> str:
    """The search page URL for ``query``."""
    items: dict[str, str | int] = {"q": query}
    items.update({k: v for k, v in params.items() if v not in ("", None)})
    return "/search?" + urlencode(items)


def quote_value(value: str) -> str:
    """A value as the query language wants it: bare when simple, else in double quotes."""
    if value and all(c.isalnum() or c in "-_./" for c in value):
        return value
    return '"' + value.replace('"', "") + '"'


def reference_query(ref: Reference) -> str | None:
    """A search that looks for the target of an unresolved reference, if one can be built."""
    parts: list[str] = []
    if ref.serial and ref.kind in {"telegram", "airgram", "despatch"}:
        # ``telegram:`` is the originator's number of a telegram, despatch or airgram
        parts.append(f"telegram:{quote_value(ref.serial)}")
        if ref.place:
            parts.append(f"from:{quote_value(ref.place)}")
        if ref.destination:
            parts.append(f"to:{quote_value(ref.destination)}")
    elif ref.kind in {"letter", "memorandum"} and ref.date and len(ref.date) >= 10:
        parts.append(f"type:{ref.kind}")
    elif ref.kind == "file" and (ref.file_number or ref.text):
        parts.append(f"file:{quote_value(ref.file_number or ref.text)}")
    if ref.target_volume:
        parts.append(f"volume:{quote_value(ref.target_volume)}")
    if ref.date and len(ref.date) >= 10 and parts:
        parts.append(f"date:{ref.date[:10]}..{ref.date[:10]}")
    return " ".join(parts) or None


_FRUS_ID = re.compile(r"^frus[0-9A-Za-z-]+$")
_FRUS_DOC = re.compile(r"^frus[0-9A-Za-z-]+/(d\d+[a-z]?|ch\d+|comp\d+)$")
HSG = "https://history.state.gov/historicaldocuments/"


def external_url(ref: Reference) -> str | None:
    """The history.state.gov page of a FRUS document or volume page this archive lacks."""
    if ref.target and _FRUS_DOC.match(ref.target):
        return HSG + quote(ref.target, safe="/")
    if ref.target_volume and _FRUS_ID.match(ref.target_volume):
        url = HSG + quote(ref.target_volume, safe="")
        if ref.target_page and ref.target_page.isalnum():
            url += "/pg_" + quote(ref.target_page, safe="")
        return url
    return None


# --- documents -------------------------------------------------------------------------


@dataclass
class NoteView:
    """A note ready for the template."""

    n: str
    html_id: str
    kind: str
    html: Markup
    anchored: bool


@dataclass
class ParagraphView:
    """A paragraph ready for the template."""

    html: Markup
    kind: str
    pages: list[str]
    first_page: str | None
    is_embedded: bool = False
    classes: list[str] = field(default_factory=list)


def note_ids(doc: Document) -> dict[int, str]:
    """A unique HTML id for each note (by index): ``fn-<n as printed>`` where possible."""
    seen: set[str] = set()
    out: dict[int, str] = {}
    for i, note in enumerate(doc.notes):
        base = "fn-" + "".join(c if c.isalnum() else "-" for c in note.n or str(i))
        hid = base if base not in seen else f"{base}-{i}"
        seen.add(hid)
        out[i] = hid
    return out


def _note_marker(note: Note, hid: str) -> str:
    n = escape(note.n)
    return (
        f'<sup class="fnref" id="ref-{hid}"><a href="#{hid}" data-note="{hid}" '
        f'aria-describedby="{hid}" aria-label="Note {n}">{n}</a></sup>'
    )


def _page_marker(page: str, *, with_id: bool, bar: bool = True) -> str:
    p = escape(page)
    ident = f' id="page-{escape(quote(page, safe=""))}"' if with_id else ""
    mark = '<span class="pb-bar" aria-hidden="true"></span>' if bar else ""
    return (
        f'<span class="pb"{ident} data-page="{p}">{mark}'
        f'<a class="pb-label" href="#page-{escape(quote(page, safe=""))}">p.&nbsp;{p}</a></span>'
    )


def _span_wrap(span: Span, start: int, end: int, ctx: Identities) -> Wrap:
    label = escape(span.label or ctx.labels.get(span.key or "") or span.key or span.kind)
    cls = f"ent ent-{escape(span.kind)}"
    plain = f'<span class="{cls}" title="{label}">'
    if span.key and span.kind in {"person", "place", "organization", "term"}:
        href = "/persons/" + quote(span.key, safe="")
        if ctx.volume:
            href += "?" + urlencode({"volume": ctx.volume})
        return Wrap(
            start,
            end,
            f'<a class="{cls}" href="{escape(href)}" title="{label}">',
            "</a>",
            2,
            is_link=True,
            inner_open=plain,
        )
    return Wrap(start, end, plain, "</span>", 2)


@dataclass(frozen=True)
class Identities:
    """What entity spans link to: the volume for person pages, and labels by key."""

    volume: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    volumes: frozenset[str] = frozenset()  # volumes this archive holds


def _ref_wrap(ref: Reference, start: int, end: int, ctx: Identities) -> Wrap | None:
    text = escape(ref.text)
    if ref.is_resolved and ref.target:
        href = escape(document_url(ref.target, page=ref.target_page))
        return _link(start, end, f'<a class="ref" href="{href}" title="{text}">', "ref")
    if not ref.target and ref.target_volume and ref.target_volume in ctx.volumes:
        href = escape("/volumes/" + quote(ref.target_volume, safe=""))
        return _link(start, end, f'<a class="ref" href="{href}" title="{text}">', "ref")
    if ref.kind == "ibid":
        return None  # "Ibid." repeats the citation before it; nothing to show on its own
    hint = "Not in this archive"
    cls = "ref ref-unresolved"
    external = external_url(ref)
    if external:
        return _link(
            start,
            end,
            f'<a class="{cls} ref-external" href="{escape(external)}" rel="noopener" '
            f'title="{hint}: open it on history.state.gov">'
            f'<span class="visually-hidden">({hint.lower()}; history.state.gov) </span>',
            cls,
        )
    q = reference_query(ref)
    if q:
        return _link(
            start,
            end,
            f'<a class="{cls}" href="{escape(search_url(q))}" title="{hint}: search for it">'
            f'<span class="visually-hidden">({hint.lower()}) </span>',
            cls,
        )
    return Wrap(
        start,
        end,
        f'<span class="{cls}" title="{hint}"><span class="visually-hidden">'
        f"({hint.lower()}) </span>",
        "</span>",
        1,
    )


def _link(start: int, end: int, open_tag: str, cls: str) -> Wrap:
    """A reference link; inside another link it is drawn the same, without the link."""
    return Wrap(start, end, open_tag, "</a>", 1, is_link=True, inner_open=f'<span class="{cls}">')


def _in_note(obj_note: str | None, note: Note, index: int) -> bool:
    if obj_note is None:
        return False
    return obj_note in {note.id, note.n, f"n{index}"} - {None}


def render_notes(doc: Document, ctx: Identities | None = None) -> list[NoteView]:
    """Each note's text with its own entities, references and page breaks."""
    ctx = ctx or Identities(volume=doc.volume)
    hids = note_ids(doc)
    views: list[NoteView] = []
    for i, note in enumerate(doc.notes):
        wraps: list[Wrap] = []
        for span in doc.spans:
            if _in_note(span.note, note, i):
                wraps.append(_span_wrap(span, span.start, span.end, ctx))
        for ref in doc.references:
            if _in_note(ref.note, note, i) and ref.start is not None and ref.end is not None:
                rw = _ref_wrap(ref, ref.start, ref.end, ctx)
                if rw is not None:
                    wraps.append(rw)
        inserts = [
            Insert(pb.offset, _page_marker(pb.page, with_id=False), is_link=True)
            for pb in doc.pages
            if _in_note(pb.note, note, i)
        ]
        views.append(
            NoteView(
                n=note.n,
                html_id=hids[i],
                kind=note.kind,
                html=render(note.text, wraps, inserts),
                anchored=note.anchor is not None,
            )
        )
    return views


def heading_markers(doc: Document) -> Markup:
    """Markers of the notes attached to the heading (the source note, usually)."""
    hids = note_ids(doc)
    return Markup(
        "".join(
            _note_marker(note, hids[i]) for i, note in enumerate(doc.notes) if note.anchor is None
        )
    )


def _paragraph_bounds(doc: Document) -> list[tuple[int, int, str, list[str]]]:
    if doc.paragraphs:
        return [(p.start, p.end, p.kind, list(p.pages)) for p in doc.paragraphs]
    bounds: list[tuple[int, int, str, list[str]]] = []
    pos = 0
    for chunk in doc.text.split("\n\n"):
        if chunk.strip():
            bounds.append((pos, pos + len(chunk), "p", []))
        pos += len(chunk) + 2
    return bounds


def leading_page(doc: Document) -> str | None:
    """The page a document starts on when no page break opens its text (else ``None``)."""
    bounds = _paragraph_bounds(doc)
    if not bounds:
        return None
    breaks = [pb.offset for pb in doc.pages if pb.note is None]
    if breaks and min(breaks) <= bounds[0][0]:
        return None
    return doc.first_page or doc.page_at(bounds[0][0])


def render_body(doc: Document, ctx: Identities | None = None) -> list[ParagraphView]:
    """The body text as paragraphs with page markers, note markers, entities and references.

    A page break or note anchor that falls between two paragraphs is shown at the start
    of the following one, so ``p. 234`` stands right before the paragraph that starts
    on page 234.
    """
    ctx = ctx or Identities(volume=doc.volume)
    bounds = _paragraph_bounds(doc)
    if not bounds:
        return []
    starts = [b[0] for b in bounds]
    hids = note_ids(doc)

    def owner(offset: int, *, glue_to_previous: bool) -> int:
        # The paragraph an offset belongs to. Offsets in the gap between two paragraphs
        # (or at a paragraph's very end) go to the next paragraph for page breaks, and
        # stay with the previous one for note markers, which are glued to a word.
        k = max(bisect.bisect_right(starts, offset) - 1, 0)
        if offset >= bounds[k][1] and k + 1 < len(bounds) and not glue_to_previous:
            return k + 1
        return k

    per_par_inserts: list[list[Insert]] = [[] for _ in bounds]
    seen_pages: set[str] = set()
    body_breaks = sorted((pb for pb in doc.pages if pb.note is None), key=lambda b: b.offset)
    first = leading_page(doc)
    if first:
        # The page the document starts on (its break stands before it, often in the
        # previous document): shown in the margin of the first line, as in print. Its
        # anchor is the document's heading (``leading_page``), so links to it show that.
        per_par_inserts[0].append(
            Insert(0, _page_marker(first, with_id=False, bar=False), is_link=True)
        )
        seen_pages.add(first)
    for pb in body_breaks:
        k = owner(pb.offset, glue_to_previous=False)
        off = min(max(pb.offset, bounds[k][0]), bounds[k][1]) - bounds[k][0]
        per_par_inserts[k].append(
            Insert(
                off,
                _page_marker(pb.page, with_id=pb.page not in seen_pages),
                rank=0,
                is_link=True,
            )
        )
        seen_pages.add(pb.page)
    for i, note in enumerate(doc.notes):
        if note.anchor is None:
            continue
        k = owner(note.anchor, glue_to_previous=True)
        off = min(max(note.anchor, bounds[k][0]), bounds[k][1]) - bounds[k][0]
        per_par_inserts[k].append(Insert(off, _note_marker(note, hids[i]), rank=1, is_link=True))

    embedded = [(e.start, e.end) for e in doc.embedded]
    views: list[ParagraphView] = []
    for k, (start, end, kind, pages) in enumerate(bounds):
        wraps: list[Wrap] = []
        for span in doc.spans:
            if span.note is None and start <= span.start < end:
                wraps.append(_span_wrap(span, span.start - start, min(span.end, end) - start, ctx))
        for ref in doc.references:
            if (
                ref.note is None
                and ref.start is not None
                and ref.end is not None
                and (start <= ref.start < end)
            ):
                rw = _ref_wrap(ref, ref.start - start, min(ref.end, end) - start, ctx)
                if rw is not None:
                    wraps.append(rw)
        if not pages:
            first = doc.page_at(start)
            last = doc.page_at(max(end - 1, start))
            pages = [p for p in dict.fromkeys([first, last]) if p]
        views.append(
            ParagraphView(
                html=render(doc.text[start:end], wraps, per_par_inserts[k]),
                kind=kind,
                pages=pages,
                first_page=pages[0] if pages else None,
                is_embedded=any(s <= start and end <= e for s, e in embedded),
            )
        )
    return views


__all__ = [
    "Identities",
    "Insert",
    "NoteView",
    "ParagraphView",
    "Wrap",
    "document_url",
    "external_url",
    "heading_markers",
    "highlight",
    "leading_page",
    "quote_value",
    "reference_query",
    "render",
    "render_body",
    "render_notes",
    "search_url",
]
