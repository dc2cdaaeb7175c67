"""The FRUS TEI reader: stream a whole volume into ``Document`` records and one ``Volume``.

The Office of the Historian publishes every FRUS volume as one TEI P5 file
(``HistoryAtState/frus``, ``volumes/<id>.xml``, encoding in its ``schema/frus.odd``).
This reader streams such a file with ``lxml.etree.iterparse``, listening only to the
elements that structure a volume (``teiHeader``, ``div``, ``head``, ``pb``), building
the records of each ``<div type="document">`` when it ends and then dropping it, so
memory stays flat whatever the size of the volume.

Records come in reading order: each document, then its ``frus:attachment``s (ids
``<volume>/dN-K``), chapter headnotes where a division has text of its own, and last the
``Volume`` record (header, divisions with their document ids, Lists of Persons and
Abbreviations).

Parsing is locked down: no DTD loading, no entity expansion, no network, no huge-tree
mode; a document type declaration that declares entities (the "billion laughs" or an
external entity) is refused before any content is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from despatch.errors import ParseError, ReadError, UnsupportedFormat
from despatch.model import AuthorityEntry, Division, Document, Volume
from despatch.readers._tei_document import VolumeContext, read_document, read_headnote
from despatch.readers._tei_text import TEI, XML_ID, TextWalker, WalkContext, local
from despatch.readers._tei_volume import is_authority_div, read_authority, read_header

_TAGS = (
    f"{TEI}teiHeader",
    f"{TEI}front",
    f"{TEI}body",
    f"{TEI}back",
    f"{TEI}div",
    f"{TEI}head",
    f"{TEI}pb",
)
_FRUS_ID = re.compile(r"^frus[0-9]")
_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


class TeiReader:
    """Reads a FRUS TEI P5 volume file into records."""

    name = "tei"

    def read(self, path: Path, *, volume: str | None = None) -> Iterator[Document | Volume]:
        """Yield the documents of the volume at ``path`` in order, then its ``Volume``.

        ``volume`` overrides the volume id the file gives (``<TEI xml:id>``), and lets
        a TEI file that is not a FRUS volume be read as one.
        """
        p = Path(path)
        root_id = _check_prolog(p)
        return _VolumeStream(p, volume, root_id).run()


def _fail(path: Path, exc: BaseException) -> ReadError:
    if isinstance(exc, etree.XMLSyntaxError):
        line = exc.lineno if exc.lineno else None
        msg = (exc.msg or str(exc)).strip()
        return ParseError(
            f"not well-formed XML: {msg}; the file may be truncated or damaged "
            "(download it again with `despatch fetch frus`)",
            path=path,
            line=line,
        )
    if isinstance(exc, OSError):
        return ReadError(f"cannot read file: {exc.strerror or exc}", path=path)
    return ParseError(f"cannot parse: {exc}", path=path)


def _check_prolog(path: Path) -> str | None:
    """Refuse what is not TEI, or declares entities; return the root's ``xml:id``."""
    try:
        events = etree.iterparse(str(path), events=("start",), **_PARSER_OPTIONS)
        first = next(iter(events), None)
        if first is None:  # pragma: no cover - iterparse raises on an empty document
            raise ParseError("no root element", path=path, line=1)
        root = first[1]
    except etree.XMLSyntaxError as exc:
        raise _fail(path, exc) from None
    except OSError as exc:
        raise _fail(path, exc) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        entities = list(dtd.iterentities())
        if entities:
            first = entities[0]
            kind = "an external entity" if first.system_url else "entities"
            raise ParseError(
                f"the document type declaration defines {kind} (&{first.name};); "
                "despatch never expands entities (they can read local files or expand "
                "to gigabytes); FRUS volumes declare none, so this is not a FRUS file",
                path=path,
                line=_entity_line(path, first.name, root.sourceline),
            )
    if root.tag != f"{TEI}TEI":
        ns, _, name = str(root.tag).rpartition("}")
        where = f" in namespace {ns.lstrip('{')}" if ns else " (no namespace)"
        raise UnsupportedFormat(
            f"root element <{name}>{where} is not a TEI P5 <TEI> element; despatch reads "
            "FRUS volumes from HistoryAtState/frus (`despatch fetch frus ID`)",
            path=path,
            line=root.sourceline,
        )
    root_id: str | None = root.get(XML_ID)
    return root_id


