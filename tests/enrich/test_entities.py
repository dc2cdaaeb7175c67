"""Entity spans: the seed's people, places and abbreviations; labels; false positives."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from despatch.enrich.authority import default_authority
from despatch.enrich.entities import enrich_entities, find_entities, label_spans, name_forms
from despatch.enrich.lexicon import Candidate, Lexicon
from despatch.model import Document, DocumentDate, Note, Span, Volume
from despatch.readers import read_path
from tests.conftest import TEI_V19
from tests.enrich.seed import seed_document


@pytest.fixture(scope="module")
def seed_spans() -> list[Span]:
    return enrich_entities(seed_document()).spans


@pytest.fixture(scope="module")
def seed_spans_no_volume() -> list[Span]:
    return enrich_entities(seed_document(volume=None)).spans


def _first(spans: list[Span], text: str, note: str | None = None) -> Span:
    return next(s for s in spans if s.text == text and s.note == note)


def _doc(text: str, *, year: str = "1958-09-19", volume: str | None = None) -> Document:
    return Document(id="t/d1", volume=volume, text=text, date=DocumentDate(value=year))


@pytest.mark.parametrize(
    ("text", "key", "label_start"),
    [
        ("Khrushchev", "p_KNS1", "Khrushchev, Nikita S., First Secretary of the Communist Party"),
        ("Kuznetsov", "people:107516", "Kuznetsov, Vasily V."),
        ("Chiang Kai-shek", "p_CKG1", "Chiang Kai-shek, Generalissimo, President of the Republic"),
        ("Dulles", "p_DJF1", "Dulles, John Foster, Secretary of State"),
        ("Acheson", "people:100070", "Acheson, Dean Gooderham"),
        ("Kerensky", "people:extra-kerensky", "Kerensky, Aleksandr Fyodorovich"),
        ("Franklin Roosevelt", "people:111579", "Roosevelt, Franklin D."),
        ("Harry Truman", "people:113770", "Truman, Harry S."),
        ("N. Khrushchev", "p_KNS1", "Khrushchev, Nikita S."),
        ("Hitler", "people:105970", "Hitler, Adolf"),
    ],
)
def test_seed_people(seed_spans: list[Span], text: str, key: str, label_start: str) -> None:
    span = _first(seed_spans, text)
    assert (span.kind, span.key) == ("person", key)
    assert span.label is not None and span.label.startswith(label_start)


def test_seed_people_without_the_volume(seed_spans_no_volume: list[Span]) -> None:
    # Without the volume's own list the people database identifies them; "State Secretary
    # Dulles" is John Foster (Secretary of State), not Allen W. (Director of Central Intelligence).
    assert _first(seed_spans_no_volume, "Khrushchev").key == "people:107127"
    assert _first(seed_spans_no_volume, "Dulles").key == "people:103703"
    assert _first(seed_spans_no_volume, "Chiang Kai-shek").key == "people:102483"


@pytest.mark.parametrize(
    ("text", "note", "key"),
    [
        ("Taiwan", None, "place:Taiwan"),
        ("Peking", None, "place:Peking"),
        ("Geneva", None, "place:Geneva"),
        ("Taiwan Straits", None, "place:Taiwan Strait"),
        ("Chinese People’s Republic", None, "place:People’s Republic of China"),
        ("Moscow", "d110fn1", "place:Moscow"),
        ("London", "d110fn0", "place:London"),
        ("Hong Kong", "d110fn0", "place:Hong Kong"),
        ("Cairo", "d110fn2", "place:Cairo"),
    ],
)
def test_seed_places(seed_spans: list[Span], text: str, note: str | None, key: str) -> None:
    span = _first(seed_spans, text, note)
    assert (span.kind, span.key) == ("place", key)


@pytest.mark.parametrize(
    ("text", "note", "key", "label"),
    [
        ("CPR", None, "t_CPR1", "People’s Republic of China"),
        ("USSR", None, "t_USSR1", "Union of Soviet Socialist Republics"),
        ("USUN", "d110fn0", "term:USUN", "United States Mission at the United Nations"),
        ("CINCPAC", "d110fn0", "term:CINCPAC", "Commander in Chief, Pacific"),
        ("POLAD", "d110fn0", "t_POLAD1", "Political Adviser"),
        ("Niact", "d110fn0", "t_Niact1", "night action, requiring immediate reply"),
    ],
)
def test_seed_abbreviations(
    seed_spans: list[Span], text: str, note: str | None, key: str, label: str
) -> None:
    span = _first(seed_spans, text, note)
    assert (span.kind, span.key, span.label) == ("term", key, label)


def test_seed_spans_point_at_the_text(seed_spans: list[Span]) -> None:
    doc = seed_document()
    notes = {n.id: n.text for n in doc.notes}
    for s in seed_spans:
        source = doc.text if s.note is None else notes[s.note]
        assert source[s.start : s.end] == s.text


def test_seed_every_chiang_kai_shek_is_found(seed_spans: list[Span]) -> None:
    doc = seed_document()
    body = [s for s in seed_spans if s.note is None and s.key == "p_CKG1"]
    # every "Chiang Kai-shek" not followed by "ists" (the "Chiang Kai-shekists")
    expected = doc.text.count("Chiang Kai-shek") - doc.text.count("Chiang Kai-shekists")
    assert len([s for s in body if s.text == "Chiang Kai-shek"]) == expected


def test_seed_common_surname_alone_is_not_guessed(seed_spans: list[Span]) -> None:
    # The signature "Davis" could be any of a dozen Davises of the 1950s: no key is guessed.
    assert all(s.key is None for s in seed_spans if s.text == "Davis")


@pytest.mark.parametrize(
    "text",
    [
        "He felt that the green light was given. Young people wait.",
        "The Conference ended. In July the Committee met. Officer in Charge of Affairs.",
        "You may say that Will and Grace were here.",
        "A plan for the Office; Chen and Wang talked.",  # family names alone name no one
        "He told Secretary French would not. Grain and Burden rose; the US–French talks.",
    ],
)
def test_common_words_are_not_people(text: str) -> None:
    spans = find_entities(_doc(text))
    assert [s for s in spans if s.kind == "person"] == []


def test_a_title_lets_a_common_surname_through() -> None:
    spans = find_entities(_doc("Mr. Green told Secretary Dulles."))
    people = {s.text: s for s in spans if s.kind == "person"}
    assert "Green" in people
    assert people["Dulles"].key == "people:103703"


def test_nicknames_and_noise_variants() -> None:
    forms, surname = name_forms("Richardson, William Blaine (Bill)")
    assert surname == "Richardson" and "Bill Richardson" in forms and "Bill" not in forms
    spans = find_entities(_doc("Bill said no. Security Affairs and the Pacific.", year="1965"))
    assert [s for s in spans if s.kind == "person"] == []


def test_a_surname_takes_the_person_named_in_full_earlier() -> None:
    text = "Vice President Chen Cheng met Smoot. Later Chen said no."
    spans = find_entities(_doc(text, volume="frus1958-60v19"))
    chens = [s for s in spans if s.text.startswith("Chen")]
    assert len({s.key for s in chens}) == 1 and chens[0].key == "people:102451"


def test_reader_spans_are_labelled_from_the_volume_lists() -> None:
    text = "Khrushchev met Kuznetsov."
    doc = Document(
        id="frus1958-60v19/d1", volume="frus1958-60v19", text=text,
        spans=[Span(start=0, end=10, kind="person", text="Khrushchev", key="#p_KNS1")],
        notes=[Note(n="1", id="d1fn1", text="Repeated to CINCPAC for POLAD.")],
    )  # fmt: skip
    out = enrich_entities(doc)
    first = out.spans[0]
    assert (first.key, first.start) == ("p_KNS1", 0)
    assert first.label and first.label.startswith("Khrushchev, Nikita S., First Secretary")
    assert [s.text for s in out.spans if s.note == "d1fn1"] == ["CINCPAC", "POLAD"]
    assert enrich_entities(out) == out  # idempotent: nothing added twice


def test_volume_record_lists_take_precedence() -> None:
    from despatch.model import AuthorityEntry

    vol = Volume(
        id="frus1999v01",
        persons=[AuthorityEntry(id="p_X1", kind="person", name="Zorin, Valerian A.",
                                description="Soviet Ambassador to Germany")],
    )  # fmt: skip
    doc = Document(id="frus1999v01/d1", volume="frus1999v01", text="Zorin called.",
                   date=DocumentDate(value="1958-01-01"))  # fmt: skip
    (span,) = label_spans(doc, volume=vol) + find_entities(doc, volume=vol)
    assert (span.key, span.label) == ("p_X1", "Zorin, Valerian A., Soviet Ambassador to Germany")


def test_tei_reader_spans_are_kept() -> None:
    records = list(read_path(TEI_V19))
    vol = next(r for r in records if isinstance(r, Volume))
    d110 = next(r for r in records if isinstance(r, Document) and r.id.endswith("/d110"))
    out = enrich_entities(d110, volume=vol)
    for s in d110.spans:
        assert any((o.note, o.start, o.end, o.kind) == (s.note, s.start, s.end, s.kind)
                   for o in out.spans)  # fmt: skip
    assert any(s.text == "Kuznetsov" for s in out.spans)  # the editors left him untagged


def test_name_forms() -> None:
    forms, surname = name_forms("Khrushchev, Nikita S.")
    assert surname == "Khrushchev"
    assert {"Nikita S. Khrushchev", "N. S. Khrushchev", "Nikita Khrushchev"} <= set(forms)
    assert name_forms("Chiang Kai-shek, Generalissimo") == (["Chiang Kai-shek"], "Chiang")
    forms, _ = name_forms("Chou En-lai (Zhou Enlai)")
    assert {"Chou En-lai", "Zhou Enlai"} <= set(forms)
    assert name_forms("Premier Khrushchev") == ([], "Khrushchev")


def test_lexicon_plural_terms_and_particles() -> None:
    lex = Lexicon()
    lex.add("ChiCom", Candidate("t1", "term", "ChiCom", "Chinese Communist", 1))
    lex.add("de Gaulle", Candidate("p1", "person", "de Gaulle", "de Gaulle, Charles", 4))
    lex.add("reftel", Candidate("t2", "term", "reftel", "reference telegram", 1))
    text = "ChiComs told de Gaulle of reftel; ChiComsX no."
    assert [(m.start, text[m.start : m.end]) for m in lex.scan(text)] == [
        (0, "ChiComs"), (13, "de Gaulle"), (26, "reftel"),
    ]  # fmt: skip


def test_authority_entry_for_every_key_kind() -> None:
    auth = default_authority()
    assert auth.entry("people:107127").name == "Khrushchev, Nikita Sergeyevich"  # type: ignore[union-attr]
    assert auth.entry("term:CINCPAC").description == "Commander in Chief, Pacific"  # type: ignore[union-attr]
    assert auth.entry("place:Peking").kind == "place"  # type: ignore[union-attr]
    assert auth.entry("p_KNS1", volume="frus1958-60v19").name == "Khrushchev, Nikita S."  # type: ignore[union-attr]
    assert auth.entry("people:0") is None


_PIECES = [
    *"abcXYZ .,;:’'\n-",
    "Khrushchev", "Chiang ", "Kai-shek", "Mr. ", "Secretary ", "Dulles", "CPR", "ChiCom",
    "de ", "Gaulle", "reftel", "Taiwan", "The ", "J. ", "John ", "Foster ",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(st.text(max_size=200), st.lists(st.sampled_from(_PIECES), max_size=50).map(
        "".join)),
    volume=st.sampled_from([None, "frus1958-60v19", "frus1964-68v30", "frus0000"]),
)  # fmt: skip
def test_arbitrary_text_never_crashes(text: str, volume: str | None) -> None:
    doc = Document(id="t/d1", volume=volume, text=text,
                   notes=[Note(n="1", text=text[::-1])])  # fmt: skip
    out = enrich_entities(doc)
    notes = {"1": text[::-1]}
    for s in out.spans:
        source = text if s.note is None else notes[s.note]
        assert 0 <= s.start < s.end <= len(source) and source[s.start : s.end] == s.text
    Document.from_json(out.to_json())


def test_enrich_records_waits_for_the_volume_lists() -> None:
    from despatch.enrich import enrich_records
    from tests.conftest import TEI_V30

    records = list(read_path(TEI_V30))
    assert isinstance(records[-1], Volume)  # the TEI reader yields the volume last
    out = list(enrich_records(records))
    assert [type(r) for r in out] == [type(r) for r in records]
    d5 = next(r for r in out if isinstance(r, Document) and r.id.endswith("/d5"))
    popple = next(s for s in d5.spans if s.text == "Popple")
    assert popple.key == "p_PPM1"  # from the volume's List of Persons
    assert popple.label and popple.label.startswith("Popple, Paul M., Officer in Charge")


def test_store_entity_falls_back_to_the_bundled_tables() -> None:
    from despatch.errors import NotFound
    from despatch.store.memory import MemoryStore

    store = MemoryStore()
    assert store.entity("people:107127").name == "Khrushchev, Nikita Sergeyevich"
    assert store.entity("place:Moscow").kind == "place"
    with pytest.raises(NotFound):
        store.entity("people:0")
