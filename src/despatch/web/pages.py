"""The server-rendered reader: search, document, volume, person, timeline and network pages.

Pages work without JavaScript (every control is a link or a form whose state lives in
the URL); ``static/reader.js`` adds footnotes that open in place, copying the citation
and brushing the year histogram. Templates are autoescaped Jinja2; the only HTML not
escaped by Jinja is what ``web/markup.py`` and ``web/charts.py`` build from escaped text.
Static files are served from memory by name, so no URL path ever reaches the filesystem.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from despatch.errors import DespatchError, QueryError
from despatch.model import AuthorityEntry, Document, Party
from despatch.store.base import FACET_FIELDS, FacetValue, SearchResults, Store
from despatch.web import charts
from despatch.web.api import (
    CITATION_FORMATS,
    citation_text,
    person_documents,
    volumes_of,
)
from despatch.web.app import MAX_LIMIT, PROBLEM_TYPES, WebSettings
from despatch.web.markup import (
    Identities,
    document_url,
    heading_markers,
    highlight,
    leading_page,
    quote_value,
    render_body,
    render_notes,
    search_url,
)

router = APIRouter(include_in_schema=False)

#: query field that filters by each facet
FACET_QUERY_FIELD: dict[str, str] = {
    "type": "type",
    "year": "year",
    "sender": "from",
    "recipient": "to",
    "classification": "classification",
    "precedence": "precedence",
    "volume": "volume",
}
FACET_LABELS: dict[str, str] = {
    "type": "Type",
    "year": "Year",
    "sender": "From",
    "recipient": "To",
    "classification": "Classification",
    "precedence": "Precedence",
    "volume": "Volume",
}
MAX_PAGE_OFFSET = 10_000

QUERY_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Chiang Kai-shek from:Moscow", "both words, in documents sent from Moscow"),
    ('"brink of war"', "an exact phrase"),
    ("Quemoy OR Matsu", "either word"),
    ("Taiwan -Quemoy", "Taiwan but not Quemoy"),
    ("Khrushch*", "any word starting so"),
    ("type:telegram precedence:niact", "Niact telegrams"),
    ("date:1958-09-01..1958-10-31", "dated within a range (or date:1958-09)"),
    ('classification:"top secret" year:1958', "Top Secret documents of 1958"),
    ('to:"Department of State" telegram:634', "telegram 634 to the Department"),
    ("person:Khrushchev place:Peking", "named persons and places"),
    ("file:793.00 volume:frus1958-60v19", "a decimal file within one volume"),
)

# --- static files (served from memory: no path from a URL reaches the filesystem) ---------

_STATIC_TYPES = {
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "svg": "image/svg+xml",
}


def _load_static() -> dict[str, tuple[bytes, str]]:
    files: dict[str, tuple[bytes, str]] = {}
    root = resources.files("despatch.web") / "static"
    for entry in root.iterdir():
        ext = entry.name.rsplit(".", 1)[-1]
        if entry.is_file() and ext in _STATIC_TYPES:
            files[entry.name] = (entry.read_bytes(), _STATIC_TYPES[ext])
    return files


_STATIC = _load_static()


@router.get("/static/{name}")
def static(name: str) -> Response:
    """A bundled CSS/JS file by name."""
    found = _STATIC.get(name)
    if found is None:
        raise HTTPException(404, f"no static file named {name!r}")
    data, media_type = found
    return Response(data, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})


# --- template helpers ----------------------------------------------------------------------


def _term_re(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\S)" + re.escape(term) + r"(?!\S)", re.IGNORECASE)


def has_term(query: str, term: str) -> bool:
    """Whether ``term`` stands in ``query`` as a whole token."""
    return bool(_term_re(term).search(query))


def toggle_term(query: str, term: str) -> str:
    """``query`` without ``term`` if it has it, else with it appended."""
    if has_term(query, term):
        return re.sub(r"\s{2,}", " ", _term_re(term).sub("", query)).strip()
    return f"{query.strip()} {term}".strip()


def facet_term(facet: str, value: str) -> str:
    """The query term a facet value filters by (``from:Moscow``)."""
    return f"{FACET_QUERY_FIELD.get(facet, facet)}:{quote_value(value)}"


def party_label(party: Party) -> str:
    """``Embassy in the Soviet Union (Moscow)``."""
    if party.place and party.place.lower() not in party.name.lower():
        return f"{party.name} ({party.place})"
    return party.name


def make_templates(settings: WebSettings) -> Jinja2Templates:
    """The Jinja2 environment of the reader (autoescape on for every template)."""
    env = Environment(
        loader=PackageLoader("despatch.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        site_title=settings.site_title,
        document_url=document_url,
        search_url=search_url,
        highlight=highlight,
        facet_term=facet_term,
        toggle_term=toggle_term,
        has_term=has_term,
        party_label=party_label,
        facet_labels=FACET_LABELS,
        query_examples=QUERY_EXAMPLES,
        citation_formats=CITATION_FORMATS,
    )
    return Jinja2Templates(env=env)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


# --- search ------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=2000)] = "",
    sort: Literal["relevance", "date"] = "relevance",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT)] = None,
    exact: bool = False,
) -> Response:
    """The search page: query box, facets, year histogram, results, pagination.

    Facet counts over very large result sets are estimates unless ``exact``."""
    store = _store(request)
    size = limit or _settings(request).page_size
    offset = min((page - 1) * size, MAX_PAGE_OFFSET)
    results: SearchResults | None = None
    error: QueryError | None = None
    stats = None
    if q.strip():
        try:
            results = store.search(
                q, limit=size, offset=offset, sort=sort, facets=True, exact_facets=exact
            )
        except QueryError as exc:
            error = exc
    else:
        stats = store.stats()
    ctx: dict[str, Any] = {
        "nav": "search",
        "q": q,
        "sort": sort,
        "page": page,
        "size": size,
        "limit": limit,
        "results": results,
        "error": error,
        "error_column": getattr(error, "column", None),
        "stats": stats,
        "facet_order": [f for f in FACET_FIELDS if f != "year"],
        "histogram": None,
        "pages": 0,
    }
    if results is not None:
        ctx["pages"] = min((results.total + size - 1) // size, MAX_PAGE_OFFSET // size + 1)
        ctx["histogram"] = charts.year_histogram(q, results.facets.get("year", []), sort=sort)
    if stats is not None:
        ctx["volumes"] = volumes_of(request).all()
        ctx["histogram"] = charts.year_histogram(
            "", [FacetValue(value=y, count=n) for y, n in stats.by_year.items()]
        )
    return _page(request, "search.html", ctx, status=400 if error else 200)


# --- documents -----------------------------------------------------------------------------


def _named(doc: Document, authority: dict[str, AuthorityEntry]) -> dict[str, list[dict[str, Any]]]:
    """The people, places and terms a document names, in order of first mention.

    Each with the name and identification of its authority entry (the volume's lists)
    when there is one, else as the span's label gives them.
    """
    groups: dict[str, dict[str, dict[str, Any]]] = {"person": {}, "place": {}, "term": {}}
    for span in sorted(doc.spans, key=lambda sp: (sp.note is not None, sp.start)):
        kind = "term" if span.kind == "organization" else span.kind
        if kind not in groups or not span.key:
            continue
        item = groups[kind].get(span.key)
        if item is None:
            entry = authority.get(span.key)
            label = span.label or span.text
            if entry is not None:
                name, role = entry.name, entry.description
            elif label.startswith(span.text + ", "):
                name, role = span.text, label[len(span.text) + 2 :]
            elif kind == "person" and label.count(", ") >= 2:
                parts = label.split(", ")
                name, role = ", ".join(parts[:2]), ", ".join(parts[2:])
            else:
                name, role = span.text, label if label != span.text else ""
            item = groups[kind][span.key] = {
                "key": span.key,
                "name": name,
                "role": role,
                "label": label,
                "count": 0,
            }
        item["count"] += 1
    return {kind: list(items.values()) for kind, items in groups.items()}


def _telegram_rows(doc: Document) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    tg = doc.telegram
    sn = doc.source_note
    if tg and tg.serial:
        rows.append(("Telegram number", tg.serial))
    classification = (tg.classification if tg else None) or (sn.classification if sn else None)
    if classification:
        rows.append(("Classification", classification))
    precedence = (tg.precedence if tg else None) or (sn.precedence if sn else None)
    if precedence:
        rows.append(("Precedence", precedence))
    handling = (tg.handling if tg else []) or (sn.handling if sn else [])
    if handling:
        rows.append(("Handling", ", ".join(handling)))
    sections = (tg.sections if tg else None) or (sn.sections if sn else None)
    if sections:
        rows.append(("Sections", str(sections)))
    if tg and tg.sent:
        rows.append(("Sent", tg.sent))
    received = (tg.received if tg else None) or (sn.received if sn else None)
    if received:
        rows.append(("Received", received))
    addressees = (tg.addressees if tg else []) or (sn.addressees if sn else [])
    for role, label in (
        ("action", "For action"),
        ("information", "Also sent to"),
        ("repeated", "Repeated to"),
    ):
        names = [
            a.name
            + (f" {a.qualifier}" if a.qualifier else "")
            + (f" ({a.precedence})" if a.precedence else "")
            for a in addressees
            if a.role == role
        ]
        if names:
            rows.append((label, ", ".join(names)))
    drafting = doc.drafting or (sn.drafting if sn else None)
    if drafting:
        for label, people in (
            ("Drafted by", drafting.drafted_by),
            ("Cleared by", drafting.cleared_by),
            ("Approved by", drafting.approved_by),
        ):
            if people:
                rows.append((label, "; ".join(people)))
    return rows


@router.get("/documents/{doc_id:path}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str) -> Response:
    """One document: heading, dateline, telegram panel, paged text, notes, cite box."""
    store = _store(request)
    doc = store.get(doc_id)
    volumes = volumes_of(request)
    volume = volumes.get(doc.volume) if doc.volume else None
    labels: dict[str, str] = {}
    if volume is not None:
        for entry in [*volume.persons, *volume.terms]:
            labels[entry.id] = (
                f"{entry.name} — {entry.description}" if entry.description else entry.name
            )
    held = frozenset(
        r.target_volume
        for r in doc.references
        if r.target_volume and not r.target and volumes.get(r.target_volume) is not None
    )
    ids = Identities(volume=doc.volume, labels=labels, volumes=held)
    prev_id, next_id = store.neighbors(doc.id)
    try:
        chicago: str | None = citation_text(doc, "chicago", volume=volume)
        bibliography: str | None = citation_text(doc, "chicago-bibliography", volume=volume)
    except DespatchError:
        chicago = bibliography = None
    archival = list(doc.archival) or (list(doc.source_note.sources) if doc.source_note else [])
    ctx = {
        "nav": None,
        "doc": doc,
        "volume": volume,
        "paragraphs": render_body(doc, ids),
        "leading_page": leading_page(doc),
        "named": _named(doc, {e.id: e for e in [*volume.persons, *volume.terms]} if volume else {}),
        "notes": render_notes(doc, ids),
        "heading_markers": heading_markers(doc),
        "telegram_rows": _telegram_rows(doc),
        "archival": archival,
        "cited_by": store.cited_by(doc.id),
        "prev_id": prev_id,
        "next_id": next_id,
        "chicago": chicago,
        "bibliography": bibliography,
        "references": [r for r in doc.references],
    }
    return _page(request, "document.html", ctx)


# --- volumes and persons -------------------------------------------------------------------


@router.get("/volumes", response_class=HTMLResponse)
def volumes_page(request: Request) -> Response:
    """Every volume in the archive."""
    store = _store(request)
    return _page(
        request,
        "volumes.html",
        {
            "nav": "volumes",
            "volumes": volumes_of(request).all(),
            "counts": store.stats().by_volume,
        },
    )


@router.get("/volumes/{volume_id}", response_class=HTMLResponse)
def volume_page(request: Request, volume_id: str) -> Response:
    """A volume: front matter, then its divisions and documents in order."""
    store = _store(request)
    vol = store.get_volume(volume_id)
    docs = store.volume_documents(volume_id)
    by_id = {h.id: h for h in docs}
    placed: set[str] = set()
    sections = []
    for div in vol.divisions:
        rows = [by_id[d] for d in div.documents if d in by_id]
        placed.update(h.id for h in rows)
        depth = 0
        parent = div.parent
        parents = {d.id: d.parent for d in vol.divisions}
        while parent and depth < 6:
            depth += 1
            parent = parents.get(parent)
        sections.append({"division": div, "documents": rows, "depth": depth})
    rest = [h for h in docs if h.id not in placed]
    return _page(
        request,
        "volume.html",
        {"nav": "volumes", "volume": vol, "sections": sections, "rest": rest, "total": len(docs)},
    )


@router.get("/persons/{key}", response_class=HTMLResponse)
def person_page(
    request: Request,
    key: str,
    volume: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    """A person or term: identity, and the documents that name them by date."""
    store = _store(request)
    entry = store.entity(key, volume=volume)
    size = 50
    query, res = person_documents(
        store, entry, limit=size, offset=min((page - 1) * size, MAX_PAGE_OFFSET)
    )
    return _page(
        request,
        "person.html",
        {
            "nav": None,
            "entry": entry,
            "query": query,
            "results": res,
            "page": page,
            "pages": (res.total + size - 1) // size,
        },
    )


# --- timeline and network ------------------------------------------------------------------


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, q: Annotated[str, Query(max_length=2000)] = "") -> Response:
    """Documents per month for any query."""
    try:
        hits, total = _store(request).scan(q, cap=_settings(request).chart_cap)
    except QueryError as exc:
        return _page(
            request,
            "timeline.html",
            {"nav": "timeline", "q": q, "error": exc, "chart": None},
            status=400,
        )
    counts, undated = charts.month_counts(hits)
    busiest = counts.most_common(5)
    return _page(
        request,
        "timeline.html",
        {
            "nav": "timeline",
            "q": q,
            "error": None,
            "chart": charts.timeline(q, counts),
            "unit": charts.timeline_unit(counts),
            "total": total,
            "counted": len(hits),
            "undated": undated,
            "busiest": busiest,
            "months": sorted(counts.items()),
        },
    )


@router.get("/network", response_class=HTMLResponse)
def network_page(request: Request, q: Annotated[str, Query(max_length=2000)] = "") -> Response:
    """Who wrote to whom among the documents matching any query."""
    try:
        hits, total = _store(request).scan(q, cap=_settings(request).chart_cap)
    except QueryError as exc:
        return _page(
            request,
            "network.html",
            {"nav": "network", "q": q, "error": exc, "chart": None},
            status=400,
        )
    all_edges = charts.edges(hits)
    return _page(
        request,
        "network.html",
        {
            "nav": "network",
            "q": q,
            "error": None,
            "chart": charts.network(all_edges),
            "edges": all_edges[:60],
            "edge_count": len(all_edges),
            "total": total,
            "counted": len(hits),
        },
    )


# --- about pages ---------------------------------------------------------------------------


@router.get("/about/api", response_class=HTMLResponse)
def api_page(request: Request) -> Response:
    """The JSON endpoints, listed from the OpenAPI document."""
    spec = request.app.openapi()
    endpoints = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = [p.get("name", "") for p in op.get("parameters", [])]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "params": params,
                }
            )
    return _page(request, "api.html", {"nav": "api", "endpoints": endpoints})


@router.get("/problems/{slug}", response_class=HTMLResponse)
def problem_page(request: Request, slug: str) -> Response:
    """What a problem ``type`` of the API means."""
    if slug not in PROBLEM_TYPES:
        raise HTTPException(404, f"no problem type named {slug!r}")
    return _page(request, "problem.html", {"nav": None, "slug": slug, "text": PROBLEM_TYPES[slug]})


__all__ = ["facet_term", "has_term", "make_templates", "router", "toggle_term"]
