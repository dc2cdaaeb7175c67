"""The archive commands: ingest, search, show, stats, reindex, check."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from despatch.cli import app
from despatch.cli._app import state
from tests.conftest import SAMPLES

runner = CliRunner()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[str]:
    path = str(tmp_path / "archive")
    before = state.archive
    yield path
    state.archive = before


@pytest.fixture
def filled(archive: str) -> str:
    result = runner.invoke(app, ["--archive", archive, "ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    return archive


def test_ingest_summary(archive: str) -> None:
    result = runner.invoke(app, ["--archive", archive, "ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    assert "47 documents from 4 files" in result.output
    assert "added 46 · updated 0 · unchanged 0 · superseded 1 · failed 0" in result.output
    again = runner.invoke(app, ["--archive", archive, "ingest", str(SAMPLES)])
    assert "added 0 · updated 0 · unchanged 46 · superseded 1 · failed 0" in again.output


def test_ingest_reports_failures_with_file_and_reason(archive: str, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = runner.invoke(app, ["--archive", archive, "ingest", str(bad), str(SAMPLES / "tei")])
    assert result.exit_code == 1
    assert "failed 1" in result.output
    assert "empty.txt" in result.output and "no document" in result.output
    strict = runner.invoke(app, ["--archive", archive, "ingest", "--strict", str(bad)])
    assert strict.exit_code == 1
    assert "stopped by --strict" in strict.output


def test_search_text(filled: str) -> None:
    result = runner.invoke(
        app, ["--archive", filled, "search", "Chiang Kai-shek from:Moscow", "--limit", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "1–1 of 1 documents match" in result.output
    assert "frus1958-60v19/d110" in result.output
    assert "p. 231" in result.output
    assert "Embassy in the Soviet Union → Department of State" in result.output
    assert "Chiang Kai-shek" in result.output


def test_search_json_with_facets(filled: str) -> None:
    result = runner.invoke(
        app,
        ["--archive", filled, "search", "year:1958", "--facets", "--format", "json", "-n", "3"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 10
    assert len(data["hits"]) == 3
    assert {"type", "year", "sender", "recipient", "classification", "precedence", "volume"} == set(
        data["facets"]
    )
    assert data["facets"]["year"] == [{"value": "1958", "count": 10}]


def test_search_sort_by_date_and_offset(filled: str) -> None:
    result = runner.invoke(
        app,
        [
            "--archive",
            filled,
            "search",
            "",
            "--sort",
            "date",
            "--offset",
            "2",
            "-n",
            "2",
            "-f",
            "json",
        ],
    )
    data = json.loads(result.output)
    assert data["offset"] == 2 and data["sort"] == "date"
    assert [h["date"][:4] for h in data["hits"]] == ["1900", "1900"]


def test_search_bad_query_points_at_the_bad_part(filled: str) -> None:
    result = runner.invoke(app, ["--archive", filled, "search", "Taiwan form:Moscow"])
    assert result.exit_code == 1
    assert "unknown field 'form:' (did you mean 'from:'?)" in result.output
    assert "at column 8" in result.output


def test_search_help_documents_the_language() -> None:
    result = runner.invoke(app, ["search", "--help"], terminal_width=120)
    assert result.exit_code == 0
    for fragment in (
        "from:Moscow",
        "date:1958-09..1958-10",
        "classification:",
        " OR ",
        "Khrushch*",
    ):
        assert fragment in result.output


def test_search_needs_an_archive(archive: str) -> None:
    result = runner.invoke(app, ["--archive", archive, "search", "Taiwan"])
    assert result.exit_code == 1
    assert "despatch ingest" in result.output


def test_show(filled: str) -> None:
    result = runner.invoke(app, ["--archive", filled, "show", "frus1958-60v19/d110"])
    assert result.exit_code == 0, result.output
    assert "Telegram From the Embassy in the Soviet Union" in result.output
    assert "[Page 234]" in result.output
    assert "precedence: Niact" in result.output
    data = json.loads(
        runner.invoke(
            app, ["--archive", filled, "show", "frus1958-60v19/d110", "-f", "json"]
        ).output
    )
    assert data["id"] == "frus1958-60v19/d110"
    missing = runner.invoke(app, ["--archive", filled, "show", "frus1958-60v19/d999"])
    assert missing.exit_code == 1
    assert "no document 'frus1958-60v19/d999'" in missing.output


def test_stats(filled: str) -> None:
    result = runner.invoke(app, ["--archive", filled, "stats"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "46 documents in 3 volumes" in result.output
    assert "frus1958-60v19" in result.output and "telegram" in result.output
    data = json.loads(runner.invoke(app, ["--archive", filled, "stats", "-f", "json"]).output)
    assert data["by_volume"]["frus1901China"] == 21


def test_reindex_and_check(filled: str) -> None:
    result = runner.invoke(app, ["--archive", filled, "reindex"])
    assert result.exit_code == 0
    assert "Reindexed 46 documents." in result.output
    check = runner.invoke(app, ["--archive", filled, "check", "--integrity"])
    assert check.exit_code == 0
    assert "The archive is sound." in check.output
    db = sqlite3.connect(Path(filled) / "records.sqlite")
    db.execute("UPDATE documents SET record = '{}' WHERE id = 'frus1958-60v19/d105'")
    db.commit()
    db.close()
    assert runner.invoke(app, ["--archive", filled, "check"]).exit_code == 0  # quick
    bad = runner.invoke(app, ["--archive", filled, "check", "--integrity"])
    assert bad.exit_code == 1
    assert "frus1958-60v19/d105: the stored record does not load" in bad.output


def test_search_facets_estimated_are_marked_and_exact_on_request(
    filled: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from despatch.store.local import LocalStore

    monkeypatch.setattr(LocalStore, "facet_estimate_from", 20)
    monkeypatch.setattr(LocalStore, "facet_sample_matches", 5)
    query = "NOT volume:frus1958-60v19"  # 35 of the 46 documents
    result = runner.invoke(app, ["--archive", filled, "search", query, "--facets", "-n", "1"])
    assert result.exit_code == 0, result.output
    assert "Facet counts estimated from" in result.output and "--exact-facets" in result.output
    assert re.search(r"volume: frus[\w-]+ \(≈[\d,]+\)", result.output), result.output
    exact = runner.invoke(app, ["--archive", filled, "search", query, "--exact-facets", "-n", "1"])
    assert exact.exit_code == 0, exact.output
    assert "estimated" not in exact.output and "≈" not in exact.output
    assert "volume: frus1901China (21), frus1964-68v30 (14)" in exact.output
    data = json.loads(
        runner.invoke(
            app, ["--archive", filled, "search", query, "--facets", "-f", "json", "-n", "0"]
        ).output
    )
    assert 0 < data["facets_sample"] < data["total"]
