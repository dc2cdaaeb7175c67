"""The seed document as the plain-text reader reads it, for the enrichment and cite tests."""

from __future__ import annotations

from pathlib import Path

from despatch.model import Document
from despatch.readers.plaintext import PlainTextReader

SEED = Path(__file__).resolve().parents[2] / "samples" / "plaintext" / "000_2018aa1b5c0eb2cd.txt"


def seed_document(*, volume: str | None = "frus1958-60v19") -> Document:
    """The seed record (FRUS 1958–1960 vol. XIX, document 110), read from the sample file."""
    records = [r for r in PlainTextReader().read(SEED, volume=volume) if isinstance(r, Document)]
    return records[0]
