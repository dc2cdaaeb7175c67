"""What every backend keeps so that references resolve across the whole archive.

Resolution (``despatch.enrich.resolve``) asks a ``ReferenceLookup`` three questions; a
store answers them from small indexed tables it fills as it writes each document
(``LinkRow``):

* **targets**: the document's ``number:<volume>/<number>``, its serial candidate row
  (``SerialCandidate``) and its printed page range, so it can be found as a target;
* **pending references**: each reference of the document that is not resolved yet, with
  the *key* of the lookup that could resolve it (``serial:631``,
  ``number:frus1958-60v19/110``, ``page:frus1943CairoTehran``) and the reference itself,
  so a later pass can retry exactly the references a new document might answer, without
  reading the citing document;
* **dirty keys**: the keys a write offered that were not offered before (a new document,
  or one whose serial, number or pages changed). ``despatch.resolution`` retries the
  pending references under those keys, then clears them. Kept in the store (in the same
  transaction as the write), so a crash between a write and the pass loses nothing.

``LinkIndex`` is the protocol of the native lookups (``Store.reference_lookup()`` of the
local, PostgreSQL and memory stores); ``MemoryLinks`` is the dict-backed one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from despatch.enrich.resolve import ReferenceLookup, SerialCandidate, normalize_serial
from despatch.model import Document, DocumentDate, Reference

_SERIAL_KINDS = frozenset({"telegram", "despatch", "airgram", "other"})


@dataclass(frozen=True, slots=True)
class Pending:
    """One unresolved reference of a stored document, and the lookup key that could resolve it."""

    source: str  # the citing document's id
    ord: int  # its index in ``Document.references``
    key: str
    reference: str  # the ``Reference`` as JSON
    citing_volume: str | None = None
    citing_date: str | None = None  # the citing document's date (value, else not_before)

    def citing(self) -> Document:
        """A stand-in for the citing document: what ``match_serial`` reads of it."""
        return Document(
            id=self.source,
            volume=self.citing_volume,
            date=DocumentDate(value=self.citing_date),
        )

    def parsed(self) -> Reference:
        """The reference."""
        return Reference.model_validate_json(self.reference)


@dataclass(frozen=True, slots=True)
class LinkRow:
    """What a store keeps of one document for archive-wide resolution (see the docstring)."""

    doc_id: str
    number_key: str | None  # "number:<volume>/<number>"
    candidate: SerialCandidate | None
    pages: tuple[int, int] | None  # first and last printed page, when numeric
    volume: str | None
    pending: tuple[Pending, ...]

    @property
    def offers(self) -> tuple[str, ...]:
        """The keys under which this document may resolve someone's reference."""
        keys: list[str] = []
        if self.number_key:
            keys.append(self.number_key)
        if self.candidate is not None:
            keys.append(f"serial:{self.candidate.serial}")
        if self.pages is not None and self.volume:
            keys.append(f"page:{self.volume}")
        return tuple(keys)

    @property
    def signature(self) -> str:
        """Everything that decides whether this document answers a lookup, as one string."""
        c = self.candidate
        cand = (
            [c.serial, c.type, c.volume, c.date, list(c.places), list(c.destinations)]
            if c is not None
            else None
        )
        return json.dumps([self.number_key, cand, self.pages, self.volume])


def reference_key(ref: Reference) -> str | None:
    """The lookup key that could resolve ``ref`` (mirrors ``resolve_reference``), or ``None``."""
    if ref.is_resolved:
        return None
    if ref.kind == "document" and ref.target and "/d" in ref.target:
        volume, number = ref.target.rsplit("/d", 1)
        return f"number:{ref.target_volume or volume}/{number}" if number.isdigit() else None
    if ref.kind in _SERIAL_KINDS and ref.serial:
        serial = normalize_serial(ref.serial)
        return f"serial:{serial}" if serial else None
    if ref.kind == "volume" and ref.target_volume:
        if ref.target:
            return f"number:{ref.target_volume}/{ref.target.rsplit('/d', 1)[-1]}"
        if ref.target_page:
            return f"page:{ref.target_volume}"
    return None


def link_row(doc: Document) -> LinkRow:
    """The link row of ``doc``."""
    number_key = f"number:{doc.volume}/{doc.number}" if doc.volume and doc.number else None
    pages: tuple[int, int] | None = None
    if doc.volume and doc.first_page and doc.first_page.isdigit():
        last = doc.last_page if doc.last_page and doc.last_page.isdigit() else doc.first_page
        pages = (int(doc.first_page), max(int(doc.first_page), int(last)))
    citing_date = doc.date.value or doc.date.not_before
    pending = tuple(
        Pending(doc.id, i, key, ref.model_dump_json(), doc.volume, citing_date)
        for i, ref in enumerate(doc.references)
        if (key := reference_key(ref)) is not None
    )
    return LinkRow(doc.id, number_key, SerialCandidate.of(doc), pages, doc.volume, pending)


#: Joins a candidate's places in one column (a control character no place name holds;
#: splitting is several times faster than JSON, and a serial can have dozens of candidates).
SEPARATOR = "\x1f"


def joined(values: Sequence[str]) -> str:
    """Places as one column value (``split_places`` reverses it)."""
    return SEPARATOR.join(v.replace(SEPARATOR, " ") for v in values)


def split_places(value: str) -> tuple[str, ...]:
    """The places of a ``joined`` column value."""
    return tuple(value.split(SEPARATOR)) if value else ()


