"""The JSON API over the bundled samples, and the one error shape every error takes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from despatch.errors import (
    BackendUnavailable,
    ConfigError,
    DespatchError,
    IntegrityError,
    NotFound,
    QueryError,
    QuerySyntaxError,
)
from despatch.store import open_store
from despatch.store.base import SearchResults, SortOrder, Store
from despatch.store.memory import MemoryStore
from despatch.web.app import WebSettings, create_app

SEED_ID = "frus1958-60v19/d110"
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(resp: Any, status: int, slug: str, path: str) -> dict[str, Any]:
    """``resp`` is RFC 9457 problem details with this status and type."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"] == f"/problems/{slug}"
    assert body["instance"] == path
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


# --- happy paths -----------------------------------------------------------------------------


def test_search_finds_the_seed_with_facets_and_page(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "Chiang Kai-shek from:Moscow", "facets": "true"})
    assert r.status_code == 200
    body = r.json()
    ids = [h["id"] for h in body["hits"]]
    assert SEED_ID in ids
    hit = body["hits"][ids.index(SEED_ID)]
    assert hit["sender"] == ["Embassy in the Soviet Union"]
    assert hit["page"] is not None
    for start, end in hit["highlights"]:
        assert hit["snippet"][start:end].lower() in {"chiang", "kai", "shek", "kai-shek"}
    assert {"type", "year", "sender", "classification"} <= set(body["facets"])
    years = {f["value"]: f["count"] for f in body["facets"]["year"]}
    assert years.get("1958", 0) >= 1


def test_search_sort_and_paging(client: TestClient) -> None:
    everything = client.get("/api/search", params={"q": "", "limit": 100}).json()
    assert everything["total"] >= 30  # three TEI excerpts
    page2 = client.get("/api/search", params={"q": "", "limit": 5, "offset": 5, "sort": "date"})
    assert page2.status_code == 200
    body = page2.json()
    assert body["offset"] == 5 and len(body["hits"]) == 5
    dates = [h["date"] for h in body["hits"] if h["date"]]
    assert dates == sorted(dates)


def test_document_record_round_trips(client: TestClient) -> None:
    r = client.get(f"/api/documents/{SEED_ID}")
    assert r.status_code == 200
    doc = r.json()
    assert doc["id"] == SEED_ID
    assert doc["telegram"]["serial"] == "634"
    assert doc["first_page"] == "231"


def test_cited_by_lists_citing_documents(client: TestClient, sample_store: Store) -> None:
    r = client.get(f"/api/documents/{SEED_ID}/cited-by")
    assert r.status_code == 200
    expected = [c.model_dump() for c in sample_store.cited_by(SEED_ID)]
    assert r.json() == expected


@pytest.mark.parametrize("style", ["chicago", "chicago-bibliography", "bibtex", "ris", "csl-json"])
def test_citation_styles(client: TestClient, style: str) -> None:
    r = client.get(f"/api/documents/{SEED_ID}/citation", params={"style": style})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["style"] == style and body["document"] == SEED_ID
    assert body["text"].strip()
    dl = client.get(
        f"/api/documents/{SEED_ID}/citation", params={"style": style, "download": "true"}
    )
    assert dl.status_code == 200
    assert "attachment" in dl.headers["content-disposition"]
    assert dl.text == body["text"]


def test_volumes_volume_person_stats(client: TestClient) -> None:
    vols = client.get("/api/volumes").json()
    by_id = {v["id"]: v for v in vols}
    assert "frus1958-60v19" in by_id
    assert by_id["frus1958-60v19"]["documents"] >= 11
    vol = client.get("/api/volumes/frus1958-60v19").json()
    order = [d["id"] for d in vol["documents"]]
    assert order.index("frus1958-60v19/d109") < order.index(SEED_ID)
    person = client.get("/api/persons/p_KNS1", params={"volume": "frus1958-60v19"})
    assert person.status_code == 200
    assert person.json()["entry"]["name"].startswith("Khrushchev")
    stats = client.get("/api/stats").json()
    assert stats["documents"] == sum(stats["by_volume"].values()) or stats["documents"] > 0


