"""Values every backend builds the same way: content hashes, result rows, facets, order."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping

from despatch.model import Document, Reference
from despatch.search.fields import IndexedFields
from despatch.store.base import Citation, FacetValue, SearchHit

#: Most values listed per facet (the most frequent first, ties by value).
FACET_LIMIT = 50
#: How rich each reader's records are. When two sources give the same document id, the
#: record from the richer reader is kept (TEI carries page breaks, spans and resolved
#: references a plain-text copy cannot); between equals, the later ingest updates.
READER_RANK: dict[str | None, int] = {"tei": 3, "markdown": 2, "plaintext": 1, None: 0}


def is_superseded(old_reader: str | None, new_reader: str | None) -> bool:
    """Whether a stored record from ``old_reader`` outranks a new one from ``new_reader``."""
    return READER_RANK.get(old_reader, 0) > READER_RANK.get(new_reader, 0)


#: Where documents without a date go in date order: after every dated one.
UNDATED_SORT_DAY = "9999-12-31"


def content_hash(doc: Document) -> str:
    """A hash of the record's content (``origin`` excluded: moving a file changes nothing)."""
    return record_json(doc)[1]


def record_json(doc: Document) -> tuple[str, str]:
    """The record's JSON without its body text, and the content hash of the whole record.

    Stores keep the body text beside the record (snippets read it without parsing the
    record); ``load_record`` puts them back together. One serialization for both: ingest
    does this for every document.
    """
    head = doc.model_dump_json(exclude={"origin", "text"})
    digest = hashlib.sha256(f"{head}\x00{doc.text}".encode()).hexdigest()
    return head[:-1] + ',"origin":' + json.dumps(doc.origin) + "}", digest


def load_record(record: str, text: str | None) -> Document:
    """A document from ``record_json`` output and its body text (``None``: in the record)."""
    doc = Document.from_json(record)
    if text is not None:
        doc = doc.model_copy(update={"text": text})
    return doc


def hit_of(doc: Document, fields: IndexedFields, *, score: float = 0.0) -> SearchHit:
    """The result row of a document, without a snippet."""
    return SearchHit(
        id=doc.id,
        title=fields.title,
        type=fields.type,
        volume=doc.volume,
        number=doc.number,
        date=doc.date.value,
        sender=list(fields.sender_names),
        recipient=list(fields.recipient_names),
        page=doc.first_page,
        score=score,
    )


#: Documents fall into this many sampling buckets by a hash of their id; facet counts over
#: very large result sets are estimated from the matches in the first k buckets (a fixed,
#: unbiased k/64 of the archive; each backend hashes the ids its own way).
SAMPLE_BUCKETS = 64
#: Facets over at least this many matches are estimated by default, from a sample
#: holding about ``SAMPLE_MATCHES`` of them: exact counts over half of a 1M archive cost
#: more than the search (``docs/search.md``).
ESTIMATE_FROM = 100_000
SAMPLE_MATCHES = 16_000


def sample_buckets(total: int, wanted: int = SAMPLE_MATCHES) -> int | None:
    """How many sampling buckets hold about ``wanted`` of ``total`` matches; ``None``
    when that would be every bucket (then count exactly)."""
    buckets = math.ceil(SAMPLE_BUCKETS * wanted / max(total, 1))
    return buckets if buckets < SAMPLE_BUCKETS else None


def scaled_counts(
    counts: Mapping[str, Mapping[str, int]], names: Iterable[str], scale: float
) -> dict[str, dict[str, int]]:
    """Sample counts scaled up to estimates (at least 1: a value seen is there)."""
    return {
        name: {value: max(1, round(n * scale)) for value, n in counts.get(name, {}).items()}
        for name in names
    }


def facet_values(counts: Mapping[str, int], limit: int = FACET_LIMIT) -> list[FacetValue]:
    """Facet values by count (descending), then value; at most ``limit``."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [FacetValue(value=v, count=c) for v, c in ordered[:limit] if c > 0]


def volume_order_key(sequence: int | None, number: str | None, doc_id: str) -> tuple[int, int, str]:
    """How documents of a volume are ordered: by ``sequence``, else by number, else by id."""
    if sequence is not None:
        return (0, sequence, doc_id)
    if number is not None and number.isdigit():
        return (1, int(number), doc_id)
    return (2, 0, doc_id)


def date_sort_key(day: str | None) -> str:
    """The key of date order (undated documents last)."""
    return day or UNDATED_SORT_DAY


def citations_of(doc: Document, target: str) -> Iterable[Citation]:
    """The citations in ``doc`` of document ``target``."""
    note_numbers = {n.id: n.n for n in doc.notes if n.id}
    for ref in doc.references:
        if ref.target == target:
            yield Citation(
                source=doc.id,
                source_title=doc.title or doc.heading,
                source_date=doc.date.value,
                target=target,
                text=ref.text,
                note=_note_number(ref, note_numbers),
            )


def _note_number(ref: Reference, note_numbers: Mapping[str, str]) -> str | None:
    if ref.note is None:
        return None
    return note_numbers.get(ref.note, ref.note)


__all__ = [
    "FACET_LIMIT",
    "READER_RANK",
    "UNDATED_SORT_DAY",
    "citations_of",
    "content_hash",
    "date_sort_key",
    "facet_values",
    "hit_of",
    "is_superseded",
    "load_record",
    "record_json",
    "volume_order_key",
]
