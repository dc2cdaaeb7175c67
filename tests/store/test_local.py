"""The local archive (SQLite + tantivy): the shared suite, and what only it does."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tantivy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from despatch.errors import IntegrityError, NotFound, SchemaMismatch
from despatch.model import Document, Note, PageBreak, Party
from despatch.search.query import parse_query
from despatch.store import _tantivy as tq
from despatch.store import open_store
from despatch.store.base import Outcome
from despatch.store.local import INDEX, RECORDS, STAMP, LocalStore
from tests.store.suite import StoreSuite, load_samples


class TestLocalSuite(StoreSuite):
    @pytest.fixture(scope="class")
    def store(self, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStore]:
        store = LocalStore(tmp_path_factory.mktemp("local") / "archive")
        load_samples(store)
        yield store
        store.close()


def _doc(n: int, text: str, **kw: object) -> Document:
    return Document(id=f"v1/d{n}", volume="v1", number=str(n), title=f"Doc {n}", text=text, **kw)


def test_records_persist_across_opens(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "a") as store:
        assert store.put([_doc(1, "alpha beta"), _doc(2, "beta gamma")]) == [Outcome.ADDED] * 2
    with LocalStore(tmp_path / "a", create=False) as store:
        assert store.search("beta").total == 2
        assert store.get("v1/d1").text == "alpha beta"
        assert store.check() == []


def test_update_in_place(local_store: LocalStore) -> None:
    local_store.put([_doc(1, "alpha"), _doc(2, "other")])
    assert local_store.put([_doc(1, "omega")]) == [Outcome.UPDATED]
    assert local_store.search("alpha").total == 0
    assert [h.id for h in local_store.search("omega").hits] == ["v1/d1"]
    assert local_store.stats().documents == 2
    assert local_store.check() == []


def test_a_richer_source_is_kept(local_store: LocalStore) -> None:
    local_store.put([_doc(1, "from TEI", reader="tei")])
    assert local_store.put([_doc(1, "from plain text", reader="plaintext")]) == [Outcome.SUPERSEDED]
    assert local_store.get("v1/d1").text == "from TEI"


def test_index_caught_up_after_a_crash_between_the_commits(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "a")
    store.put([_doc(1, "alpha")])
    # Records committed, index never committed: what a kill -9 in between leaves.
    with store.bulk():
        store.put([_doc(2, "beta"), _doc(3, "gamma")])
        store.put([_doc(1, "delta")])
        store._writer.rollback()  # type: ignore[union-attr]
        store._writer = None
        store._defer_commit = 0
        store.db.close()
    store._defer_commit = 1  # the context exit must not commit (the process is "dead")
    reopened = LocalStore(tmp_path / "a")
    assert reopened.repaired == 3
    assert reopened.search("beta OR gamma OR delta").total == 3
    assert reopened.search("alpha").total == 0
    assert reopened.check() == []
    reopened.close()


def test_index_rebuilt_when_missing(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "a") as store:
        store.put([_doc(1, "alpha"), _doc(2, "beta")])
    import shutil

    shutil.rmtree(tmp_path / "a" / INDEX)
    with LocalStore(tmp_path / "a") as store:
        assert store.repaired == 2
        assert store.search("alpha OR beta").total == 2


def test_check_reports_a_stale_index_and_reindex_repairs_it(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "a") as store:
        store.put([_doc(1, "alpha"), _doc(2, "beta")])
        stamp = tmp_path / "a" / INDEX / STAMP
        stamp.write_text(json.dumps({"generation": 99, "version": tq.INDEX_VERSION}))
        problems = store.check()
        assert any("despatch reindex" in p for p in problems)
        assert store.reindex() == 2
        assert store.check() == []


def test_check_reports_a_damaged_record(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "a") as store:
        store.put([_doc(1, "alpha")])
        store.db.execute("UPDATE documents SET record = '{\"id\": 1}'")
        problems = store.check()
        assert problems and "v1/d1" in problems[0]
        assert store.check(records=False) == []


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "a"):
        pass
    db = sqlite3.connect(tmp_path / "a" / RECORDS)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(SchemaMismatch, match="upgrade despatch"):
        LocalStore(tmp_path / "a")


def test_open_store_refuses_a_folder_that_is_not_an_archive(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(IntegrityError, match="not a despatch archive"):
        open_store(tmp_path)


def test_open_store_without_create_needs_an_archive(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="despatch ingest"):
        open_store(tmp_path / "nothing", create=False)


def test_a_second_instance_sees_new_writes(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "a") as writer:
        writer.put([_doc(1, "alpha")])
        reader = LocalStore(tmp_path / "a")
        assert reader.search("alpha").total == 1
        writer.put([_doc(2, "alpha again")])
        assert reader.search("alpha").total == 2
        reader.close()


def test_snippet_page_from_page_breaks(local_store: LocalStore) -> None:
    text = "First page words.\n\nSecond page words with Quemoy here."
    doc = _doc(
        1,
        text,
        pages=[PageBreak(page="10", offset=0), PageBreak(page="11", offset=19)],
        first_page="10",
        notes=[Note(n="1", text="A note about Matsu.", page="10")],
        sender=[Party(name="Embassy in the Republic of China", place="Taipei")],
    )
    local_store.put([doc])
    hit = local_store.search("Quemoy").hits[0]
    assert hit.page == "11"
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["Quemoy"]
    note_hit = local_store.search("Matsu").hits[0]
    assert note_hit.page == "10"
    assert note_hit.snippet == "A note about Matsu."
    assert local_store.search("from:Taipei").total == 1


def test_to_tantivy_is_pure_and_shaped_by_the_ast() -> None:
    schema = tq.build_schema()
    q = tq.to_tantivy(schema, parse_query('Taiwan "brink of war" -Quemoy date:1958'))
    assert isinstance(q, tantivy.Query)
    text = repr(q)
    assert "brink" in text and "quemoy" in text and "MustNot" in text


def test_regex_escape() -> None:
    assert tq.regex_escape("frus1958-60v19/d1.") == "frus1958\\-60v19\\/d1\\."


def test_day_number() -> None:
    assert tq.day_number("1958-09-19") == 19580919
    assert tq.day_number(None) is None


def test_loaded_samples_fixture(loaded_local_store: LocalStore) -> None:
    assert loaded_local_store.stats().documents == 47
    assert loaded_local_store.search("", limit=0).total == 47


def test_facet_counts_equal_the_reference_for_every_query(tmp_path: Path) -> None:
    from tests.store.suite import PARITY_QUERIES, reference_store

    with LocalStore(tmp_path / "a") as store:
        load_samples(store)
        for query in PARITY_QUERIES:
            got = store.search(query, facets=True, limit=0).facets
            assert got == reference_store().search(query, facets=True, limit=0).facets, query


def test_version_1_archive_is_migrated_and_still_reads(tmp_path: Path) -> None:
    from despatch.store import _sqlite

    folder = tmp_path / "a"
    folder.mkdir()
    db = sqlite3.connect(folder / RECORDS, isolation_level=None)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    _sqlite.MIGRATIONS[0](db)
    db.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('generation', '1')")
    doc = _doc(1, "text kept inside the record by version 1")
    from despatch.store._rows import content_hash

    db.execute(
        "INSERT INTO documents (id, hash, generation, volume, number, ord_a, ord_b, type, "
        "sortday, title, sender, recipient, record) "
        "VALUES (?, ?, 1, 'v1', '1', 1, 1, 'other', '9999-12-31', 'Doc 1', '[]', '[]', ?)",
        (doc.id, content_hash(doc), doc.to_json()),
    )
    db.close()
    with LocalStore(folder) as store:
        assert _sqlite.get_meta(store.db, "schema_version") == _sqlite.SCHEMA_VERSION
        assert store.get("v1/d1").text == doc.text
        hit = store.search("record").hits[0]  # indexed on open from the old row
        assert hit.id == "v1/d1" and "kept inside" in hit.snippet
        assert store.check() == []
        assert store.put([doc]) == [Outcome.UNCHANGED]


@pytest.mark.parametrize("query", ["Khrush*", "t*", "zzz*", "id:frus1958-60v19/*", "type:memo*"])
def test_prefix_by_regex_and_by_term_dictionary_agree(
    loaded_local_store: LocalStore, query: str
) -> None:
    schema = loaded_local_store._schema
    searcher = loaded_local_store._index.searcher()
    ast = parse_query(query)

    def expand(field: str, prefix: str) -> list[str]:
        return [t for t, _ in searcher.terms_with_prefix(field, prefix)]

    by_regex = searcher.search(tq.to_tantivy(schema, ast), 100).count
    by_terms = searcher.search(tq.to_tantivy(schema, ast, expand), 100).count
    assert by_regex == by_terms


_WORDS = ["taiwan", "quemoy", "chiang", "kai-shek", "peking", "the", "boxers", "soviet", "zzz"]
_leaf = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(['"the soviet"', '"chiang kai-shek"', "khrush*", "t*"]),
    st.sampled_from(
        [
            "from:moscow",
            "to:taipei",
            "type:telegram",
            "type:despatch",
            "year:1958",
            "date:1958-09-19..1958-09-20",
            "date:..1901",
            "classification:secret",
            "precedence:priority",
            "volume:frus1964-68v30",
            "file:793*",
            "person:dulles",
            "place:peking",
        ]
    ),
)
_query_text = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.builds(lambda q: f"-({q})", inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda qs: "(" + " ".join(qs) + ")"),
        st.lists(inner, min_size=2, max_size=3).map(lambda qs: "(" + " OR ".join(qs) + ")"),
    ),
    max_leaves=6,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=_query_text)
def test_random_queries_match_the_reference(loaded_local_store: LocalStore, query: str) -> None:
    from tests.store.suite import all_ids, reference_store

    assert all_ids(loaded_local_store, query) == all_ids(reference_store(), query), query


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=_query_text)
def test_the_match_bound_is_never_below_the_matches(
    loaded_local_store: LocalStore, query: str
) -> None:
    from tests.store.suite import all_ids

    searcher = loaded_local_store._index.searcher()
    bound = tq.match_bound(searcher, parse_query(query))
    assert len(all_ids(loaded_local_store, query)) <= bound <= searcher.num_docs, query


@pytest.mark.parametrize(
    ("query", "close"),
    [
        ("department", True),
        ("comp*", True),
        ("type:telegram", True),
        ('"Central Files"', True),  # one gram
        ("Kai-shek", True),  # two words frequent in FRUS: one gram
        ('"the brink"', False),  # "brink" is not: no gram
        ('"the brink of war"', False),
        ("department state", False),
        ("department OR tran*", True),
        ("department -state", False),
        ("date:1958", False),
    ],
)
def test_which_bounds_are_close_to_the_matches(query: str, close: bool) -> None:
    assert tq.bound_is_close(parse_query(query)) is close


def test_facets_of_few_matches_are_counted_beside_the_search_and_exact(tmp_path: Path) -> None:
    """A query whose bound says it matches few documents has its facets counted while
    the search runs (one pass, every value per segment), with the reference's counts."""
    from tests.store.suite import PARITY_QUERIES, all_ids, reference_store

    with LocalStore(tmp_path / "a") as store:
        load_samples(store)
        searcher = store._index.searcher()
        few = [
            q
            for q in PARITY_QUERIES
            if tq.match_bound(searcher, parse_query(q)) <= searcher.num_docs // 2
        ]
        assert len(few) > 10
        for query in few:
            got = store.search(query, facets=True, limit=3)
            want = reference_store().search(query, facets=True, limit=3)
            assert got.facets == want.facets and got.total == want.total, query
            assert {h.id for h in got.hits} <= set(all_ids(reference_store(), query)), query
        assert store._search_pool is not None  # the searches ran on the search thread


