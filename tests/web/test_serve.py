"""`despatch serve`: its refusals, and the per-process app factory of ``--workers``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from despatch.cli import app
from despatch.store import open_store
from despatch.web.app import app_from_env
from tests.web.conftest import load_samples

runner = CliRunner()


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--archive", str(tmp_path / "none"), "serve", "--port", "1"])
    assert result.exit_code == 1
    assert "no archive here" in result.output


def test_serve_refuses_an_empty_token(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--archive", str(tmp_path), "serve", "--ingest-token", " "])
    assert result.exit_code == 1
    assert "--ingest-token is empty" in result.output


def test_serve_refuses_uploads_with_several_workers(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--archive", str(tmp_path), "serve", "--workers", "2", "--ingest-token", "t"]
    )
    assert result.exit_code == 1
    assert "single server process" in result.output


def test_app_factory_opens_the_archive_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "archive"
    store = open_store(folder)
    try:
        load_samples(store)
    finally:
        store.close()
    monkeypatch.setenv("DESPATCH_ARCHIVE", str(folder))
    monkeypatch.delenv("DESPATCH_INGEST_TOKEN", raising=False)
    with TestClient(app_from_env()) as client:
        stats = client.get("/api/stats").json()
        assert stats["documents"] > 0
        assert client.get("/documents/frus1958-60v19/d110").status_code == 200
        assert client.post("/api/ingest").status_code == 404  # read-only without a token
