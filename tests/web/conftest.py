"""Fixtures of the web tests: a store over the bundled samples, and a TestClient over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from despatch.ingest import ingest
from despatch.store import open_store
from despatch.store.base import Store
from despatch.web.app import WebSettings, create_app
from tests.conftest import SAMPLES


def load_samples(store: Store) -> Store:
    """Ingest every bundled sample into ``store`` with the real pipeline."""
    report = ingest(store, [SAMPLES], workers=1)
    assert not report.failed, report.failed
    return store


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The embedded archive (SQLite + tantivy) over the samples, as `despatch serve` sees it."""
    store = load_samples(open_store(tmp_path_factory.mktemp("web") / "archive"))
    yield store
    store.close()


@pytest.fixture(scope="session")
def client(sample_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(sample_store, WebSettings())) as c:
        yield c
