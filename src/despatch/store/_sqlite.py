"""The SQLite side of the local archive: the records (the source of truth), the schema
and its migrations.

``meta`` holds ``schema_version`` and ``generation``: every write transaction bumps the
generation and stamps the rows it wrote with it, so the tantivy index (which records the
generation it has caught up to) can tell exactly which rows it is missing after a crash.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from despatch.errors import BackendUnavailable, IntegrityError, SchemaMismatch
from despatch.model import Document, Volume
from despatch.search.fields import IndexedFields, index_fields
from despatch.store._links import LinkRow, link_row
from despatch.store._rows import (
    date_sort_key,
    is_superseded,
    load_record,
    record_json,
    volume_order_key,
)
from despatch.store._sqlite_links import migrate_v4, write_links
from despatch.store._tantivy import normalized_texts

SCHEMA_VERSION = 4


def _v1(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE documents (
            key INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            hash TEXT NOT NULL,
            generation INTEGER NOT NULL,
            volume TEXT,
            number TEXT,
            ord_a INTEGER NOT NULL,
            ord_b INTEGER NOT NULL,
            type TEXT NOT NULL,
            day TEXT,
            sortday TEXT NOT NULL,
            year INTEGER,
            date_value TEXT,
            title TEXT NOT NULL,
            sender TEXT NOT NULL,
            recipient TEXT NOT NULL,
            first_page TEXT,
            reader TEXT,
            record TEXT NOT NULL
        );
        CREATE INDEX documents_generation ON documents (generation);
        CREATE INDEX documents_volume ON documents (volume, ord_a, ord_b, id);
        CREATE INDEX documents_type ON documents (type);
        CREATE INDEX documents_year ON documents (year);
        CREATE TABLE doc_references (
            source TEXT NOT NULL,
            ord INTEGER NOT NULL,
            target TEXT NOT NULL,
            PRIMARY KEY (source, ord)
        );
        CREATE INDEX doc_references_target ON doc_references (target);
        CREATE TABLE volumes (
            id TEXT PRIMARY KEY,
            hash TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE TABLE authority (
            volume TEXT NOT NULL,
            id TEXT NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (id, volume)
        );
        """,
    )


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # Not ``executescript``: it would commit the migration's transaction halfway.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _v2(db: sqlite3.Connection) -> None:
    # The body text and page breaks beside the record, for snippets without parsing it.
    # Rows written by version 1 keep the text in the record (``body`` NULL).
    db.execute("ALTER TABLE documents ADD COLUMN body TEXT")
    db.execute("ALTER TABLE documents ADD COLUMN pages TEXT")


def _v3(db: sqlite3.Connection) -> None:
    # The notes' text and pages, for snippets of hits that are only in a note.
    db.execute("ALTER TABLE documents ADD COLUMN notes TEXT")


#: ``MIGRATIONS[n]`` takes an archive from schema version ``n`` to ``n + 1``.
# Version 4: the link tables that resolve references across the archive (_sqlite_links).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: _v1,
    1: _v2,
    2: _v3,
    3: migrate_v4,
}


@dataclass(frozen=True)
class Row:
    """One document ready to be written: its record, hash and index fields."""

    doc_id: str
    hash: str
    record: str  # the JSON record without the body text
    body: str  # the body text
    pages: str  # JSON [[page, offset], ...] of the body's page breaks
    notes: str  # JSON [[text, page], ...] of the notes
    fields: IndexedFields
    first_page: str | None
    date_value: str | None
    reader: str | None
    targets: tuple[str, ...]  # resolved reference targets, in order
    texts: dict[str, str]  # the index's normalized text sources
    links: LinkRow | None = None  # what archive-wide resolution keeps (``_links``)


def row_of(doc: Document, fields: IndexedFields | None = None) -> Row:
    """The row of a document (computed wherever parsing happens, e.g. a worker process)."""
    if fields is None:
        fields = index_fields(doc)
    record, digest = record_json(doc)
    texts = normalized_texts(fields)
    # The texts travel once, normalized (rows are pickled from parsing processes).
    slim = replace(fields, body="", notes="", sender="", recipient="", persons="", places="")
    return Row(
        doc_id=doc.id,
        hash=digest,
        record=record,
        body=doc.text,
        pages=json.dumps([[b.page, b.offset] for b in doc.pages if b.note is None]),
        notes=json.dumps([[n.text, n.page] for n in doc.notes]),
        fields=slim,
        first_page=doc.first_page,
        date_value=doc.date.value,
        reader=doc.reader,
        targets=tuple(r.target for r in doc.references if r.target),
        texts=texts,
        links=link_row(doc),
    )


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """Open (and, if needed, create or migrate) the records database."""
    if not path.exists() and not create:
        raise BackendUnavailable(
            f"{path.parent}: no archive here (no records.sqlite); run `despatch ingest` "
            "to create one, or pass --archive with the right folder"
        )
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    except sqlite3.DatabaseError as exc:
        raise IntegrityError(
            f"{path}: not a readable despatch archive ({exc}); move it aside and re-ingest"
        ) from exc
    migrate(db, path)
    return db


def get_meta(db: sqlite3.Connection, key: str, default: int = 0) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else default


