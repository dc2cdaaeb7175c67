"""The storage interface every backend implements, and the values it returns.

Backends: ``store/local.py`` (the embedded archive: SQLite records + a tantivy index in
one folder), ``store/postgres.py`` (a PostgreSQL server) and ``store/memory.py`` (a
dict-backed fake for tests). Routes and commands talk only to ``Store``, so every
backend behaves the same.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from despatch.model import AuthorityEntry, Document, Volume

if TYPE_CHECKING:
    from despatch.enrich.resolve import ReferenceLookup

SortOrder = Literal["relevance", "date"]

FACET_FIELDS: tuple[str, ...] = (
    "type",
    "year",
    "sender",
    "recipient",
    "classification",
    "precedence",
    "volume",
)


class Outcome(StrEnum):
    """What storing one record did."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    # The archive already holds this document from a richer source (TEI over Markdown
    # over plain text: see ``store._rows.READER_RANK``), which is kept.
    SUPERSEDED = "superseded"


class SearchHit(BaseModel):
    """One matching document, with what a result list shows."""

    id: str
    title: str
    type: str
    volume: str | None = None
    number: str | None = None
    date: str | None = None
    sender: list[str] = Field(default_factory=list)
    recipient: list[str] = Field(default_factory=list)
    snippet: str = ""  # plain text; never HTML
    highlights: list[tuple[int, int]] = Field(default_factory=list)  # spans of snippet
    page: str | None = None  # the printed page the (first) hit is on
    score: float = 0.0


class FacetValue(BaseModel):
    """One value of a facet with the number of matching documents."""

    value: str
    count: int


class SearchResults(BaseModel):
    """A page of results, the total, and facet counts over all matches."""

    query: str
    total: int
    offset: int = 0
    limit: int = 10
    sort: SortOrder = "relevance"
    hits: list[SearchHit] = Field(default_factory=list)
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict)
    #: When the facet counts are estimates: the matches they were counted over (a fixed
    #: hash sample of the archive), scaled up to ``total``; ``None`` when they are exact.
    facets_sample: int | None = None
    took_ms: float = 0.0

    @property
    def facets_estimated(self) -> bool:
        """Whether the facet counts are estimates (see ``facets_sample``)."""
        return self.facets_sample is not None


class Citation(BaseModel):
    """A reference from one stored document to another ("cited by")."""

    source: str  # the citing document id
    source_title: str = ""
    source_date: str | None = None
    target: str
    text: str  # the reference as printed
    note: str | None = None  # the note number it sits in, if any


class ArchiveStats(BaseModel):
    """Counts over the whole archive."""

    documents: int
    volumes: int
    by_volume: dict[str, int] = Field(default_factory=dict)
    by_type: dict[str, int] = Field(default_factory=dict)
    by_year: dict[str, int] = Field(default_factory=dict)


class Store(ABC):
    """A place documents are kept and searched."""

    @abstractmethod
    def put(self, documents: Iterable[Document]) -> list[Outcome]:
        """Store documents in one transaction; same content hash means ``UNCHANGED``."""

    def refusals(self) -> dict[str, str]:
        """Why the last ``put`` refused the documents it marked ``FAILED``: id → reason.

        A backend that can refuse one record of a batch and keep the others (PostgreSQL
        rejects, say, a NUL byte in text) says why here, so an ingest can report the
        document and the reason instead of a bare count.
        """
        return {}

    @abstractmethod
    def put_volume(self, volume: Volume) -> Outcome:
        """Store or replace a volume record (front matter, divisions, authority lists)."""

    @abstractmethod
    def get(self, doc_id: str) -> Document:
        """The document ``doc_id``; raises ``NotFound``."""

    @abstractmethod
    def get_volume(self, volume_id: str) -> Volume:
        """The volume ``volume_id``; raises ``NotFound``."""

    @abstractmethod
    def volumes(self) -> list[Volume]:
        """Every volume record, by id."""

    @abstractmethod
    def volume_documents(self, volume_id: str) -> list[SearchHit]:
        """The documents of a volume in their order, as result rows (no snippet)."""

    @abstractmethod
    def authority(self, key: str, *, volume: str | None = None) -> AuthorityEntry:
        """A person or term by authority key (``p_KNS1``); raises ``NotFound``."""

    def entity(self, key: str, *, volume: str | None = None) -> AuthorityEntry:
        """Any entity key a span carries: a volume's (``p_KNS1``) or the bundled tables'.

        Enrichment labels spans with ``people:107127``, ``term:CINCPAC`` and
        ``place:Moscow`` too; those come from ``despatch.enrich.authority``. Raises
        ``NotFound``.
        """
        from despatch.enrich.authority import default_authority
        from despatch.errors import NotFound

        try:
            return self.authority(key, volume=volume)
        except NotFound:
            entry = default_authority().entry(key, volume=volume)
            if entry is None:
                raise
            return entry

    @abstractmethod
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
        """Run a query in the despatch query language; raises ``QueryError``.

        With ``facets``, counts over every match; a backend may estimate them for very
        large result sets (then ``SearchResults.facets_sample`` says from how many
        matches) unless ``exact_facets`` is set.
        """

    def scan(self, query: str, *, cap: int = 5000) -> tuple[list[SearchHit], int]:
        """Up to ``cap`` matching documents in date order (snippets not needed), and the total.

        For whole-result views (the web reader's timeline and correspondence network).
        This default pages through ``search``; a backend may override it with a cheaper
        query that skips ranking and snippets.
        """
        hits: list[SearchHit] = []
        total = 0
        page = 100
        while len(hits) < cap:
            res = self.search(
                query, limit=min(page, cap - len(hits)), offset=len(hits), sort="date"
            )
            total = res.total
            hits.extend(res.hits)
            if not res.hits or len(hits) >= total:
                break
        return hits, total

    def reference_lookup(self) -> ReferenceLookup:
        """The lookup that resolves references against this archive (``despatch.enrich``).

        The built-in backends return a native, indexed one that also keeps the pending
        references an archive-wide pass retries (``despatch.resolution``); this default
        answers through the ordinary methods above (correct, slower).
        """
        from despatch.enrich.resolve import StoreLookup

        return StoreLookup(self)

    @abstractmethod
    def cited_by(self, doc_id: str) -> list[Citation]:
        """Stored documents whose references resolve to ``doc_id``."""

    @abstractmethod
    def neighbors(self, doc_id: str) -> tuple[str | None, str | None]:
        """The previous and next document ids in the same volume."""

    @abstractmethod
    def stats(self) -> ArchiveStats:
        """Counts by volume, type and year."""

    @abstractmethod
    def check(self, *, records: bool = False) -> list[str]:
        """Integrity problems found (empty when the archive is sound).

        ``records`` also verifies every stored record (it loads, and its content hash
        matches), which reads the whole archive.
        """

    @abstractmethod
    def close(self) -> None:
        """Release files and connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ids(hits: Sequence[SearchHit]) -> list[str]:
    """The ids of a list of hits, in order."""
    return [h.id for h in hits]
