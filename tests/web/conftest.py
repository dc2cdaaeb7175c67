"""Fixtures of the web tests: a store over the bundled samples, and a TestClient over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from despatch.model import Document, Volume
from despatch.readers import read_path
from despatch.store.base import Store
from despatch.store.memory import MemoryStore
from despatch.web.app import WebSettings, create_app
from tests.conftest import SAMPLES

try:  # the plain-text reader lands separately; until then the TEI samples alone
    import despatch.readers.plaintext  # noqa: F401

    _SUFFIXES = {".xml", ".txt"}
except ImportError:  # pragma: no cover
    _SUFFIXES = {".xml"}


def sample_files() -> list[Path]:
    """Every bundled sample the readers take."""
    return sorted(p for p in SAMPLES.rglob("*") if p.suffix in _SUFFIXES)


def load_samples(store: Store) -> Store:
    """Read every bundled sample into ``store`` (volumes first)."""
    docs: list[Document] = []
    for path in sample_files():
        for record in read_path(path):
            if isinstance(record, Volume):
                store.put_volume(record)
            else:
                docs.append(record)
    store.put(docs)
    return store


@pytest.fixture(scope="session")
def sample_store() -> Iterator[Store]:
    store = load_samples(MemoryStore())
    yield store
    store.close()


@pytest.fixture(scope="session")
def client(sample_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(sample_store, WebSettings())) as c:
        yield c
