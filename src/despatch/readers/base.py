"""The reader protocol: every reader turns a source into records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from despatch.model import Document, Volume


class Reader(Protocol):
    """Reads one source file into records.

    ``read`` yields the documents of the file in order; a reader of a whole volume
    (TEI) also yields one ``Volume`` record (its front matter and divisions), which a
    store files beside the documents. Problems a reader can work around become
    ``RecordWarning``s on the record; problems it cannot raise ``ReadError`` naming the
    file and line.
    """

    name: str

    def read(self, path: Path, *, volume: str | None = None) -> Iterator[Document | Volume]:
        """Yield the records in the file at ``path``."""
        ...
