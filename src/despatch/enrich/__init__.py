"""Enrichment: entity spans, references and their resolution (``enrich_document``)."""

from __future__ import annotations

from despatch.enrich.references import (
    DocumentIndex,
    ReferenceLookup,
    SerialCandidate,
    enrich_document,
    enrich_records,
    find_references,
    resolve_references,
)
from despatch.enrich.resolve import ChainLookup, StoreLookup

__all__ = [
    "ChainLookup",
    "DocumentIndex",
    "ReferenceLookup",
    "SerialCandidate",
    "StoreLookup",
    "enrich_document",
    "enrich_records",
    "find_references",
    "resolve_references",
]
