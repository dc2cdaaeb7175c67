"""`despatch parse`: the summary a historian checks, the JSON record, and the error path."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from despatch.cli import app
from despatch.model import Document
from tests.conftest import SEED, TEI_1901

runner = CliRunner()


def test_text_summary_of_the_seed() -> None:
    result = runner.invoke(
        app, ["parse", str(SEED), "--volume", "frus1958-60v19"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in (
        "frus1958-60v19/d110",
        "110. Telegram From the Embassy in the Soviet Union to the Department of State",
        "1958-09-19  from file-number, probable",
        "Embassy in the Soviet Union (Moscow)",
        "Department of State (Washington)",
        "no. 634 · Official Use Only · Niact · 5 sections · received 9:29 p.m.",
        "CINCPAC for POLAD [action, priority]",
        "Hong Kong [repeated, priority]",
        "793.00/9–1958",
        "231–238 (7 page breaks)",
        "Davis",
        "from Khrushchev",
        "(signed) N. Khrushchev",
        "after “…tsov handed me this afternoon.”",
        "footnote-markers-offset",
    ):
        assert expected in out, expected


def test_json_is_the_full_record() -> None:
    result = runner.invoke(app, ["parse", str(SEED), "--format", "json"])
    assert result.exit_code == 0
    doc = Document.from_json(result.output)
    assert doc.number == "110" and doc.id.startswith("local-")
    assert doc.telegram is not None and doc.telegram.serial == "634"


def test_several_files_give_a_json_array(tmp_path: Path) -> None:
    other = tmp_path / "note.txt"
    other.write_text("114. Editorial Note\n\nOn September 20 the Secretary met.\n", "utf-8")
    result = runner.invoke(app, ["parse", str(SEED), str(other), "-f", "json"])
    assert result.exit_code == 0
    records = json.loads(result.output)
    assert [r["number"] for r in records] == ["110", "114"]


def test_tei_file_gives_its_documents() -> None:
    result = runner.invoke(app, ["parse", str(TEI_1901)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Mr. Conger to Mr. Hay." in result.output


def test_errors_are_one_line_and_exit_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(app, ["parse", str(empty), str(binary), str(tmp_path / "gone.txt")])
    assert result.exit_code == 1
    err = result.output
    assert "error:" in err and "empty" in err and "binary" in err and "no such file" in err
    assert "Traceback" not in err


def test_a_bad_file_does_not_hide_the_good_ones(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["parse", str(empty), str(SEED), "-f", "json"])
    assert result.exit_code == 1
    assert '"number": "110"' in result.output


def test_bad_volume_id_is_a_config_error() -> None:
    result = runner.invoke(app, ["parse", str(SEED), "--volume", "no spaces/please"])
    assert result.exit_code == 1
    assert "is not a volume id" in result.output


def test_folder_is_refused_clearly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(tmp_path)])
    assert result.exit_code == 1
    assert "is a folder" in result.output
