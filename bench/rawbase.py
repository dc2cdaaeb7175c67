"""The raw baseline of the ingest benchmark: the same texts, no parsing, no extraction.

    python bench/rawbase.py CORPUS_DIR ARCHIVE_DIR

Reads every ``*.xml`` (cut into documents at each ``<div type="document"`` with plain string
search) or ``*.txt`` file (one document each) under CORPUS_DIR, inserts each document's raw
text into a SQLite table (WAL, batches of 1,000 per transaction, as despatch does) and adds
it to a tantivy index (one text field, the default tokenizer, positions; one commit at the
end). That is the floor any ingest of these texts pays: reading the bytes, storing them and
inverting them. Prints one JSON line with the counts.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import tantivy

_DIV = '<div type="document"'
_BATCH = 1000


def raw_documents(corpus: Path) -> Iterator[tuple[str, str]]:
    """``(id, raw text)`` of every document under ``corpus``, cut without parsing."""
    for path in sorted(corpus.rglob("*")):
        if path.suffix == ".xml":
            data = path.read_text(encoding="utf-8")
            starts = []
            i = data.find(_DIV)
            while i >= 0:
                starts.append(i)
                i = data.find(_DIV, i + 1)
            for k, start in enumerate(starts):
                end = starts[k + 1] if k + 1 < len(starts) else len(data)
                yield f"{path.stem}/{k + 1}", data[start:end]
        elif path.suffix == ".txt":
            yield str(path.relative_to(corpus)), path.read_text(encoding="utf-8")


def ingest_raw(corpus: Path, archive: Path) -> dict[str, object]:
    """Store and index every raw document; the counts and time."""
    archive.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    db = sqlite3.connect(archive / "raw.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS docs (key INTEGER PRIMARY KEY, id TEXT UNIQUE, text TEXT)"
    )
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("key", stored=True, indexed=True, fast=True)
    sb.add_text_field("body", index_option="position")
    schema = sb.build()
    (archive / "index").mkdir(exist_ok=True)
    index = tantivy.Index(schema, path=str(archive / "index"))
    writer = index.writer(128_000_000, 1)
    n = size = 0
    batch: list[tuple[int, str, str]] = []

    def flush() -> None:
        db.execute("BEGIN")
        db.executemany("INSERT INTO docs (key, id, text) VALUES (?, ?, ?)", batch)
        db.execute("COMMIT")
        for key, _id, text in batch:
            doc = tantivy.Document()
            doc.add_unsigned("key", key)
            doc.add_text("body", text)
            writer.add_document(doc)
        batch.clear()

    for doc_id, text in raw_documents(corpus):
        n += 1
        size += len(text.encode("utf-8"))
        batch.append((n, doc_id, text))
        if len(batch) >= _BATCH:
            flush()
    if batch:
        flush()
    writer.commit()
    writer.wait_merging_threads()
    db.close()
    return {"documents": n, "bytes": size, "seconds": round(time.perf_counter() - t0, 3)}


if __name__ == "__main__":
    print(json.dumps(ingest_raw(Path(sys.argv[1]), Path(sys.argv[2]))))
