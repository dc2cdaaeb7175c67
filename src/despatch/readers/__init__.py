"""Readers for each source format, and ``read_path`` that picks one for a file.

Formats: FRUS-style plain text as copied from history.state.gov (``plaintext``),
Markdown/text with YAML front matter (``markdown``), and TEI P5 XML volumes (``tei``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from despatch.errors import ReadError, UnsupportedFormat
from despatch.model import Document, Volume
from despatch.readers.base import Reader

_SNIFF_BYTES = 4096


def detect_format(path: Path) -> str:
    """Name the reader for ``path``: ``tei``, ``markdown`` or ``plaintext``.

    The suffix decides where it is unambiguous; otherwise the first bytes do.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise ReadError(f"cannot open file: {exc.strerror}", path=path) from exc
    if b"\x00" in head:
        raise UnsupportedFormat(
            "binary file, not a document (despatch reads TEI XML, Markdown and plain text)",
            path=path,
        )
    suffix = path.suffix.lower()
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in {".xml", ".tei"} or stripped.startswith(b"<?xml") or stripped.startswith(b"<TEI"):
        return "tei"
    if (
        suffix in {".md", ".markdown"}
        or stripped.startswith(b"---\n")
        or stripped.startswith(b"---\r\n")
    ):
        return "markdown"
    if suffix in {".txt", ".text", ""}:
        return "plaintext"
    raise UnsupportedFormat(
        f"unknown file type {suffix!r}; despatch reads .xml (TEI), .md and .txt files",
        path=path,
    )


def get_reader(name: str) -> Reader:
    """The reader registered under ``name``."""
    if name == "tei":
        from despatch.readers.tei import TeiReader

        return TeiReader()
    if name == "markdown":
        from despatch.readers.markdown import MarkdownReader

        return MarkdownReader()
    if name == "plaintext":
        from despatch.readers.plaintext import PlainTextReader

        return PlainTextReader()
    raise UnsupportedFormat(f"no reader named {name!r}")


def read_path(path: str | Path, *, volume: str | None = None) -> Iterator[Document | Volume]:
    """Yield the records of one file, choosing the reader by suffix or content."""
    p = Path(path)
    return get_reader(detect_format(p)).read(p, volume=volume)


__all__ = ["Reader", "detect_format", "get_reader", "read_path"]