def test_facets_by_complement_equal_the_reference(tmp_path: Path) -> None:
    from tests.store.suite import PARITY_QUERIES, reference_store

    with LocalStore(tmp_path / "a") as store:
        load_samples(store)
        store.facet_value_cost = 0  # always count big results as everything − complement
        for query in [*PARITY_QUERIES, "NOT Taiwan", "-zzz", "-type:telegram"]:
            got = store.search(query, facets=True, limit=0).facets
            assert got == reference_store().search(query, facets=True, limit=0).facets, query


def test_an_open_store_does_not_lock_out_other_writers(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "a") as first, LocalStore(tmp_path / "a") as second:
        first.put([_doc(1, "alpha")])
        second.put([_doc(2, "beta")])  # the first store let its index writer go
        first.put([_doc(3, "gamma")])
        assert first.search("alpha OR beta OR gamma").total == 3
        assert second.check() == []


# --- common grams: phrases of frequent words --------------------------------------------

_GRAM_VOCABULARY = ["the", "of", "and", "to", "in", "war", "soviet", "brink", "union", "is"]


def test_common_gram_phrases_match_exactly_the_reference(tmp_path: Path) -> None:
    """Phrases answered from the gram fields find what the reference's phrase check finds,
    including grams that stand side by side only across a run break (``of war x the``)."""
    import random

    from despatch.search.fields import phrase_grams
    from despatch.store.memory import MemoryStore

    rng = random.Random(4)
    docs = [
        _doc(n, " ".join(rng.choice(_GRAM_VOCABULARY) for _ in range(rng.randint(3, 30))))
        for n in range(60)
    ]
    docs.append(_doc(60, "of war brink union the"))  # of~war ~ union~the
    reference = MemoryStore()
    reference.put(docs)
    with LocalStore(tmp_path / "a") as store:
        store.put(docs)
        phrases = ['"of war union the"', '"war brink"', '"brink union the"']
        for _ in range(150):
            words = [rng.choice(_GRAM_VOCABULARY) for _ in range(rng.randint(2, 4))]
            phrases.append('"' + " ".join(words) + '"')
        gram_phrases = 0
        for query in phrases:
            if phrase_grams(query.strip('"').split()) is not None:
                gram_phrases += 1
            got = store.search(query, limit=100, facets=True)
            want = reference.search(query, limit=100, facets=True)
            assert {h.id for h in got.hits} == {h.id for h in want.hits}, query
            assert got.total == want.total and got.facets == want.facets, query
        assert gram_phrases > 100  # most of them went through the gram fields