def _entity_line(path: Path, name: str, root_line: int | None) -> int | None:
    """The line of ``<!ENTITY name`` in the prolog (before the root element)."""
    needle = f"<!ENTITY {name}".encode()
    limit = root_line or 1000
    try:
        with path.open("rb") as fh:
            for lineno, raw in enumerate(fh, start=1):
                if needle in raw or (b"<!ENTITY" in raw and name.encode() in raw):
                    return lineno
                if lineno >= limit:
                    break
    except OSError:
        return None
    return root_line


class _VolumeStream:
    """The state of one pass over a volume file."""

    def __init__(self, path: Path, volume: str | None, root_id: str | None) -> None:
        self.path = path
        self.explicit = volume
        self.header: dict[str, Any] = {}
        self.vctx = VolumeContext(volume=volume or root_id or "", path=str(path))
        self.root_id = root_id
        self.region = ""
        self.divisions: list[Division] = []
        self.stack: list[tuple[Any, Division | None]] = []
        self.doc_el: Any = None
        self.persons: list[AuthorityEntry] = []
        self.terms: list[AuthorityEntry] = []
        self.n_documents = 0
        self.headnote_ids: dict[str, int] = {}
        self.mark: tuple[str | None, str | None] = (
            None,
            None,
        )  # page in force after the last record or division head
        self.checked = False

    # -- the pass -----------------------------------------------------------------------
    def run(self) -> Iterator[Document | Volume]:
        events = etree.iterparse(
            str(self.path), events=("start", "end"), tag=_TAGS, **_PARSER_OPTIONS
        )
        try:
            for event, el in events:
                if event == "start":
                    yield from self._start(el)
                else:
                    yield from self._end(el)
        except etree.XMLSyntaxError as exc:
            raise _fail(self.path, exc) from None
        except OSError as exc:
            raise _fail(self.path, exc) from None
        self._check_volume(None)
        if self.n_documents == 0 and self.explicit is None:
            raise UnsupportedFormat(
                'no <div type="document"> in this TEI file, so it is not a FRUS volume; '
                "pass a volume id to read it anyway",
                path=self.path,
            )
        yield self._volume()

    def _start(self, el: Any) -> Iterator[Document]:
        name = local(el.tag)
        if name in ("front", "body", "back"):
            self.region = name
            return
        if name != "div" or self.doc_el is not None:
            return
        self._check_volume(el)
        if self.region != "front":
            yield from self._headnote(el)
        if el.get("type") == "document":
            self.doc_el = el
            return
        if self.region == "front":
            self.stack.append((el, None))
            return
        parent = self._innermost_division()
        div_id = el.get(XML_ID) or f"{el.get('type') or 'div'}{len(self.divisions) + 1}"
        division = Division(
            id=div_id,
            type=el.get("type") or "section",
            title="",
            parent=parent.id if parent else None,
            date_min=el.get("{http://history.state.gov/frus/ns/1.0}doc-dateTime-min"),
            date_max=el.get("{http://history.state.gov/frus/ns/1.0}doc-dateTime-max"),
        )
        self.divisions.append(division)
        self.stack.append((el, division))

    def _end(self, el: Any) -> Iterator[Document]:
        name = local(el.tag)
        if name == "teiHeader":
            self.header = read_header(el)
            self.vctx.coverage = self.header.get("coverage")
            el.clear()
            return
        if self.doc_el is not None:
            if el is self.doc_el:
                yield from self._document(el)
            return
        if name == "pb":
            self.vctx.page.page, self.vctx.page.facs = el.get("n") or "", el.get("facs")
            return
        if name == "head":
            parent = el.getparent()
            if self.stack and parent is self.stack[-1][0] and self.stack[-1][1] is not None:
                div = self.stack[-1][1]
                ctx = WalkContext(volume=self.vctx.volume, path=str(self.path), document="")
                div.title = TextWalker(ctx).inline_text(el)
                self.mark = (self.vctx.page.page, self.vctx.page.facs)
            return
        if name == "div":
            if self.stack and self.stack[-1][0] is el:
                _, division = self.stack.pop()
                if division is None and is_authority_div(el):
                    self._check_volume(el)
                    persons, terms = read_authority(el, self.vctx.volume)
                    self._add_authority(persons, terms)
                elif division is not None:
                    yield from self._headnote(None, parent=el)
            _release(el)

    def _innermost_division(self) -> Division | None:
        """The innermost open division, if any (a plain loop: mypyc cannot compile
        ``next()`` over a generator that unpacks these tuples)."""
        for i in range(len(self.stack) - 1, -1, -1):
            division = self.stack[i][1]
            if division is not None:
                return division
        return None

    def _document(self, el: Any) -> Iterator[Document]:
        self._check_volume(el)
        path = [d.id for _, d in self.stack if d is not None]
        records = read_document(el, self.vctx, path)
        owner = self._innermost_division()
        if owner is not None:
            owner.documents.append(records[0].id)
        self.n_documents += 1
        self.doc_el = None
        self.mark = (self.vctx.page.page, self.vctx.page.facs)
        _release(el)
        yield from records

    def _headnote(self, upto: Any, parent: Any = None) -> Iterator[Document]:
        """Division-level text (a headnote) between the last record and ``upto``."""
        if upto is not None:
            parent = upto.getparent()
            last = upto.getprevious()
        else:
            last = parent[-1] if len(parent) else None
        if not self.stack or self.stack[-1][0] is not parent or self.stack[-1][1] is None:
            return
        stretch: list[Any] = []
        while last is not None and local(last.tag) not in ("div", "head"):
            stretch.append(last)
            last = last.getprevious()
        if not any(local(e.tag) not in ("pb", "") for e in stretch):
            return
        stretch.reverse()
        division = self.stack[-1][1]
        assert division is not None
        count = self.headnote_ids.get(division.id, 0) + 1
        self.headnote_ids[division.id] = count
        div_id = division.id if count == 1 else f"{division.id}-{count}"
        saved = (self.vctx.page.page, self.vctx.page.facs)
        self.vctx.page.page, self.vctx.page.facs = self.mark
        path = [d.id for _, d in self.stack if d is not None]
        record = read_headnote(stretch, self.vctx, div_id, path, division.title)
        if record is None:
            self.vctx.page.page, self.vctx.page.facs = saved
            return
        division.documents.append(record.id)
        self.mark = (self.vctx.page.page, self.vctx.page.facs)
        yield record

    # -- volume -------------------------------------------------------------------------
    def _check_volume(self, el: Any) -> None:
        """Settle the volume id once the header is read; refuse TEI that is not FRUS."""
        if self.checked:
            return
        self.checked = True
        vid = self.explicit or self.root_id or self.header.get("frus_id")
        line = getattr(el, "sourceline", None)
        if not vid:
            raise UnsupportedFormat(
                "this TEI file is not a FRUS volume: <TEI> has no xml:id and the header no "
                '<idno type="frus">; pass a volume id to read it anyway',
                path=self.path,
                line=line,
            )
        if self.explicit is None and not _FRUS_ID.match(vid):
            raise UnsupportedFormat(
                f"this TEI file is not a FRUS volume (its id {vid!r} is not a FRUS volume "
                "id such as frus1958-60v19); pass a volume id to read it anyway",
                path=self.path,
                line=line,
            )
        self.vctx.volume = vid

    def _add_authority(self, persons: list[AuthorityEntry], terms: list[AuthorityEntry]) -> None:
        for entry in persons:
            self.persons.append(entry)
            self.vctx.persons.setdefault(entry.id, f"{entry.name}, {entry.description}".strip(", "))
        for entry in terms:
            self.terms.append(entry)
            self.vctx.terms.setdefault(entry.id, f"{entry.name}, {entry.description}".strip(", "))

    def _volume(self) -> Volume:
        h = self.header
        return Volume(
            id=self.vctx.volume,
            title=h.get("title") or "",
            sub_series=h.get("sub_series"),
            volume_number=h.get("volume_number"),
            volume_title=h.get("volume_title"),
            editors=h.get("editors") or [],
            publisher=h.get("publisher"),
            published_year=h.get("published_year"),
            divisions=self.divisions,
            persons=self.persons,
            terms=self.terms,
            origin=str(self.path),
        )

    @property
    def coverage(self) -> tuple[str, str] | None:
        return self.header.get("coverage")


def _release(el: Any) -> None:
    """Free a finished element and everything before it (iterparse keeps the tree)."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


__all__ = ["TeiReader"]
