"""The backend-agnostic query suite: every backend runs these same tests (parity).

Use it by subclassing ``StoreSuite`` in a test module and providing a ``store`` fixture
that returns a store holding the bundled samples (``load_samples``), e.g.::

    class TestLocal(StoreSuite):
        @pytest.fixture(scope="class")
        def store(self, tmp_path_factory):
            store = LocalStore(tmp_path_factory.mktemp("local"))
            load_samples(store)
            yield store
            store.close()

The tests only read, so a class- or module-scoped store is fine. The samples are the three
TEI excerpts (with their volume records) and the seed document read from its plain-text
copy *without* a volume, so both copies of FRUS 1958–60 XIX d110 are present: the TEI one
as ``frus1958-60v19/d110`` and the plain-text one under its ``local-…/d110`` id
(``seed_id()``). Membership of every query in ``PARITY_QUERIES`` is also compared with the
reference semantics (``MemoryStore``).
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from despatch.errors import NotFound, QuerySyntaxError
from despatch.model import Document, Volume
from despatch.readers import read_path
from despatch.store.base import Outcome, Store
from despatch.store.memory import MemoryStore
from tests.conftest import SEED, TEI_1901, TEI_V19, TEI_V30

D110 = "frus1958-60v19/d110"


@lru_cache(maxsize=1)
def sample_records() -> tuple[tuple[Document, ...], tuple[Volume, ...]]:
    """The samples' documents (TEI excerpts, then the seed) and volume records."""
    docs: list[Document] = []
    volumes: list[Volume] = []
    for path in (TEI_V19, TEI_V30, TEI_1901, SEED):
        for record in read_path(path):
            if isinstance(record, Volume):
                volumes.append(record)
            else:
                docs.append(record)
    return tuple(docs), tuple(volumes)


def seed_id() -> str:
    """The id of the seed read from plain text without a volume (``local-<hash>/d110``)."""
    docs, _ = sample_records()
    return next(d.id for d in docs if d.reader == "plaintext")


def load_samples(store: Store) -> Store:
    """Put the samples into ``store``."""
    docs, volumes = sample_records()
    for volume in volumes:
        store.put_volume(volume)
    outcomes = store.put(docs)
    assert set(outcomes) <= {Outcome.ADDED, Outcome.UNCHANGED}
    return store


@lru_cache(maxsize=1)
def reference_store() -> MemoryStore:
    """The samples in the reference (memory) store."""
    store = MemoryStore()
    load_samples(store)
    return store


def all_ids(store: Store, query: str) -> set[str]:
    """Every matching id (paging through the results)."""
    found: set[str] = set()
    offset = 0
    while True:
        res = store.search(query, limit=50, offset=offset)
        found.update(h.id for h in res.hits)
        offset += 50
        if offset >= res.total:
            assert len(found) == res.total, query
            return found


