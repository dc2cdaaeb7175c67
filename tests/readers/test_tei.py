"""The FRUS TEI reader on the three bundled excerpts (1958–60, 1964–68, 1901) and inline TEI.

Golden files (``tests/golden/tei/<volume>.json``) pin a summary of every record: the
volume record, and for each document its type, dateline, dates, pages, notes,
attachments and entity spans. Regenerate with ``pytest --update-golden`` and review the
diff like code.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from despatch.model import DateSource, Document, DocumentType, Volume
from despatch.readers import read_path
from despatch.readers.tei import TeiReader
from tests.conftest import GOLDEN, TEI_1901, TEI_V19, TEI_V30

CASES = {"frus1958-60v19": TEI_V19, "frus1964-68v30": TEI_V30, "frus1901China": TEI_1901}


def _read(path: Path) -> tuple[dict[str, Document], Volume]:
    docs: dict[str, Document] = {}
    volume: Volume | None = None
    for rec in TeiReader().read(path):
        if isinstance(rec, Volume):
            volume = rec
        else:
            docs[rec.id] = rec
    assert volume is not None
    return docs, volume


@pytest.fixture(scope="module")
def v19() -> tuple[dict[str, Document], Volume]:
    return _read(TEI_V19)


@pytest.fixture(scope="module")
def v30() -> tuple[dict[str, Document], Volume]:
    return _read(TEI_V30)


@pytest.fixture(scope="module")
def china1901() -> tuple[dict[str, Document], Volume]:
    return _read(TEI_1901)


def _summary(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "number": doc.number,
        "type": doc.type.value,
        "subtype": doc.subtype,
        "title": doc.title,
        "sender": [p.name for p in doc.sender],
        "recipient": [p.name for p in doc.recipient],
        "place": doc.place,
        "dateline": doc.dateline,
        "date": doc.date.model_dump(mode="json", exclude_defaults=True),
        "dates": [f"{e.source.value}:{e.role}:{e.value}" for e in doc.dates],
        "serial": doc.telegram.serial if doc.telegram else None,
        "first_page": doc.first_page,
        "last_page": doc.last_page,
        "pages": [p.page for p in doc.pages],
        "paragraphs": len(doc.paragraphs),
        "text_length": len(doc.text),
        "notes": [f"{n.n}:{n.kind}:{'head' if n.anchor is None else n.page}" for n in doc.notes],
        "closer": doc.closer,
        "signers": doc.signers,
        "parent": doc.parent,
        "attachments": doc.attachments,
        "division": doc.division,
        "spans": dict(sorted(Counter(s.kind for s in doc.spans).items())),
        "references": [
            f"{r.kind}:{r.target or r.target_volume}:{r.target_page}" for r in doc.references
        ],
        "warnings": [w.code for w in doc.warnings],
    }


def _volume_summary(vol: Volume) -> dict[str, Any]:
    data = vol.model_dump(mode="json", exclude={"persons", "terms", "origin"})
    data["persons"] = {
        "count": len(vol.persons),
        "first": [e.model_dump(mode="json") for e in vol.persons[:3]],
    }
    data["terms"] = {
        "count": len(vol.terms),
        "first": [e.model_dump(mode="json") for e in vol.terms[:3]],
    }
    return data


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, update_golden: bool) -> None:
    docs, vol = _read(CASES[case])
    got = {"volume": _volume_summary(vol), "documents": [_summary(d) for d in docs.values()]}
    golden = GOLDEN / "tei" / f"{case}.json"
    rendered = json.dumps(got, indent=1, ensure_ascii=False) + "\n"
    if update_golden or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert json.loads(golden.read_text(encoding="utf-8")) == json.loads(rendered)


# -- the 1958–1960 volume -------------------------------------------------------------


def test_records_come_in_order_then_the_volume() -> None:
    records = list(read_path(TEI_V19))
    assert isinstance(records[-1], Volume)
    ids = [r.id for r in records[:-1]]
    assert ids == [f"frus1958-60v19/d{n}" for n in range(105, 116)]
    assert [r.sequence for r in records[:-1] if isinstance(r, Document)] == list(range(11))


def test_d110_heading_number_and_parties(v19: tuple[dict[str, Document], Volume]) -> None:
    d = v19[0]["frus1958-60v19/d110"]
    assert d.number == "110"
    assert d.heading == (
        "110. Telegram From the Embassy in the Soviet Union to the Department of State"
    )
    assert d.title.startswith("Telegram From")
    assert d.type is DocumentType.TELEGRAM
    assert [(p.name, p.place) for p in d.sender] == [("Embassy in the Soviet Union", "Moscow")]
    assert [p.name for p in d.recipient] == ["Department of State"]
    assert d.telegram is not None and d.telegram.serial == "634"
    assert d.telegram.classification == "Official Use Only"
    assert d.telegram.sections == 5
    assert [a.name for a in d.telegram.addressees][:2] == ["CINCPAC", "USUN"]


def test_d110_pages_start_where_the_page_breaks_stand(
    v19: tuple[dict[str, Document], Volume],
) -> None:
    docs = v19[0]
    d = docs["frus1958-60v19/d110"]
    # <pb n="231"/> is the last element of d109: it starts d110, not d109
    assert docs["frus1958-60v19/d109"].last_page == "230"
    assert d.first_page == "231" and d.last_page == "238"
    assert [p.page for p in d.pages] == [str(n) for n in range(232, 239)]
    brk = {p.page: p for p in d.pages}
    assert d.text[brk["232"].offset :].startswith("the entire Chinese people")
    assert brk["232"].facs == "0264"
    assert d.page_at(0) == "231"
    assert d.page_at(brk["233"].offset) == "233"
    # a <pb> between documents starts the next one
    assert docs["frus1958-60v19/d115"].first_page == "249"
    first_para = d.paragraphs[0]
    assert first_para.pages == ["231"]
    assert any(len(p.pages) == 2 for p in d.paragraphs)


def test_d110_text_dateline_and_closer(v19: tuple[dict[str, Document], Volume]) -> None:
    d = v19[0]["frus1958-60v19/d110"]
    assert d.text.startswith("634. Following is text of Khrushchev’s reply")
    assert d.text.endswith("With respect (signed) N. Khrushchev.”\n\nDavis")
    assert "co- operation" in d.text  # the TEI's print-hyphenation space is kept
    assert d.paragraph_texts()[-1] == "Davis" and d.paragraphs[-1].kind == "signed"
    assert d.dateline == "Moscow, September 19, 1958, 8 p.m."
    assert d.place == "Moscow"
    assert d.date.value == "1958-09-19T20:00" and d.date.precision == "minute"
    assert d.date.source is DateSource.DATELINE
    assert d.closer == "Davis" and d.signers == ["Davis"]


def test_d110_notes_and_anchors(v19: tuple[dict[str, Document], Volume]) -> None:
    d = v19[0]["frus1958-60v19/d110"]
    assert [n.n for n in d.notes] == ["0", "1", "2", "3"]
    source = d.notes[0]
    assert source.kind == "source" and source.anchor is None and source.id == "d110fn0"
    assert source.text.startswith("Source: Department of State, Central Files, 793.00/9–1958.")
    anchors = [d.text[: n.anchor] for n in d.notes[1:] if n.anchor is not None]
    assert anchors[0].endswith("handed me this afternoon.")
    assert anchors[1].endswith("Cairo Declaration of 1943.")
    assert anchors[2].endswith("Potsdam Declaration of 1945,")
    assert d.notes[2].page == "234"
    assert d.source_note is not None and d.archival[0].file_number == "793.00/9–1958"


def test_spans_keys_labels_and_note_spans(v19: tuple[dict[str, Document], Volume]) -> None:
    docs, vol = v19
    d = docs["frus1958-60v19/d110"]
    k = next(s for s in d.spans if s.key == "p_KNS1" and s.note is None)
    assert d.text[k.start : k.end] == k.text == "Khrushchev"
    assert k.kind == "person" and k.label is not None and k.label.startswith("Khrushchev, Nikita")
    niact = next(s for s in d.spans if s.key == "t_Niact1")
    assert niact.note == "d110fn0" and niact.kind == "term"
    assert d.notes[0].text[niact.start : niact.end] == "Niact"
    cpr = [s for s in d.spans if s.key == "t_CPR1"]
    assert cpr and all(d.text[s.start : s.end] == "CPR" for s in cpr)
    assert any(e.id == "t_Niact1" for e in vol.terms)
    assert any(e.id == "p_KNS1" and e.name == "Khrushchev, Nikita S." for e in vol.persons)


def test_references_within_the_volume(v19: tuple[dict[str, Document], Volume]) -> None:
    d = v19[0]["frus1958-60v19/d113"]
    targets = {r.target for r in d.references}
    assert "frus1958-60v19/d110" in targets
    r = next(r for r in d.references if r.target == "frus1958-60v19/d110")
    assert r.kind == "document" and r.is_resolved
    text = d.text if r.note is None else next(n.text for n in d.notes if n.id == r.note)
    assert text[r.start : r.end] == r.text


def test_editorial_note_and_memorandum(v19: tuple[dict[str, Document], Volume]) -> None:
    docs = v19[0]
    ed = docs["frus1958-60v19/d114"]
    assert ed.type is DocumentType.EDITORIAL_NOTE and ed.dateline is None
    assert ed.date.value is None
    memo = docs["frus1958-60v19/d105"]
    assert memo.type is DocumentType.MEMORANDUM_OF_CONVERSATION
    kinds = Counter(p.kind for p in memo.paragraphs)
    assert kinds["label"] == 2 and kinds["list"] >= 5  # SUBJECT, PARTICIPANTS


def test_volume_record(v19: tuple[dict[str, Document], Volume]) -> None:
    vol = v19[1]
    assert vol.id == "frus1958-60v19"
    assert vol.title == "Foreign Relations of the United States, 1958–1960, China, Volume XIX"
    assert (vol.sub_series, vol.volume_number, vol.volume_title) == ("1958–1960", "XIX", "China")
    assert vol.editors == ["Harriet Dashiell Schwar", "Glenn W. LaFantasie"]
    assert vol.published_year == "1996"
    assert [(d.id, d.type, d.parent) for d in vol.divisions] == [
        ("comp1", "compilation", None),
        ("ch2", "chapter", "comp1"),
    ]
    assert vol.divisions[1].documents[0] == "frus1958-60v19/d105"
    assert len(vol.terms) == 131


# -- the 1964–1968 volume -------------------------------------------------------------


def test_v30_dates_zones_ranges_and_editorial_note(
    v30: tuple[dict[str, Document], Volume],
) -> None:
    docs = v30[0]
    d8 = docs["frus1964-68v30/d8"]
    assert d8.date.value == "1964-01-27T20:00"  # local time in Taipei, as printed
    assert "encoded:document:1964-01-27T20:00+08:00" in [
        f"{e.source.value}:{e.role}:{e.value}" for e in d8.dates
    ]
    d6 = docs["frus1964-68v30/d6"]
    assert (d6.date.not_before, d6.date.not_after) == ("1964-01-24T11:00", "1964-01-24T11:28")
    assert d6.date.day == "1964-01-24"
    d2 = docs["frus1964-68v30/d2"]
    assert d2.type is DocumentType.EDITORIAL_NOTE
    assert d2.dates == [] and d2.date.value is None  # min/max is the whole volume
    d7 = docs["frus1964-68v30/d7"]
    assert d7.date.value == "1964-01-25"
    assert d7.signers == ["R.W. Komer"]
    assert any(n.n == "5" and n.anchor is not None for n in d7.notes)  # note in <signed>
    assert d7.sender[0].entity == "p_KRW1"


def test_v30_source_note_is_numbered_one(v30: tuple[dict[str, Document], Volume]) -> None:
    d1 = v30[0]["frus1964-68v30/d1"]
    assert d1.notes[0].n == "1" and d1.notes[0].kind == "source"
    assert [p.name for p in d1.recipient] == ["Embassy in France"]  # not just "Embassy"
    page_refs = [(r.target_volume, r.target_page) for r in d1.references]
    assert page_refs == [("frus1961-63v22", "409"), ("frus1961-63v22", "410")]
    assert all(r.note == "d1fn2" for r in d1.references)


def test_v30_lists_and_labels(v30: tuple[dict[str, Document], Volume]) -> None:
    d1 = v30[0]["frus1964-68v30/d1"]
    items = [
        t for t, p in zip(d1.paragraph_texts(), d1.paragraphs, strict=True) if p.kind == "list"
    ]
    assert items[0].startswith("(1) France would not accept conditions from Peiping.")
    vol = v30[1]
    assert len(vol.persons) > 100 and len(vol.terms) == 194
    zhou = [e for e in vol.persons if e.id in ("p_CEZE1", "p_ZE1")]
    assert len(zhou) == 2


# -- the 1901 appendix ----------------------------------------------------------------


def test_1901_despatches_and_inclosures(
    china1901: tuple[dict[str, Document], Volume],
) -> None:
    docs = china1901[0]
    d48 = docs["frus1901China/d48"]
    assert d48.number is None  # the printed book has no document numbers
    assert d48.type is DocumentType.DESPATCH
    assert d48.telegram is not None and d48.telegram.serial == "435"
    assert d48.place == "Legation of the United States, Peking, China"  # <lb/> read as a space
    assert d48.signers == ["E. H. Conger"]
    assert docs["frus1901China/d51"].type is DocumentType.INSTRUCTION
    d50 = docs["frus1901China/d50"]
    assert d50.attachments == ["frus1901China/d50-1"]
    att = docs["frus1901China/d50-1"]
    assert att.parent == d50.id and att.type is DocumentType.ATTACHMENT
    assert att.date.value == "1900-11-11"  # calendar="chinese-lunisolar gregorian"
    assert att.paragraph_texts()[0] == "[Inclosure 1.—Translation.]"
    assert len(docs["frus1901China/d56"].attachments) == 4
    assert docs["frus1901China/d56-3"].telegram is None


def test_1901_page_split_refs_and_mid_sentence_breaks(
    china1901: tuple[dict[str, Document], Volume],
) -> None:
    d49 = china1901[0]["frus1901China/d49"]
    refs = [(r.kind, r.target_volume, r.target_page) for r in d49.references]
    assert refs == [("page", "frus1896", "57"), ("page", "frus1896", "59")]
    assert d49.first_page == "45" and d49.last_page == "46"
    brk = d49.pages[0]
    assert d49.text[brk.offset :].startswith("court")
    assert china1901[0]["frus1901China/d51"].first_page == "47"  # pb between documents


# -- inline TEI -----------------------------------------------------------------------

_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:frus="http://history.state.gov/frus/ns/1.0"
     xml:id="frus1999v01"><teiHeader><fileDesc><titleStmt>
<title type="complete">Test Volume</title></titleStmt></fileDesc></teiHeader>
<text><body>"""


