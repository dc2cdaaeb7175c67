"""despatch: structured, searchable, citable archives of diplomatic documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from despatch.errors import DespatchError
from despatch.model import Document, Volume

if TYPE_CHECKING:
    from despatch.archive import Archive

__version__ = "0.1.0"

__all__ = ["Archive", "DespatchError", "Document", "Volume", "__version__"]


def __getattr__(name: str) -> object:
    # ``Archive`` pulls in the stores and tantivy; import it only when asked for.
    if name == "Archive":
        from despatch.archive import Archive

        return Archive
    raise AttributeError(f"module 'despatch' has no attribute {name!r}")