# (query, ids that must match, ids that must not); "SEED" stands for seed_id().
QUERY_CASES: list[tuple[str, set[str], set[str]]] = [
    # free words, AND by default, phrases, prefixes, OR, NOT
    ("Chiang Kai-shek from:Moscow", {D110, "SEED"}, {"frus1958-60v19/d108"}),
    ("Khrushchev Kuznetsov", {D110, "SEED"}, set()),
    ('"Nike Hercules"', {D110, "SEED"}, {"frus1958-60v19/d109"}),
    ('"Hercules Nike"', set(), {D110, "SEED"}),
    ("Kerensk*", {D110, "SEED"}, {"frus1958-60v19/d105"}),
    ("Quemoy OR Kerensky", {D110, "SEED", "frus1958-60v19/d105"}, set()),
    ("Quemoy -Matsu", {"frus1958-60v19/d105", "frus1958-60v19/d106"}, {D110}),
    ("NOT Taiwan", {"frus1901China/d48"}, {D110, "SEED"}),
    ("(Kerensky OR Boxers) Peking", {D110, "SEED"}, set()),
    ("zhōu OR ZHOU", set(), {D110}),  # accents and case fold the same way
    # fields
    ("from:Moscow", {D110, "SEED"}, {"frus1958-60v19/d109"}),
    ('from:"Embassy in the Soviet Union"', {D110, "SEED"}, set()),
    ("to:Warsaw", {D110, "SEED"}, set()),
    ("type:telegram", {D110, "SEED", "frus1958-60v19/d107"}, {"frus1958-60v19/d105"}),
    ("type:memorandum-of-conversation", {"frus1958-60v19/d105"}, {D110}),
    ("date:1958-09-19", {D110, "SEED", "frus1958-60v19/d109"}, {"frus1958-60v19/d111"}),
    (
        "date:1958-09-20..1958-09-21",
        {"frus1958-60v19/d111", "frus1958-60v19/d113", "frus1958-60v19/d115"},
        {D110, "frus1958-60v19/d105"},
    ),
    ("date:..1901", {"frus1901China/d48"}, {D110}),
    ("date:1964-01..", {"frus1964-68v30/d1"}, {D110, "frus1901China/d48"}),
    ("year:1958", {D110, "SEED", "frus1958-60v19/d105"}, {"frus1964-68v30/d1"}),
    ('classification:"official use only"', {D110, "SEED"}, {"frus1958-60v19/d105"}),
    ('classification:"top secret"', {"frus1958-60v19/d106"}, {D110}),
    ("classification:secret", {"frus1958-60v19/d105"}, {"frus1958-60v19/d106", D110}),
    ("precedence:niact", {D110, "SEED"}, {"frus1958-60v19/d109"}),
    ("volume:frus1958-60v19", {D110, "frus1958-60v19/d105"}, {"SEED", "frus1901China/d48"}),
    ("number:110", {D110, "SEED"}, {"frus1958-60v19/d111"}),
    ("telegram:634", {D110, "SEED"}, {"frus1958-60v19/d109"}),
    ("person:Khrushchev", {D110}, {"frus1901China/d48"}),
    ("place:Moscow", {D110}, {"frus1901China/d48"}),
    ("file:793.00", {D110, "SEED", "frus1958-60v19/d105"}, {"frus1901China/d48"}),
    (
        "file:793.00/9-1958",
        {D110, "SEED", "frus1958-60v19/d105"},
        {"frus1958-60v19/d106", "frus1958-60v19/d111"},
    ),
    (f"id:{D110}", {D110}, {"SEED", "frus1958-60v19/d111"}),
    ("id:frus1958-60v19/*", {D110, "frus1958-60v19/d105"}, {"SEED", "frus1964-68v30/d1"}),
    ("", {D110, "SEED", "frus1901China/d48"}, set()),
]

#: Queries whose full result sets must equal the reference semantics on every backend.
PARITY_QUERIES: list[str] = [q for q, _, _ in QUERY_CASES] + [
    "Taiwan",
    "taiwan Quemoy OR Matsu",
    '"brink of war"',
    "Khrushch* -Kerensky",
    "Chiang Kai-shek",
    "type:memo* year:1958",
    "from:(Moscow OR Taipei)",
    "to:London OR to:Taipei",
    "-type:telegram -type:despatch",
    "Boxer* date:1900..1901",
    "person:Dulles place:Peking",
    "precedence:priority OR classification:confidential",
    "Peking type:despatch -Boxers",
    # phrases of common words (the local index answers them from its common grams)
    '"of the"',
    '"in the"',
    '"to the"',
    '"of the soviet"',
    '"that the"',
    '"it is not"',
    '"the" "of"',
    'from:"in the"',
]


def _expand(ids: set[str]) -> set[str]:
    return {seed_id() if i == "SEED" else i for i in ids}