def test_a_phrase_of_common_and_frequent_words_is_a_gram_query() -> None:
    schema = tq.build_schema()
    two = repr(tq.to_tantivy(schema, parse_query('"of the"')))
    assert "of~the" in two
    frequent = repr(tq.to_tantivy(schema, parse_query('"Department of State, Central Files"')))
    assert all(g in frequent for g in ("department~of", "of~state", "state~central"))
    mixed = repr(tq.to_tantivy(schema, parse_query('"the brink of"')))
    assert "~" not in mixed  # "brink" is not a frequent word: the ordinary phrase


def test_an_index_of_an_older_version_is_rebuilt_on_open_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with LocalStore(tmp_path / "a") as store:
        store.put([_doc(1, "the brink of war"), _doc(2, "of the war")])
    stamp = tmp_path / "a" / INDEX / STAMP
    data = json.loads(stamp.read_text())
    stamp.write_text(json.dumps({**data, "version": tq.INDEX_VERSION - 1}))
    with caplog.at_level("WARNING", logger="despatch.store"):
        store = LocalStore(tmp_path / "a", create=False)
    with store:
        assert store.repaired == 2
        message = caplog.text
        assert f"index version {tq.INDEX_VERSION - 1}" in message and "rebuilding" in message
        assert store.search('"brink of"').total == 1
        assert json.loads(stamp.read_text())["version"] == tq.INDEX_VERSION
        # `despatch reindex` right after does not rebuild a second time ...
        before = stamp.stat().st_mtime_ns
        assert store.reindex() == 2
        assert stamp.stat().st_mtime_ns == before
        # ... but does once anything was written since.
        store.put([_doc(3, "of war")])
        assert store.reindex() == 3
        assert stamp.stat().st_mtime_ns != before


