"""The single error tree of despatch.

Library code raises these; only the edges (the CLI and the web app) turn them into
messages and status codes::

    DespatchError
    ├── ReadError               a source could not be read (carries path, line, document)
    │   ├── UnsupportedFormat   the file is not a format despatch reads
    │   └── ParseError          the file is of a known format but malformed
    ├── FetchError              a download failed or gave a corrupt file
    ├── QueryError              a search query is not valid
    │   └── QuerySyntaxError    carries the column of the bad part
    ├── StoreError              the archive cannot do what was asked
    │   ├── NotFound            no such document, volume or person
    │   ├── SchemaMismatch      the archive was written by an incompatible version
    │   ├── IntegrityError      the archive is damaged (and what to run to repair it)
    │   └── BackendUnavailable  the database server or an optional package is missing
    └── ConfigError             a setting or command-line option is wrong

Every message says what failed, where, and what to do next.
"""

from __future__ import annotations

from pathlib import Path


class DespatchError(Exception):
    """Base class of every error despatch raises on purpose."""


class ReadError(DespatchError):
    """A source document could not be read.

    ``path``, ``line`` and ``document`` say where; any of them may be unknown.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        document: str | None = None,
    ) -> None:
        self.reason = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.document = document
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
        if self.document is not None:
            where = f"{where} ({self.document})" if where else self.document
        return f"{where}: {self.reason}" if where else self.reason


class UnsupportedFormat(ReadError):
    """The file is not in any format despatch reads."""


class ParseError(ReadError):
    """The file is in a known format but is malformed."""


class FetchError(DespatchError):
    """A download failed, was interrupted for good, or gave a corrupt file."""


class QueryError(DespatchError):
    """A search query is not valid."""


class QuerySyntaxError(QueryError):
    """A search query does not parse; ``column`` (1-based) points at the bad part."""

    def __init__(self, message: str, *, query: str, column: int) -> None:
        self.reason = message
        self.query = query
        self.column = column
        pointer = " " * (column - 1) + "^"
        super().__init__(f"{message} (at column {column})\n  {query}\n  {pointer}")


class StoreError(DespatchError):
    """The archive cannot do what was asked."""


class NotFound(StoreError):
    """No such document, volume or person in the archive."""


class SchemaMismatch(StoreError):
    """The archive was written by a version of despatch this one cannot read."""


class IntegrityError(StoreError):
    """The archive is damaged; the message names the command that repairs it."""


class BackendUnavailable(StoreError):
    """The database server cannot be reached, or an optional package is missing."""


class ConfigError(DespatchError):
    """A setting or a command-line option is wrong."""


__all__ = [
    "BackendUnavailable",
    "ConfigError",
    "DespatchError",
    "FetchError",
    "IntegrityError",
    "NotFound",
    "ParseError",
    "QueryError",
    "QuerySyntaxError",
    "ReadError",
    "SchemaMismatch",
    "StoreError",
    "UnsupportedFormat",
]
