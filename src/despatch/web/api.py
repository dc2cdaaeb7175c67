"""The JSON API: the same functions as the reader, as documented JSON (``/openapi.json``).

Routes call ``Store`` only (no SQL here), so every backend answers the same. Limits are
enforced by the parameter declarations (``limit`` ≤ 100, ``offset`` ≤ 10,000); every
error is problem details (see ``web/app.py``).
"""

from __future__ import annotations

import hmac
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from despatch.cite import format_citation
from despatch.model import AuthorityEntry, Document, Reference, Volume
from despatch.store.base import (
    ArchiveStats,
    Citation,
    SearchHit,
    SearchResults,
    Store,
)
from despatch.web.app import MAX_LIMIT, Problem, VolumeCache, WebSettings
from despatch.web.charts import edges, month_counts

CitationStyle = Literal["chicago", "chicago-bibliography", "bibtex", "ris", "csl-json"]

#: media type and file extension of each citation style
CITATION_FORMATS: dict[str, tuple[str, str]] = {
    "chicago": ("text/plain; charset=utf-8", "txt"),
    "chicago-bibliography": ("text/plain; charset=utf-8", "txt"),
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": ("application/vnd.citationstyles.csl+json", "json"),
}

MAX_OFFSET = 10_000

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The query or a parameter is not valid"},
    404: {"model": Problem, "description": "No such record"},
    422: {"model": Problem, "description": "A parameter is missing or out of range"},
    503: {"model": Problem, "description": "The archive's database is unavailable"},
}

router = APIRouter(prefix="/api", tags=["archive"], responses=_ERRORS)
ingest_router = APIRouter(prefix="/api", tags=["ingest"], responses=_ERRORS)


def store_of(request: Request) -> Store:
    """The store the app serves."""
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> WebSettings:
    """The app's settings."""
    settings: WebSettings = request.app.state.settings
    return settings


# --- response models ---------------------------------------------------------------------


class VolumeSummary(BaseModel):
    """A volume in the list of volumes."""

    id: str
    title: str
    volume_title: str | None = None
    sub_series: str | None = None
    published_year: str | None = None
    documents: int = 0


class VolumeDetail(BaseModel):
    """A volume record and its documents in order."""

    volume: Volume
    documents: list[SearchHit]


class PersonDetail(BaseModel):
    """A person or term from a volume's front matter, and documents that name them."""

    entry: AuthorityEntry
    query: str
    total: int
    documents: list[SearchHit]


class CitationText(BaseModel):
    """A document's citation in one style."""

    document: str
    style: CitationStyle
    media_type: str
    text: str


class MonthCount(BaseModel):
    """Documents dated in one month."""

    month: str  # YYYY-MM
    count: int


class Timeline(BaseModel):
    """Matching documents per month."""

    query: str
    total: int
    counted: int = Field(description="documents read (the whole result, up to the cap)")
    undated: int
    months: list[MonthCount]


class NetworkEdge(BaseModel):
    """Documents sent from one party to another."""

    sender: str
    recipient: str
    count: int


class Network(BaseModel):
    """Who wrote to whom among the matching documents, heaviest first."""

    query: str
    total: int
    counted: int
    edges: list[NetworkEdge]


class IngestReport(BaseModel):
    """What an upload did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    superseded: int = Field(0, description="kept the archive's richer copy (e.g. TEI)")
    failed: list[str] = Field(default_factory=list)


# --- helpers ------------------------------------------------------------------------------


def volumes_of(request: Request) -> VolumeCache:
    """The app's volume cache."""
    cache: VolumeCache = request.app.state.volumes
    return cache


def citation_text(doc: Document, style: str, *, volume: Volume | None = None) -> str:
    """``doc`` formatted in ``style`` by ``despatch.cite`` (with its volume record if held)."""
    return format_citation(doc, style, volume=volume)


def person_query(entry: AuthorityEntry) -> str:
    """The search that finds documents naming an authority entry.

    Entity spans carry the authority's label (``Khrushchev, Nikita S., …``), so the
    entry's name as a phrase finds them.
    """
    name = entry.name.replace('"', "").strip()
    field = "place" if entry.kind == "place" else "person"
    if entry.kind in {"term", "organization"}:
        return f'"{name}"'
    return f'{field}:"{name}"'


def person_documents(
    store: Store, entry: AuthorityEntry, *, limit: int, offset: int = 0
) -> tuple[str, SearchResults]:
    """Documents that name ``entry``, oldest first; falls back to the surname alone."""
    query = person_query(entry)
    res = store.search(query, limit=limit, offset=offset, sort="date")
    surname = entry.name.split(",")[0].replace('"', "").strip()
    if res.total == 0 and entry.kind == "person" and surname and surname != entry.name:
        query = f'person:"{surname}"'
        res = store.search(query, limit=limit, offset=offset, sort="date")
    return query, res