def set_meta(db: sqlite3.Connection, key: str, value: int) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to ``SCHEMA_VERSION``; refuse a newer archive."""
    version = get_meta(db, "schema_version")
    if version > SCHEMA_VERSION:
        raise SchemaMismatch(
            f"{path}: archive schema version {version} was written by a newer despatch "
            f"(this one reads up to {SCHEMA_VERSION}); upgrade despatch"
        )
    while version < SCHEMA_VERSION:
        db.execute("BEGIN IMMEDIATE")
        try:
            current = get_meta(db, "schema_version")  # another process may have migrated
            if current == version:
                MIGRATIONS[version](db)
                set_meta(db, "schema_version", version + 1)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        version = get_meta(db, "schema_version")


def write_rows(
    db: sqlite3.Connection, rows: Sequence[Row], generation: int
) -> list[tuple[str, int | None]]:
    """Write changed rows in the open transaction; ``(outcome, key)`` for each row.

    ``outcome`` is ``added``, ``updated``, ``unchanged`` or ``superseded``; ``key`` is the row's key
    (``None`` when unchanged).
    """
    out: list[tuple[str, int | None]] = []
    # What is stored under the batch's ids, in one query per 900 ids instead of one per
    # row; kept up to date below, so an id given twice in a batch sees its first write.
    stored = _stored(db, [row.doc_id for row in rows])
    for row in rows:
        old = stored.get(row.doc_id)
        if old is not None and old[1] == row.hash:
            out.append(("unchanged", None))
            continue
        if old is not None and is_superseded(old[2], row.reader):
            out.append(("superseded", None))
            continue
        f = row.fields
        ord_a, ord_b, _ = volume_order_key(f.sequence, f.number, f.id)
        values = (
            row.hash,
            generation,
            f.volume,
            f.number,
            ord_a,
            ord_b,
            f.type,
            f.date,
            date_sort_key(f.date),
            f.year,
            row.date_value,
            f.title,
            json.dumps(list(f.sender_names)),
            json.dumps(list(f.recipient_names)),
            row.first_page,
            row.reader,
            row.record,
            row.body,
            row.pages,
            row.notes,
        )
        if old is None:
            cur = db.execute(
                "INSERT INTO documents (hash, generation, volume, number, ord_a, ord_b, type, "
                "day, sortday, year, date_value, title, sender, recipient, first_page, reader, "
                "record, body, pages, notes, id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, row.doc_id),
            )
            key = cur.lastrowid
            assert key is not None
            out.append(("added", key))
            stored[row.doc_id] = (key, row.hash, row.reader)
        else:
            key = int(old[0])
            db.execute(
                "UPDATE documents SET hash = ?, generation = ?, volume = ?, number = ?, "
                "ord_a = ?, ord_b = ?, type = ?, day = ?, sortday = ?, year = ?, "
                "date_value = ?, title = ?, sender = ?, recipient = ?, first_page = ?, "
                "reader = ?, record = ?, body = ?, pages = ?, notes = ? WHERE key = ?",
                (*values, key),
            )
            db.execute("DELETE FROM doc_references WHERE source = ?", (row.doc_id,))
            out.append(("updated", key))
            stored[row.doc_id] = (key, row.hash, row.reader)
        if row.targets:
            db.executemany(
                "INSERT INTO doc_references (source, ord, target) VALUES (?, ?, ?)",
                [(row.doc_id, i, t) for i, t in enumerate(row.targets)],
            )
        if row.links is not None:
            write_links(db, row.links)
    return out


def _stored(db: sqlite3.Connection, ids: Sequence[str]) -> dict[str, tuple[int, str, str | None]]:
    """``id → (key, hash, reader)`` of the stored documents among ``ids``."""
    out: dict[str, tuple[int, str, str | None]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 900):  # SQLite's limit on bound parameters
        chunk = unique[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for doc_id, key, hash_, reader in db.execute(
            f"SELECT id, key, hash, reader FROM documents WHERE id IN ({marks})", chunk
        ):
            out[doc_id] = (int(key), hash_, reader)
    return out


def write_volume(db: sqlite3.Connection, volume: Volume, content_hash: str) -> str:
    """Write a volume record and its authority entries in the open transaction."""
    old = db.execute("SELECT hash FROM volumes WHERE id = ?", (volume.id,)).fetchone()
    if old is not None and old[0] == content_hash:
        return "unchanged"
    db.execute(
        "INSERT INTO volumes (id, hash, record) VALUES (?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, record = excluded.record",
        (volume.id, content_hash, volume.to_json()),
    )
    db.execute("DELETE FROM authority WHERE volume = ?", (volume.id,))
    db.executemany(
        "INSERT OR REPLACE INTO authority (volume, id, kind, name, record) VALUES (?, ?, ?, ?, ?)",
        [
            (volume.id, e.id, e.kind, e.name, e.model_dump_json())
            for e in [*volume.persons, *volume.terms]
        ],
    )
    return "added" if old is None else "updated"


def iter_index_rows(
    db: sqlite3.Connection, *, after_generation: int = 0, batch: int = 2000
) -> Iterable[list[tuple[int, Document]]]:
    """``(key, document)`` of rows written after ``after_generation``, in batches."""
    last = 0
    while True:
        rows = db.execute(
            "SELECT key, record, body FROM documents WHERE generation > ? AND key > ? "
            "ORDER BY key LIMIT ?",
            (after_generation, last, batch),
        ).fetchall()
        if not rows:
            return
        yield [(int(k), load_record(r, b)) for k, r, b in rows]
        last = int(rows[-1][0])


__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Row",
    "connect",
    "get_meta",
    "iter_index_rows",
    "migrate",
    "row_of",
    "set_meta",
    "write_rows",
    "write_volume",
]
