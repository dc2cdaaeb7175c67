"""Resolving references to the documents they cite, through a small lookup the stores implement.

A store answers three cheap, indexable questions (``ReferenceLookup``); the matching rules
(same serial, the post it came from or went to, the date within a day, the citing
document's own volume first) live here once, so every backend resolves alike:

* ``document_by_number(volume, number)``: the id of document ``number`` of ``volume``;
* ``serial_candidates(serial)``: every stored document with that originator's serial
  (telegram/despatch/airgram number), as light ``SerialCandidate`` rows;
* ``document_at_page(volume, page)``: the document on which printed page ``page`` of
  ``volume`` falls (for "Foreign Relations, …, p. 448").

``DocumentIndex`` is the in-memory implementation (tests, the memory store, one ingest
batch); ``SerialCandidate.of(doc)`` gives the row a store keeps for each document;
``StoreLookup`` answers through the ordinary ``Store`` methods (any backend, slower) and
``ChainLookup`` asks several in turn (the batch being ingested, then the archive).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from despatch.errors import DespatchError, NotFound
from despatch.model import Document, Reference

_DIGITS = re.compile(r"[A-Z]{0,3}-?\d+[A-Z]?")
# How far before/after the citing document an undated reference may point.
_BEFORE_DAYS, _AFTER_DAYS = 120, 45


@dataclass(frozen=True, slots=True)
class SerialCandidate:
    """What resolution needs to know of a document that has a serial."""

    id: str
    serial: str
    type: str  # DocumentType value: "telegram", "despatch", "airgram" ...
    volume: str | None = None
    date: str | None = None  # YYYY-MM-DD
    places: tuple[str, ...] = ()  # where it was sent from (sender post, dateline place)
    destinations: tuple[str, ...] = ()  # where it went (recipient posts, addressees)

    @classmethod
    def of(cls, doc: Document) -> SerialCandidate | None:
        """The row for ``doc``, or ``None`` when it has no serial."""
        raw = doc.telegram.serial if doc.telegram else None
        serial = normalize_serial(raw) if raw else None
        if not serial:
            return None
        places = [p.place for p in doc.sender if p.place]
        if doc.place:
            places.append(doc.place)
        dests = [p.place for p in doc.recipient if p.place]
        if doc.telegram:
            dests += [a.name for a in doc.telegram.addressees]
        return cls(
            id=doc.id,
            serial=serial,
            type=str(doc.type),
            volume=doc.volume,
            date=doc.date.day,
            places=tuple(dict.fromkeys(places)),
            destinations=tuple(dict.fromkeys(dests)),
        )


def normalize_serial(serial: str) -> str | None:
    """``"No. 435.]"`` → ``"435"``; ``"A-12"`` → ``"A-12"``; ``None`` if no number."""
    m = _DIGITS.search(serial.replace("–", "-"))
    return m.group(0) if m else None


class ReferenceLookup(Protocol):
    """What a store answers so that references can be resolved (see the module docstring)."""

    def document_by_number(self, volume: str, number: str) -> str | None:
        """The id of document ``number`` of ``volume``, if stored."""
        ...

    def serial_candidates(self, serial: str) -> Sequence[SerialCandidate]:
        """Every stored document whose serial is ``serial`` (normalised)."""
        ...

    def document_at_page(self, volume: str, page: str) -> str | None:
        """The id of the document printed on ``page`` of ``volume``, if stored."""
        ...


class DocumentIndex:
    """An in-memory ``ReferenceLookup`` over a set of documents."""

    def __init__(self, documents: Iterable[Document] = ()) -> None:
        self._by_number: dict[tuple[str, str], str] = {}
        self._by_serial: dict[str, list[SerialCandidate]] = {}
        self._pages: dict[str, list[tuple[int, int, str]]] = {}
        for doc in documents:
            self.add(doc)

    def add(self, doc: Document) -> None:
        """Index one document (adding it again replaces nothing; ids are unique)."""
        if doc.volume and doc.number:
            self._by_number[(doc.volume, doc.number)] = doc.id
        cand = SerialCandidate.of(doc)
        if cand is not None:
            self._by_serial.setdefault(cand.serial, []).append(cand)
        if doc.volume and doc.first_page and doc.first_page.isdigit():
            last = doc.last_page if doc.last_page and doc.last_page.isdigit() else doc.first_page
            self._pages.setdefault(doc.volume, []).append((int(doc.first_page), int(last), doc.id))

    def document_by_number(self, volume: str, number: str) -> str | None:
        return self._by_number.get((volume, number))

    def serial_candidates(self, serial: str) -> Sequence[SerialCandidate]:
        return self._by_serial.get(serial, [])

    def document_at_page(self, volume: str, page: str) -> str | None:
        if not page.isdigit():
            return None
        p = int(page)
        hits = [doc_id for first, last, doc_id in self._pages.get(volume, []) if first <= p <= last]
        return hits[0] if len(hits) == 1 else None


class _StoreLike(Protocol):
    """The part of ``despatch.store.base.Store`` that ``StoreLookup`` uses."""

    def get(self, doc_id: str) -> Document: ...

    def search(self, query: str, *, limit: int) -> Any: ...

    def volume_documents(self, volume_id: str) -> Any: ...


class StoreLookup:
    """A ``ReferenceLookup`` over any archive, through the ordinary ``Store`` methods.

    Correct for every backend but not free: a serial costs one ``telegram:N`` search plus
    one ``get`` per hit, so use it for a resolving pass over a stored archive or at read
    time; an ingest of many documents wants a native lookup (see ``ReferenceLookup``).
    FRUS ids are ``<volume>/d<number>``, so ``document_by_number`` is one ``get``.
    """

    def __init__(self, store: _StoreLike, *, limit: int = 50) -> None:
        self.store = store
        self.limit = limit
        self._pages: dict[str, list[tuple[int, str]]] = {}

    def document_by_number(self, volume: str, number: str) -> str | None:
        try:
            return self.store.get(f"{volume}/d{number}").id
        except NotFound:
            return None

    def serial_candidates(self, serial: str) -> Sequence[SerialCandidate]:
        if not re.fullmatch(r"[A-Za-z0-9-]+", serial):
            return []
        try:
            hits = self.store.search(f"telegram:{serial}", limit=self.limit).hits
        except DespatchError:
            return []
        out: list[SerialCandidate] = []
        for hit in hits:
            try:
                cand = SerialCandidate.of(self.store.get(hit.id))
            except NotFound:
                continue
            if cand is not None and cand.serial == serial:
                out.append(cand)
        return out

    def document_at_page(self, volume: str, page: str) -> str | None:
        if not page.isdigit():
            return None
        if volume not in self._pages:
            try:
                hits = self.store.volume_documents(volume)
            except DespatchError:
                hits = []
            starts = [(int(h.page), h.id) for h in hits if h.page and str(h.page).isdigit()]
            self._pages[volume] = sorted(starts)
        starts = self._pages[volume]
        i = bisect.bisect_right([p for p, _ in starts], int(page)) - 1
        return starts[i][1] if i >= 0 else None


class ChainLookup:
    """Several lookups as one: the first answer wins; serial candidates are pooled."""

    def __init__(self, *lookups: ReferenceLookup) -> None:
        self.lookups = lookups

    def document_by_number(self, volume: str, number: str) -> str | None:
        return next(
            (hit for lk in self.lookups if (hit := lk.document_by_number(volume, number))), None
        )

    def serial_candidates(self, serial: str) -> Sequence[SerialCandidate]:
        seen: dict[str, SerialCandidate] = {}
        for lk in self.lookups:
            for c in lk.serial_candidates(serial):
                seen.setdefault(c.id, c)
        return list(seen.values())

    def document_at_page(self, volume: str, page: str) -> str | None:
        return next(
            (hit for lk in self.lookups if (hit := lk.document_at_page(volume, page))), None
        )


def _same_place(a: str, b: str) -> bool:
    a, b = a.casefold(), b.casefold()
    return a == b or a in b.split() or b in a.split()


def _day(value: str | None) -> date | None:
    if value and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


_KINDS = {
    "telegram": {"telegram", "cablegram", "message"},
    "despatch": {"despatch", "instruction", "correspondence", "letter"},
    "airgram": {"airgram"},
    "other": {"instruction", "correspondence", "despatch"},
}


def match_serial(
    ref: Reference, candidates: Sequence[SerialCandidate], citing: Document
) -> str | None:
    """The one candidate ``ref`` can only mean, or ``None`` when none or several fit."""
    kinds = _KINDS.get(ref.kind, set())
    ref_day = _day(ref.date)
    citing_day = _day(citing.date.value) or _day(citing.date.not_before)
    fits: list[SerialCandidate] = []
    for c in candidates:
        if c.id == citing.id or (kinds and c.type not in kinds):
            continue
        if ref.place and c.places and not any(_same_place(ref.place, p) for p in c.places):
            continue
        if (
            ref.destination
            and c.destinations
            and not any(_same_place(ref.destination, p) for p in c.destinations)
        ):
            continue
        c_day = _day(c.date)
        if ref_day and c_day:
            if abs((ref_day - c_day).days) > 1:
                continue
        elif c_day and citing_day:
            delta = (c_day - citing_day).days
            if not -_BEFORE_DAYS <= delta <= _AFTER_DAYS:
                continue
        elif not (ref.place or ref.destination):
            continue  # a bare serial with no date on either side: too weak
        fits.append(c)
    if len(fits) > 1 and citing.volume:
        same = [c for c in fits if c.volume == citing.volume]
        if same:
            fits = same
    return fits[0].id if len(fits) == 1 else None


def resolve_reference(ref: Reference, citing: Document, lookup: ReferenceLookup) -> Reference:
    """``ref`` with ``target`` and ``is_resolved`` set when ``lookup`` finds what it cites."""
    if ref.is_resolved:
        return ref
    target: str | None = None
    if ref.kind == "document" and ref.target and "/d" in ref.target:
        volume, number = ref.target.rsplit("/d", 1)
        if number.isdigit():
            target = lookup.document_by_number(ref.target_volume or volume, number)
    elif ref.kind in {"telegram", "despatch", "airgram", "other"} and ref.serial:
        serial = normalize_serial(ref.serial)
        if serial:
            target = match_serial(ref, lookup.serial_candidates(serial), citing)
    elif ref.kind == "volume" and ref.target_volume:
        if ref.target:
            number = ref.target.rsplit("/d", 1)[-1]
            target = lookup.document_by_number(ref.target_volume, number)
        elif ref.target_page:
            target = lookup.document_at_page(ref.target_volume, ref.target_page)
    if target is None:
        return ref
    return ref.model_copy(update={"target": target, "is_resolved": True})


def resolve_references(doc: Document, lookup: ReferenceLookup) -> Document:
    """``doc`` with every reference that ``lookup`` can resolve marked resolved, with target.

    Idempotent and cheap to run again after more documents were stored (a reference to a
    document not yet ingested resolves on a later pass).
    """
    refs = [resolve_reference(r, doc, lookup) for r in doc.references]
    if all(a is b for a, b in zip(refs, doc.references, strict=True)):
        return doc
    return doc.model_copy(update={"references": refs})


__all__ = [
    "ChainLookup",
    "DocumentIndex",
    "ReferenceLookup",
    "SerialCandidate",
    "StoreLookup",
    "match_serial",
    "normalize_serial",
    "resolve_reference",
    "resolve_references",
]
