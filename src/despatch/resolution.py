"""Archive-wide resolution: a reference in any document links to its target, whichever
file or run either came from.

Ingest enriches each file on its own, so "telegram 631 from Moscow" resolves there only
when telegram 631 is in the same file. Two steps make resolution archive-wide:

- **Before a batch is stored** (``prepare_rows``), each incoming document's unresolved
  references are tried against the archive (``Store.reference_lookup()``), so a document
  citing one stored earlier is stored already linked, and ingesting the same files again
  changes nothing (the content hash is that of the linked record).
- **After a run** (``resolve_pending``), the references still pending that a newly
  stored document could answer are retried: the store remembers the lookup keys each
  write offered (``serial:631``, ``number:frus1958-60v19/110``, ``page:<volume>``) and
  the pending references under each key, so only those are looked at, never the whole
  archive. A citing document whose references change is stored again.

``resolve_archive`` (``despatch resolve``) is the full pass for archives built before
this existed: it indexes every document's link rows, then retries every pending
reference.

Documents stored again by a pass are counted as ``ResolveReport.documents`` (with the
references newly resolved), not as "updated" in the ingest summary: their source did not
change, only their links. Resolution is sticky: a reference once resolved keeps its
target, even if a later document would make it ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from despatch.enrich.resolve import (
    ChainLookup,
    ReferenceLookup,
    SerialCandidate,
    resolve_reference,
    resolve_references,
)
from despatch.errors import NotFound
from despatch.model import Document
from despatch.store._links import LinkIndex, MemoryLinks, Pending
from despatch.store.base import Store

if TYPE_CHECKING:
    from despatch.store._sqlite import Row

#: Documents stored per transaction by a pass; dirty keys retried per round (a round's
#: lookups are cached); keys whose pending references are read at once. Both bound the
#: pass's memory: a frequent telegram number has hundreds of pending references and
#: candidates at 1M documents, and rounds of 2,000 keys read at once held 350 MB there
#: (now under 60 MB, for the same CPU).
BATCH = 500
KEYS_PER_ROUND = 200
KEYS_PER_READ = 50

_R = TypeVar("_R")


@dataclass
class ResolveReport:
    """What a resolving pass did."""

    references: int = 0  # references newly resolved
    documents: int = 0  # documents stored again with them
    checked: int = 0  # pending references tried
    seconds: float = 0.0


class CachedLookup:
    """A ``ReferenceLookup`` that remembers answers (one pass or one batch at a time)."""

    def __init__(self, lookup: ReferenceLookup) -> None:
        self.lookup = lookup
        self._numbers: dict[tuple[str, str], str | None] = {}
        self._serials: dict[str, Sequence[SerialCandidate]] = {}
        self._pages: dict[tuple[str, str], str | None] = {}

    def document_by_number(self, volume: str, number: str) -> str | None:
        key = (volume, number)
        if key not in self._numbers:
            self._numbers[key] = self.lookup.document_by_number(volume, number)
        return self._numbers[key]

    def serial_candidates(self, serial: str) -> Sequence[SerialCandidate]:
        if serial not in self._serials:
            self._serials[serial] = self.lookup.serial_candidates(serial)
        return self._serials[serial]

    def document_at_page(self, volume: str, page: str) -> str | None:
        key = (volume, page)
        if key not in self._pages:
            self._pages[key] = self.lookup.document_at_page(volume, page)
        return self._pages[key]


def _resolves(pending: Pending, lookup: ReferenceLookup) -> bool:
    return resolve_reference(pending.parsed(), pending.citing(), lookup).is_resolved


def _count_new(old: Document, new: Document) -> int:
    return sum(
        1
        for a, b in zip(old.references, new.references, strict=True)
        if b.is_resolved and not a.is_resolved
    )


def _chunks(items: Sequence[_R], size: int) -> Iterator[Sequence[_R]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _relink(
    store: Store, lookup: ReferenceLookup, pendings: Iterable[Pending], report: ResolveReport
) -> None:
    """Store again the citing documents of ``pendings`` that now resolve."""
    sources: dict[str, None] = {}
    for p in pendings:
        report.checked += 1
        if p.source not in sources and _resolves(p, lookup):
            sources[p.source] = None
    _store_resolved(store, lookup, list(sources), report)


def _store_resolved(
    store: Store,
    lookup: ReferenceLookup,
    doc_ids: Sequence[str],
    report: ResolveReport,
    *,
    vanished_ok: bool = True,
    count_read: ReportWithIndexed | None = None,
) -> None:
    """Resolve the references of ``doc_ids`` again; store those that changed, in batches.

    A document gone since its id was read is passed over when ``vanished_ok``; each
    document read counts as indexed in ``count_read`` (the full pass without a link index).
    """
    for chunk in _chunks(doc_ids, BATCH):
        changed: list[Document] = []
        for doc_id in chunk:
            try:
                doc = store.get(doc_id)
            except NotFound:
                if not vanished_ok:
                    raise
                continue
            if count_read is not None:
                count_read.indexed += 1
            new = resolve_references(doc, lookup)
            if new is not doc:
                report.references += _count_new(doc, new)
                changed.append(new)
        if changed:
            store.put(changed)
            report.documents += len(changed)


def resolve_pending(store: Store) -> ResolveReport:
    """Retry the pending references that documents stored since the last pass could answer."""
    import time

    started = time.perf_counter()
    report = ResolveReport()
    lookup = store.reference_lookup()
    if not isinstance(lookup, LinkIndex):
        return report  # a backend without a link index: run ``resolve_archive``
    lookup.drop_idle_dirty()
    while keys := lookup.dirty_keys(KEYS_PER_ROUND):
        cached = CachedLookup(lookup)
        pendings = (p for group in _chunks(keys, KEYS_PER_READ) for p in lookup.pending(group))
        _relink(store, cached, pendings, report)
        lookup.clear_dirty(keys)
    report.seconds = time.perf_counter() - started
    return report


def resolve_archive(store: Store) -> ReportWithIndexed:
    """The full pass: index every document's link rows, then retry every pending reference."""
    import time

    started = time.perf_counter()
    report = ReportWithIndexed()
    lookup = store.reference_lookup()
    if isinstance(lookup, LinkIndex):
        for batch in lookup.documents():
            lookup.index_documents(batch)
            report.indexed += len(batch)
        mark_indexed = getattr(lookup, "mark_indexed", None)
        if callable(mark_indexed):
            mark_indexed()
        cached = CachedLookup(lookup)
        for pendings in lookup.all_pending():
            _relink(store, cached, pendings, report)
        # Everything was retried: what writes offered until now is done with.
        while keys := lookup.dirty_keys(KEYS_PER_ROUND):
            lookup.clear_dirty(keys)
    else:
        hits, _ = store.scan("", cap=store.stats().documents + 1)
        _store_resolved(
            store, lookup, [h.id for h in hits], report, vanished_ok=False, count_read=report
        )
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class ReportWithIndexed(ResolveReport):
    """A full pass's report: also the documents whose link rows were indexed."""

    indexed: int = 0


