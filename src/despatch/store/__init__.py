"""Archives: ``open_store`` chooses the backend from a folder path or a ``postgresql://`` URL.

Backends: ``local`` (the embedded default: SQLite records + a tantivy index in one
folder), ``postgres`` (a PostgreSQL server; the ``despatch[postgres]`` extra) and
``memory`` (a dict-backed fake for tests).
"""

from __future__ import annotations

from pathlib import Path

from despatch.errors import BackendUnavailable
from despatch.store.base import Store

_PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(path_or_url: str) -> bool:
    """Whether ``path_or_url`` names a PostgreSQL server rather than a folder."""
    return path_or_url.startswith(_PG_SCHEMES)


def open_store(path_or_url: str | Path, *, create: bool = True) -> Store:
    """Open the archive at a folder path or a ``postgresql://`` URL.

    ``create=False`` refuses to create a new, empty archive (for commands that only read).
    """
    target = str(path_or_url)
    if is_postgres_url(target):
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise BackendUnavailable(
                "a postgresql:// archive needs the PostgreSQL driver; "
                "install it with: pip install 'despatch[postgres]'"
            ) from exc
        from despatch.store.postgres import PostgresStore

        return PostgresStore(target)
    from despatch.store.local import LocalStore, ensure_archive

    folder = Path(target)
    ensure_archive(folder)
    return LocalStore(folder, create=create)


__all__ = ["Store", "is_postgres_url", "open_store"]