def test_timeline_and_network(client: TestClient) -> None:
    t = client.get("/api/timeline", params={"q": "volume:frus1958-60v19"}).json()
    months = {m["month"]: m["count"] for m in t["months"]}
    assert months.get("1958-09", 0) >= 10
    assert t["counted"] == t["total"]
    n = client.get("/api/network", params={"q": "volume:frus1958-60v19"}).json()
    pairs = {(e["sender"], e["recipient"]): e["count"] for e in n["edges"]}
    assert pairs.get(("Embassy in the Soviet Union", "Department of State"), 0) >= 1


def test_openapi_is_served_and_lists_the_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for p in ("/api/search", "/api/documents/{doc_id}", "/api/volumes", "/api/stats"):
        assert p in paths
    assert "/api/ingest" not in paths  # no token configured
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == PROBLEM_KEYS


# --- the error shape, for every error class ------------------------------------------------


def test_query_error_is_400_with_column(client: TestClient) -> None:
    body = assert_problem(
        client.get("/api/search", params={"q": "from:"}), 400, "bad-query", "/api/search"
    )
    assert "from:" in body["detail"]
    assert body["column"] == 1


def test_unknown_document_is_404(client: TestClient) -> None:
    assert_problem(
        client.get("/api/documents/frus1958-60v19/d9999"),
        404,
        "not-found",
        "/api/documents/frus1958-60v19/d9999",
    )
    assert_problem(
        client.get("/api/documents/nope/cited-by"), 404, "not-found", "/api/documents/nope/cited-by"
    )
    assert_problem(client.get("/api/volumes/nope"), 404, "not-found", "/api/volumes/nope")
    assert_problem(client.get("/api/persons/p_NOPE"), 404, "not-found", "/api/persons/p_NOPE")


def test_unknown_route_is_404_problem(client: TestClient) -> None:
    assert_problem(client.get("/api/nothing-here"), 404, "not-found", "/api/nothing-here")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "101"},
        {"limit": "0"},
        {"offset": "-1"},
        {"offset": "10001"},
        {"sort": "alphabetical"},
        {"limit": "ten"},
    ],
)
def test_limits_are_enforced_as_422_problems(client: TestClient, params: dict[str, str]) -> None:
    body = assert_problem(
        client.get("/api/search", params=params), 422, "invalid-request", "/api/search"
    )
    assert body["errors"] and body["errors"][0]["parameter"] in params


def test_bad_citation_style_is_422(client: TestClient) -> None:
    assert_problem(
        client.get(f"/api/documents/{SEED_ID}/citation", params={"style": "mla"}),
        422,
        "invalid-request",
        f"/api/documents/{SEED_ID}/citation",
    )


class _FailingStore(MemoryStore):
    """A store whose ``search`` raises the error it was given."""

    def __init__(self, exc: DespatchError) -> None:
        super().__init__()
        self.exc = exc

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        sort: SortOrder = "relevance",
        facets: bool = False,
        exact_facets: bool = False,
    ) -> SearchResults:
        raise self.exc


@pytest.fixture
def failing_client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    exc: DespatchError = request.param
    with TestClient(create_app(_FailingStore(exc), WebSettings())) as c:
        yield c


@pytest.mark.parametrize(
    ("failing_client", "status", "slug"),
    [
        (QueryError("bad query"), 400, "bad-query"),
        (QuerySyntaxError("unclosed quote", query='"a', column=1), 400, "bad-query"),
        (ConfigError("bad setting"), 400, "bad-setting"),
        (NotFound("gone"), 404, "not-found"),
        (BackendUnavailable("database down; start it with pg_ctl"), 503, "backend-unavailable"),
        (IntegrityError("index damaged; run despatch reindex"), 500, "archive-error"),
        (DespatchError("something else"), 500, "archive-error"),
    ],
    indirect=["failing_client"],
)
def test_every_error_class_has_the_problem_shape(
    failing_client: TestClient, status: int, slug: str
) -> None:
    resp = failing_client.get("/api/search", params={"q": "x"})
    body = assert_problem(resp, status, slug, "/api/search")
    if status == 503:
        assert resp.headers["retry-after"]
        assert "pg_ctl" in body["detail"]


@pytest.mark.parametrize("failing_client", [BackendUnavailable("database down")], indirect=True)
def test_html_pages_get_an_html_error_page(failing_client: TestClient) -> None:
    r = failing_client.get("/search", params={"q": "x"})
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("text/html")
    assert "database down" in r.text and "<h1>" in r.text


