"""A dict-backed store that evaluates queries in Python: the tests' fake, and the
reference semantics of the query language (see ``search/fields.py``) that the real
backends must match."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from despatch.errors import NotFound
from despatch.model import AuthorityEntry, Document, Volume
from despatch.search.fields import TEXT_SOURCES, WEIGHTS, IndexedFields, fold, index_fields
from despatch.search.fields import tokenize as _tokenize
from despatch.search.query import (
    And,
    DateRange,
    MatchAll,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    normalize_keyword,
    parse_query,
)
from despatch.search.snippet import Snippeter, SnippetSource
from despatch.store._links import MemoryLinks, link_row
from despatch.store._rows import (
    citations_of,
    content_hash,
    date_sort_key,
    facet_values,
    hit_of,
    is_superseded,
    volume_order_key,
)
from despatch.store.base import (
    FACET_FIELDS,
    ArchiveStats,
    Citation,
    Outcome,
    SearchHit,
    SearchResults,
    SortOrder,
    Store,
)


@dataclass
class _Entry:
    doc: Document
    hash: str
    fields: IndexedFields
    tokens: dict[str, list[str]]


def _entry(doc: Document) -> _Entry:
    fields = index_fields(doc)
    sources = {s for srcs in TEXT_SOURCES.values() for s in srcs}
    return _Entry(doc, content_hash(doc), fields, {s: _tokenize(fields.text(s)) for s in sources})


def _contains(tokens: list[str], seq: list[str]) -> int:
    """How many times ``seq`` occurs in ``tokens`` as consecutive tokens."""
    n = len(seq)
    if n == 0:
        return 0
    if n == 1:
        return tokens.count(seq[0])
    first = seq[0]
    return sum(1 for i, t in enumerate(tokens) if t == first and tokens[i : i + n] == seq)


def _text_score(entry: _Entry, node: Word | Phrase | Prefix) -> float:
    """A term-frequency score of a text match (0 when it does not match)."""
    sources = TEXT_SOURCES[node.field]
    score = 0.0
    if isinstance(node, Prefix):
        stem = fold(node.text)
        for s in sources:
            n = sum(1 for t in entry.tokens[s] if t.startswith(stem))
            score += n * WEIGHTS.get(s, 1.0)
        return score
    seq = _tokenize(node.text)
    for s in sources:
        score += _contains(entry.tokens[s], seq) * WEIGHTS.get(s, 1.0)
    return score


def _keyword_match(entry: _Entry, node: Word | Phrase | Prefix) -> bool:
    assert node.field is not None
    values = entry.fields.keywords.get(node.field, ())
    key = normalize_keyword(node.text)
    if isinstance(node, Prefix):
        return any(v.startswith(key) for v in values)
    return key in values


def evaluate(entry: _Entry, node: Node) -> float | None:
    """The score of ``entry`` for ``node``, or ``None`` when it does not match."""
    if isinstance(node, MatchAll):
        return 0.0
    if isinstance(node, Word | Phrase | Prefix):
        if node.field is None or node.field in TEXT_SOURCES:
            score = _text_score(entry, node)
            return score if score > 0 else None
        return 0.0 if _keyword_match(entry, node) else None
    if isinstance(node, DateRange):
        day = entry.fields.date
        if day is None:
            return None
        lo, hi = node.bounds()
        if (lo is not None and day < lo) or (hi is not None and day > hi):
            return None
        return 0.0
    if isinstance(node, Not):
        return 0.0 if evaluate(entry, node.operand) is None else None
    if isinstance(node, And):
        total = 0.0
        for op in node.operands:
            s = evaluate(entry, op)
            if s is None:
                return None
            total += s
        return total
    if isinstance(node, Or):
        scores = [s for op in node.operands if (s := evaluate(entry, op)) is not None]
        return sum(scores) if scores else None
    raise TypeError(f"not a query node: {node!r}")


class MemoryStore(Store):
    """Documents and volumes in dicts; every query is evaluated over every document."""

    def __init__(self, documents: Iterable[Document] = ()) -> None:
        self._docs: dict[str, _Entry] = {}
        self._volumes: dict[str, Volume] = {}
        self._links = MemoryLinks(lambda: [e.doc for e in self._docs.values()])
        self.put(documents)

    def reference_lookup(self) -> MemoryLinks:
        """The archive-wide reference lookup (kept up to date by ``put``)."""
        return self._links

    def put(self, documents: Iterable[Document]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for doc in documents:
            entry = _entry(doc)
            old = self._docs.get(doc.id)
            if old is not None and old.hash == entry.hash:
                outcomes.append(Outcome.UNCHANGED)
                continue
            if old is not None and is_superseded(old.doc.reader, doc.reader):
                outcomes.append(Outcome.SUPERSEDED)
                continue
            self._docs[doc.id] = entry
            self._links.write(link_row(doc))
            outcomes.append(Outcome.ADDED if old is None else Outcome.UPDATED)
        return outcomes

    def put_volume(self, volume: Volume) -> Outcome:
        old = self._volumes.get(volume.id)
        if old is not None and old == volume:
            return Outcome.UNCHANGED
        self._volumes[volume.id] = volume
        return Outcome.ADDED if old is None else Outcome.UPDATED

    def get(self, doc_id: str) -> Document:
        entry = self._docs.get(doc_id)
        if entry is None:
            raise NotFound(f"no document {doc_id!r} in the archive; try `despatch search id:…`")
        return entry.doc

    def get_volume(self, volume_id: str) -> Volume:
        vol = self._volumes.get(volume_id)
        if vol is None:
            raise NotFound(f"no volume {volume_id!r} in the archive")
        return vol

    def volumes(self) -> list[Volume]:
        return [self._volumes[k] for k in sorted(self._volumes)]

    def _volume_entries(self, volume_id: str) -> list[_Entry]:
        entries = [e for e in self._docs.values() if e.doc.volume == volume_id]
        return sorted(
            entries, key=lambda e: volume_order_key(e.doc.sequence, e.doc.number, e.doc.id)
        )

    def volume_documents(self, volume_id: str) -> list[SearchHit]:
        return [hit_of(e.doc, e.fields) for e in self._volume_entries(volume_id)]

    def authority(self, key: str, *, volume: str | None = None) -> AuthorityEntry:
        for vol in self.volumes():
            if volume is not None and vol.id != volume:
                continue
            for entry in [*vol.persons, *vol.terms]:
                if entry.id == key:
                    return entry
        where = f" in volume {volume}" if volume else ""
        raise NotFound(f"no person or term {key!r}{where}")

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        sort: SortOrder = "relevance",
        facets: bool = False,
        exact_facets: bool = False,  # counts are always exact here
    ) -> SearchResults:
        started = time.perf_counter()
        ast = parse_query(query)
        matches: list[tuple[float, _Entry]] = []
        for entry in self._docs.values():
            score = evaluate(entry, ast)
            if score is not None:
                matches.append((score, entry))
        if sort == "date":
            matches.sort(key=lambda m: (date_sort_key(m[1].fields.date), m[1].doc.id))
        else:
            matches.sort(key=lambda m: (-m[0], m[1].doc.id))
        hits: list[SearchHit] = []
        snippeter = Snippeter(ast)
        for score, entry in matches[offset : offset + limit]:
            hit = hit_of(entry.doc, entry.fields, score=score)
            snip = snippeter(SnippetSource.of(entry.doc))
            hits.append(
                hit.model_copy(
                    update={
                        "snippet": snip.text,
                        "highlights": snip.highlights,
                        "page": snip.page,
                    }
                )
            )
        facet_counts = {}
        if facets:
            for name in FACET_FIELDS:
                counter: Counter[str] = Counter()
                for _, entry in matches:
                    counter.update(entry.fields.facets()[name])
                facet_counts[name] = facet_values(counter)
        return SearchResults(
            query=query,
            total=len(matches),
            offset=offset,
            limit=limit,
            sort=sort,
            hits=hits,
            facets=facet_counts,
            took_ms=(time.perf_counter() - started) * 1000,
        )

    def cited_by(self, doc_id: str) -> list[Citation]:
        out: list[Citation] = []
        for entry in sorted(self._docs.values(), key=lambda e: e.doc.id):
            if entry.doc.id != doc_id:
                out.extend(citations_of(entry.doc, doc_id))
        return out

    def neighbors(self, doc_id: str) -> tuple[str | None, str | None]:
        doc = self.get(doc_id)
        if doc.volume is None:
            return None, None
        ids = [e.doc.id for e in self._volume_entries(doc.volume)]
        i = ids.index(doc_id)
        return (ids[i - 1] if i > 0 else None, ids[i + 1] if i + 1 < len(ids) else None)

    def stats(self) -> ArchiveStats:
        by_volume: Counter[str] = Counter()
        by_type: Counter[str] = Counter()
        by_year: Counter[str] = Counter()
        for entry in self._docs.values():
            if entry.doc.volume:
                by_volume[entry.doc.volume] += 1
            by_type[entry.fields.type] += 1
            if entry.fields.year is not None:
                by_year[str(entry.fields.year)] += 1
        return ArchiveStats(
            documents=len(self._docs),
            volumes=len(set(by_volume) | set(self._volumes)),
            by_volume=dict(sorted(by_volume.items())),
            by_type=dict(sorted(by_type.items())),
            by_year=dict(sorted(by_year.items())),
        )

    def check(self, *, records: bool = False) -> list[str]:
        return []

    def close(self) -> None:
        pass


__all__ = ["MemoryStore", "evaluate"]
