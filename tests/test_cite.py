"""Citations of the seed record in every style, checked by parsing them back."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from typer.testing import CliRunner

from despatch.cite import STYLES, format_citation
from despatch.errors import ConfigError
from despatch.model import Document, DocumentDate, Volume
from despatch.readers import read_path
from tests.conftest import TEI_1901, TEI_V19
from tests.enrich.seed import seed_document

URL = "https://history.state.gov/historicaldocuments/frus1958-60v19/d110"


@pytest.fixture(scope="module")
def seed() -> Document:
    return seed_document()


@pytest.fixture(scope="module")
def v19() -> Volume:
    return next(r for r in read_path(TEI_V19) if isinstance(r, Volume))


def test_chicago_note_with_the_volume_record(seed: Document, v19: Volume) -> None:
    assert format_citation(seed, "chicago", volume=v19) == (
        "Telegram From the Embassy in the Soviet Union to the Department of State, Moscow, "
        "September 19, 1958, in Foreign Relations of the United States, 1958–1960, vol. XIX, "
        "China, ed. Harriet Dashiell Schwar and Glenn W. LaFantasie (Washington: Government "
        f"Printing Office, 1996), Document 110, {URL}."
    )


def test_chicago_note_from_the_bundled_volume_list(seed: Document) -> None:
    # No Volume record: the facts come from the list of FRUS volumes; editors are not
    # invented, so the note has none.
    note = format_citation(seed, "chicago", accessed=date(2024, 5, 1))
    assert note == (
        "Telegram From the Embassy in the Soviet Union to the Department of State, Moscow, "
        "September 19, 1958, in Foreign Relations of the United States, 1958–1960, vol. XIX, "
        "China (Washington: Government Printing Office, 1996), Document 110, accessed May 1, "
        f"2024, {URL}."
    )


def test_chicago_bibliography(seed: Document, v19: Volume) -> None:
    assert format_citation(seed, "chicago-bibliography", volume=v19) == (
        "U.S. Department of State. “Telegram From the Embassy in the Soviet Union to the "
        "Department of State.” Moscow, September 19, 1958. In Foreign Relations of the United "
        "States, 1958–1960, Volume XIX, China, edited by Harriet Dashiell Schwar and Glenn W. "
        f"LaFantasie, Document 110. Washington: Government Printing Office, 1996. {URL}."
    )


def test_chicago_without_a_volume_cites_the_archive() -> None:
    doc = seed_document(volume=None)
    assert format_citation(doc, "chicago") == (
        "Telegram From the Embassy in the Soviet Union to the Department of State, Moscow, "
        "September 19, 1958, Department of State, Central Files, 793.00/9–1958."
    )


def test_unnumbered_document_is_cited_by_page() -> None:
    records = list(read_path(TEI_1901))
    vol = next(r for r in records if isinstance(r, Volume))
    d48 = next(r for r in records if isinstance(r, Document) and r.id.endswith("/d48"))
    note = format_citation(d48, "chicago", volume=vol)
    assert note.startswith("Mr. Conger to Mr. Hay, ")
    assert "October 30, 1900" in note and ", p. 45, " in note and "Document 4" not in note


def _bibtex_fields(text: str) -> tuple[str, str, dict[str, str]]:
    m = re.fullmatch(r"@(\w+)\{([^,\s]+),\n(.*)\n\}\n", text, re.S)
    assert m, text
    fields: dict[str, str] = {}
    for line in m.group(3).split(",\n"):
        key, _, value = line.strip().partition(" = ")
        assert value.startswith("{") and value.endswith("}"), line
        inner = value[1:-1]
        depth = 0
        for ch_prev, ch in zip(" " + inner[:-1], inner, strict=True):
            if ch == "{" and ch_prev != "\\":
                depth += 1
            elif ch == "}" and ch_prev != "\\":
                depth -= 1
            assert depth >= 0, line
        assert depth == 0, line
        fields[key] = inner
    return m.group(1), m.group(2), fields


def test_bibtex_parses(seed: Document, v19: Volume) -> None:
    entry, key, fields = _bibtex_fields(format_citation(seed, "bibtex", volume=v19))
    assert (entry, key) == ("incollection", "frus1958-60v19-d110")
    assert fields["title"] == (
        "Telegram From the Embassy in the Soviet Union to the Department of State"
    )
    assert fields["booktitle"] == (
        "Foreign Relations of the United States, 1958--1960, Volume XIX, China"
    )
    assert fields["editor"] == "Schwar, Harriet Dashiell and LaFantasie, Glenn W."
    assert (fields["year"], fields["number"], fields["pages"]) == ("1996", "110", "231--238")
    assert fields["url"] == URL


def test_bibtex_escapes_special_characters() -> None:
    doc = Document(id="x/d1", title="Costs: 50% & {more} #1_a", date=DocumentDate(value="1950"))
    _entry, key, fields = _bibtex_fields(format_citation(doc, "bibtex"))
    assert key == "x-d1"
    assert fields["title"] == r"Costs: 50\% \& \{more\} \#1\_a"


def test_ris_parses(seed: Document, v19: Volume) -> None:
    text = format_citation(seed, "ris", volume=v19, accessed=date(2024, 5, 1))
    lines = text.splitlines()
    assert lines[0] == "TY  - CHAP" and lines[-1] == "ER  -"
    tags: dict[str, list[str]] = {}
    for line in lines:
        assert re.fullmatch(r"[A-Z][A-Z0-9]  -( .*)?", line), line
        tags.setdefault(line[:2], []).append(line[6:])
    assert tags["TI"] == [
        "Telegram From the Embassy in the Soviet Union to the Department of State"
    ]
    assert tags["ED"] == ["Schwar, Harriet Dashiell", "LaFantasie, Glenn W."]
    assert (tags["DA"], tags["PY"], tags["VL"]) == (["1958/09/19"], ["1996"], ["XIX"])
    assert (tags["SE"], tags["SP"], tags["EP"]) == (["Document 110"], ["231"], ["238"])
    assert tags["UR"] == [URL] and tags["Y2"] == ["2024/05/01"]


def test_csl_json_fields(seed: Document, v19: Volume) -> None:
    (item,) = json.loads(format_citation(seed, "csl-json", volume=v19))
    assert item["id"] == "frus1958-60v19/d110" and item["type"] == "chapter"
    assert (
        item["title"] == "Telegram From the Embassy in the Soviet Union to the Department of State"
    )
    assert item["container-title"] == (
        "Foreign Relations of the United States, 1958–1960, Volume XIX, China"
    )
    assert item["editor"][0] == {"family": "Schwar", "given": "Harriet Dashiell"}
    assert item["original-date"] == {"date-parts": [[1958, 9, 19]]}
    assert item["issued"] == {"date-parts": [[1996]]}
    assert (item["number"], item["volume"], item["event-place"]) == ("110", "XIX", "Moscow")
    assert item["URL"] == URL


def test_csl_json_renders_through_citeproc(seed: Document, v19: Volume) -> None:
    data = json.loads(format_citation(seed, "csl-json", volume=v19))
    csl = resources.files("despatch").joinpath("data", "despatch-document.csl")
    style = CitationStylesStyle(str(Path(str(csl))), validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(data), formatter.plain)
    bib.register(Citation([CitationItem(data[0]["id"])]))
    (rendered,) = [str(item) for item in bib.bibliography()]
    assert rendered == (
        "Telegram From the Embassy in the Soviet Union to the Department of State, Moscow, "
        "September 19, 1958, in Foreign Relations of the United States, 1958–1960, Volume XIX, "
        "China, ed. by Harriet Dashiell Schwar and Glenn W. LaFantasie, Document 110, "
        f"{URL}."
    )


@pytest.mark.parametrize("style", STYLES)
def test_every_style_for_the_seed(seed: Document, style: str) -> None:
    text = format_citation(seed, style)
    assert "Telegram From the Embassy in the Soviet Union to the Department of State" in text
    assert "110" in text


def test_unknown_style_is_a_config_error(seed: Document) -> None:
    with pytest.raises(ConfigError, match="unknown citation style 'apa'; choose one of"):
        format_citation(seed, "apa")


def test_undated_document_without_volume() -> None:
    doc = Document(id="local/x", title="Memorandum")
    assert format_citation(doc, "chicago") == "Memorandum, n.d."
    assert json.loads(format_citation(doc, "csl-json"))[0]["type"] == "document"


def test_cli_cite_from_an_archive(tmp_path: Path, seed: Document) -> None:
    from despatch.cli import app
    from despatch.store import open_store

    archive = tmp_path / "archive"
    with open_store(archive) as store:
        store.put([seed])
    runner = CliRunner()
    result = runner.invoke(app, ["--archive", str(archive), "cite", seed.id])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Telegram From the Embassy in the Soviet Union")
    assert URL in result.output
    result = runner.invoke(app, ["--archive", str(archive), "cite", seed.id, "--style", "ris"])
    assert result.exit_code == 0 and result.output.startswith("TY  - CHAP")
    result = runner.invoke(app, ["--archive", str(archive), "cite", "frus1958-60v19/d999"])
    assert result.exit_code == 1