# --- routes -------------------------------------------------------------------------------


@router.get("/search", response_model=SearchResults, summary="Search the archive")
def search(
    request: Request,
    q: Annotated[
        str,
        Query(max_length=2000, description="A query in the despatch query language"),
    ] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    sort: Literal["relevance", "date"] = "relevance",
    facets: bool = False,
    exact_facets: Annotated[
        bool,
        Query(
            description="Count facets over every match; by default counts over very large "
            "result sets are estimated from a sample (then `facets_sample` is set)"
        ),
    ] = False,
) -> SearchResults:
    """Documents matching ``q``, with snippets, their print pages and (optionally) facets."""
    return store_of(request).search(
        q, limit=limit, offset=offset, sort=sort, facets=facets, exact_facets=exact_facets
    )


@router.get(
    "/documents/{doc_id:path}/cited-by",
    response_model=list[Citation],
    summary="Documents that cite this one",
)
def cited_by(request: Request, doc_id: str) -> list[Citation]:
    """Stored documents whose references resolve to ``doc_id``."""
    store = store_of(request)
    store.get(doc_id)  # 404 for an unknown document
    return store.cited_by(doc_id)


@router.get(
    "/documents/{doc_id:path}/references",
    response_model=list[Reference],
    summary="What this document cites",
)
def references(request: Request, doc_id: str) -> list[Reference]:
    """The document's references (in its text and notes), resolved ones with their target."""
    return store_of(request).get(doc_id).references


@router.get(
    "/documents/{doc_id:path}/citation",
    response_model=CitationText,
    summary="The document's citation",
    responses={200: {"content": {"text/plain": {}}}},
)
def citation(
    request: Request,
    doc_id: str,
    style: CitationStyle = "chicago",
    download: Annotated[bool, Query(description="return the file itself")] = False,
) -> Any:
    """The citation: Chicago note or bibliography entry, BibTeX, RIS or CSL-JSON."""
    doc = store_of(request).get(doc_id)
    volume = volumes_of(request).get(doc.volume) if doc.volume else None
    text = citation_text(doc, style, volume=volume)
    media_type, ext = CITATION_FORMATS[style]
    if download:
        name = "".join(c if c.isalnum() or c in "-_" else "-" for c in doc_id)
        return Response(
            text,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{name}.{ext}"'},
        )
    return CitationText(document=doc_id, style=style, media_type=media_type, text=text)


@router.get("/documents/{doc_id:path}", response_model=Document, summary="One document")
def document(request: Request, doc_id: str) -> Document:
    """The whole record: parties, dates, telegram data, text, pages, notes, references."""
    return store_of(request).get(doc_id)


@router.get("/volumes", response_model=list[VolumeSummary], summary="Every volume")
def volumes(request: Request) -> list[VolumeSummary]:
    """The volumes in the archive with their document counts."""
    store = store_of(request)
    counts = store.stats().by_volume
    return [
        VolumeSummary(
            id=v.id,
            title=v.title,
            volume_title=v.volume_title,
            sub_series=v.sub_series,
            published_year=v.published_year,
            documents=counts.get(v.id, 0),
        )
        for v in volumes_of(request).all()
    ]


@router.get("/volumes/{volume_id}", response_model=VolumeDetail, summary="One volume")
def volume(request: Request, volume_id: str) -> VolumeDetail:
    """The volume's front matter and divisions, and its documents in order."""
    store = store_of(request)
    return VolumeDetail(
        volume=store.get_volume(volume_id), documents=store.volume_documents(volume_id)
    )


