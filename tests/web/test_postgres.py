"""The web app over the PostgreSQL backend: the same pages and API as over the local archive."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from despatch.store import open_store
from despatch.store.base import Store
from despatch.web.app import WebSettings, create_app
from tests.web.conftest import load_samples

pytestmark = pytest.mark.postgres

SEED_ID = "frus1958-60v19/d110"


@pytest.fixture(scope="module")
def pg_store(pg_module_url: str) -> Iterator[Store]:
    store = load_samples(open_store(pg_module_url))
    yield store
    store.close()


@pytest.fixture(scope="module")
def pg_client(pg_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(pg_store, WebSettings())) as c:
        yield c


def test_search_api_and_page(pg_client: TestClient) -> None:
    body = pg_client.get(
        "/api/search", params={"q": "Chiang Kai-shek from:Moscow", "facets": "true"}
    ).json()
    assert SEED_ID in [h["id"] for h in body["hits"]]
    assert body["facets"]["sender"]
    html = pg_client.get("/search", params={"q": "Chiang Kai-shek from:Moscow"}).text
    assert f'href="/documents/{SEED_ID}' in html and "<mark>" in html


def test_document_page(pg_client: TestClient, pg_store: Store) -> None:
    assert pg_store.get(SEED_ID).text, "the PostgreSQL archive has no text for the document"
    html = pg_client.get(f"/documents/{SEED_ID}").text
    assert re.findall(r'<span class="pb" id="page-(\d+)"', html)[:3] == ["232", "233", "234"]
    assert "<dt>Telegram number</dt><dd>634</dd>" in html
    assert 'rel="next" href="/documents/frus1958-60v19/d111"' in html


def test_volume_person_timeline_network(pg_client: TestClient) -> None:
    assert pg_client.get("/volumes/frus1958-60v19").status_code == 200
    assert pg_client.get("/persons/p_KNS1", params={"volume": "frus1958-60v19"}).status_code == 200
    months = pg_client.get("/api/timeline", params={"q": "volume:frus1958-60v19"}).json()
    assert {m["month"] for m in months["months"]} == {"1958-09"}
    edges = pg_client.get("/api/network", params={"q": "volume:frus1958-60v19"}).json()["edges"]
    assert edges


def test_errors_have_the_problem_shape(pg_client: TestClient) -> None:
    r = pg_client.get("/api/search", params={"q": "from:"})
    assert r.status_code == 400 and r.json()["type"] == "/problems/bad-query"
    r = pg_client.get("/api/documents/frus1958-60v19/d9999")
    assert r.status_code == 404 and r.json()["type"] == "/problems/not-found"
