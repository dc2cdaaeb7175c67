"""Smoke tests of the benchmark corpus generator (``bench/corpus.py``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from bench.corpus import (
    generate_documents,
    generate_records,
    generate_volumes,
    make_volume,
    plan,
    text_name,
    write_corpus,
)
from bench.corpus_render import tei_volume
from lxml import etree

TEI = "{http://www.tei-c.org/ns/1.0}"
FRUS = "{http://history.state.gov/frus/ns/1.0}"


def _volumes(n: int, seed: int = 1) -> list[tuple[str, str]]:
    return list(generate_volumes(n, seed))


def test_plan_covers_exactly_the_requested_documents() -> None:
    specs = plan(5000, seed=3)
    assert sum(s.n_docs for s in specs) == 5000
    assert len({s.id for s in specs}) == len(specs)
    assert all(re.fullmatch(r"frus\d{4}\S*", s.id) for s in specs)
    # Volume sizes are the real FRUS ones (20–1,915), only the last is cut short.
    assert all(20 <= s.n_docs <= 1915 for s in specs[:-1])


def test_tei_volumes_are_well_formed_frus_tei() -> None:
    vols = _volumes(30)
    assert sum(xml.count('<div type="document"') for _, xml in vols) == 30
    for vol_id, xml in vols:
        root = etree.fromstring(xml.encode("utf-8"))
        assert root.tag == f"{TEI}TEI"
        assert root.get("{http://www.w3.org/XML/1998/namespace}id") == vol_id
        ids = root.xpath("//@xml:id")
        assert len(ids) == len(set(ids)), "xml:ids must be unique"
        # Every #reference inside the volume resolves, as in the real excerpts.
        local = {t[1:] for t in root.xpath("//@corresp | //@target") if t.startswith("#")}
        assert local <= set(ids) | {f"d{n}" for n in range(1, 2000)}
        for doc in root.iter(f"{TEI}div"):
            if doc.get("type") != "document":
                continue
            assert re.fullmatch(r"d\d+", doc.get("{http://www.w3.org/XML/1998/namespace}id"))
            head = doc.find(f"{TEI}head")
            assert head is not None and "".join(head.itertext()).strip()
            for note in doc.iter(f"{TEI}note"):
                assert note.get("n", "").isdigit()
            assert doc.findall(f".//{TEI}p"), "every document has paragraphs"


def test_tei_eras_follow_the_sample_encodings() -> None:
    specs = plan(60_000, seed=2)
    by_era = {}
    for spec in specs:
        by_era.setdefault(spec.era, replace(spec, n_docs=6, full=6))
    assert set(by_era) == {"old", "mid", "modern"}
    for era, spec in by_era.items():
        vol, docs = make_volume(spec, 2)
        root = etree.fromstring(tei_volume(vol, docs).encode("utf-8"))
        first = next(d for d in root.iter(f"{TEI}div") if d.get("type") == "document")
        if era == "modern":
            assert first.get("subtype") in ("historical-document", "editorial-note")
            assert first.get(f"{FRUS}doc-dateTime-min", "").endswith("-05:00")
        elif era == "mid":
            assert first.get("subtype") is None
            assert root.find(f".//{TEI}div[@type='chapter']") is not None
        else:
            assert root.find(f".//{TEI}head/{TEI}hi") is not None  # "Mr. X to Mr. Y."


def test_generation_is_deterministic_and_prefix_stable() -> None:
    assert _volumes(40, seed=7) == _volumes(40, seed=7)
    assert _volumes(40, seed=7) != _volumes(40, seed=8)
    small = dict(generate_documents(40, seed=5))
    large = dict(generate_documents(400, seed=5))
    assert all(large[name] == text for name, text in small.items())


def test_text_documents_have_the_seed_form() -> None:
    docs = list(generate_documents(30, seed=1))
    assert len(docs) == 30
    for name, text in docs:
        assert re.fullmatch(r"frus\S+/\d{4}_[0-9a-f]{16}\.txt", name)
        lines = text.split("\n")
        assert lines[0] and not lines[0].startswith(" ")
        notes = [ln for ln in lines if re.match(r"  \d+\. ", ln)]
        # The notes block is numbered 1..k and closes the file, as in the seed.
        assert [int(ln.split(".")[0]) for ln in notes] == list(range(1, len(notes) + 1))
        if notes:
            assert lines[-len(notes) :] == notes
        assert not text.endswith("\n")
    headed = [t for _, t in docs if re.match(r"\d+\. \S.*\D\d$", t.split("\n")[0])]
    assert headed, "modern documents glue the source-note marker to the heading"
    assert any("[Page " in t for _, t in docs)


def test_text_matches_tei_of_the_same_document() -> None:
    name, text = next(iter(generate_documents(1, seed=4)))
    vol_id, xml = next(iter(generate_volumes(1, seed=4)))
    assert name == text_name(vol_id, 1)
    root = etree.fromstring(xml.encode("utf-8"))
    para = root.find(f".//{TEI}div[@type='document']/{TEI}p")
    first_words = "".join(para.itertext()).split()[:4]
    assert " ".join(first_words) in text


def test_vocabulary_grows_with_the_corpus() -> None:
    def vocab(n: int) -> int:
        words: Counter[str] = Counter()
        for _name, text in generate_documents(n, seed=11):
            words.update(re.findall(r"[a-z]+", text.lower()))
        return len(words)

    v1, v4 = vocab(300), vocab(1200)
    # Heaps' law with β ≈ 0.5: four times the text gives roughly twice the vocabulary,
    # and certainly not the same word list copied over.
    assert 1.5 * v1 < v4 < 4 * v1


def test_document_type_mix_is_realistic() -> None:
    kinds = Counter(doc.kind for _v, doc in generate_records(4000, seed=9))
    total = sum(kinds.values())
    telegrams = sum(c for k, c in kinds.items() if "telegram" in k or k == "circular")
    assert 0.35 < telegrams / total < 0.7
    assert {"memo", "memcon", "letter", "editorial"} <= set(kinds)


def test_write_corpus_writes_files_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "tei"
    summary = write_corpus("tei", 25, out, seed=1, workers=1)
    assert summary["documents"] == 25
    files = sorted(out.glob("*.xml"))
    assert sum(f.read_text(encoding="utf-8").count('<div type="document"') for f in files) == 25
    text_out = tmp_path / "text"
    summary = write_corpus("text", 25, text_out, seed=1, workers=2)
    assert len(list(text_out.glob("*/*.txt"))) == 25
    for folder in text_out.iterdir():
        if folder.is_dir():
            assert (folder / "despatch.toml").read_text() == f'volume = "{folder.name}"\n'
    with pytest.raises(ValueError, match="unknown format"):
        write_corpus("pdf", 1, tmp_path / "x")


def test_generated_files_read_without_errors(tmp_path: Path) -> None:
    readers = pytest.importorskip("despatch.readers")
    pytest.importorskip("despatch.readers.tei")
    pytest.importorskip("despatch.readers.plaintext")
    write_corpus("tei", 30, tmp_path / "tei", seed=1, workers=1)
    write_corpus("text", 30, tmp_path / "text", seed=1, workers=1)
    n_tei = sum(
        1
        for f in (tmp_path / "tei").glob("*.xml")
        for rec in readers.read_path(f)
        if type(rec).__name__ == "Document"
    )
    assert n_tei >= 30
    n_text = sum(1 for f in (tmp_path / "text").glob("*/*.txt") for _rec in readers.read_path(f))
    assert n_text == 30