def test_facets_counted_on_two_threads_equal_the_reference(tmp_path: Path) -> None:
    from tests.store.suite import PARITY_QUERIES, reference_store

    with LocalStore(tmp_path / "a") as store:
        load_samples(store)
        store.facet_parallel_from = 0  # split every count over the threads
        for query in PARITY_QUERIES:
            got = store.search(query, facets=True, limit=0).facets
            assert got == reference_store().search(query, facets=True, limit=0).facets, query
        assert store._pool is not None


@pytest.mark.parametrize("size", [1, 2, 3])
def test_top_facet_values_stay_exact_when_segments_report_few_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """With segments that report only their top few values, tantivy undercounts and
    leaves values out; the second pass (candidates counted in full, or every value)
    must still give the exact top values: those of a count of every value."""
    from despatch.store._rows import facet_values
    from tests.store.suite import PARITY_QUERIES, sample_records

    monkeypatch.setattr(tq, "FAST_SEGMENT_SIZE", 1)  # each segment: its top 2 × size + 1
    second_passes: list[str] = []
    request = tq.try_aggregate

    def spy(searcher: Any, query: Any, req: dict[str, Any]) -> Any:
        second_passes.extend(name for name, agg in req.items() if "include" in agg["terms"])
        return request(searcher, query, req)

    monkeypatch.setattr(tq, "try_aggregate", spy)
    docs, _ = sample_records()
    with LocalStore(tmp_path / "a") as store:
        for i in range(0, len(docs), 4):  # one index segment per put
            store.put(docs[i : i + 4])
        searcher = store._index.searcher()
        assert searcher.num_segments > 3
        for text in [*PARITY_QUERIES, "the", "of OR and"]:
            query = tq.to_tantivy(store._schema, parse_query(text))
            top, exact = tq.count_facets(searcher, query, size)
            every, _ = tq.count_facets(searcher, query, tq.ALL_VALUES)
            assert exact, text
            for name in tq.FACET_NAMES:
                got = facet_values(top[name], size)
                assert got == facet_values(every[name], size), (text, name)
    assert {"sender", "recipient"} <= set(second_passes)