def prepare_rows(lookup: ReferenceLookup, rows: Sequence[Row]) -> list[Row]:
    """``rows`` with each document whose pending references the archive answers relinked.

    The batch's own documents count as stored (a citation of a document in another
    file of the same batch is linked here, not by a second write after the run). Only
    rows with a pending reference that resolves are parsed and rebuilt; the rest pass
    through untouched.
    """
    from despatch.store._rows import load_record

    batch = MemoryLinks(list)
    for row in rows:
        if row.links is not None:
            batch.write(row.links)
    cached = CachedLookup(ChainLookup(batch, lookup))
    out: list[Row] = []
    for row in rows:
        links = row.links
        if links is not None and any(_resolves(p, cached) for p in links.pending):
            doc = load_record(row.record, row.body)
            new = resolve_references(doc, cached)
            if new is not doc:
                row = relinked_row(row, new)
        out.append(row)
    return out


def relinked_row(row: Row, doc: Document) -> Row:
    """``row`` for ``doc``, which differs from the row's document only in its references.

    The index fields and texts do not depend on references, so they are kept rather than
    computed again (``_sqlite.row_of`` would; a test checks the two agree).
    """
    from dataclasses import replace

    from despatch.store._links import link_row
    from despatch.store._rows import record_json

    record, digest = record_json(doc)
    return replace(
        row,
        hash=digest,
        record=record,
        targets=tuple(r.target for r in doc.references if r.target),
        links=link_row(doc),
    )


__all__ = [
    "BATCH",
    "CachedLookup",
    "ReportWithIndexed",
    "ResolveReport",
    "prepare_rows",
    "resolve_archive",
    "resolve_pending",
]