class StoreSuite:
    """Tests every backend must pass; subclasses provide the ``store`` fixture."""

    @pytest.mark.parametrize(("query", "included", "excluded"), QUERY_CASES)
    def test_query_forms(
        self, store: Store, query: str, included: set[str], excluded: set[str]
    ) -> None:
        found = all_ids(store, query)
        assert _expand(included) <= found, query
        assert not (_expand(excluded) & found), query

    @pytest.mark.parametrize("query", PARITY_QUERIES)
    def test_same_documents_as_the_reference(self, store: Store, query: str) -> None:
        assert all_ids(store, query) == all_ids(reference_store(), query)

    def test_total_and_paging(self, store: Store) -> None:
        first = store.search("Taiwan", limit=3)
        second = store.search("Taiwan", limit=3, offset=3)
        assert first.total == second.total == len(all_ids(store, "Taiwan")) > 6
        assert len(first.hits) == len(second.hits) == 3
        assert not {h.id for h in first.hits} & {h.id for h in second.hits}

    def test_relevance_puts_the_title_first(self, store: Store) -> None:
        # "Intelligence" is in one title (the estimate); the other matches only mention it.
        res = store.search("estimate", limit=50)
        assert res.hits[0].type == "intelligence-estimate"

    def test_date_order(self, store: Store) -> None:
        res = store.search("Taiwan OR Peking", limit=50, sort="date")
        dates = [h.date[:10] for h in res.hits if h.date]
        assert dates == sorted(dates)
        assert len(dates) > 10

    def test_hits_carry_the_result_fields(self, store: Store) -> None:
        hit = store.search(f"id:{D110}").hits[0]
        assert hit.id == D110
        assert (
            hit.title == "Telegram From the Embassy in the Soviet Union to the Department of State"
        )
        assert hit.type == "telegram"
        assert hit.volume == "frus1958-60v19"
        assert hit.number == "110"
        assert hit.date is not None and hit.date.startswith("1958-09-19")
        assert hit.sender == ["Embassy in the Soviet Union"]
        assert hit.recipient == ["Department of State"]

    @pytest.mark.parametrize(
        ("query", "page"),
        [
            ("Kuznetsov", "231"),  # the first paragraph
            ('"great Communist party of China"', "232"),  # right after [Page 232]
            ('"Potsdam Declaration of 1945"', "234"),  # the paragraph after [Page 234]
            ("Kerensky", "235"),
            ('"Nike Hercules"', "236"),
            ("vigilance", "233"),
        ],
    )
    def test_snippet_reports_the_printed_page_of_the_hit(
        self, store: Store, query: str, page: str
    ) -> None:
        res = store.search(f"{query} (id:{D110} OR id:{seed_id()})", limit=5)
        assert {h.id for h in res.hits} == {D110, seed_id()}
        for hit in res.hits:
            assert hit.page == page, (hit.id, query)
            assert hit.highlights
            for a, b in hit.highlights:
                assert 0 <= a < b <= len(hit.snippet)
            marked = [hit.snippet[a:b].lower() for a, b in hit.highlights]
            first_word = query.strip('"').split()[0].lower()
            assert any(m.startswith(first_word) for m in marked)
            assert "<" not in hit.snippet  # plain text, never HTML

    def test_snippet_of_a_fielded_query_is_the_opening(self, store: Store) -> None:
        hit = store.search(f"id:{D110}").hits[0]
        assert hit.snippet.startswith("634. Following is text of Khrushchev")
        assert hit.highlights == []
        assert hit.page == "231"

    def test_facet_counts(self, store: Store) -> None:
        res = store.search("year:1958", facets=True, limit=0)
        ref = reference_store().search("year:1958", facets=True, limit=0)
        assert res.total == ref.total
        assert res.facets == ref.facets
        counts = {f: {v.value: v.count for v in vals} for f, vals in res.facets.items()}
        docs, _ = sample_records()
        in_1958 = [d for d in docs if (d.date.value or "").startswith("1958")]
        assert sum(counts["year"].values()) == len(in_1958) == res.total
        assert counts["precedence"]["Niact"] == 3  # d110 twice (TEI and seed) and d111
        assert counts["sender"]["Embassy in the Soviet Union"] == 2
        assert counts["volume"]["frus1958-60v19"] == len(in_1958) - 1  # all but the seed
        telegrams = [d for d in in_1958 if d.type.value == "telegram"]
        assert counts["type"]["telegram"] == len(telegrams)

    def test_facets_of_everything(self, store: Store) -> None:
        res = store.search("", facets=True, limit=0)
        assert res.facets == reference_store().search("", facets=True, limit=0).facets
        volumes = {v.value: v.count for v in res.facets["volume"]}
        assert volumes == {"frus1901China": 21, "frus1958-60v19": 11, "frus1964-68v30": 14}

    @pytest.mark.parametrize(
        ("query", "column", "fragment"),
        [
            ("Taiwan form:Moscow", 8, "unknown field 'form:' (did you mean 'from:'?)"),
            ('"brink of war', 1, "no closing quote"),
            ("date:1958-13", 6, "is not a date"),
            ("(Quemoy OR", 9, "'OR' needs a term on both sides"),
        ],
    )
    def test_malformed_queries(self, store: Store, query: str, column: int, fragment: str) -> None:
        with pytest.raises(QuerySyntaxError) as info:
            store.search(query)
        assert info.value.column == column
        assert fragment in str(info.value)

    def test_get_and_not_found(self, store: Store) -> None:
        doc = store.get(D110)
        docs, _ = sample_records()
        assert doc == next(d for d in docs if d.id == D110)
        with pytest.raises(NotFound):
            store.get("frus1958-60v19/d999")

    def test_volumes_and_authority(self, store: Store) -> None:
        assert [v.id for v in store.volumes()] == [
            "frus1901China",
            "frus1958-60v19",
            "frus1964-68v30",
        ]
        vol = store.get_volume("frus1958-60v19")
        assert vol.persons
        entry = vol.persons[0]
        assert store.authority(entry.id, volume="frus1958-60v19") == entry
        with pytest.raises(NotFound):
            store.authority("p_NOBODY")
        with pytest.raises(NotFound):
            store.get_volume("frus1999v99")

    def test_volume_order_and_neighbors(self, store: Store) -> None:
        ids = [h.id for h in store.volume_documents("frus1958-60v19")]
        assert ids[:2] == ["frus1958-60v19/d105", "frus1958-60v19/d106"]
        assert ids[-1] == "frus1958-60v19/d115"
        i = ids.index(D110)
        assert store.neighbors(D110) == (ids[i - 1], ids[i + 1])
        assert store.neighbors(ids[0])[0] is None
        assert store.neighbors(seed_id()) == (None, None)

    def test_cited_by(self, store: Store) -> None:
        docs, _ = sample_records()
        expected = sorted(
            {d.id for d in docs if any(r.target == D110 for r in d.references) and d.id != D110}
        )
        assert expected  # d113 cites d110 in the samples
        assert sorted({c.source for c in store.cited_by(D110)}) == expected
        assert all(c.target == D110 and c.text for c in store.cited_by(D110))

    def test_reference_lookup_finds_stored_documents(self, store: Store) -> None:
        # The native lookup archive-wide resolution asks (``despatch.resolution``).
        lookup = store.reference_lookup()
        assert lookup.document_by_number("frus1958-60v19", "110") == D110
        assert lookup.document_by_number("frus1958-60v19", "999") is None
        assert sorted(c.id for c in lookup.serial_candidates("634")) == sorted([D110, seed_id()])
        assert lookup.serial_candidates("99999") == []
        assert lookup.document_at_page("frus1958-60v19", "233") == D110
        assert lookup.document_at_page("frus1901China", "55") is None  # d58 and d59 share it

    def test_stats(self, store: Store) -> None:
        stats = store.stats()
        docs, _ = sample_records()
        assert stats.documents == len(docs)
        assert stats.volumes == 3
        assert stats.by_volume == {"frus1901China": 21, "frus1958-60v19": 11, "frus1964-68v30": 14}
        assert sum(stats.by_type.values()) == len(docs)
        assert stats.by_year == reference_store().stats().by_year

    def test_storing_the_same_documents_again_changes_nothing(self, store: Store) -> None:
        docs, _ = sample_records()
        assert set(store.put(docs[:5])) == {Outcome.UNCHANGED}

    def test_check_finds_nothing_wrong(self, store: Store) -> None:
        assert store.check() == []

    def test_scan_lists_every_match_in_date_order(self, store: Store) -> None:
        hits, total = store.scan("Taiwan OR Peking")
        assert total == len(hits) == len(all_ids(store, "Taiwan OR Peking"))
        dates = [h.date[:10] for h in hits if h.date]
        assert dates == sorted(dates)
        capped, total_again = store.scan("", cap=5)
        assert len(capped) == 5 and total_again == store.stats().documents