@pytest.mark.parametrize("complement", [False, True])
@pytest.mark.parametrize("hint_values", [1, 2, 5, 50])
def test_facets_from_the_archive_s_top_values_equal_the_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hint_values: int, complement: bool
) -> None:
    """Wide facets counted over the archive's most frequent values only (one pass) give
    the reference's counts, whether those values hold the top or the count falls back."""
    from tests.store.suite import PARITY_QUERIES, reference_store

    monkeypatch.setattr(tq, "FAST_SEGMENT_SIZE", 1)  # every facet counts as wide
    included: list[int] = []
    request = tq.try_aggregate

    def spy(searcher: Any, query: Any, req: dict[str, Any]) -> Any:
        included.extend(len(a["terms"]["include"]) for a in req.values() if "include" in a["terms"])
        return request(searcher, query, req)

    monkeypatch.setattr(tq, "try_aggregate", spy)
    complements: list[object] = []
    with LocalStore(tmp_path / "a") as store:
        load_samples(store)
        store.facet_few_matches = 0  # every count through the fast pass and its hints
        store.facet_hint_margin = 0.0
        store.facet_hint_values = hint_values
        if complement:  # queries matching over half: everything − complement
            store.facet_value_cost = 0
            monkeypatch.setattr(tq, "complement", _counting(tq.complement, complements))
        for query in [*PARITY_QUERIES, "the"]:
            got = store.search(query, facets=True, limit=0).facets
            assert got == reference_store().search(query, facets=True, limit=0).facets, query
    assert included and max(included) <= max(hint_values, 2 * 50)
    assert bool(complements) is complement