@router.get("/persons/{key}", response_model=PersonDetail, summary="A person or term")
def person(
    request: Request,
    key: str,
    volume: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PersonDetail:
    """An authority entry (``p_KNS1``) and the documents that name it, by date."""
    store = store_of(request)
    entry = store.entity(key, volume=volume)
    query, res = person_documents(store, entry, limit=limit, offset=offset)
    return PersonDetail(entry=entry, query=query, total=res.total, documents=res.hits)


@router.get("/stats", response_model=ArchiveStats, summary="Counts over the archive")
def stats(request: Request) -> ArchiveStats:
    """Documents and volumes, by volume, type and year."""
    return store_of(request).stats()


@router.get("/timeline", response_model=Timeline, summary="Documents per month")
def timeline(request: Request, q: Annotated[str, Query(max_length=2000)] = "") -> Timeline:
    """How many matching documents are dated in each month."""
    hits, total = store_of(request).scan(q, cap=settings_of(request).chart_cap)
    counts, undated = month_counts(hits)
    return Timeline(
        query=q,
        total=total,
        counted=len(hits),
        undated=undated,
        months=[MonthCount(month=m, count=c) for m, c in sorted(counts.items())],
    )


@router.get("/network", response_model=Network, summary="Who wrote to whom")
def network(request: Request, q: Annotated[str, Query(max_length=2000)] = "") -> Network:
    """Sender → recipient pairs of the matching documents, weighted by document count."""
    hits, total = store_of(request).scan(q, cap=settings_of(request).chart_cap)
    return Network(
        query=q,
        total=total,
        counted=len(hits),
        edges=[
            NetworkEdge(sender=e.sender, recipient=e.recipient, count=e.count) for e in edges(hits)
        ],
    )


# --- ingest (only when a token is configured) ---------------------------------------------

MAX_UPLOAD_FILES = 100
_UPLOAD_SUFFIXES = {".xml", ".tei", ".md", ".markdown", ".txt", ".text"}


def _check_token(request: Request, authorization: str | None) -> None:
    expected = settings_of(request).ingest_token or ""
    given = ""
    if authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            401,
            "POST /api/ingest needs 'Authorization: Bearer <token>' with the server's ingest token",
            headers={"WWW-Authenticate": 'Bearer realm="despatch"'},
        )


_INGEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "TEI XML, Markdown or plain text files",
                        },
                        "volume": {
                            "type": "string",
                            "maxLength": 200,
                            "description": "volume id for files that lack one",
                        },
                    },
                }
            }
        },
    }
}


@ingest_router.post(
    "/ingest",
    response_model=IngestReport,
    summary="Add documents (needs the ingest token)",
    responses={
        401: {"model": Problem, "description": "Missing or wrong token"},
        413: {"model": Problem, "description": "Too many files"},
        422: {"model": Problem, "description": "No files, or a malformed form"},
    },
    openapi_extra=_INGEST_BODY,
)
async def ingest(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
) -> IngestReport:
    """Read uploaded files with despatch's ingest pipeline into the archive.

    The token is checked before the body is read, so requests without it cost nothing.
    """
    from despatch.ingest import ingest as run_ingest

    _check_token(request, authorization)
    settings = settings_of(request)
    store = store_of(request)
    try:
        form = await request.form(max_files=MAX_UPLOAD_FILES, max_fields=20)
    except StarletteHTTPException as exc:  # Starlette's multipart limits and parse errors
        detail = str(exc.detail)
        if "Too many files" in detail:
            raise HTTPException(
                413, f"at most {MAX_UPLOAD_FILES} files per upload; send the rest in another"
            ) from exc
        raise HTTPException(422, f"the upload is not a valid multipart form: {detail}") from exc
    files = [f for f in form.getlist("files") if isinstance(f, StarletteUploadFile)]
    if not files:
        raise HTTPException(422, "no files: send them as multipart form fields named 'files'")
    raw_volume = form.get("volume")
    volume = raw_volume.strip()[:200] if isinstance(raw_volume, str) else None
    report = IngestReport()
    with tempfile.TemporaryDirectory(prefix="despatch-upload-") as tmp:
        names: dict[str, str] = {}
        paths: list[Path] = []
        for i, upload in enumerate(files):
            label = upload.filename or f"file {i + 1}"
            suffix = Path(upload.filename or "").suffix.lower()
            if suffix not in _UPLOAD_SUFFIXES:
                report.failed.append(f"{label}: not a .xml, .md or .txt file")
                continue
            data = await upload.read(settings.max_upload_bytes + 1)
            if len(data) > settings.max_upload_bytes:
                report.failed.append(f"{label}: larger than {settings.max_upload_bytes} bytes")
                continue
            # The file name on disk is ours; nothing from the request names a path.
            path = Path(tmp) / f"upload-{i}{suffix}"
            path.write_bytes(data)
            names[str(path)] = label
            paths.append(path)
        if paths:
            done = await run_in_threadpool(
                run_ingest, store, paths, workers=1, volume=volume or None
            )
            report.added, report.updated = done.added, done.updated
            report.unchanged, report.superseded = done.unchanged, done.superseded
            for failure in done.failures:
                label = names.get(failure.path, "upload")
                report.failed.append(str(failure).replace(failure.path, label))
            report.failed.extend(f"{names.get(p, p)}: skipped" for p in done.skipped)
            volumes_of(request).clear()
    return report


__all__ = [
    "CITATION_FORMATS",
    "ingest_router",
    "person_documents",
    "router",
]
