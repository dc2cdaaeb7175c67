"""Typed settings, each with a default and help text, declared in one table.

Only ``cli`` and ``web.app`` read the environment; library code takes explicit arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One setting: its name, environment variable, default and help."""

    name: str
    env: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "archive",
        "DESPATCH_ARCHIVE",
        "./despatch-archive",
        "The archive: a folder path (embedded SQLite + tantivy) or a postgresql:// URL.",
    ),
    Setting("host", "DESPATCH_HOST", "127.0.0.1", "Address the web server listens on."),
    Setting("port", "DESPATCH_PORT", "8000", "Port the web server listens on."),
    Setting(
        "ingest_token",
        "DESPATCH_INGEST_TOKEN",
        None,
        "When set, the HTTP API accepts uploads at POST /api/ingest with this bearer token.",
    ),
    Setting(
        "frus_base_url",
        "DESPATCH_FRUS_BASE_URL",
        "https://raw.githubusercontent.com/HistoryAtState/frus/master/volumes/",
        "Where `despatch fetch frus` downloads volume files from.",
    ),
)


def setting_default(name: str) -> str | None:
    """The value of setting ``name``: its environment variable if set, else its default."""
    for s in SETTINGS:
        if s.name == name:
            return os.environ.get(s.env, s.default)
    raise KeyError(name)