def _tei(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "vol.xml"
    path.write_text(_HEADER + body + "</body></text></TEI>", encoding="utf-8")
    return path


def test_unknown_markup_keeps_text_and_warns(tmp_path: Path) -> None:
    path = _tei(
        tmp_path,
        '<div type="compilation" xml:id="comp1"><head>Part</head>'
        "<p>A headnote for the part.</p>"
        '<pb n="5"/><div type="document" xml:id="d1" n="1"><head>1. Letter From A to B</head>'
        "<p>Some <blink>odd</blink> markup<lb/>across lines "
        "<table><row><cell>a</cell><cell>b</cell></row></table> and after.</p>"
        "</div></div>",
    )
    records = list(TeiReader().read(path))
    headnote, d1, vol = records
    assert isinstance(headnote, Document) and headnote.type is DocumentType.CHAPTER_HEADNOTE
    assert headnote.id == "frus1999v01/comp1" and headnote.text == "A headnote for the part."
    assert isinstance(d1, Document)
    assert d1.paragraph_texts() == ["Some odd markup across lines", "a b", "and after."]
    assert d1.first_page == "5"
    assert [w.code for w in d1.warnings] == ["unknown-element"]
    assert d1.warnings[0].line is not None
    assert isinstance(vol, Volume) and vol.divisions[0].documents == [headnote.id, d1.id]


def test_records_round_trip_through_json(v30: tuple[dict[str, Document], Volume]) -> None:
    docs, vol = v30
    for doc in docs.values():
        assert Document.from_json(doc.to_json()) == doc
    assert Volume.from_json(vol.to_json()) == vol


def _same_types(built: Any, validated: Any, where: str) -> None:
    """Equal values of the same types all the way down (``==`` alone lets a ``str`` pass
    for a ``StrEnum`` member, or a subclass of ``str`` for a ``str``)."""
    assert type(built) is type(validated), f"{where}: {type(built)} vs {type(validated)}"
    if isinstance(built, BaseModel):
        assert list(built.__dict__) == list(validated.__dict__), where
        for name, value in built.__dict__.items():
            _same_types(value, validated.__dict__[name], f"{where}.{name}")
    elif isinstance(built, list):
        assert len(built) == len(validated), where
        for i, (a, b) in enumerate(zip(built, validated, strict=True)):
            _same_types(a, b, f"{where}[{i}]")
    else:
        assert built == validated, where


@pytest.mark.parametrize("case", sorted(CASES))
def test_records_equal_their_validated_copies(case: str) -> None:
    # the reader builds its records without re-validating them (readers/_tei_records.py):
    # each must be exactly what validation makes of its own dump, and survive JSON
    n = 0
    for rec in TeiReader().read(CASES[case]):
        model = type(rec)
        validated = model.model_validate(rec.model_dump())
        assert validated == rec
        _same_types(rec, validated, rec.id)
        assert model.model_validate_json(rec.model_dump_json()) == rec
        n += 1
    assert n > 10


def test_date_attributes_of_every_kind(tmp_path: Path) -> None:
    frus = "http://history.state.gov/frus/ns/1.0"
    path = _tei(
        tmp_path,
        '<div type="document" xml:id="d1" n="1"><head>1. Memorandum</head>'
        '<dateline><placeName>Washington</placeName>, <date notBefore="1958-09-01" '
        'notAfter="1958-09-30">September 1958</date></dateline><p>a</p></div>'
        '<div type="document" xml:id="d2" n="2"><head>2. Memorandum</head>'
        '<dateline>Paris, <date when="19 Sept">September 19, 1958, 8 p.m.</date></dateline>'
        "<p>b</p></div>"
        f'<div type="document" xml:id="d3" n="3" xmlns:frus="{frus}" '
        'frus:doc-dateTime-min="1958-01-01T00:00:00-05:00" '
        'frus:doc-dateTime-max="1960-12-31T23:59:59-05:00"><head>3. Editorial Note</head>'
        "<p>c</p></div>"
        f'<div type="document" xml:id="d4" n="4" xmlns:frus="{frus}" '
        'frus:doc-dateTime-min="1958-10-02T00:00:00-05:00" '
        'frus:doc-dateTime-max="1958-10-02T23:59:59-05:00"><head>4. Paper</head>'
        "<p>d</p></div>",
    )
    docs = {r.id.rsplit("/", 1)[-1]: r for r in TeiReader().read(path) if isinstance(r, Document)}
    d1 = docs["d1"].date
    assert (d1.value, d1.precision) == (None, "range")
    assert (d1.not_before, d1.not_after) == ("1958-09-01", "1958-09-30")
    d2 = docs["d2"]
    assert d2.date.value == "1958-09-19T20:00"  # read from the words
    assert [w.code for w in d2.warnings] == ["date-attribute"]
    assert docs["d3"].dates == [] and docs["d3"].date.value is None  # spans three years
    d4 = docs["d4"].date
    assert (d4.value, d4.source) == ("1958-10-02", DateSource.ENCODED)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("#d105", {"kind": "document", "target": "frus1958-60v19/d105"}),
        ("#d7fn2", {"kind": "document", "target": "frus1958-60v19/d7"}),
        ("frus1955-57v02/d15", {"kind": "document", "target": "frus1955-57v02/d15"}),
        ("frus1955-57v02#d15", {"kind": "document", "target": "frus1955-57v02/d15"}),
        ("frus1896#pg_57", {"kind": "page", "target_volume": "frus1896", "target_page": "57"}),
        ("#pg_XXI", {"kind": "page", "target_volume": "frus1958-60v19", "target_page": "XXI"}),
        ("frus1961-63v22", {"kind": "volume", "target_volume": "frus1961-63v22"}),
        ("#ch2", {"kind": "other", "target": "frus1958-60v19/ch2"}),
        (
            "https://history.state.gov/x",
            {"kind": "external", "target": "https://history.state.gov/x"},
        ),
    ],
)
def test_reference_targets(target: str, expected: dict[str, str]) -> None:
    from despatch.readers._tei_text import parse_target

    got = parse_target(target, "frus1958-60v19")
    assert {k: got.get(k) for k in expected} == expected