def _counting(function: Any, calls: list[object]) -> Any:
    def wrapper(*args: Any) -> Any:
        calls.append(args)
        return function(*args)

    return wrapper


# --- estimated facets over very large result sets ---------------------------------------


def test_sample_buckets_are_even_and_the_sample_query_finds_exactly_them(tmp_path: Path) -> None:
    from collections import Counter

    buckets = Counter(tq.sample_bucket(f"frus1958-60v{n % 30}/d{n}") for n in range(64_000))
    assert set(buckets) == set(range(tq.SAMPLE_BUCKETS))
    assert all(900 <= n <= 1100 for n in buckets.values()), buckets  # 1,000 each ± 10%
    docs = [_doc(n, "alpha") for n in range(400)]
    with LocalStore(tmp_path / "a") as store:
        store.put(docs)
        searcher = store._index.searcher()
        for k in (1, 5, 32, 63):
            found = searcher.search(tq.sample_query(store._schema, k), limit=400, count=True)
            keys = searcher.fast_field_values("key", [addr for _, addr in found.hits])
            marks = ",".join("?" * len(keys))
            rows = store.db.execute(f"SELECT id FROM documents WHERE key IN ({marks})", keys)
            ids = {r[0] for r in rows}
            assert ids == {d.id for d in docs if tq.sample_bucket(d.id) < k}, k


def _estimation_archive(path: Path) -> LocalStore:
    """3,000 documents with ``words``: volume v0–v4 in shares 40/25/15/12/8%, a sender in
    1 of 3, ``common`` in every other one; and 500 documents of volume v9 without."""
    shares = [0.40, 0.25, 0.15, 0.12, 0.08]
    bounds = [sum(shares[: i + 1]) * 3000 for i in range(len(shares))]
    docs = []
    for n in range(3500):
        volume = f"v{next((i for i, b in enumerate(bounds) if n < b), 9)}"
        docs.append(
            Document(
                id=f"{volume}/d{n}",
                volume=volume,
                number=str(n),
                title=f"Doc {n}",
                text="other text" if n >= 3000 else "common words" if n % 2 else "rare words",
                sender=[Party(name="Embassy in France", place="Paris")] if n % 3 == 0 else [],
            )
        )
    store = LocalStore(path)
    for i in range(0, len(docs), 500):
        store.put(docs[i : i + 500])
    return store


def test_facets_over_large_results_are_estimated_from_a_fixed_sample(tmp_path: Path) -> None:
    with _estimation_archive(tmp_path / "a") as store:
        exact = store.search("words", facets=True, limit=0)
        assert exact.facets_sample is None  # 3,000 matches: under the default threshold
        store.facet_estimate_from = 1_000
        store.facet_sample_matches = 600
        got = store.search("words", facets=True, limit=3)
        assert got.total == exact.total == 3000 and len(got.hits) == 3
        assert got.facets_sample is not None and 300 <= got.facets_sample < 3000
        assert got.facets_estimated
        for name in ("volume", "sender", "type"):
            want = {v.value: v.count for v in exact.facets[name]}
            have = {v.value: v.count for v in got.facets[name]}
            assert set(have) == set(want), name
            for value, n in want.items():  # a sample of ~600: within 25% for these shares
                assert abs(have[value] - n) <= 0.25 * n, (name, value, have[value], n)
        # The same query gets the same sample: the estimates do not move between requests.
        assert store.search("words", facets=True, limit=0).facets == got.facets
        # Exact counts when asked for, and for results under the threshold.
        forced = store.search("words", facets=True, limit=0, exact_facets=True)
        assert forced.facets_sample is None and forced.facets == exact.facets
        half = store.search("rare", facets=True, limit=0)  # 1,500 matches
        assert half.facets_sample is not None
        store.facet_estimate_from = 2_000
        assert store.search("rare", facets=True, limit=0).facets_sample is None


