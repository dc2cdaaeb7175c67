"""References found in notes and text, the ibid chain, FRUS volume ids and resolution."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from despatch.enrich import DocumentIndex, enrich_document, find_references, resolve_references
from despatch.enrich.references import resolve_date
from despatch.enrich.volumes import roman_to_int, volume_id
from despatch.model import (
    ArchivalSource,
    Document,
    DocumentDate,
    DocumentType,
    Note,
    Party,
    Reference,
    TelegramInfo,
)
from despatch.readers import read_path
from tests.conftest import TEI_V19
from tests.enrich.seed import seed_document


@pytest.fixture(scope="module")
def seed_refs() -> list[Reference]:
    return find_references(seed_document())


def _in_note(refs: list[Reference], note: str) -> list[Reference]:
    return [r for r in refs if r.note == note]


def _doc(
    text: str = "",
    notes: tuple[str, ...] = (),
    *,
    day: str | None = "1958-09-19",
    sender: str = "Moscow",
    recipient: str = "Washington",
    type: DocumentType = DocumentType.TELEGRAM,
    volume: str | None = "frus1958-60v19",
    serial: str | None = None,
    doc_id: str = "frus1958-60v19/d999",
) -> Document:
    return Document(
        id=doc_id,
        volume=volume,
        type=type,
        sender=[Party(name="Embassy" if sender != "Washington" else "Department", place=sender)],
        recipient=[Party(name="Department" if recipient == "Washington" else "Embassy",
                         place=recipient)],
        date=DocumentDate(value=day, precision="day") if day else DocumentDate(),
        telegram=TelegramInfo(serial=serial) if serial else None,
        text=text,
        notes=[Note(n=str(i + 1), id=f"fn{i + 1}", text=t) for i, t in enumerate(notes)],
    )  # fmt: skip


# ----------------------------------------------------------------------------- the seed


def test_seed_telegram_631_from_moscow(seed_refs: list[Reference]) -> None:
    r = _in_note(seed_refs, "d110fn1")[0]
    assert (r.kind, r.text) == ("telegram", "telegram 631 from Moscow, September 19")
    assert (r.serial, r.place, r.date) == ("631", "Moscow", "1958-09-19")


def test_seed_telegram_644_september_20(seed_refs: list[Reference]) -> None:
    r = next(r for r in seed_refs if r.serial == "644")
    assert (r.kind, r.text, r.date, r.place, r.note) == (
        "telegram", "telegram 644, September 20", "1958-09-20", None, "d110fn1",
    )  # fmt: skip


def test_seed_ibid_in_note_2_is_the_central_files(seed_refs: list[Reference]) -> None:
    ibid = next(r for r in seed_refs if r.kind == "ibid")
    assert ibid.note == "d110fn1" and ibid.text == "Ibid."
    assert ibid.source == "Department of State, Central Files"
    assert ibid.file_number == "793.00/9–1958"  # the previous citation: the source note
    file_ref = next(r for r in seed_refs if r.kind == "file")
    assert (file_ref.file_number, file_ref.source, file_ref.date) == (
        "793.00/9–2058", "Department of State, Central Files", "1958-09-20",
    )  # fmt: skip


def test_seed_frus_volume_citations_and_ibid(seed_refs: list[Reference]) -> None:
    cairo = _in_note(seed_refs, "d110fn2")
    assert [(r.kind, r.target_volume, r.target_page) for r in cairo] == [
        ("volume", "frus1943CairoTehran", "448")
    ]
    assert cairo[0].text == "Foreign Relations, The Conferences at Cairo and Tehran, 1943, p. 448"
    potsdam = _in_note(seed_refs, "d110fn3")
    assert [(r.kind, r.target_volume, r.target_page) for r in potsdam] == [
        ("volume", "frus1945Berlinv02", "1474")
    ]
    assert potsdam[0].text.startswith("ibid., The Conference of Berlin")


def test_seed_source_note_file_is_not_a_reference(seed_refs: list[Reference]) -> None:
    assert _in_note(seed_refs, "d110fn0") == []


def test_seed_letters_in_body(seed_refs: list[Reference]) -> None:
    body = [r for r in seed_refs if r.note is None]
    assert [(r.kind, r.text, r.date) for r in body] == [
        ("letter", "President’s letter of September 12", "1958-09-12"),
        ("letter", "your letter of September 12", "1958-09-12"),
    ]


def test_seed_offsets_point_at_the_text(seed_refs: list[Reference]) -> None:
    doc = seed_document()
    notes = {n.id: n.text for n in doc.notes}
    for r in seed_refs:
        source = doc.text if r.note is None else notes[r.note]
        assert r.start is not None and r.end is not None
        assert source[r.start : r.end] == r.text


def test_seed_has_no_false_positives(seed_refs: list[Reference]) -> None:
    # "600 million", "1943", "10,000 kilometers", "in 1949" and the rest of the letter
    # cite nothing: only the two letters, two telegrams, ibid, file and two volumes.
    assert sorted(r.kind for r in seed_refs) == sorted(
        ["letter", "letter", "telegram", "ibid", "telegram", "file", "volume", "volume"]
    )


def test_seed_without_volume_still_finds_everything() -> None:
    refs = find_references(seed_document(volume=None))
    assert len(refs) == 8


# ----------------------------------------------------------------------------- forms


@pytest.mark.parametrize(
    ("text", "sender", "recipient", "expected"),
    [
        ("Deptel 1234 received.", "Moscow", "Washington",
         {"kind": "telegram", "serial": "1234", "place": "Washington", "destination": "Moscow"}),
        ("See Embtel 567.", "Moscow", "Washington",
         {"kind": "telegram", "serial": "567", "place": "Moscow"}),
        ("Re your 634.", "Washington", "Moscow",
         {"kind": "telegram", "serial": "634", "place": "Moscow", "text": "your 634"}),
        ("As reported in my 631, Soviets", "Moscow", "Washington",
         {"kind": "telegram", "serial": "631", "place": "Moscow"}),
        ("Urtel 88 of September 17 not received.", "Washington", "Taipei",
         {"kind": "telegram", "serial": "88", "place": "Taipei", "date": "1958-09-17"}),
        ("JCS telegram 948448, September 23, disapproved", "Washington", "Taipei",
         {"kind": "telegram", "serial": "948448", "date": "1958-09-23",
          "text": "JCS telegram 948448, September 23"}),
        ("Telegram 245 to Taipei, September 18, transmitted", "Washington", "Taipei",
         {"kind": "telegram", "serial": "245", "destination": "Taipei", "place": None}),
        ("and Embassy despatch 133, September 17 for full text", "Taipei", "Washington",
         {"kind": "despatch", "serial": "133", "date": "1958-09-17"}),
        ("Your airgram A-12 of September 2 arrived.", "Washington", "Moscow",
         {"kind": "airgram", "serial": "A-12", "place": "Moscow", "date": "1958-09-02"}),
        ("See Document 108.", "Moscow", "Washington",
         {"kind": "document", "text": "Document 108", "target": "frus1958-60v19/d108"}),
        ("See footnote 1, Document 93.", "Moscow", "Washington",
         {"kind": "document", "text": "footnote 1, Document 93",
          "target": "frus1958-60v19/d93"}),
        ("Printed in Foreign Relations, 1955–1957, vol. II, pp. 10–12.", "Moscow", "Washington",
         {"kind": "volume", "target_volume": "frus1955-57v02", "target_page": "10"}),
        ("Foreign Relations, 1964–1968, vol. XXX, Document 15.", "Moscow", "Washington",
         {"kind": "volume", "target_volume": "frus1964-68v30",
          "target": "frus1964-68v30/d15"}),
        ("Printed as Document 15 in Foreign Relations, 1955–1957, vol. III.", "Moscow",
         "Washington",
         {"kind": "volume", "target": "frus1955-57v03/d15",
          "text": "Document 15 in Foreign Relations, 1955–1957, vol. III"}),
        ("(Department of State, Central Files, POL 27 CHINAT–US)", "Moscow", "Washington",
         {"kind": "file", "file_number": "POL 27 CHINAT–US",
          "source": "Department of State, Central Files"}),
    ],
)  # fmt: skip
def test_citation_forms(text: str, sender: str, recipient: str, expected: dict[str, str]) -> None:
    refs = find_references(_doc(notes=(text,), sender=sender, recipient=recipient))
    assert len(refs) == 1, refs
    got = refs[0].model_dump()
    assert {k: got[k] for k in expected} == expected


def test_despatch_of_last_month_in_1900() -> None:
    doc = _doc(
        "I have the honor to refer to my dispatch No. 461, of November 30 last, and to",
        day="1900-12-12", sender="Peking", type=DocumentType.DESPATCH, volume="frus1901China",
    )  # fmt: skip
    (ref,) = find_references(doc)
    assert (ref.kind, ref.serial, ref.place, ref.date) == (
        "despatch",
        "461",
        "Peking",
        "1900-11-30",
    )


def test_documents_list_gives_one_reference_each() -> None:
    refs = find_references(_doc(notes=("See Documents 105 and 106.",)))
    assert [(r.text, r.target) for r in refs] == [
        ("Documents 105", "frus1958-60v19/d105"),
        ("106", "frus1958-60v19/d106"),
    ]


def test_unknown_volume_is_never_invented() -> None:
    (ref,) = find_references(_doc(notes=("Foreign Relations, 1955–1957, vol. XCIX, p. 1.",)))
    assert ref.kind == "volume" and ref.target_volume is None


@pytest.mark.parametrize(
    ("cited", "around", "expected"),
    [
        ("December 30", "1959-01-03", "1958-12-30"),
        ("January 3", "1958-12-30", "1959-01-03"),
        ("September 19", "1958-09-19", "1958-09-19"),
        ("19 September 1948", "1958-09-19", "1948-09-19"),
        ("Sept. 5", "1958-09-19", "1958-09-05"),
        ("February 30", "1958-09-19", None),
    ],
)
def test_dates_take_the_nearest_year(cited: str, around: str, expected: str | None) -> None:
    from datetime import date

    assert resolve_date(cited, date.fromisoformat(around)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In fact, for 600 million Chinese he is merely a hated shadow.",
        "separated from the American continent by 10,000 kilometers",
        "our 600 million people and your 10 divisions",
        "the despatch of troops and the telegraph office",
        "Document not found.",
        "Foreign Relations between the two countries have improved.",
        "the Cairo Declaration of 1943 and in 1949 Acheson",
        "a letter of credit",
        "He said ibid. was a Latin word.",
    ],
)
def test_prose_is_not_a_citation(text: str) -> None:
    assert find_references(_doc(text, (text,))) == []


# ----------------------------------------------------------------------------- resolution


def _telegram(doc_id: str, serial: str, day: str, place: str, volume: str = "frus1958-60v19",
              recipient: str = "Washington") -> Document:  # fmt: skip
    return _doc(day=day, sender=place, recipient=recipient, serial=serial, doc_id=doc_id,
                volume=volume)  # fmt: skip


def test_resolution_by_serial_place_and_date() -> None:
    seed = enrich_document(seed_document())
    index = DocumentIndex(
        [
            _telegram("frus1958-60v19/d109", "631", "1958-09-19", "Moscow"),
            _telegram("frus1958-60v19/d200", "631", "1958-09-19", "Taipei"),  # other post
            _telegram("frus1958-60v19/d201", "644", "1958-10-20", "Moscow"),  # a month later
        ]
    )
    resolved = resolve_references(seed, index)
    by_serial = {r.serial: r for r in resolved.references if r.serial}
    assert by_serial["631"].is_resolved and by_serial["631"].target == "frus1958-60v19/d109"
    assert not by_serial["644"].is_resolved and by_serial["644"].target is None


def test_ambiguous_serial_stays_unresolved() -> None:
    doc = enrich_document(_doc(notes=("Telegram 12 from Paris, September 3.",)))
    index = DocumentIndex(
        [
            _telegram("frus1958-60v07/d1", "12", "1958-09-03", "Paris", volume="frus1958-60v07"),
            _telegram("frus1958-60v08/d1", "12", "1958-09-03", "Paris", volume="frus1958-60v08"),
        ]
    )
    assert not resolve_references(doc, index).references[0].is_resolved


def test_reply_resolves_your_634_to_the_seed() -> None:
    seed = seed_document()
    seed = seed.model_copy(update={"telegram": TelegramInfo(serial="634")})
    reply = _doc("Re your 634. Department agrees.", sender="Washington", recipient="Moscow",
                 day="1958-09-20", doc_id="frus1958-60v19/d300")  # fmt: skip
    out = enrich_document(reply, lookup=DocumentIndex([seed]))
    (ref,) = out.references
    assert (ref.target, ref.is_resolved) == (seed.id, True)


def test_documents_and_pages_resolve_through_the_index() -> None:
    target = Document(id="frus1958-60v19/d108", volume="frus1958-60v19", number="108",
                      first_page="224", last_page="229")  # fmt: skip
    cairo = Document(id="frus1943CairoTehran/d350", volume="frus1943CairoTehran", number="350",
                     first_page="448", last_page="449")  # fmt: skip
    doc = _doc(notes=("See Document 108.", "Foreign Relations, 1943, Cairo, p. 448."))
    out = enrich_document(doc, lookup=DocumentIndex([target, cairo]))
    assert [(r.target, r.is_resolved) for r in out.references] == [
        ("frus1958-60v19/d108", True),
        ("frus1943CairoTehran/d350", True),
    ]


# ----------------------------------------------------------------------------- TEI records


def test_tei_references_are_kept_and_not_duplicated() -> None:
    docs = {r.id: r for r in read_path(TEI_V19) if isinstance(r, Document)}
    d113 = docs["frus1958-60v19/d113"]
    out = enrich_document(d113)
    reader_refs = [(r.note, r.start, r.end) for r in d113.references]
    assert reader_refs and all(
        any((r.note, r.start, r.end) == k for r in out.references) for k in reader_refs
    )
    spans = [(r.note, r.start, r.end) for r in out.references]
    assert len(spans) == len(set(spans))
    assert enrich_document(out) == out  # idempotent


def test_tei_d108_finds_deptel_and_embassy_despatch() -> None:
    docs = {r.id: r for r in read_path(TEI_V19) if isinstance(r, Document)}
    out = enrich_document(docs["frus1958-60v19/d108"])
    found = {(r.kind, r.serial, r.place, r.date) for r in out.references}
    assert ("telegram", "245", "Washington", None) in found  # Deptel 245 to the Embassy
    assert ("despatch", "133", None, "1958-09-17") in found


def test_reader_reference_is_completed_not_duplicated() -> None:
    note = "See Document 83."
    reader_ref = Reference(text="Document 83", kind="other", start=4, end=15, note="fn1")
    doc = _doc(notes=(note,)).model_copy(update={"references": [reader_ref]})
    out = enrich_document(doc)
    assert len(out.references) == 1
    assert out.references[0].kind == "document"
    assert out.references[0].target == "frus1958-60v19/d83"


# ----------------------------------------------------------------------------- volume ids


def test_volume_ids_come_only_from_the_published_list() -> None:
    known = {"frus1969-76ve05p1", "frus1917Supp02v01", "frus1872p2v1"}
    assert volume_id(y1="1969", y2="1976", volume="E–5", part="1", known=known) == (
        "frus1969-76ve05p1"
    )
    assert volume_id(y1="1917", volume="I", supplement="2", known=known) == "frus1917Supp02v01"
    assert volume_id(y1="1872", part="2", volume="I", known=known) == "frus1872p2v1"
    assert volume_id(y1="1999", volume="I", known=known) is None
    assert roman_to_int("XIX") == 19 and roman_to_int("XIV") == 14 and roman_to_int("Q") is None


# ----------------------------------------------------------------------------- robustness

_PIECES = [
    *"abcdefXYZ 0123456789.,;:()–-/’'\n",
    "telegram ", "Deptel ", "your ", "ibid., ", "Ibid.", "Foreign Relations, ", "vol. ", "p. ",
    "Document ", "September ", "1958", "793.00/9–", "despatch No. ", "airgram A-", " from ",
    " to ", "Moscow", "letter of ", "Files, ", "POL ", "footnote 1, ", " and ", " last",
]  # fmt: skip
_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(_PIECES), max_size=60).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_TEXT, note=_TEXT, day=st.sampled_from([None, "1958-09-19", "1900-12-12"]))
def test_arbitrary_text_never_crashes(body: str, note: str, day: str | None) -> None:
    doc = _doc(body, (note,), day=day)
    doc = doc.model_copy(update={"archival": [ArchivalSource(text="x", file_number="1/1-1")]})
    out = enrich_document(doc)
    for r in out.references:
        source = body if r.note is None else note
        assert r.start is not None and r.end is not None
        assert source[r.start : r.end] == r.text
    Document.from_json(out.to_json())  # still a valid record


# ----------------------------------------------------------------------------- archive lookup


def test_store_lookup_resolves_through_any_archive() -> None:
    from despatch.enrich import ChainLookup, StoreLookup
    from despatch.store.memory import MemoryStore

    cited = _telegram("frus1958-60v19/d109", "631", "1958-09-19", "Moscow")
    cited = cited.model_copy(update={"number": "109", "first_page": "229", "last_page": "230"})
    store = MemoryStore()
    store.put([cited])
    lookup = StoreLookup(store)
    assert lookup.document_by_number("frus1958-60v19", "109") == cited.id
    assert lookup.document_by_number("frus1958-60v19", "1") is None
    assert [c.id for c in lookup.serial_candidates("631")] == [cited.id]
    seed = enrich_document(seed_document())
    out = resolve_references(seed, ChainLookup(DocumentIndex([]), lookup))
    assert next(r for r in out.references if r.serial == "631").target == cited.id


def test_1901_despatches_resolve_to_each_other() -> None:
    # d51 (Hill to Rockhill) answers "your dispatch No. 22, of November 16 last" = d50;
    # d59 recalls "my dispatch No. 461, of November 30 last" = d56 (TEI excerpt, 1901).
    from despatch.enrich import enrich_records
    from tests.conftest import TEI_1901

    docs = [r for r in enrich_records(read_path(TEI_1901)) if isinstance(r, Document)]
    index = DocumentIndex(docs)
    resolved = {d.id: resolve_references(d, index) for d in docs}
    d51 = [r for r in resolved["frus1901China/d51"].references if r.kind == "despatch"]
    assert [(r.serial, r.date, r.target) for r in d51] == [
        ("22", "1900-11-16", "frus1901China/d50")
    ]
    d59 = [r for r in resolved["frus1901China/d59"].references if r.kind == "despatch"]
    assert [(r.serial, r.date, r.target) for r in d59] == [
        ("461", "1900-11-30", "frus1901China/d56")
    ]


def test_serials_are_normalised() -> None:
    from despatch.enrich.resolve import normalize_serial

    assert normalize_serial("No. 435.]") == "435"
    assert normalize_serial("A–12") == "A-12"
    assert normalize_serial("634") == "634"
    assert normalize_serial("none") is None


def test_enrich_records_resolves_within_the_file() -> None:
    from despatch.enrich import enrich_records
    from tests.conftest import TEI_1901

    docs = {r.id: r for r in enrich_records(read_path(TEI_1901)) if isinstance(r, Document)}
    (ref,) = [r for r in docs["frus1901China/d59"].references if r.kind == "despatch"]
    assert (ref.target, ref.is_resolved) == ("frus1901China/d56", True)


def test_enrich_records_keeps_what_a_failing_reader_gave() -> None:
    from despatch.enrich import enrich_records
    from despatch.errors import ParseError

    def reader() -> Iterator[Document]:
        yield _doc("See Document 108.", doc_id="frus1958-60v19/d107")
        raise ParseError("truncated", path="v.xml", line=9)

    out = enrich_records(reader())
    first = next(out)
    assert first.id == "frus1958-60v19/d107" and first.references
    with pytest.raises(ParseError, match=r"v\.xml:9: truncated"):
        next(out)
