"""The Python API: an archive you open, fill and search.

>>> from despatch import Archive
>>> with Archive.open("./despatch-archive") as archive:          # doctest: +SKIP
...     archive.ingest(["samples/"])
...     for hit in archive.search("Chiang Kai-shek from:Moscow").hits:
...         print(hit.id, hit.page, hit.snippet)
...     doc = archive.get("frus1958-60v19/d110")

The archive is a folder (SQLite records + a tantivy index) or a ``postgresql://`` URL;
queries use the despatch query language (``despatch.search.query``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from despatch.ingest import IngestProgress, IngestReport, ingest
from despatch.model import Document, Volume
from despatch.store import open_store
from despatch.store.base import ArchiveStats, Citation, SearchResults, SortOrder, Store


class Archive:
    """An open archive: ``ingest``, ``search``, ``get`` and ``stats`` over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, path_or_url: str | Path, *, create: bool = True) -> Archive:
        """Open the archive at a folder or ``postgresql://`` URL (created if missing)."""
        return cls(open_store(path_or_url, create=create))

    def ingest(
        self,
        paths: Iterable[str | Path] | str | Path,
        *,
        strict: bool = False,
        volume: str | None = None,
        workers: int | None = None,
        progress: Callable[[IngestProgress], None] | None = None,
        enrich: bool = True,
    ) -> IngestReport:
        """Read files, folders or globs into the archive (see ``despatch.ingest``)."""
        if isinstance(paths, str | Path):
            paths = [paths]
        return ingest(
            self.store,
            paths,
            strict=strict,
            volume=volume,
            workers=workers,
            progress=progress,
            enrich=enrich,
        )

    def search(
        self,
        query: str = "",
        *,
        limit: int = 10,
        offset: int = 0,
        sort: SortOrder = "relevance",
        facets: bool = False,
        exact_facets: bool = False,
    ) -> SearchResults:
        """Search with the query language; raises ``QuerySyntaxError`` on bad queries.

        Facet counts over very large result sets may be estimates from a sample
        (``SearchResults.facets_sample``); ``exact_facets`` counts every match."""
        return self.store.search(
            query,
            limit=limit,
            offset=offset,
            sort=sort,
            facets=facets,
            exact_facets=exact_facets,
        )

    def get(self, doc_id: str) -> Document:
        """The document ``doc_id``; raises ``NotFound``."""
        return self.store.get(doc_id)

    def volume(self, volume_id: str) -> Volume:
        """The volume record ``volume_id``; raises ``NotFound``."""
        return self.store.get_volume(volume_id)

    def cited_by(self, doc_id: str) -> list[Citation]:
        """Documents in the archive that cite ``doc_id``."""
        return self.store.cited_by(doc_id)

    def stats(self) -> ArchiveStats:
        """Counts by volume, type and year."""
        return self.store.stats()

    def check(self) -> list[str]:
        """Integrity problems (an empty list when the archive is sound)."""
        return self.store.check()

    def close(self) -> None:
        """Release files and connections."""
        self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Archive"]