# --- ingest ----------------------------------------------------------------------------------


def test_ingest_does_not_exist_without_a_token(client: TestClient) -> None:
    assert_problem(
        client.post("/api/ingest", files={"files": ("a.txt", b"x")}),
        404,
        "not-found",
        "/api/ingest",
    )


def test_ingest_needs_the_token_and_stores_documents(tmp_path: Path) -> None:
    store = open_store(tmp_path / "archive")
    tei = b"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t</title>
</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>
</teiHeader><text><body><div type="document" xml:id="d1" n="1"><head>1. Telegram From the
Embassy in France to the Department of State</head><dateline>Paris, <date when="1950-01-02">
January 2, 1950</date></dateline><p>Upload test text about Quemoy.</p></div></body></text></TEI>
"""
    try:
        with TestClient(create_app(store, WebSettings(ingest_token="s3cret"))) as c:
            files = {"files": ("vol.xml", tei, "application/xml")}
            vol = {"volume": "frus1950test"}
            assert_problem(c.post("/api/ingest", files=files), 401, "unauthorized", "/api/ingest")
            wrong = c.post("/api/ingest", files=files, headers={"Authorization": "Bearer nope"})
            assert_problem(wrong, 401, "unauthorized", "/api/ingest")
            ok = c.post(
                "/api/ingest", files=files, data=vol, headers={"Authorization": "Bearer s3cret"}
            )
            assert ok.status_code == 200, ok.text
            report = ok.json()
            assert report["added"] == 1 and report["failed"] == []
            assert c.get("/api/search", params={"q": "Quemoy"}).json()["total"] == 1
            bad = c.post(
                "/api/ingest",
                files={"files": ("../../etc/passwd", b"root")},
                headers={"Authorization": "Bearer s3cret"},
            )
            assert bad.status_code == 200
            assert bad.json()["failed"] and bad.json()["added"] == 0
    finally:
        store.close()


@pytest.mark.parametrize(
    ("key", "kind", "name"),
    [("place:Taiwan", "place", "Taiwan"), ("term:NSC", "term", "NSC")],
)
def test_entity_keys_from_despatch_tables(
    client: TestClient, key: str, kind: str, name: str
) -> None:
    r = client.get(f"/api/persons/{key}")
    assert r.status_code == 200, r.text
    entry = r.json()["entry"]
    assert entry["kind"] == kind and entry["name"] == name
    page = client.get(f"/persons/{key}")
    assert page.status_code == 200 and name in page.text


def test_references_endpoint_lists_what_the_document_cites(
    client: TestClient, sample_store: Store
) -> None:
    r = client.get("/api/documents/frus1958-60v19/d113/references")
    assert r.status_code == 200
    expected = [ref.model_dump() for ref in sample_store.get("frus1958-60v19/d113").references]
    assert r.json() == expected
    assert any(ref["target"] == "frus1958-60v19/d114" for ref in r.json())
    assert_problem(
        client.get("/api/documents/nope/references"),
        404,
        "not-found",
        "/api/documents/nope/references",
    )


def test_ingest_refuses_before_reading_and_limits_the_upload(tmp_path: Path) -> None:
    store = open_store(tmp_path / "archive")
    auth = {"Authorization": "Bearer s3cret"}
    try:
        with TestClient(create_app(store, WebSettings(ingest_token="s3cret"))) as c:
            # Without the token the body is never parsed: garbage gets 401, not 422.
            garbage = {"content-type": "multipart/form-data; boundary=zz"}
            assert_problem(
                c.post("/api/ingest", content=b"garbage", headers=garbage),
                401,
                "unauthorized",
                "/api/ingest",
            )
            too_many = [("files", (f"a{i}.txt", b"x")) for i in range(101)]
            assert_problem(
                c.post("/api/ingest", files=too_many, headers=auth),
                413,
                "http-error",
                "/api/ingest",
            )
            assert_problem(
                c.post("/api/ingest", data={"volume": "v"}, headers=auth),
                422,
                "invalid-request",
                "/api/ingest",
            )
            bad = c.post("/api/ingest", content=b"garbage", headers={**auth, **garbage})
            assert_problem(bad, 422, "invalid-request", "/api/ingest")
    finally:
        store.close()