def test_a_sample_sized_by_a_loose_bound_is_taken_again_for_the_total(tmp_path: Path) -> None:
    """The sample is drawn beside the search, sized by a bound on the matches; when the
    bound was far above the total, the sample holds too few and is drawn again."""

    def doc(n: int) -> Document:
        alpha = n < 1000  # "alpha" in the title and the body: the bound counts it twice
        return Document(
            id=f"v{n % 3}/d{n}",
            volume=f"v{n % 3}",
            number=str(n),
            title=f"Alpha {n}" if alpha else f"Doc {n}",
            text="alpha words" if alpha else "other words",
        )

    with LocalStore(tmp_path / "a") as store:
        store.put([doc(n) for n in range(1000)])
        store.put([doc(n) for n in range(1000, 2000)])
        store.facet_estimate_from = 400
        store.facet_sample_matches = 300
        bound = tq.match_bound(store._index.searcher(), parse_query("alpha"))
        got = store.search("alpha", facets=True, limit=0)
        assert got.total == 1000 and bound == 2000
        # Sized by the bound: 10 of 64 buckets, 149 matches, too few; again: 20 of 64.
        assert got.facets_sample is not None and got.facets_sample >= 150
        exact = store.search("alpha", facets=True, limit=0, exact_facets=True).facets
        want = {v.value: v.count for v in exact["volume"]}
        have = {v.value: v.count for v in got.facets["volume"]}
        assert set(have) == set(want) and all(abs(have[v] - n) <= 0.3 * n for v, n in want.items())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("words", 3000),  # a word: its bound
        ("common from:Paris", 500),  # 3,500 × 1,500/3,500 × 1,167/3,500: parity and thirds
        ("common -from:Paris", 1000),
        ("(common OR rare) from:Paris", 1000),
        ("common date:1958", None),  # a date range: nothing to tell from the terms
        ("-common", None),
    ],
)
def test_an_and_is_estimated_as_if_its_parts_were_independent(
    tmp_path: Path, query: str, expected: int | None
) -> None:
    with _estimation_archive(tmp_path / "a") as store:
        searcher = store._index.searcher()
        got = tq.match_estimate(searcher, parse_query(query))
        assert got == expected
        if expected is not None:  # independent by construction: the estimate is the count
            assert store.search(query, limit=0).total == expected


def test_an_and_expected_to_match_many_is_sampled_beside_the_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ``AND``'s bound (its smallest part) says little; its expected matches steer the
    sample, drawn in one aggregation while the search runs, and the counts scale by the
    search's exact total."""
    calls: list[tuple[int, int | None]] = []
    sample_counts = LocalStore._sample_counts

    def spy(self: LocalStore, searcher: Any, tq_: Any, total: int, **kw: Any) -> Any:
        calls.append((total, kw.get("parts")))
        return sample_counts(self, searcher, tq_, total, **kw)

    monkeypatch.setattr(LocalStore, "_sample_counts", spy)
    with _estimation_archive(tmp_path / "a") as store:
        store.facet_estimate_from = 200
        store.facet_sample_matches = 200
        got = store.search("common from:Paris", facets=True, limit=0)
        assert calls[0] == (500, 1)  # sized by the estimate, one aggregation
        assert got.total == 500 and got.facets_sample is not None
        volumes = {v.value: v.count for v in got.facets["volume"]}
        exact = store.search("common from:Paris", facets=True, limit=0, exact_facets=True)
        assert exact.facets_sample is None
        for v in exact.facets["volume"]:
            assert abs(volumes.get(v.value, 0) - v.count) <= max(0.5 * v.count, 15), v
        calls.clear()
        # No estimate through a date: sampled after the search, sized by its total.
        assert store.search("common -date:1958", facets=True, limit=0).total == 1500
        assert calls == [(1500, None)]


def test_no_estimate_when_the_sample_would_be_the_whole_archive(tmp_path: Path) -> None:
    with _estimation_archive(tmp_path / "a") as store:
        store.facet_estimate_from = 1_000
        store.facet_sample_matches = 3_000  # every bucket needed: count exactly
        got = store.search("words", facets=True, limit=0)
        assert got.facets_sample is None
