"""The web application: ``create_app(store, settings)`` and the one place errors become responses.

Every API error has one JSON shape, RFC 9457 problem details (``type``, ``title``,
``status``, ``detail``, ``instance``), served as ``application/problem+json``; the HTML
pages get an HTML error page with the same words. Despatch errors map to status codes
here and nowhere else: ``QueryError`` → 400, ``ConfigError`` → 400, ``NotFound`` → 404,
``BackendUnavailable`` → 503, any other ``DespatchError`` → 500 (with its message).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from despatch import __version__
from despatch.errors import (
    BackendUnavailable,
    ConfigError,
    DespatchError,
    NotFound,
    QueryError,
)
from despatch.model import Volume
from despatch.store.base import Store

log = logging.getLogger("despatch.web")

MAX_LIMIT = 100


@dataclass(frozen=True)
class WebSettings:
    """What the web app needs beyond the store."""

    ingest_token: str | None = None  # POST /api/ingest exists only when this is set
    site_title: str = "despatch"
    page_size: int = 20  # results per page in the reader
    max_upload_bytes: int = 50 * 1024 * 1024
    chart_cap: int = 5000  # documents a timeline or network reads at most

    @classmethod
    def from_env(cls, **overrides: Any) -> WebSettings:
        """Settings from ``DESPATCH_*`` environment variables, then ``overrides``."""
        values: dict[str, Any] = {}
        token = os.environ.get("DESPATCH_INGEST_TOKEN")
        if token:
            values["ingest_token"] = token
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


class VolumeCache:
    """Volume records by id, kept for ``ttl`` seconds.

    Every document page needs its volume (breadcrumb, authority labels, citation), and a
    volume record with its Lists of Persons and Abbreviations is the most expensive read
    of the page; volumes change only on ingest, which clears the cache.
    """

    def __init__(self, store: Store, *, ttl: float = 60.0, size: int = 256) -> None:
        self.store = store
        self.ttl = ttl
        self.size = size
        self._items: dict[str, tuple[float, Volume | None]] = {}
        self._all: tuple[float, list[Volume]] | None = None
        self._lock = threading.Lock()

    def all(self) -> list[Volume]:
        """Every volume record, by id (the list pages and the landing page show)."""
        now = time.monotonic()
        with self._lock:
            cached = self._all
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        volumes = self.store.volumes()
        with self._lock:
            self._all = (now, volumes)
        return volumes

    def get(self, volume_id: str) -> Volume | None:
        """The volume record, or ``None`` when the archive has none by that id."""
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(volume_id)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        try:
            volume: Volume | None = self.store.get_volume(volume_id)
        except NotFound:
            volume = None
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[volume_id] = (now, volume)
        return volume

    def clear(self) -> None:
        """Forget every volume (after an ingest)."""
        with self._lock:
            self._items.clear()
            self._all = None


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


# (status, type slug) for each error class; the most specific class wins.
_ERROR_MAP: tuple[tuple[type[DespatchError], int, str], ...] = (
    (QueryError, 400, "bad-query"),
    (ConfigError, 400, "bad-setting"),
    (NotFound, 404, "not-found"),
    (BackendUnavailable, 503, "backend-unavailable"),
)

PROBLEM_TYPES: dict[str, str] = {
    "bad-query": "The search query is not valid in the despatch query language.",
    "bad-setting": "A parameter or setting has a value despatch cannot use.",
    "not-found": "No such document, volume, person or page in this archive.",
    "backend-unavailable": "The archive's database cannot be reached right now.",
    "invalid-request": "A parameter is missing or out of range.",
    "unauthorized": "This endpoint needs a bearer token.",
    "archive-error": "The archive could not do what was asked.",
    "http-error": "The request could not be served.",
}


def problem_type_url(slug: str) -> str:
    """The ``type`` URI of a problem: a page of this site that explains it."""
    return f"/problems/{slug}"


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def problem_response(
    request: Request,
    status: int,
    slug: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """The error response for ``request``: problem JSON for the API, an HTML page otherwise."""
    title = HTTPStatus(status).phrase
    if not _is_api(request):
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "title": title, "detail": detail, "nav": None},
            status_code=status,
            headers=headers,
        )
    body: dict[str, Any] = Problem(
        type=problem_type_url(slug),
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
    ).model_dump()
    if extra:
        body.update(extra)
    return JSONResponse(
        body, status_code=status, headers=headers, media_type="application/problem+json"
    )


def _despatch_error_status(exc: DespatchError) -> tuple[int, str]:
    for cls, status, slug in _ERROR_MAP:
        if isinstance(exc, cls):
            return status, slug
    return 500, "archive-error"


async def _on_despatch_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DespatchError)
    status, slug = _despatch_error_status(exc)
    if status >= 500:
        log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
    extra: dict[str, Any] = {}
    column = getattr(exc, "column", None)
    if isinstance(column, int):
        extra["column"] = column
    headers = {"Retry-After": "30"} if status == 503 else None
    return problem_response(request, status, slug, str(exc), headers=headers, extra=extra)


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        errors.append({"parameter": loc, "message": str(err.get("msg", ""))})
    detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors) or "invalid request"
    return problem_response(request, 422, "invalid-request", detail, extra={"errors": errors})


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    slug = {401: "unauthorized", 404: "not-found", 422: "invalid-request"}.get(
        exc.status_code, "http-error"
    )
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"Nothing at {request.url.path}. Try the search page or /api/search."
    return problem_response(
        request, exc.status_code, slug, detail, headers=getattr(exc, "headers", None)
    )


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return problem_response(
        request,
        500,
        "http-error",
        "despatch hit an unexpected error; the server log has the details.",
    )


_SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeaders:
    """Adds a strict Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in _SECURITY_HEADERS if k not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(store: Store, settings: WebSettings | None = None) -> FastAPI:
    """The despatch web reader and JSON API over ``store``."""
    from despatch.web import api, pages

    settings = settings or WebSettings()
    app = FastAPI(
        title="despatch",
        version=__version__,
        description=(
            "Search, read and cite diplomatic documents. Every error is RFC 9457 problem "
            "details (application/problem+json)."
        ),
        docs_url=None,  # the Swagger UI loads from a CDN; /api lists the endpoints instead
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store
    app.state.volumes = VolumeCache(store)
    app.state.settings = settings
    app.state.templates = pages.make_templates(settings)
    app.add_exception_handler(DespatchError, _on_despatch_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
    app.include_router(api.router)
    if settings.ingest_token:
        app.include_router(api.ingest_router)
    app.include_router(pages.router)
    app.add_middleware(SecurityHeaders)
    _document_problem_media_type(app)
    return app


def app_from_env() -> FastAPI:
    """The app over the archive named by ``DESPATCH_ARCHIVE`` (for several server processes).

    ``despatch serve --workers N`` starts uvicorn with this factory in each worker
    process; each opens the archive read-only for itself and closes it on shutdown.
    """
    from despatch.settings import setting_default
    from despatch.store import open_store

    archive = setting_default("archive") or "./despatch-archive"
    store = open_store(archive, create=False)
    app = create_app(store, WebSettings.from_env())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app.router.lifespan_context = lifespan
    return app


def _document_problem_media_type(app: FastAPI) -> None:
    """Declare error responses as ``application/problem+json`` in the OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = generate()
        for ops in spec.get("paths", {}).values():
            for op in ops.values():
                for code, resp in op.get("responses", {}).items():
                    content = resp.get("content", {})
                    if code[:1] in {"4", "5"} and "application/json" in content:
                        content["application/problem+json"] = content.pop("application/json")
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = [
    "MAX_LIMIT",
    "PROBLEM_TYPES",
    "Problem",
    "VolumeCache",
    "WebSettings",
    "app_from_env",
    "create_app",
    "problem_response",
]
