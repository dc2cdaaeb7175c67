"""The embedded archive: one folder with the records in SQLite and a tantivy index.

Layout::

    despatch-archive/
      records.sqlite      the records (the source of truth; WAL; schema version + migrations)
      index/              the tantivy index (derived: `despatch reindex` rebuilds it)
      index/despatch.json the index stamp: the records generation it has caught up to

Every write is one SQLite transaction that bumps the records' ``generation`` and stamps
its rows with it; the index is then brought up to that generation and the stamp written.
A crash between the two commits leaves a stamp older than the records: opening the
archive notices and indexes exactly the rows written since (deleting any half-written
copies first), so the archive always answers queries for everything it holds.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tantivy

from despatch.errors import IntegrityError, NotFound, QueryError, StoreError
from despatch.model import AuthorityEntry, Document, Volume
from despatch.search.fields import index_fields
from despatch.search.query import MatchAll, Node, parse_query
from despatch.search.snippet import Snippeter, SnippetSource
from despatch.store import _sqlite, _tantivy
from despatch.store._rows import (
    ESTIMATE_FROM,
    FACET_LIMIT,
    SAMPLE_MATCHES,
    content_hash,
    facet_values,
    load_record,
    sample_buckets,
    scaled_counts,
)
from despatch.store._sqlite_links import SqliteLinks
from despatch.store.base import (
    ArchiveStats,
    Citation,
    Outcome,
    SearchHit,
    SearchResults,
    SortOrder,
    Store,
)

log = logging.getLogger("despatch.store")

RECORDS = "records.sqlite"
INDEX = "index"
STAMP = "despatch.json"
#: The index writer's memory budget: it fills this much before writing a segment, so a
#: long ingest's writer process holds all of it (128 MB cost 60 MB more RSS at 30k
#: documents than 64 MB, for no measurable gain in CPU time).
_WRITER_HEAP = 64_000_000


def _hash_volume(volume: Volume) -> str:
    data = volume.model_dump_json(exclude={"origin"}).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


class LocalStore(Store):
    """An archive folder: SQLite records + a tantivy index."""

    #: What counting one facet value in Python costs, in documents aggregated (measured
    #: on a 100k archive); decides when facets are counted as everything − complement.
    facet_value_cost = 3
    #: Facet counts over at least this many documents are split into ``facet_threads``
    #: aggregations run side by side (tantivy releases the GIL); below it, one
    #: aggregation is cheaper than the second pass over the query and the hand-off.
    facet_parallel_from = 20_000
    facet_threads = 2
    #: A count takes a wide facet's top values from among the whole archive's
    #: ``facet_hint_values`` most frequent (one pass, exact when they hold the top; see
    #: ``_tantivy.count_facets``) when it matches a large enough share of the archive for
    #: that to be likely: ``facet_hint_margin`` × (the archive count of the first value
    #: left out) / (the archive count of the last value shown).
    facet_hint_margin = 1.5
    facet_hint_values = 4 * FACET_LIMIT
    #: Facets over at least this many matches are estimated (unless exact counts are
    #: asked for) from the matches in a fixed hash sample of the archive holding about
    #: ``facet_sample_matches`` of them, scaled up: exact counts over half of a
    #: 1M-document archive took 25–40 ms on top of the search, the estimate 5–9 ms.
    facet_estimate_from = ESTIMATE_FROM
    facet_sample_matches = SAMPLE_MATCHES
    #: Facets over fewer matches are counted by aggregations whose segments report up to
    #: ``FEW_MATCHES_SEGMENT_SIZE`` values, all they have: exact in one pass, no hints.
    facet_few_matches = 100_000

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
        elif not self.path.is_dir():
            raise NotFound(
                f"{self.path}: no archive here; run `despatch ingest PATH` to create it, "
                "or pass --archive with the right folder"
            )
        self.db = _sqlite.connect(self.path / RECORDS, create=create)
        self._schema = _tantivy.build_schema()
        self._stamp_path = str(self.path / INDEX / STAMP)
        self._writer: tantivy.IndexWriter | None = None
        self._defer_commit = 0
        self._stamp_mtime = 0.0
        self._all_facet_cache: tuple[object, tuple[dict[str, dict[str, int]], bool]] | None = None
        #: The index version found on disk when it was not this code's (then rebuilt).
        self._stale_version: int | None = None
        #: The records generation a full rebuild at open brought the index to.
        self._rebuilt_at: int | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._search_pool: ThreadPoolExecutor | None = None
        self._hint_cache: tuple[object, dict[str, tuple[list[str], int, float]]] | None = None
        self._index = self._open_index()
        self.repaired = self._catch_up()

    # --- the index and its stamp ------------------------------------------------------

    @property
    def _index_dir(self) -> Path:
        return self.path / INDEX

    def _read_stamp(self) -> dict[str, int]:
        try:
            data = json.loads((self._index_dir / STAMP).read_text("utf-8"))
            return {"generation": int(data["generation"]), "version": int(data["version"])}
        except (OSError, ValueError, KeyError, TypeError):
            return {"generation": -1, "version": -1}

    def _write_stamp(self, generation: int) -> None:
        tmp = self._index_dir / (STAMP + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump({"generation": generation, "version": _tantivy.INDEX_VERSION}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._index_dir / STAMP)

    def _open_index(self) -> tantivy.Index:
        self._index_dir.mkdir(exist_ok=True)
        stamp = self._read_stamp()
        if stamp["version"] not in (-1, _tantivy.INDEX_VERSION):
            self._stale_version = stamp["version"]
            self._wipe_index()
        try:
            return tantivy.Index(self._schema, path=str(self._index_dir), reuse=True)
        except ValueError:
            # An index from an incompatible layout or a damaged one: it is derived, rebuild.
            self._wipe_index()
            return tantivy.Index(self._schema, path=str(self._index_dir), reuse=True)

    def _wipe_index(self) -> None:
        shutil.rmtree(self._index_dir, ignore_errors=True)
        self._index_dir.mkdir()

    def _get_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self._index.writer(_WRITER_HEAP, 1)
            except ValueError as exc:
                raise StoreError(
                    f"{self._index_dir}: the index is being written by another process "
                    f"({exc}); wait for it to finish, then retry"
                ) from exc
        return self._writer

    def _catch_up(self) -> int:
        """Index the rows written after the index's stamp; the number re-indexed."""
        generation = _sqlite.get_meta(self.db, "generation")
        stamp = self._read_stamp()["generation"]
        if stamp >= generation and stamp >= 0:
            return 0
        try:
            writer = self._get_writer()
        except StoreError:
            return 0  # another process is writing; it will bring the index up to date
        if stamp < 0:
            self._announce_rebuild()
            writer.delete_all_documents()
        count = 0
        for batch in _sqlite.iter_index_rows(self.db, after_generation=max(stamp, 0)):
            for key, doc in batch:
                self._delete_key(writer, key)
                writer.add_document(_tantivy.index_document(key, index_fields(doc)))
                count += 1
        writer.commit()
        self._write_stamp(generation)
        self._reload()
        self._release_writer()
        if stamp < 0:
            self._rebuilt_at = generation
        return count

    def _announce_rebuild(self) -> None:
        """Say why opening the archive takes long: the whole index is being rebuilt."""
        (documents,) = self.db.execute("SELECT count(*) FROM documents").fetchone()
        if not documents:
            return
        if self._stale_version is not None:
            why = (
                f"the search index was built by another despatch version (index version "
                f"{self._stale_version}, this one reads {_tantivy.INDEX_VERSION})"
            )
        else:
            why = "the search index is missing or unreadable"
        log.warning(
            "%s: %s; rebuilding it from the records (%s documents, two to three minutes per "
            "100,000) before the archive can be searched",
            self._index_dir,
            why,
            f"{documents:,}",
        )

    def _delete_key(self, writer: tantivy.IndexWriter, key: int) -> None:
        # By query: deleting by term does not match u64 terms in tantivy-py 0.27.
        writer.delete_documents_by_query(tantivy.Query.term_query(self._schema, "key", key))

    def _reload(self) -> None:
        self._index.reload()
        with contextlib.suppress(OSError):
            self._stamp_mtime = os.stat(self._stamp_path).st_mtime

    def _maybe_reload(self) -> None:
        """See commits made by another process (the stamp changes on every commit)."""
        try:
            mtime = os.stat(self._stamp_path).st_mtime
        except OSError:
            return
        if mtime != self._stamp_mtime:
            self._reload()

    def _commit_index(self) -> None:
        """Commit the index, stamp it, and let the writer go.

        Releasing the writer frees the index's lock, so another process (a long-running
        web server, say) never keeps `despatch ingest` from writing.
        """
        if self._writer is None:
            return
        self._writer.commit()
        self._write_stamp(_sqlite.get_meta(self.db, "generation"))
        self._reload()
        self._release_writer()

    def _release_writer(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.wait_merging_threads()

    @contextlib.contextmanager
    def bulk(self) -> Iterator[LocalStore]:
        """Defer index commits to the end of a run of ``put`` calls (for ingest).

        Records are still committed per call; a crash leaves the index behind the
        records, which the next open repairs.
        """
        self._defer_commit += 1
        try:
            yield self
        finally:
            self._defer_commit -= 1
            if self._defer_commit == 0:
                self._commit_index()

    # --- writing ----------------------------------------------------------------------

    def put(self, documents: Iterable[Document]) -> list[Outcome]:
        rows = [_sqlite.row_of(doc) for doc in documents]
        return self.put_rows(rows)

    def put_rows(self, rows: Sequence[_sqlite.Row]) -> list[Outcome]:
        """Store prepared rows (see ``_sqlite.row_of``) in one transaction."""
        if not rows:
            return []
        writer = self._get_writer()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            generation = _sqlite.get_meta(self.db, "generation") + 1
            results = _sqlite.write_rows(self.db, rows, generation)
            # Built before the records commit, so a document the index cannot take
            # fails its batch instead of leaving the index silently behind.
            changes = [
                (outcome, key, _tantivy.index_document(key, row.fields, row.texts))
                for row, (outcome, key) in zip(rows, results, strict=True)
                if key is not None
            ]
            if changes:
                _sqlite.set_meta(self.db, "generation", generation)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        for outcome, key, tdoc in changes:
            if outcome == "updated":
                self._delete_key(writer, key)
            writer.add_document(tdoc)
        if changes and not self._defer_commit:
            self._commit_index()
        return [Outcome(outcome) for outcome, _ in results]

    def put_volume(self, volume: Volume) -> Outcome:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            outcome = _sqlite.write_volume(self.db, volume, _hash_volume(volume))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return Outcome(outcome)

    # --- reading ----------------------------------------------------------------------

    def get(self, doc_id: str) -> Document:
        row = self.db.execute(
            "SELECT record, body FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise NotFound(
                f"no document {doc_id!r} in the archive at {self.path}; "
                "find ids with `despatch search`"
            )
        return load_record(row[0], row[1])

    def get_volume(self, volume_id: str) -> Volume:
        row = self.db.execute("SELECT record FROM volumes WHERE id = ?", (volume_id,)).fetchone()
        if row is None:
            raise NotFound(f"no volume {volume_id!r} in the archive at {self.path}")
        return Volume.from_json(row[0])

    def volumes(self) -> list[Volume]:
        rows = self.db.execute("SELECT record FROM volumes ORDER BY id").fetchall()
        return [Volume.from_json(r[0]) for r in rows]

    _HIT_COLUMNS = "key, id, title, type, volume, number, date_value, sender, recipient, first_page"

    @staticmethod
    def _hit_from_row(row: Sequence[Any], score: float = 0.0) -> SearchHit:
        return SearchHit(
            id=row[1],
            title=row[2],
            type=row[3],
            volume=row[4],
            number=row[5],
            date=row[6],
            sender=json.loads(row[7]),
            recipient=json.loads(row[8]),
            page=row[9],
            score=score,
        )

    def volume_documents(self, volume_id: str) -> list[SearchHit]:
        rows = self.db.execute(
            f"SELECT {self._HIT_COLUMNS} FROM documents WHERE volume = ? ORDER BY ord_a, ord_b, id",
            (volume_id,),
        ).fetchall()
        return [self._hit_from_row(r) for r in rows]

    def authority(self, key: str, *, volume: str | None = None) -> AuthorityEntry:
        if volume is None:
            row = self.db.execute(
                "SELECT record FROM authority WHERE id = ? ORDER BY volume LIMIT 1", (key,)
            ).fetchone()
        else:
            row = self.db.execute(
                "SELECT record FROM authority WHERE id = ? AND volume = ?", (key, volume)
            ).fetchone()
        if row is None:
            where = f" in volume {volume}" if volume else ""
            raise NotFound(f"no person or term {key!r}{where}")
        return AuthorityEntry.model_validate_json(row[0])

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        sort: SortOrder = "relevance",
        facets: bool = False,
        exact_facets: bool = False,
    ) -> SearchResults:
        started = time.perf_counter()
        if limit < 0 or offset < 0:
            raise QueryError("limit and offset must be zero or more")
        ast = parse_query(query)
        self._maybe_reload()
        searcher = self._index.searcher()
        tq = _tantivy.to_tantivy(self._schema, ast, self._expander(searcher))
        if sort == "date":
            run_search = functools.partial(
                searcher.search,
                tq,
                limit=max(limit, 1),
                count=True,
                order_by_field="sortday",
                offset=offset,
                order=tantivy.Order.Asc,
            )
        else:
            run_search = functools.partial(
                searcher.search, tq, limit=max(limit, 1), count=True, offset=offset
            )
        result, counts, sample = self._search_and_count(
            searcher, ast, tq, run_search, facets=facets, exact_facets=exact_facets
        )
        pairs = result.hits[:limit]
        keys = [
            int(k) if k is not None else None
            for k in searcher.fast_field_values("key", [addr for _, addr in pairs])
        ]
        scores = [float(s) if sort != "date" else 0.0 for s, _ in pairs]
        hits = self._hits_for(keys, scores, ast)
        total = int(getattr(result, "count", 0) or 0)
        facet_map = {name: facet_values(c) for name, c in (counts or {}).items()}
        return SearchResults(
            query=query,
            total=total,
            offset=offset,
            limit=limit,
            sort=sort,
            hits=hits,
            facets=facet_map,
            facets_sample=sample,
            took_ms=(time.perf_counter() - started) * 1000,
        )

    def _search_and_count(
        self,
        searcher: tantivy.Searcher,
        ast: Any,
        tq: tantivy.Query,
        run_search: Callable[[], Any],
        *,
        facets: bool,
        exact_facets: bool,
    ) -> tuple[Any, dict[str, dict[str, int]] | None, int | None]:
        """The search's result, the facet counts (``None`` without facets) and the matches
        they were estimated from (``None`` when exact).

        The facets are counted beside the search, on another core, when term statistics
        say enough about the total (``match_bound``), which otherwise only the search
        tells: exactly when the bound is under ``facet_estimate_from``; from a sample
        when the matches are likely over twice the threshold, sized by what the term
        statistics expect (``match_estimate``: a close bound, or an ``AND``'s parts taken
        as independent), drawn again after the search if it holds too few of them.
        Otherwise after the search, from its total.
        """
        if not facets:
            return run_search(), None, None
        counts: dict[str, dict[str, int]] | None = None
        sampled: tuple[dict[str, dict[str, int]], int] | None = None
        memo: dict[Node, int] = {}  # the parts' bounds, for the estimate below
        bound = _tantivy.match_bound(searcher, ast, memo)
        if bound < self.facet_estimate_from and bound <= searcher.num_docs // 2:
            # The bound stands in for the total: it only steers how they are counted.
            searching = self._beside(run_search)
            counts = self._facet_counts(searcher, ast, tq, bound, beside_search=True)
            result = searching.result()
        elif (
            not exact_facets
            and bound >= 2 * self.facet_estimate_from
            and (expected := _tantivy.match_estimate(searcher, ast, memo)) is not None
            and expected >= 2 * self.facet_estimate_from
        ):
            searching = self._beside(run_search)
            # One aggregation: the search has the other core, and each aggregation
            # evaluates the query again over the sample's range.
            sampled = self._sample_counts(searcher, tq, expected, parts=1)
            result = searching.result()
        else:
            result = run_search()
        total = int(getattr(result, "count", 0) or 0)
        sample: int | None = None
        if counts is None and not exact_facets and self._estimable(searcher, total):
            # A sample sized by a loose bound can hold too few matches: sample again.
            if sampled is None or sampled[1] < self.facet_sample_matches // 2:
                sampled = self._sample_counts(searcher, tq, total)
            if sampled is not None:
                counts = scaled_counts(sampled[0], _tantivy.FACET_NAMES, total / sampled[1])
                sample = sampled[1]
        if counts is None:
            counts = self._facet_counts(searcher, ast, tq, total)
        return result, counts, sample

    def scan(self, query: str, *, cap: int = 5000) -> tuple[list[SearchHit], int]:
        """Up to ``cap`` matches in date order without snippets, and the total (one query)."""
        ast = parse_query(query)
        self._maybe_reload()
        searcher = self._index.searcher()
        tq = _tantivy.to_tantivy(self._schema, ast, self._expander(searcher))
        result = searcher.search(
            tq, limit=max(cap, 1), count=True, order_by_field="sortday", order=tantivy.Order.Asc
        )
        pairs = result.hits[:cap]
        keys = searcher.fast_field_values("key", [addr for _, addr in pairs])
        by_key: dict[int, SearchHit] = {}
        wanted = [int(k) for k in keys if k is not None]
        for start in range(0, len(wanted), 900):  # SQLite's limit on bound parameters
            chunk = wanted[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT {self._HIT_COLUMNS} FROM documents WHERE key IN ({marks})", chunk
            ):
                by_key[int(row[0])] = self._hit_from_row(row)
        hits = [by_key[k] for k in wanted if k in by_key]
        return hits, int(getattr(result, "count", 0) or 0)

    @staticmethod
    def _expander(searcher: tantivy.Searcher) -> _tantivy.Expander:
        def expand(field: str, prefix: str) -> list[str]:
            return [term for term, _ in searcher.terms_with_prefix(field, prefix)]

        return expand

    def _run_side_by_side(self, tasks: list[Callable[[], Any]]) -> list[Any]:
        """Run ``tasks`` on the store's threads, the first in this one; results in order."""
        if len(tasks) < 2:
            return [task() for task in tasks]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=self.facet_threads - 1, thread_name_prefix="despatch-facets"
            )
        futures = [self._pool.submit(task) for task in tasks[1:]]
        first = tasks[0]()
        return [first, *(f.result() for f in futures)]

    def _beside(self, task: Callable[[], Any]) -> Future[Any]:
        """Start ``task`` on one of the store's search threads (tantivy releases the GIL;
        one per core, so that a server's concurrent searches still run side by side)."""
        if self._search_pool is None:
            self._search_pool = ThreadPoolExecutor(
                max(2, os.cpu_count() or 1), thread_name_prefix="despatch-search"
            )
        return self._search_pool.submit(task)

    def _estimable(self, searcher: tantivy.Searcher, total: int) -> bool:
        """Whether facets over ``total`` matches are estimated (``facet_estimate_from``);
        not for all documents, whose counts are the archive's own, cached."""
        return self.facet_estimate_from <= total < int(searcher.num_docs)

    def _sample_counts(
        self,
        searcher: tantivy.Searcher,
        tq: tantivy.Query,
        total: int,
        *,
        parts: int | None = None,
    ) -> tuple[dict[str, dict[str, int]], int] | None:
        """Facet counts of the matches in a sample, and how many it holds; ``None`` when
        the sample would be the whole archive or tantivy refuses the aggregation.

        The sample is the first k of ``SAMPLE_BUCKETS`` hash buckets of document ids,
        k chosen to hold about ``facet_sample_matches`` of ``total`` matches; each
        value's count in it, scaled by (all matches) / (matches in the sample), is its
        estimate. The same query always gets the same sample, so the estimates do not
        change between requests. Values rare among the matches can be missing or off by
        more than the frequent ones. ``parts``: aggregations run side by side (default
        ``facet_threads``).
        """
        buckets = sample_buckets(total, self.facet_sample_matches)
        if buckets is None:
            return None
        sampled_query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tq),
                (tantivy.Occur.Must, _tantivy.sample_query(self._schema, buckets)),
            ]
        )
        all_counts, _ = self._all_facets(searcher)
        cardinality = {name: len(counts) for name, counts in all_counts.items()}
        groups = _tantivy.facet_groups(
            cardinality, parts=self.facet_threads if parts is None else parts
        )
        request = _tantivy.facet_aggregation(FACET_LIMIT, _tantivy.SAMPLE_SEGMENT_SIZE)
        aggregate = functools.partial(_tantivy.try_aggregate, searcher, sampled_query)
        tasks: list[Callable[[], Any]] = [
            functools.partial(aggregate, {n: request[n] for n in g}) for g in groups
        ]
        counts: dict[str, dict[str, int]] = {}
        for group, result in zip(groups, self._run_side_by_side(tasks), strict=True):
            if result is None:
                return None  # too many values for one aggregation: count exactly
            got = _tantivy.facet_counts(result)
            counts.update({name: got[name] for name in group})
        # Every document has exactly one type: the type counts add up to the sample.
        sampled = sum(counts.get("type", {}).values())
        return (counts, sampled) if sampled else None

    def _facet_counts(
        self,
        searcher: tantivy.Searcher,
        ast: Any,
        tq: tantivy.Query,
        total: int,
        *,
        beside_search: bool = False,
    ) -> dict[str, dict[str, int]]:
        """Facet counts over every match, in time proportional to the smaller side.

        Counting is linear in the documents counted, so a query matching most of the
        archive is counted as the whole archive's counts (cached per index version)
        minus those of the documents it does not match. Either way, large counts are
        split over ``facet_threads`` aggregations run side by side.

        Fewer than ``facet_few_matches`` matches are counted by aggregations whose
        segments report all their values (``FEW_MATCHES_SEGMENT_SIZE``): exact at once.
        ``beside_search``: ``total`` is only a bound (``match_bound``) and the search runs
        beside, so a large count takes one aggregation (one thread), not
        ``facet_threads``.
        """
        everything = searcher.num_docs
        if isinstance(ast, MatchAll) or total == everything:
            return self._all_facets(searcher)[0]
        all_counts, all_exact = self._all_facets(searcher)
        # What each facet can hold at most, so the facets share as few passes as fit.
        cardinality = {name: len(counts) for name, counts in all_counts.items()}

        def count(
            query: tantivy.Query,
            matches: int,
            size: int = FACET_LIMIT,
            hints: _tantivy.Hints | None = None,
            split: bool = True,
        ) -> tuple[dict[str, dict[str, int]], bool]:
            if matches < self.facet_few_matches and size == FACET_LIMIT and hints is None:
                return _tantivy.count_facets(
                    searcher,
                    query,
                    size,
                    cardinality,
                    # Small counts cost the wide facets' fixed part (sender: ~2 ms at 1M
                    # documents, whatever the matches): split unless the query is dear to
                    # evaluate again and the search is running beside.
                    parts=(
                        1
                        if beside_search and matches >= self.facet_parallel_from
                        else self.facet_threads
                    ),
                    run=self._run_side_by_side,
                    segment_size=_tantivy.FEW_MATCHES_SEGMENT_SIZE,
                )
            parts = self.facet_threads if split and matches >= self.facet_parallel_from else 1
            wide = cardinality
            if hints is None and size == FACET_LIMIT and all_exact:
                hints = self._facet_hints(all_counts, matches / everything)
            elif hints is not None:  # a hinted facet makes only its hinted values' buckets
                wide = {n: len(hints[n][0]) if n in hints else c for n, c in cardinality.items()}
            return _tantivy.count_facets(
                searcher, query, size, wide, parts=parts, run=self._run_side_by_side, hints=hints
            )

        if total <= everything // 2 or not all_exact:
            return count(tq, total)[0]
        # The complement costs its documents (asking for every value makes each one
        # ≈1.5× dearer) plus a pass over the facet values it counts in Python (one value
        # ≈ 3 documents): every value of the narrow facets, the archive's most frequent
        # of the wide ones; count directly when that is more.
        hints = self._facet_hints(all_counts, total / everything)
        values = sum(
            len(hints[name][0]) if name in hints else len(counts)
            for name, counts in all_counts.items()
        )
        if 1.5 * (everything - total) + self.facet_value_cost * values >= total:
            return count(tq, total)[0]
        # One pass: finding the complement walks the whole archive, each pass again.
        rest, rest_exact = count(
            _tantivy.complement(tq), everything - total, _tantivy.ALL_VALUES, hints, split=False
        )
        if not rest_exact:
            return count(tq, total)[0]
        out: dict[str, dict[str, int]] = {}
        for name, counts in all_counts.items():
            minus = rest.get(name, {})
            keys = hints[name][0] if name in hints else counts
            out[name] = {
                v: counts[v] - minus.get(v, 0) for v in keys if counts[v] > minus.get(v, 0)
            }
            if name in hints:
                # Any value not hinted matches at most its archive count, the bound: the
                # hinted ones hold the top only when the top's last count is above it.
                bound = hints[name][1]
                ranked = sorted(out[name].values(), reverse=True)
                if bound and (len(ranked) < FACET_LIMIT or ranked[FACET_LIMIT - 1] <= bound):
                    return count(tq, total)[0]
        return out

    def _facet_hints(
        self, all_counts: dict[str, dict[str, int]], share: float | None = None
    ) -> _tantivy.Hints:
        """The whole archive's most frequent values of each facet too wide to be counted
        whole cheaply, and the archive count of the next value (cached with the counts);
        with ``share`` (of the archive matched), only for the facets where they likely
        hold the top values (``facet_hint_margin``)."""
        if self._hint_cache is None or self._hint_cache[0] is not all_counts:
            hints: dict[str, tuple[list[str], int, float]] = {}
            for name, counts in all_counts.items():
                if len(counts) <= _tantivy.FAST_SEGMENT_SIZE:
                    continue  # no segment can leave one of its values out
                ranked = sorted(counts.values(), reverse=True)
                top = sorted(counts, key=lambda v: -counts[v])[: self.facet_hint_values]
                bound = ranked[len(top)] if len(ranked) > len(top) else 0
                last_shown = ranked[min(FACET_LIMIT, len(ranked)) - 1]
                hints[name] = (top, bound, bound / last_shown if last_shown else 1.0)
            self._hint_cache = (all_counts, hints)
        return {
            name: (top, bound)
            for name, (top, bound, needed) in self._hint_cache[1].items()
            if share is None or share >= self.facet_hint_margin * needed
        }

    def _all_facets(self, searcher: tantivy.Searcher) -> tuple[dict[str, dict[str, int]], bool]:
        """The whole archive's facet counts and whether they are complete (cached)."""
        key = (self._stamp_mtime, searcher.num_docs, searcher.num_segments)
        if self._all_facet_cache is None or self._all_facet_cache[0] != key:
            counts = _tantivy.count_facets(searcher, tantivy.Query.all_query(), _tantivy.ALL_VALUES)
            self._all_facet_cache = (key, counts)
        return self._all_facet_cache[1]

    def _hits_for(
        self, keys: Sequence[int | None], scores: Sequence[float], ast: Any
    ) -> list[SearchHit]:
        wanted = [k for k in keys if k is not None]
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        rows = self.db.execute(
            f"SELECT {self._HIT_COLUMNS}, body, pages FROM documents WHERE key IN ({marks})",
            wanted,
        ).fetchall()
        by_key = {int(r[0]): r for r in rows}
        snippeter = Snippeter(ast)
        hits: list[SearchHit] = []
        for key, score in zip(keys, scores, strict=True):
            row = by_key.get(int(key)) if key is not None else None
            if row is None:
                continue  # indexed but gone from the records: `despatch reindex` repairs
            hit = self._hit_from_row(row, score)
            snip = snippeter(self._snippet_source(row))
            hit.snippet, hit.highlights, hit.page = snip.text, snip.highlights, snip.page
            hits.append(hit)
        return hits

    def _snippet_source(self, row: Sequence[Any]) -> SnippetSource:
        """The snippet source of a hit row (``..., body, pages``), notes read lazily."""
        key, first_page, body, pages = int(row[0]), row[9], row[10], row[11]
        if body is None:  # a row from schema version 1: everything is in the record
            return SnippetSource.of(self._load_key(key))
        return SnippetSource(
            body=body,
            page_breaks=tuple((str(p), int(o)) for p, o in json.loads(pages or "[]")),
            first_page=first_page,
            notes=lambda: self._notes_of(key),
        )

    def _load_key(self, key: int) -> Document:
        record, body = self.db.execute(
            "SELECT record, body FROM documents WHERE key = ?", (key,)
        ).fetchone()
        return load_record(record, body)

    def _notes_of(self, key: int) -> tuple[tuple[str, str | None], ...]:
        (notes,) = self.db.execute("SELECT notes FROM documents WHERE key = ?", (key,)).fetchone()
        if notes is not None:
            return tuple((str(text), page) for text, page in json.loads(notes))
        # A row from schema version 2: the notes are only in the record.
        return tuple((n.text, n.page) for n in self._load_key(key).notes)

    def reference_lookup(self) -> SqliteLinks:
        """The archive's indexed reference lookup (``store/_sqlite_links.py``)."""
        return SqliteLinks(self.db)

    def cited_by(self, doc_id: str) -> list[Citation]:
        from despatch.store._rows import citations_of

        sources = self.db.execute(
            "SELECT DISTINCT source FROM doc_references WHERE target = ? AND source != ? "
            "ORDER BY source",
            (doc_id, doc_id),
        ).fetchall()
        out: list[Citation] = []
        for (source,) in sources:
            out.extend(citations_of(self.get(source), doc_id))
        return out

    def neighbors(self, doc_id: str) -> tuple[str | None, str | None]:
        row = self.db.execute(
            "SELECT volume, ord_a, ord_b FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no document {doc_id!r} in the archive at {self.path}")
        volume, a, b = row
        if volume is None:
            return None, None
        prev = self.db.execute(
            "SELECT id FROM documents WHERE volume = ? AND (ord_a, ord_b, id) < (?, ?, ?) "
            "ORDER BY ord_a DESC, ord_b DESC, id DESC LIMIT 1",
            (volume, a, b, doc_id),
        ).fetchone()
        nxt = self.db.execute(
            "SELECT id FROM documents WHERE volume = ? AND (ord_a, ord_b, id) > (?, ?, ?) "
            "ORDER BY ord_a, ord_b, id LIMIT 1",
            (volume, a, b, doc_id),
        ).fetchone()
        return (prev[0] if prev else None, nxt[0] if nxt else None)

    def stats(self) -> ArchiveStats:
        def counts(column: str) -> dict[str, int]:
            rows = self.db.execute(
                f"SELECT {column}, count(*) FROM documents WHERE {column} IS NOT NULL "
                f"GROUP BY {column} ORDER BY {column}"
            ).fetchall()
            return {str(k): int(n) for k, n in rows}

        by_volume = counts("volume")
        volume_ids = {r[0] for r in self.db.execute("SELECT id FROM volumes")}
        (total,) = self.db.execute("SELECT count(*) FROM documents").fetchone()
        return ArchiveStats(
            documents=int(total),
            volumes=len(set(by_volume) | volume_ids),
            by_volume=by_volume,
            by_type=counts("type"),
            by_year=counts("year"),
        )

    # --- maintenance ------------------------------------------------------------------

    def reindex(self) -> int:
        """Rebuild the index from the records; the number of documents indexed.

        When opening the archive already rebuilt the whole index (an index of another
        version) and nothing was written since, that rebuild is not done twice.
        """
        generation = _sqlite.get_meta(self.db, "generation")
        if self._writer is None and self._rebuilt_at == generation:
            return int(self._index.searcher().num_docs)
        if self._writer is not None:
            self._writer.rollback()
        writer = self._get_writer()
        writer.delete_all_documents()
        count = 0
        for batch in _sqlite.iter_index_rows(self.db):
            for key, doc in batch:
                writer.add_document(_tantivy.index_document(key, index_fields(doc)))
                count += 1
        writer.commit()
        self._write_stamp(_sqlite.get_meta(self.db, "generation"))
        self._reload()
        self._release_writer()
        return count

    def check(self, *, records: bool = True) -> list[str]:
        """Integrity problems; ``records=False`` skips loading every record (fast)."""
        problems: list[str] = []
        pragma = "integrity_check" if records else "quick_check"
        for (line,) in self.db.execute(f"PRAGMA {pragma}").fetchall():
            if line != "ok":
                problems.append(f"{RECORDS}: {line}")
        (checked,) = self.db.execute("SELECT count(*) FROM documents").fetchone()
        rows = self.db.execute("SELECT id, hash, record, body FROM documents") if records else []
        for doc_id, hash_, record, body in rows:
            try:
                doc = load_record(record, body)
            except ValueError as exc:
                problems.append(f"{doc_id}: the stored record does not load ({exc})")
                continue
            if doc.id != doc_id:
                problems.append(f"{doc_id}: the stored record has id {doc.id!r}")
            elif content_hash(doc) != hash_:
                problems.append(f"{doc_id}: the stored content hash does not match the record")
        generation = _sqlite.get_meta(self.db, "generation")
        stamp = self._read_stamp()["generation"]
        if stamp != generation:
            problems.append(
                f"index: at generation {stamp}, records at {generation}; run `despatch reindex`"
            )
        self._maybe_reload()
        indexed = self._index.searcher().num_docs
        if indexed != checked:
            problems.append(
                f"index: holds {indexed} documents, records hold {checked}; run `despatch reindex`"
            )
        return problems

    def close(self) -> None:
        for pool in (self._pool, self._search_pool):
            if pool is not None:
                pool.shutdown(wait=True)
        self._pool = self._search_pool = None
        if self._writer is not None:
            with contextlib.suppress(ValueError):
                if self._defer_commit:
                    self._commit_index()
            self._release_writer()
        with contextlib.suppress(sqlite3.Error):
            self.db.close()


def ensure_archive(path: Path) -> None:
    """Raise ``IntegrityError`` when ``path`` is a folder that is not an archive."""
    if path.is_dir() and any(path.iterdir()) and not (path / RECORDS).exists():
        raise IntegrityError(
            f"{path}: this folder is not a despatch archive (no {RECORDS}); "
            "choose an empty or new folder with --archive"
        )


__all__ = ["LocalStore", "ensure_archive"]
