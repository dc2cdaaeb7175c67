"""despatch: structured, searchable, citable archives of diplomatic documents."""

from __future__ import annotations

from despatch.errors import DespatchError
from despatch.model import Document, Volume

__version__ = "0.1.0"

__all__ = ["DespatchError", "Document", "Volume", "__version__"]
