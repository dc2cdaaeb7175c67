"""The local archive's link tables (schema version 4) and its native ``LinkIndex``.

See ``store/_links.py`` for what the tables hold and why. Each table is indexed by what a
lookup asks: ``link_serials`` by serial, ``link_pages`` by (volume, first page),
``link_numbers`` by ``number:<volume>/<number>``, ``link_pending`` by key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from despatch.enrich.resolve import SerialCandidate
from despatch.model import Document
from despatch.store._links import (
    SERIAL_COLUMNS,
    LinkRow,
    Pending,
    joined,
    link_row,
    serial_candidate,
    split_places,
)

#: Set in ``meta`` when an archive is migrated with documents already stored: their link
#: rows are missing until ``despatch resolve`` (``resolution.resolve_archive``) runs.
STALE = "links_stale"

DDL = (
    "CREATE TABLE link_targets (id TEXT PRIMARY KEY, signature TEXT NOT NULL)",
    "CREATE TABLE link_numbers (key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id))",
    "CREATE TABLE link_serials (id TEXT PRIMARY KEY, serial TEXT NOT NULL, type TEXT NOT NULL, "
    "volume TEXT, day TEXT, places TEXT NOT NULL, destinations TEXT NOT NULL)",
    "CREATE INDEX link_serials_serial ON link_serials (serial)",
    "CREATE TABLE link_pages (id TEXT PRIMARY KEY, volume TEXT NOT NULL, "
    "first INTEGER NOT NULL, last INTEGER NOT NULL)",
    "CREATE INDEX link_pages_volume ON link_pages (volume, first)",
    "CREATE TABLE link_pending (source TEXT NOT NULL, ord INTEGER NOT NULL, key TEXT NOT NULL, "
    "reference TEXT NOT NULL, citing_volume TEXT, citing_date TEXT, PRIMARY KEY (source, ord))",
    "CREATE INDEX link_pending_key ON link_pending (key)",
    "CREATE TABLE link_dirty (key TEXT PRIMARY KEY)",
)
_DROP_IDLE_DIRTY = (
    "DELETE FROM link_dirty WHERE NOT EXISTS "
    "(SELECT 1 FROM link_pending p WHERE p.key = link_dirty.key)"
)


def migrate_v4(db: sqlite3.Connection) -> None:
    """Create the link tables; an archive with documents is marked stale (see ``STALE``)."""
    for statement in DDL:
        db.execute(statement)
    if db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, '1') "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (STALE,),
        )


def write_links(db: sqlite3.Connection, row: LinkRow) -> None:
    """Replace the link rows of one document, in the open transaction; mark new offers dirty."""
    doc_id = row.doc_id
    old = db.execute("SELECT signature FROM link_targets WHERE id = ?", (doc_id,)).fetchone()
    signature = row.signature
    if old is None or old[0] != signature:
        if old is not None:  # a new document has nothing to delete
            for table in ("link_numbers", "link_serials", "link_pages"):
                db.execute(f"DELETE FROM {table} WHERE id = ?", (doc_id,))
        db.execute(
            "INSERT INTO link_targets (id, signature) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET signature = excluded.signature",
            (doc_id, signature),
        )
        if row.number_key:
            db.execute("INSERT INTO link_numbers (key, id) VALUES (?, ?)", (row.number_key, doc_id))
        c = row.candidate
        if c is not None:
            db.execute(
                "INSERT INTO link_serials (id, serial, type, volume, day, places, destinations) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    c.serial,
                    c.type,
                    c.volume,
                    c.date,
                    joined(c.places),
                    joined(c.destinations),
                ),
            )
        if row.pages is not None and row.volume:
            db.execute(
                "INSERT INTO link_pages (id, volume, first, last) VALUES (?, ?, ?, ?)",
                (doc_id, row.volume, *row.pages),
            )
        db.executemany(
            "INSERT OR IGNORE INTO link_dirty (key) VALUES (?)", [(k,) for k in row.offers]
        )
    if old is not None:
        db.execute("DELETE FROM link_pending WHERE source = ?", (doc_id,))
    if row.pending:
        db.executemany(
            "INSERT INTO link_pending (source, ord, key, reference, citing_volume, citing_date) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (p.source, p.ord, p.key, p.reference, p.citing_volume, p.citing_date)
                for p in row.pending
            ],
        )


def _pending(row: Sequence[object]) -> Pending:
    source, ord_, key, reference, volume, day = row
    return Pending(str(source), int(str(ord_)), str(key), str(reference), volume, day)  # type: ignore[arg-type]


_PENDING = "source, ord, key, reference, citing_volume, citing_date"


class SqliteLinks:
    """The local archive's ``LinkIndex``: every answer is one indexed query."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def document_by_number(self, volume: str, number: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM link_numbers WHERE key = ? ORDER BY id LIMIT 1",
            (f"number:{volume}/{number}",),
        ).fetchone()
        return str(row[0]) if row else None

    def serial_candidates(self, serial: str) -> Sequence[SerialCandidate]:
        rows = self.db.execute(
            f"SELECT {SERIAL_COLUMNS} FROM link_serials WHERE serial = ? ORDER BY id",
            (serial,),
        ).fetchall()
        return [serial_candidate(r, split_places(r[5]), split_places(r[6])) for r in rows]

    def document_at_page(self, volume: str, page: str) -> str | None:
        if not page.isdigit():
            return None
        p = int(page)
        rows = self.db.execute(
            "SELECT id FROM link_pages WHERE volume = ? AND first <= ? AND last >= ? LIMIT 2",
            (volume, p, p),
        ).fetchall()
        return str(rows[0][0]) if len(rows) == 1 else None

    def pending(self, keys: Sequence[str]) -> list[Pending]:
        out: list[Pending] = []
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 900):  # SQLite's limit on bound parameters
            chunk = unique[start : start + 900]
            marks = ",".join("?" * len(chunk))
            out.extend(
                _pending(r)
                for r in self.db.execute(
                    f"SELECT {_PENDING} FROM link_pending WHERE key IN ({marks})", chunk
                )
            )
        out.sort(key=lambda p: (p.source, p.ord))
        return out

    def all_pending(self) -> Iterator[list[Pending]]:
        last: tuple[str, int] = ("", -1)
        while True:
            rows = self.db.execute(
                f"SELECT {_PENDING} FROM link_pending WHERE (source, ord) > (?, ?) "
                "ORDER BY source, ord LIMIT 5000",
                last,
            ).fetchall()
            if not rows:
                return
            batch = [_pending(r) for r in rows]
            last = (batch[-1].source, batch[-1].ord)
            yield batch

    def dirty_keys(self, limit: int = 5000) -> list[str]:
        rows = self.db.execute("SELECT key FROM link_dirty ORDER BY key LIMIT ?", (limit,))
        return [str(r[0]) for r in rows]

    def clear_dirty(self, keys: Sequence[str]) -> None:
        self._write(
            lambda: self.db.executemany(
                "DELETE FROM link_dirty WHERE key = ?", [(k,) for k in keys]
            )
        )

    def drop_idle_dirty(self) -> None:
        self._write(lambda: self.db.execute(_DROP_IDLE_DIRTY))

    def documents(self) -> Iterator[list[Document]]:
        from despatch.store._sqlite import iter_index_rows

        for batch in iter_index_rows(self.db, batch=500):
            yield [doc for _, doc in batch]

    def index_documents(self, documents: Iterable[Document]) -> None:
        rows = [link_row(doc) for doc in documents]

        def write() -> None:
            for row in rows:
                write_links(self.db, row)

        self._write(write)

    def is_stale(self) -> bool:
        """Whether documents stored before schema version 4 still lack their link rows."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (STALE,)).fetchone()
        return bool(row and row[0] == "1")

    def mark_indexed(self) -> None:
        """Every document has its link rows (after a full pass)."""
        self._write(lambda: self.db.execute("DELETE FROM meta WHERE key = ?", (STALE,)))

    def _write(self, work: object) -> None:
        assert callable(work)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            work()
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise


__all__ = ["DDL", "STALE", "SqliteLinks", "migrate_v4", "write_links"]