#: The columns of ``link_serials`` that make a ``SerialCandidate``, in order (both backends).
SERIAL_COLUMNS = "id, serial, type, volume, day, places, destinations"


def serial_candidate(
    row: Sequence[object], places: tuple[str, ...], destinations: tuple[str, ...]
) -> SerialCandidate:
    """A ``SerialCandidate`` from a ``SERIAL_COLUMNS`` row, its place lists already decoded."""
    return SerialCandidate(
        id=str(row[0]),
        serial=str(row[1]),
        type=str(row[2]),
        volume=None if row[3] is None else str(row[3]),
        date=None if row[4] is None else str(row[4]),
        places=places,
        destinations=destinations,
    )


@runtime_checkable
class LinkIndex(ReferenceLookup, Protocol):
    """A store's native lookup, plus the pending references and dirty keys the pass needs."""

    def pending(self, keys: Sequence[str]) -> list[Pending]:
        """The pending references under any of ``keys``."""
        ...

    def all_pending(self) -> Iterator[list[Pending]]:
        """Every pending reference of the archive, in batches."""
        ...

    def dirty_keys(self, limit: int = ...) -> list[str]:
        """Up to ``limit`` keys offered by writes since the last pass."""
        ...

    def clear_dirty(self, keys: Sequence[str]) -> None:
        """Forget ``keys`` (their pending references have been retried)."""
        ...

    def drop_idle_dirty(self) -> None:
        """Forget the dirty keys no pending reference uses: retrying them finds nothing.

        Most keys a write offers (a new document's number, serials, pages) answer no
        reference still pending, so a pass starts with this one sweep instead of taking
        them round by round."""
        ...

    def documents(self) -> Iterator[list[Document]]:
        """Every stored document, in batches (for a full pass)."""
        ...

    def index_documents(self, documents: Iterable[Document]) -> None:
        """(Re)write the link rows of ``documents`` (a full pass over an older archive)."""
        ...


class MemoryLinks:
    """A dict-backed ``LinkIndex`` (the memory store's)."""

    def __init__(self, get_documents: _Documents) -> None:
        self._documents = get_documents
        self._rows: dict[str, LinkRow] = {}
        self._by_number: dict[str, str] = {}
        self._by_serial: dict[str, dict[str, SerialCandidate]] = {}
        self._pages: dict[str, dict[str, tuple[int, int]]] = {}
        self._pending: dict[str, dict[tuple[str, int], Pending]] = {}
        self._dirty: dict[str, None] = {}

    def write(self, row: LinkRow) -> None:
        """Replace the link row of ``row.doc_id``; marks new offers dirty."""
        old = self._rows.get(row.doc_id)
        if old is not None:
            self._drop(old)
        self._rows[row.doc_id] = row
        if row.number_key:
            self._by_number[row.number_key] = row.doc_id
        if row.candidate is not None:
            self._by_serial.setdefault(row.candidate.serial, {})[row.doc_id] = row.candidate
        if row.pages is not None and row.volume:
            self._pages.setdefault(row.volume, {})[row.doc_id] = row.pages
        for p in row.pending:
            self._pending.setdefault(p.key, {})[(p.source, p.ord)] = p
        if old is None or old.signature != row.signature:
            self._dirty.update(dict.fromkeys(row.offers))

    def _drop(self, row: LinkRow) -> None:
        if row.number_key and self._by_number.get(row.number_key) == row.doc_id:
            del self._by_number[row.number_key]
        if row.candidate is not None:
            self._by_serial.get(row.candidate.serial, {}).pop(row.doc_id, None)
        if row.volume:
            self._pages.get(row.volume, {}).pop(row.doc_id, None)
        for p in row.pending:
            self._pending.get(p.key, {}).pop((p.source, p.ord), None)

    def document_by_number(self, volume: str, number: str) -> str | None:
        return self._by_number.get(f"number:{volume}/{number}")

    def serial_candidates(self, serial: str) -> Sequence[SerialCandidate]:
        return [self._by_serial[serial][k] for k in sorted(self._by_serial.get(serial, {}))]

    def document_at_page(self, volume: str, page: str) -> str | None:
        if not page.isdigit():
            return None
        p = int(page)
        hits = [i for i, (a, b) in self._pages.get(volume, {}).items() if a <= p <= b]
        return hits[0] if len(hits) == 1 else None

    def pending(self, keys: Sequence[str]) -> list[Pending]:
        out = [p for k in dict.fromkeys(keys) for p in self._pending.get(k, {}).values()]
        return sorted(out, key=lambda p: (p.source, p.ord))

    def all_pending(self) -> Iterator[list[Pending]]:
        yield sorted(
            (p for ps in self._pending.values() for p in ps.values()),
            key=lambda p: (p.source, p.ord),
        )

    def dirty_keys(self, limit: int = 5000) -> list[str]:
        return list(self._dirty)[:limit]

    def clear_dirty(self, keys: Sequence[str]) -> None:
        for k in keys:
            self._dirty.pop(k, None)

    def drop_idle_dirty(self) -> None:
        self._dirty = {k: None for k in self._dirty if self._pending.get(k)}

    def documents(self) -> Iterator[list[Document]]:
        yield list(self._documents())

    def index_documents(self, documents: Iterable[Document]) -> None:
        for doc in documents:
            self.write(link_row(doc))


class _Documents(Protocol):
    def __call__(self) -> Iterable[Document]: ...


__all__ = [
    "LinkIndex",
    "LinkRow",
    "MemoryLinks",
    "Pending",
    "joined",
    "link_row",
    "reference_key",
    "split_places",
]
