"""Store fixtures: the samples in the memory store and in a local archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from despatch.store.local import LocalStore
from despatch.store.memory import MemoryStore
from tests.store.suite import load_samples, sample_records


@pytest.fixture
def documents() -> list:  # type: ignore[type-arg]
    """The samples' documents (TEI excerpts and the seed read without a volume)."""
    return list(sample_records()[0])


@pytest.fixture
def memory_store() -> MemoryStore:
    """An empty memory store."""
    return MemoryStore()


@pytest.fixture
def local_store(tmp_path: Path) -> Iterator[LocalStore]:
    """An empty local archive in a temporary folder."""
    store = LocalStore(tmp_path / "archive")
    yield store
    store.close()


@pytest.fixture(scope="module")
def loaded_local_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStore]:
    """A local archive holding the samples (shared by a module's read-only tests)."""
    store = LocalStore(tmp_path_factory.mktemp("local") / "archive")
    load_samples(store)
    yield store
    store.close()
