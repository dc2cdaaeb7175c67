"""The PostgreSQL archive's tables, and the migrations that bring a database up to date.

The schema version lives in ``despatch_schema``; ``MIGRATIONS[n]`` takes a database from
version ``n`` to ``n + 1``. Opening an archive applies the missing migrations in one
transaction under an advisory lock, so two processes opening a new database at once do
not race. A database written by a newer despatch (a higher version) is refused.

Each document is kept whole as a JSONB ``record`` (the source of truth), beside the
columns search needs, all derived from ``search.fields.index_fields``:

- ``tsv``: the free text for word queries. Words are plain lexemes weighted by source
  (title A, notes B, body C, sender/recipient D), plus "common grams" (``of~war``) that
  narrow phrases with frequent words. ``ktsv``: the fields, kept apart so that a field
  filter reads a small value rather than the whole text's vector: text fields as
  lexemes prefixed with their name (``from:moscow``, ``person:khrushchev``), keyword
  fields as whole normalised values (``type=telegram``, ``classification=top secret``).
  Their GIN indexes answer every word, prefix and field leaf of a query.
- ``n_all``, ``n_from``, ``n_to``, ``n_person``, ``n_place``: each source's tokens
  joined by single spaces (sources separated by `` | ``), used to verify phrases exactly
  (a tsvector keeps at most 256 positions per word and none past 16,383, so ``<->``
  alone would miss phrases in long documents).
- ``facets``: ``name=value`` strings for the facet counts; ``day`` for date queries and
  date order.
"""

from __future__ import annotations

from typing import Any

from despatch.errors import SchemaMismatch
from despatch.store import _pg_links

SCHEMA_VERSION = 3
#: A document's sampling bucket, ``0 … 63`` (``_rows.SAMPLE_BUCKETS``): the expression the
#: ``documents_sample`` index holds, written the same way wherever it is queried.
SAMPLE_BUCKET = "hashtext(id) & 63"

_V1 = [
    """
    CREATE TABLE IF NOT EXISTS volumes (
        id text PRIMARY KEY,
        record jsonb NOT NULL,
        content_hash text NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS documents (
        id text PRIMARY KEY,
        volume text,
        seq integer,
        number text,
        title text NOT NULL,
        type text NOT NULL,
        date text,
        day date,
        sender text[] NOT NULL DEFAULT '{}',
        recipient text[] NOT NULL DEFAULT '{}',
        facets text[] NOT NULL DEFAULT '{}',
        content_hash text NOT NULL,
        reader text,
        record jsonb NOT NULL,
        tsv tsvector NOT NULL,
        ktsv tsvector NOT NULL,
        tsv_head tsvector NOT NULL,
        n_all text NOT NULL,
        n_from text NOT NULL,
        n_to text NOT NULL,
        n_person text NOT NULL,
        n_place text NOT NULL,
        n_tokens integer NOT NULL
    )
    """,
    # lz4 stores and reads the big values (record, tsvector, phrase text) several times
    # faster than the default pglz; a server built without lz4 keeps pglz.
    """
    DO $$ BEGIN
        ALTER TABLE documents
            ALTER COLUMN record SET COMPRESSION lz4,
            ALTER COLUMN tsv SET COMPRESSION lz4,
            ALTER COLUMN n_all SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported THEN NULL;
    END $$
    """,
    # The small vectors stay in the row (compressed if need be) so that filtering on a
    # field, or the first pass of the ranking, never fetches them from the TOAST table.
    "ALTER TABLE documents ALTER COLUMN ktsv SET STORAGE MAIN, "
    "ALTER COLUMN tsv_head SET STORAGE MAIN, ALTER COLUMN facets SET STORAGE MAIN",
    "CREATE INDEX IF NOT EXISTS documents_tsv ON documents USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS documents_ktsv ON documents USING gin (ktsv)",
    "CREATE INDEX IF NOT EXISTS documents_day ON documents (day, id)",
    "CREATE INDEX IF NOT EXISTS documents_volume ON documents (volume)",
    """
    CREATE TABLE IF NOT EXISTS doc_references (
        source text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        ord integer NOT NULL,
        target text NOT NULL,
        text text NOT NULL,
        note text,
        PRIMARY KEY (source, ord)
    )
    """,
    "CREATE INDEX IF NOT EXISTS doc_references_target ON doc_references (target)",
    """
    CREATE TABLE IF NOT EXISTS authority (
        volume text NOT NULL,
        key text NOT NULL,
        record jsonb NOT NULL,
        PRIMARY KEY (key, volume)
    )
    """,
]

#: Version 3: each document's sampling bucket, a hash of its id (``SAMPLE_BUCKET``),
#: indexed, so that facets over a very large result are counted over the matches of a
#: fixed sample (the bitmap of the sample's rows meets the matches' before any row is read).
_V3 = [f"CREATE INDEX IF NOT EXISTS documents_sample ON documents (({SAMPLE_BUCKET}))"]
#: ``MIGRATIONS[n]``: the statements that take a database from version ``n`` to ``n + 1``.
# Version 2: the link tables that resolve references across the archive (_pg_links).
MIGRATIONS: dict[int, list[str]] = {0: _V1, 1: _pg_links.V2, 2: _V3}

# Any 64-bit number unique to despatch: serialises concurrent first opens.
_LOCK_KEY = 0x64657370617463


def migrate(conn: Any, *, where: str) -> int:
    """Bring the database behind ``conn`` to ``SCHEMA_VERSION``; returns the version found.

    ``where`` (the masked URL) names the archive in error messages.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS despatch_schema ("
            " version integer NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute("SELECT max(version) FROM despatch_schema").fetchone()
        found = int(row[0]) if row and row[0] is not None else 0
        if found > SCHEMA_VERSION:
            raise SchemaMismatch(
                f"{where}: the archive has schema version {found}, but this despatch "
                f"reads up to version {SCHEMA_VERSION}; upgrade despatch "
                "(pip install -U 'despatch[postgres]')"
            )
        for version in range(found, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute("INSERT INTO despatch_schema (version) VALUES (%s)", (version + 1,))
        return found
