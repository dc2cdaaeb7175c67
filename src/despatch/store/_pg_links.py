"""The PostgreSQL archive's link tables (schema version 2) and its native ``LinkIndex``.

The same tables as the local archive's (``store/_sqlite_links.py``; see ``store/_links.py``
for what they hold), each indexed by what a lookup asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from despatch.enrich.resolve import SerialCandidate
from despatch.model import Document
from despatch.store._links import SERIAL_COLUMNS, LinkRow, Pending, link_row, serial_candidate

if TYPE_CHECKING:
    from despatch.store.postgres import PostgresStore

STALE = "links_stale"

#: The statements of schema version 2.
V2 = [
    "CREATE TABLE IF NOT EXISTS link_targets (id text PRIMARY KEY, signature text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS link_numbers ("
    " key text NOT NULL, id text NOT NULL, PRIMARY KEY (key, id))",
    "CREATE INDEX IF NOT EXISTS link_numbers_id ON link_numbers (id)",
    "CREATE TABLE IF NOT EXISTS link_serials ("
    " id text PRIMARY KEY, serial text NOT NULL, type text NOT NULL, volume text, day text,"
    " places text[] NOT NULL, destinations text[] NOT NULL)",
    "CREATE INDEX IF NOT EXISTS link_serials_serial ON link_serials (serial)",
    "CREATE TABLE IF NOT EXISTS link_pages ("
    " id text PRIMARY KEY, volume text NOT NULL, first integer NOT NULL, last integer NOT NULL)",
    "CREATE INDEX IF NOT EXISTS link_pages_volume ON link_pages (volume, first)",
    "CREATE TABLE IF NOT EXISTS link_pending ("
    " source text NOT NULL, ord integer NOT NULL, key text NOT NULL, reference text NOT NULL,"
    " citing_volume text, citing_date text, PRIMARY KEY (source, ord))",
    "CREATE INDEX IF NOT EXISTS link_pending_key ON link_pending (key)",
    "CREATE TABLE IF NOT EXISTS link_dirty (key text PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS link_meta (key text PRIMARY KEY, value text NOT NULL)",
    # Documents stored before this version lack their link rows: `despatch resolve` adds them.
    f"INSERT INTO link_meta (key, value) SELECT '{STALE}', '1' "
    "WHERE EXISTS (SELECT 1 FROM documents) ON CONFLICT (key) DO NOTHING",
]


def write_links(cur: Any, rows: Sequence[LinkRow]) -> None:
    """Replace the link rows of documents with ``cur`` (in the open transaction)."""
    if not rows:
        return
    ids = [r.doc_id for r in rows]
    cur.execute("SELECT id, signature FROM link_targets WHERE id = ANY(%s)", (ids,))
    old = dict(cur.fetchall())
    changed = [r for r in rows if old.get(r.doc_id) != r.signature]
    if changed:
        changed_ids = [r.doc_id for r in changed]
        for table in ("link_numbers", "link_serials", "link_pages"):
            cur.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", (changed_ids,))
        cur.executemany(
            "INSERT INTO link_targets (id, signature) VALUES (%s, %s) "
            "ON CONFLICT (id) DO UPDATE SET signature = EXCLUDED.signature",
            [(r.doc_id, r.signature) for r in changed],
        )
        numbers = [(r.number_key, r.doc_id) for r in changed if r.number_key]
        if numbers:
            cur.executemany(
                "INSERT INTO link_numbers (key, id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                numbers,
            )
        serials = [
            (r.doc_id, c.serial, c.type, c.volume, c.date, list(c.places), list(c.destinations))
            for r in changed
            if (c := r.candidate) is not None
        ]
        if serials:
            cur.executemany(
                "INSERT INTO link_serials (id, serial, type, volume, day, places, destinations) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                serials,
            )
        pages = [(r.doc_id, r.volume, *r.pages) for r in changed if r.pages and r.volume]
        if pages:
            cur.executemany(
                "INSERT INTO link_pages (id, volume, first, last) VALUES (%s, %s, %s, %s)", pages
            )
        dirty = sorted({k for r in changed for k in r.offers})
        if dirty:
            cur.executemany(
                "INSERT INTO link_dirty (key) VALUES (%s) ON CONFLICT DO NOTHING",
                [(k,) for k in dirty],
            )
    cur.execute("DELETE FROM link_pending WHERE source = ANY(%s)", (ids,))
    pending = [
        (p.source, p.ord, p.key, p.reference, p.citing_volume, p.citing_date)
        for r in rows
        for p in r.pending
    ]
    if pending:
        cur.executemany(
            "INSERT INTO link_pending (source, ord, key, reference, citing_volume, citing_date) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (source, ord) DO UPDATE SET "
            "key = EXCLUDED.key, reference = EXCLUDED.reference, "
            "citing_volume = EXCLUDED.citing_volume, citing_date = EXCLUDED.citing_date",
            pending,
        )


_PENDING = "source, ord, key, reference, citing_volume, citing_date"


class PgLinks:
    """The PostgreSQL archive's ``LinkIndex``: every answer is one indexed query."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def document_by_number(self, volume: str, number: str) -> str | None:
        rows = self.store._fetchall(
            "SELECT id FROM link_numbers WHERE key = %s ORDER BY id LIMIT 1",
            (f"number:{volume}/{number}",),
        )
        return str(rows[0][0]) if rows else None

    def serial_candidates(self, serial: str) -> Sequence[SerialCandidate]:
        rows = self.store._fetchall(
            f"SELECT {SERIAL_COLUMNS} FROM link_serials WHERE serial = %s ORDER BY id",
            (serial,),
        )
        return [serial_candidate(r, tuple(r[5]), tuple(r[6])) for r in rows]

    def document_at_page(self, volume: str, page: str) -> str | None:
        if not page.isdigit():
            return None
        p = int(page)
        rows = self.store._fetchall(
            "SELECT id FROM link_pages WHERE volume = %s AND first <= %s AND last >= %s LIMIT 2",
            (volume, p, p),
        )
        return str(rows[0][0]) if len(rows) == 1 else None

    def pending(self, keys: Sequence[str]) -> list[Pending]:
        rows = self.store._fetchall(
            f"SELECT {_PENDING} FROM link_pending WHERE key = ANY(%s) ORDER BY source, ord",
            (list(dict.fromkeys(keys)),),
        )
        return [Pending(*r) for r in rows]

    def all_pending(self) -> Iterator[list[Pending]]:
        last: tuple[str, int] = ("", -1)
        while True:
            rows = self.store._fetchall(
                f"SELECT {_PENDING} FROM link_pending WHERE (source, ord) > (%s, %s) "
                "ORDER BY source, ord LIMIT 5000",
                last,
            )
            if not rows:
                return
            batch = [Pending(*r) for r in rows]
            last = (batch[-1].source, batch[-1].ord)
            yield batch

    def dirty_keys(self, limit: int = 5000) -> list[str]:
        rows = self.store._fetchall("SELECT key FROM link_dirty ORDER BY key LIMIT %s", (limit,))
        return [str(r[0]) for r in rows]

    def clear_dirty(self, keys: Sequence[str]) -> None:
        with self.store._lock, self.store._conn.transaction():
            self.store._conn.execute("DELETE FROM link_dirty WHERE key = ANY(%s)", (list(keys),))

    def drop_idle_dirty(self) -> None:
        with self.store._lock, self.store._conn.transaction():
            self.store._conn.execute(
                "DELETE FROM link_dirty d WHERE NOT EXISTS "
                "(SELECT 1 FROM link_pending p WHERE p.key = d.key)"
            )

    def documents(self) -> Iterator[list[Document]]:
        last = ""
        while True:
            rows = self.store._fetchall(
                "SELECT id, record::text FROM documents WHERE id > %s ORDER BY id LIMIT 500",
                (last,),
            )
            if not rows:
                return
            last = rows[-1][0]
            yield [Document.from_json(r[1]) for r in rows]

    def index_documents(self, documents: Iterable[Document]) -> None:
        rows = [link_row(doc) for doc in documents]
        with self.store._lock, self.store._conn.transaction(), self.store._conn.cursor() as cur:
            write_links(cur, rows)

    def is_stale(self) -> bool:
        """Whether documents stored before schema version 2 still lack their link rows."""
        return bool(self.store._fetchall("SELECT 1 FROM link_meta WHERE key = %s", (STALE,)))

    def mark_indexed(self) -> None:
        """Every document has its link rows (after a full pass)."""
        with self.store._lock, self.store._conn.transaction():
            self.store._conn.execute("DELETE FROM link_meta WHERE key = %s", (STALE,))


__all__ = ["V2", "PgLinks", "write_links"]