def test_notes_without_a_month_name_are_not_searched_for_dates() -> None:
    # _tei_document skips find_dates on notes its month-name regex does not match: that
    # holds only while every pattern find_dates uses requires readers.dates._MONTH
    from despatch.readers import _tei_document, dates

    for rx in (dates._MDY, dates._DMY, dates._MD):
        assert dates._MONTH in rx.pattern
    assert _tei_document._MONTH_NAME.pattern == dates._MONTH
    assert dates.find_dates("telegram 631 of 19 Sept. 1958; see 4 Oct 1958", default_year=1958)
    assert not _tei_document._MONTH_NAME.search("telegram 631; see 4 Oct 1958")
    assert not dates.find_dates("telegram 631; see 4 Oct 1958", default_year=1958)


def test_unvalidated_records_are_the_validated_ones() -> None:
    from despatch.model import DateEvidence, Note, PageBreak, Paragraph, Party, Span
    from despatch.readers import _tei_records as records

    span: dict[str, Any] = {
        "start": 0, "end": 6, "kind": "person", "text": "Herter", "key": "p_HCA1",
        "label": "Herter, Christian A.", "note": None,
    }  # fmt: skip
    assert records.span(**span) == Span(**span)
    assert records.paragraph(start=0, end=9, pages=["231"], kind="p") == Paragraph(
        start=0, end=9, pages=["231"], kind="p"
    )
    assert records.page_break(page="232", offset=4, facs=None, note="d110fn1") == PageBreak(
        page="232", offset=4, note="d110fn1"
    )
    note: dict[str, Any] = {
        "n": "0", "id": "d110fn0", "text": "Source: …", "kind": "source", "anchor": None,
        "marker": "0", "page": "231",
    }  # fmt: skip
    assert records.note(**note) == Note(**note)
    # defaults and fields set as validation gives them; mutable defaults are not shared
    ev = records.construct(DateEvidence, value="1958-09-19", source=DateSource.DATELINE)
    assert ev == DateEvidence(value="1958-09-19", source=DateSource.DATELINE)
    assert ev.model_fields_set == {"value", "source"}
    a, b = records.construct(Document, id="x/d1"), records.construct(Document, id="x/d2")
    assert a.spans is not b.spans and a == Document(id="x/d1")
    party = Party(name="Mr. Hay", kind="person")
    copied = records.copy(party)
    assert copied == party and copied is not party
    copied.entity = "p_HJ1"
    assert party.entity is None
    with pytest.raises(TypeError, match="required field 'value'"):
        records.construct(DateEvidence, source=DateSource.DATELINE)
    with pytest.raises(TypeError, match="unknown fields"):
        records.construct(Party, name="x", nickname="y")


