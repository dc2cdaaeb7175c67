"""`despatch` commands: serve."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from despatch.cli._app import app, console, state
from despatch.errors import ConfigError, DespatchError
from despatch.settings import setting_default

# Idle keep-alive connections stay open this long. Uvicorn's default (5 s) closes
# connections under heavy load at the moment a client reuses them (a reset instead of a
# response); browsers and proxies keep connections for a minute or more.
KEEP_ALIVE_SECONDS = 75


def _default_port() -> int:
    raw = setting_default("port") or "8000"
    try:
        return int(raw)
    except ValueError:
        return 8000


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on \\[env DESPATCH_HOST]. 0.0.0.0 for every interface."
        ),
    ] = setting_default("host") or "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port to listen on \\[env DESPATCH_PORT].")
    ] = _default_port(),
    ingest_token: Annotated[
        str | None,
        typer.Option(
            "--ingest-token",
            help="Accept uploads at POST /api/ingest with this bearer token "
            "\\[env DESPATCH_INGEST_TOKEN]; without it the server is read-only.",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes; more than one uses more cores (read-only archives only).",
        ),
    ] = 1,
    log_level: Annotated[
        str, typer.Option(help="Server log level: critical, error, warning, info, debug.")
    ] = "warning",
) -> None:
    """Serve the archive in a browser (the reader) and as a JSON API (/api, /openapi.json)."""
    import uvicorn

    from despatch.cli._app import fail
    from despatch.store import open_store
    from despatch.web.app import WebSettings, create_app

    try:
        if ingest_token is not None and not ingest_token.strip():
            raise ConfigError("--ingest-token is empty; give a secret or leave the option out")
        settings = WebSettings.from_env(ingest_token=ingest_token)
        if workers > 1 and settings.ingest_token:
            raise ConfigError(
                "uploads (--ingest-token) need a single server process; drop --workers or the token"
            )
        store = open_store(state.archive, create=False)
    except DespatchError as exc:
        raise fail(exc) from exc
    shown = "localhost" if host in {"127.0.0.1", "::1"} else host
    console.print(
        f"Serving [bold]{state.archive}[/] at [link]http://{shown}:{port}/[/link]"
        + (f" with {workers} processes" if workers > 1 else "")
        + ("  (uploads enabled at POST /api/ingest)" if settings.ingest_token else "")
        + "\nPress Ctrl+C to stop.",
        highlight=False,
    )
    if workers > 1:
        # Each worker process opens the archive itself (see web.app.app_from_env).
        store.close()
        os.environ["DESPATCH_ARCHIVE"] = state.archive
        uvicorn.run(
            "despatch.web.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
        return
    try:
        uvicorn.run(
            create_app(store, settings),
            host=host,
            port=port,
            log_level=log_level,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
    finally:
        store.close()