_PIECE_TEXT = st.text(alphabet=" \n\t\xa0ab.", max_size=8) | st.none()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        _PIECE_TEXT | st.tuples(st.sampled_from(["person", "term"]), st.none(), _PIECE_TEXT),
        max_size=12,
    ),
    st.booleans(),
)
def test_batched_writes_equal_single_writes(pieces: list[Any], open_first: bool) -> None:
    from despatch.readers._tei_builder import TextBuilder

    one, many = TextBuilder(), TextBuilder()
    for b in (one, many):
        if open_first:
            b.write("Before")
            b.page_break("5", None)
    for piece in pieces:
        if isinstance(piece, tuple):
            one.write_span(*piece)
        else:
            one.write(piece)
    many.write_many([p for p in pieces if p is not None])
    one.finish()
    many.finish()
    assert (one.text, one.spans, one.paragraphs) == (many.text, many.spans, many.paragraphs)
    assert [m[0] for _, _, m in one.breaks] == [m[0] for _, _, m in many.breaks]


def test_a_posts_telegram_is_placed_where_its_dateline_says(tmp_path: Path) -> None:
    # The posts table puts the Embassy in Germany in Berlin; from 1949 to 1990 it sat in
    # Bonn, and the dateline says so. `from:Bonn` must find such telegrams.
    source = TEI_V19.read_text(encoding="utf-8")
    start = source.index('<div type="document" xml:id="d110"')
    head_end = source.index("</head>", start)
    head = source[start:head_end]
    patched = head.replace("Embassy in the Soviet Union", "Embassy in Germany")
    patched_source = source[:start] + patched + source[head_end:]
    patched_source = patched_source.replace(
        '<placeName>Moscow</placeName>, <date when="1958-09-19T20:00:00">',
        '<placeName>Bonn</placeName>, <date when="1958-09-19T20:00:00">',
        1,
    )
    path = tmp_path / "frus1958-60v19.xml"
    path.write_text(patched_source, encoding="utf-8")
    docs, _ = _read(path)
    sender = docs["frus1958-60v19/d110"].sender[0]
    assert (sender.name, sender.place) == ("Embassy in Germany", "Bonn")
