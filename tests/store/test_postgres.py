"""The PostgreSQL backend: SQL compilation (no database), and a real server for the rest.

Tests that need the server carry the ``postgres`` mark and take ``pg_url`` (a fresh
database) or ``pg_module_url`` (one database per module) from ``tests/pg.py``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from despatch.errors import BackendUnavailable, QueryError, QuerySyntaxError, SchemaMismatch
from despatch.model import AuthorityEntry as Entry
from despatch.model import Document, Note, PageBreak, Party, Volume
from despatch.search.fields import tokenize
from despatch.search.query import parse_query
from despatch.store import _pg_schema, _pg_sql
from despatch.store.base import Outcome, SearchResults, Store, ids
from despatch.store.memory import MemoryStore
from despatch.store.postgres import PostgresStore, mask_url
from tests.conftest import ROOT, TEI_V19
from tests.pg import _free_port, create_database, drop_database
from tests.store.pg_corpus import QUERIES, WORDS, make_corpus
from tests.store.suite import StoreSuite, load_samples

# --- SQL compilation (no database) ----------------------------------------------------


def compile_text(query: str) -> _pg_sql.Compiled:
    return _pg_sql.compile_query(parse_query(query))


def test_words_and_negations_become_one_tsquery() -> None:
    c = compile_text("Taiwan quemoy -Matsu")
    assert c == _pg_sql.Compiled(
        where="tsv @@ %s::tsquery",
        params=("('taiwan' & 'quemoy' & !'matsu')",),
        rank="'taiwan' | 'quemoy'",
        indexable=True,
    )


def test_or_binds_tighter_than_and() -> None:
    c = compile_text("Taiwan Quemoy OR Matsu")
    assert c.params == ("('taiwan' & ('quemoy' | 'matsu'))",)


def test_phrase_is_checked_against_the_joined_tokens() -> None:
    c = compile_text('"Brink of War"')
    assert c.where == "(tsv @@ %s::tsquery AND n_all LIKE %s)"
    # A common word ("of") brings its pairs, which the GIN index finds directly; the
    # words they hold need no posting lists of their own.
    assert c.params == ("'brink~of' & 'of~war'", "% brink of war %")
    assert compile_text('"the brink of war now"').params == (
        "'now' & 'brink~of' & 'of~war' & 'the~brink'",
        "% the brink of war now %",
    )
    assert compile_text('"soviet union"').params == ("'soviet' & 'union'", "% soviet union %")


def test_a_two_word_phrase_with_a_common_word_is_its_gram() -> None:
    """The gram of two tokens is made only where they stand next to each other in one
    source, which is what the check of the joined tokens would find: no check, which
    reads every match's whole text."""
    c = compile_text('"the Department"')
    assert (c.where, c.params) == ("tsv @@ %s::tsquery", ("'the~department'",))
    assert compile_text('"and and"').params == ("'and~and'",)


def test_word_with_inner_punctuation_is_a_phrase() -> None:
    assert compile_text("Kai-shek").params == ("'kai' & 'shek'", "% kai shek %")


def test_text_fields_use_their_own_lexemes_and_columns() -> None:
    assert compile_text("from:Moscow").params == ("'from:moscow'",)
    assert compile_text("to:Mosc*").params == ("'to:mosc':*",)
    c = compile_text('from:"Embassy in the Soviet Union"')
    assert c.where == "(ktsv @@ %s::tsquery AND n_from LIKE %s)"
    assert c.params == (
        "'from:embassy' & 'from:in' & 'from:the' & 'from:soviet' & 'from:union'",
        "% embassy in the soviet union %",
    )
    assert compile_text('person:"Chiang Kai-shek"').where.endswith("n_person LIKE %s)")
    assert compile_text('place:"New York"').where.endswith("n_place LIKE %s)")
    assert c.rank is None  # fielded terms do not rank


def test_keyword_fields_match_the_whole_normalised_value() -> None:
    assert compile_text('classification:"Top  Secret"').params == ("'classification=top secret'",)
    assert compile_text("file:793.00/9–1958").params == ("'file=793.00/9-1958'",)
    assert compile_text("type:memo*").params == ("'type=memo':*",)
    assert compile_text("id:frus1958-60v19/*").params == ("'id=frus1958-60v19/':*",)
    assert compile_text("year:1958").params == ("'year=1958'",)


def test_dates_compile_to_ranges_that_leave_undated_documents_out() -> None:
    c = compile_text("date:1958-09..1958-10")
    assert c.where == "(day IS NOT NULL AND day BETWEEN %s::date AND %s::date)"
    assert c.params == ("1958-09-01", "1958-10-31")
    assert compile_text("date:..1960").params == ("1960-12-31",)
    assert compile_text("date:1958-02..").params == ("1958-02-01",)


def test_mixed_nodes_keep_each_vector_in_one_tsquery_beside_sql() -> None:
    c = compile_text("taiwan (quemoy OR date:1960) -year:1961 type:telegram")
    assert c.where == (
        "(tsv @@ %s::tsquery AND ktsv @@ %s::tsquery AND (tsv @@ %s::tsquery OR "
        "(day IS NOT NULL AND day BETWEEN %s::date AND %s::date)))"
    )
    assert c.params == (
        "'taiwan'",
        "(!'year=1961' & 'type=telegram')",
        "'quemoy'",
        "1960-01-01",
        "1960-12-31",
    )
    assert compile_text("NOT date:1958").where.startswith("NOT (day IS NOT NULL AND")
    fields = compile_text("from:Moscow -type:telegram")
    assert fields.where == "ktsv @@ %s::tsquery"  # fields alone: only the small vector
    either = compile_text("quemoy OR from:Moscow")
    assert either.where == "(tsv @@ %s::tsquery OR ktsv @@ %s::tsquery)"


def test_empty_query_matches_everything() -> None:
    assert compile_text("") == _pg_sql.Compiled(where="TRUE", params=(), rank=None)


@pytest.mark.parametrize(
    ("query", "indexable"),
    [
        ("taiwan", True),
        ("-taiwan", False),
        ("taiwan -quemoy", True),
        ("taiwan OR -quemoy", False),
        ("type:telegram OR date:1958", True),
        ('"brink of war"', True),
        ("", False),
    ],
)
def test_indexable_queries_are_told_apart(query: str, indexable: bool) -> None:
    assert compile_text(query).indexable is indexable


def test_common_grams_pair_common_words_with_their_neighbours() -> None:
    tokens = ["the", "soviet", "union", "and", "the", "brink"]
    assert _pg_sql.common_grams(tokens) == {"the~soviet", "union~and", "and~the", "the~brink"}
    assert _pg_sql.common_grams(["soviet", "union"]) == set()


def test_lexemes_are_quoted() -> None:
    assert _pg_sql.quote_lexeme("a'b\\c") == "'a''b\\\\c'"
    assert compile_text("file:o'neil\\x").params == ("'file=o''neil\\\\x'",)


_SQL_WORDS = {
    "tsv", "ktsv", "tsquery", "and", "or", "not", "n_all", "n_from", "n_to", "n_person", "n_place",
    "like", "coalesce", "day", "between", "date", "false", "true", "is", "null",
}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60))
def test_user_text_never_reaches_the_sql(text: str) -> None:
    try:
        ast = parse_query(text)
    except QuerySyntaxError:
        return
    c = _pg_sql.compile_query(ast)
    assert c.where.count("%s") == len(c.params)
    words = set(re.findall(r"[A-Za-z_]+", c.where.replace("%s", " ").lower()))
    assert words <= _SQL_WORDS


def test_hits_sql_bounds_the_ranked_candidates() -> None:
    c = compile_text("taiwan")
    sql, params = _pg_sql.hits_sql(c, sort="relevance", limit=10, offset=0, window=500)
    assert "candidates AS (SELECT id FROM matches" in sql and "tsv_head" in sql
    assert params == ("'taiwan'", "'taiwan'", 500, "'taiwan'", 10, 0)
    full, params = _pg_sql.hits_sql(c, sort="relevance", limit=10, offset=0, window=0)
    assert "candidates" not in full and params == ("'taiwan'", "'taiwan'", 10, 0)
    # Paging past the window continues in the same order: the ranked window, then the rest.
    deep, params = _pg_sql.hits_sql(c, sort="relevance", limit=10, offset=495, window=500)
    assert "row_number() OVER" in deep
    assert params == ("'taiwan'", "'taiwan'", 500, "'taiwan'", 500, 500, 10, 495)
    # The total in the same scan: of the kept matches, or beside the full ranking.
    assert "(SELECT count(*) FROM matches)" in sql and "count(*) OVER ()" in full
    assert "count(*) OVER ()" not in sql  # it would make PostgreSQL sort every match
    by_date, params = _pg_sql.hits_sql(c, sort="date", limit=5, offset=5, window=500)
    assert "ORDER BY day ASC NULLS LAST, id ASC" in by_date and params == ("'taiwan'", 5, 5)
    assert "MATERIALIZED" in by_date  # matches first: never a walk of the whole day index


def test_facets_sql_counts_the_matches_of_a_sample_by_the_indexed_bucket() -> None:
    c = compile_text("taiwan")
    sql, params = _pg_sql.facets_sql(c, buckets=3)
    # Written as the documents_sample index holds it, so the planner can use the index.
    assert f"AND ({_pg_schema.SAMPLE_BUCKET}) < %s GROUP BY f" in sql
    assert _pg_schema.SAMPLE_BUCKET in _pg_schema.MIGRATIONS[2][0]
    assert params == ("'taiwan'", 3)
    assert _pg_sql.facets_sql(c) == (
        sql.replace(f" AND ({_pg_schema.SAMPLE_BUCKET}) < %s", ""),
        ("'taiwan'",),
    )


def test_document_row_weights_sources_and_adds_field_lexemes() -> None:
    doc = Document(
        id="v/d1",
        volume="v",
        title="Quemoy",
        text="Quemoy under fire",
        sender=[Party(name="Embassy in Poland", place="Warsaw")],
        notes=[Note(n="1", text="Quemoy again")],
    )
    row = dict(zip(_pg_sql.DOCUMENT_COLUMNS, _pg_sql.document_row(doc, "{}", "h"), strict=True))
    tsv = str(row["tsv"])
    # Each source has its own block of 16 positions: title A, notes B, body C.
    assert _positions(tsv, "quemoy") == {"1A", "49B", "65C"}
    assert _positions(tsv, "warsaw") == {"17D"}
    assert "'quemoy~under'" in tsv and "'under~fire'" in tsv  # common grams, per source
    assert "'warsaw~quemoy'" not in tsv and "'again~quemoy'" not in tsv
    ktsv = str(row["ktsv"])  # fields and keywords: a small vector of their own
    assert "'from:warsaw'" in ktsv and "'volume=v'" in ktsv and "'id=v/d1'" in ktsv
    assert "from:" not in tsv and "quemoy" not in ktsv
    assert (
        row["n_all"] == " quemoy | embassy in poland warsaw |  | quemoy again | quemoy under fire "
    )
    assert row["n_from"] == " embassy in poland warsaw "
    assert row["facets"] == ["type=other", "sender=Embassy in Poland", "volume=v"]


def test_long_documents_keep_every_word_within_tsvector_limits() -> None:
    body = " ".join(["the"] * 400 + [f"w{i}" for i in range(17000)] + ["quemoy", "o'neil"])
    row = dict(
        zip(
            _pg_sql.DOCUMENT_COLUMNS,
            _pg_sql.document_row(Document(id="x", text=body), "{}", "h"),
            strict=True,
        )
    )
    tsv = str(row["tsv"])
    assert _positions(tsv, "the") == {f"{65 + k}C" for k in range(16)}  # 400 capped to 16
    assert _positions(tsv, "quemoy") == {"65C"}  # the last word is there too
    assert _positions(tsv, "o") == _positions(tsv, "neil") == {"65C"}
    assert len(tsv) < 1_000_000  # PostgreSQL's limit for one tsvector


def _positions(tsv: str, lexeme: str) -> set[str]:
    m = re.search(rf"(?:^| )'{re.escape(lexeme)}':([^ ]+)", tsv)
    return set(m.group(1).split(",")) if m else set()


def test_mask_url_hides_the_password() -> None:
    assert mask_url("postgresql://ann:s3cret@db.example:5433/frus") == (
        "postgresql://ann:***@db.example:5433/frus"
    )
    assert mask_url("postgresql://ann@localhost/frus") == "postgresql://ann@localhost/frus"


def test_unreachable_server_says_where_and_what_to_do() -> None:
    port = _free_port()  # nothing listens there
    with pytest.raises(BackendUnavailable) as err:
        PostgresStore(f"postgresql://ann:s3cret@127.0.0.1:{port}/frus")
    message = str(err.value)
    assert f"postgresql://ann:***@127.0.0.1:{port}/frus" in message
    assert "s3cret" not in message
    assert "check that the server is running" in message


def test_missing_psycopg_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(BackendUnavailable, match=r"pip install 'despatch\[postgres\]'"):
        PostgresStore("postgresql://localhost/frus")


# --- against a real server ------------------------------------------------------------

CORPUS = make_corpus()


@pytest.fixture(scope="module")
def loaded(pg_module_url: str) -> Iterator[PostgresStore]:
    """The parity corpus in one database, shared by the read-only tests of this module."""
    store = PostgresStore(pg_module_url)
    assert set(store.put(CORPUS)) == {Outcome.ADDED}
    yield store
    store.close()


@pytest.fixture(scope="module")
def reference() -> MemoryStore:
    return MemoryStore(CORPUS)


@pytest.fixture
def store(pg_url: str) -> Iterator[PostgresStore]:
    s = PostgresStore(pg_url)
    yield s
    s.close()


def _same_results(a: SearchResults, b: SearchResults) -> None:
    assert a.total == b.total
    assert set(ids(a.hits)) == set(ids(b.hits))
    assert a.facets == b.facets


@pytest.mark.postgres
class TestPostgresSuite(StoreSuite):
    """The shared query suite (tests/store/suite.py) on the samples, on PostgreSQL."""

    @pytest.fixture(scope="class")
    def store(self, pg_server: str) -> Iterator[PostgresStore]:
        url = create_database(pg_server)
        store = PostgresStore(url)
        load_samples(store)
        yield store
        store.close()
        drop_database(pg_server, url)


@pytest.mark.postgres
@pytest.mark.parametrize("query", QUERIES)
def test_same_matches_and_facets_as_the_reference(
    loaded: PostgresStore, reference: MemoryStore, query: str
) -> None:
    _same_results(
        reference.search(query, limit=1000, facets=True),
        loaded.search(query, limit=1000, facets=True),
    )


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The same corpus in the embedded (SQLite + tantivy) archive."""
    try:
        from despatch.store.local import LocalStore
    except ImportError:  # pragma: no cover - only while the local backend is being written
        pytest.skip("despatch.store.local is not there yet")
    store = LocalStore(tmp_path_factory.mktemp("local") / "archive")
    store.put(CORPUS)
    yield store
    store.close()


_PHRASE_WORDS = st.sampled_from(sorted({*WORDS[:40], "the", "of", "and", "in", "embassy"}))


@pytest.mark.postgres
@settings(max_examples=120, deadline=None)
@given(words=st.lists(_PHRASE_WORDS, min_size=2, max_size=3), field=st.sampled_from(["", "to:"]))
def test_random_phrases_match_the_reference(
    loaded: PostgresStore, reference: MemoryStore, words: list[str], field: str
) -> None:
    """Phrases of common and corpus words — found by their grams alone (two words with a
    common one), by grams and the check of the text, or by words and the check."""
    query = f'{field}"{" ".join(words)}"'
    want = reference.search(query, limit=1000)
    got = loaded.search(query, limit=1000)
    assert (got.total, set(ids(got.hits))) == (want.total, set(ids(want.hits))), query


@pytest.mark.postgres
@pytest.mark.parametrize("query", QUERIES)
def test_same_matches_and_facets_as_the_local_backend(
    loaded: PostgresStore, local: Store, query: str
) -> None:
    _same_results(
        local.search(query, limit=1000, facets=True),
        loaded.search(query, limit=1000, facets=True),
    )


@pytest.mark.postgres
def test_date_order_is_the_reference_order(loaded: PostgresStore, reference: MemoryStore) -> None:
    for query in ("", "taiwan", "from:Moscow -year:1958"):
        want = reference.search(query, limit=60, offset=20, sort="date")
        got = loaded.search(query, limit=60, offset=20, sort="date")
        assert ids(got.hits) == ids(want.hits)


@pytest.mark.postgres
def test_scan_gives_the_date_ordered_matches_in_one_query(
    loaded: PostgresStore, reference: MemoryStore
) -> None:
    for query in ("", "taiwan", "from:Moscow -year:1958", "nosuchword"):
        hits, total = loaded.scan(query, cap=70)
        want, want_total = reference.scan(query, cap=70)  # the default: pages of search
        assert total == want_total
        assert ids(hits) == ids(want)
        assert [h.model_dump(exclude={"page", "snippet", "highlights", "score"}) for h in hits] == [
            h.model_dump(exclude={"page", "snippet", "highlights", "score"}) for h in want
        ]


@pytest.mark.postgres
def test_bounded_ranking_pages_through_every_match(loaded: PostgresStore) -> None:
    full = PostgresStore(loaded.url, rank_window=0)
    narrow = PostgresStore(loaded.url, rank_window=20)
    try:
        everything = full.search("taiwan OR quemoy", limit=1000)
        seen: list[str] = []
        for offset in range(0, everything.total, 15):
            page = narrow.search("taiwan OR quemoy", limit=15, offset=offset)
            assert page.total == everything.total
            seen.extend(ids(page.hits))
        assert sorted(seen) == sorted(ids(everything.hits))
        scores = [h.score for h in everything.hits]
        assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    finally:
        full.close()
        narrow.close()


@pytest.mark.postgres
def test_hits_carry_snippet_highlights_and_page(loaded: PostgresStore) -> None:
    res = loaded.search('"cease fire"', limit=20)
    assert len(res.hits) >= 10
    for hit in res.hits:
        doc = loaded.get(hit.id)
        assert hit.title == doc.title and hit.sender == [p.name for p in doc.sender]
        texts = [doc.text, *(n.text for n in doc.notes)]
        if not any("cease fire" in " ".join(tokenize(t)) for t in texts):
            continue  # a title hit: the snippet is the opening, without highlights
        assert hit.highlights
        for start, end in hit.highlights:
            assert " ".join(hit.snippet[start:end].lower().split()) == "cease fire"
        assert hit.page in [p.page for p in doc.pages] + [n.page for n in doc.notes]


@pytest.mark.postgres
def test_a_hit_after_a_page_break_reports_that_page(store: PostgresStore) -> None:
    text = "Opening words on the first page.\n\nThe Quemoy shelling resumed at dawn."
    doc = Document(
        id="v/d1",
        volume="v",
        title="Shelling",
        text=text,
        pages=[PageBreak(page="233", offset=0), PageBreak(page="234", offset=34)],
        first_page="233",
        notes=[Note(n="1", text="Blockade noted in telegram 631.", page="233")],
    )
    store.put([doc])
    hit = store.search("shelling resumed").hits[0]
    assert hit.page == "234"
    assert hit.snippet[hit.highlights[0][0] : hit.highlights[0][1]] == "shelling"
    assert store.search("blockade").hits[0].page == "233"  # a hit in a note: its page


@pytest.mark.postgres
def test_malformed_queries_raise_query_errors(loaded: PostgresStore) -> None:
    for bad in ('"open phrase', "colour:red", "date:1958-13", "(taiwan", "OR taiwan"):
        with pytest.raises(QueryError):
            loaded.search(bad)


@pytest.mark.postgres
def test_reingest_is_idempotent_and_updates_in_place(store: PostgresStore) -> None:
    docs = make_corpus(30, seed=9)
    assert store.put(docs) == [Outcome.ADDED] * 30
    assert store.put(docs) == [Outcome.UNCHANGED] * 30
    changed = docs[3].model_copy(update={"title": "Quemoy Revisited"})
    moved = docs[4].model_copy(update={"origin": "elsewhere.xml"})  # the same content
    assert store.put([changed, moved]) == [Outcome.UPDATED, Outcome.UNCHANGED]
    assert store.get(changed.id).title == "Quemoy Revisited"
    assert store.search("revisited").total == 1
    assert store.stats().documents == 30
    assert store.check(records=True) == []
    import psycopg

    with psycopg.connect(store.url, autocommit=True) as conn:  # damage one record
        conn.execute(
            "UPDATE documents SET record = jsonb_set(record, '{title}', '\"Forged\"') "
            "WHERE id = %s",
            (docs[5].id,),
        )
    assert store.check() == []  # the quick check does not read records
    problems = store.check(records=True)
    assert len(problems) == 1 and docs[5].id in problems[0] and "content hash" in problems[0]


@pytest.mark.postgres
def test_a_richer_source_is_not_replaced_by_a_poorer_one(store: PostgresStore) -> None:
    tei = Document(id="v/d1", title="From TEI", reader="tei")
    plain = Document(id="v/d1", title="From text", reader="plaintext")
    assert store.put([plain]) == [Outcome.ADDED]
    assert store.put([tei]) == [Outcome.UPDATED]
    assert store.put([plain]) == [Outcome.SUPERSEDED]
    assert store.put([tei.model_copy(update={"title": "TEI again"})]) == [Outcome.UPDATED]
    assert store.get("v/d1").title == "TEI again"
    assert store.put([plain, tei]) == [Outcome.SUPERSEDED, Outcome.UPDATED]


@pytest.mark.postgres
def test_a_batch_with_a_duplicate_id_keeps_the_last(store: PostgresStore) -> None:
    a = Document(id="v/d1", title="First")
    b = Document(id="v/d1", title="Second")
    assert store.put([a, b]) == [Outcome.ADDED, Outcome.UPDATED]
    assert store.get("v/d1").title == "Second"


@pytest.mark.postgres
def test_a_failed_batch_leaves_nothing_behind(
    store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = make_corpus(40, seed=5)
    store.put(docs[:10])
    real = store._write_rows

    def crash(writes):  # type: ignore[no-untyped-def]
        real(writes)  # every row is written ...
        raise RuntimeError("connection lost")  # ... and then the batch dies

    monkeypatch.setattr(store, "_write_rows", crash)
    with pytest.raises(RuntimeError):
        store.put(docs[10:])
    monkeypatch.undo()
    assert store.stats().documents == 10
    assert store.search("").total == 10
    assert store.check() == []
    assert store.put(docs) == [Outcome.UNCHANGED] * 10 + [Outcome.ADDED] * 30


@pytest.mark.postgres
def test_a_record_postgres_refuses_fails_alone(store: PostgresStore) -> None:
    good = make_corpus(5, seed=6)
    bad = Document(id="v/bad", title="Bad", text="a NUL \x00 byte")
    outcomes = store.put([*good[:2], bad, *good[2:]])
    assert outcomes == [Outcome.ADDED] * 2 + [Outcome.FAILED] + [Outcome.ADDED] * 3
    assert store.stats().documents == 5
    why = store.refusals()
    assert list(why) == ["v/bad"]
    assert why["v/bad"].startswith("PostgreSQL refused the record: ")
    assert "\\u0000 cannot be converted to text" in why["v/bad"]  # the server's detail
    assert store.put(good) == [Outcome.UNCHANGED] * 5
    assert store.refusals() == {}


_CHILD = """
import sys
from despatch.store.postgres import PostgresStore
from tests.store.pg_corpus import make_corpus
docs = make_corpus(1200, seed=7)
store = PostgresStore(sys.argv[1])
for i in range(0, len(docs), 25):
    store.put(docs[i : i + 25])
    print(i, flush=True)
"""


@pytest.mark.postgres
@pytest.mark.slow
def test_killed_mid_ingest_then_rerun_completes(pg_url: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, pg_url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    for _ in range(3):  # let a few batches commit, then kill it mid-write
        child.stdout.readline()
    time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    store = PostgresStore(pg_url)
    try:
        assert store.check() == []
        count = store.stats().documents
        assert 75 <= count < 1200 and count % 25 == 0  # whole batches only
        docs = make_corpus(1200, seed=7)
        outcomes = store.put(docs)
        assert outcomes.count(Outcome.UNCHANGED) == count
        assert outcomes.count(Outcome.ADDED) == 1200 - count
        assert store.stats().documents == 1200
    finally:
        store.close()


@pytest.mark.postgres
def test_a_lost_connection_is_reopened_for_reads_and_reported_for_writes(
    store: PostgresStore, pg_server: str
) -> None:
    import psycopg

    docs = make_corpus(20, seed=3)
    store.put(docs[:10])

    def cut() -> None:  # every connection the store holds, readers and writer
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (store.url.rsplit("/", 1)[1],),
            )

    cut()
    assert store.search("").total == 10  # read again on a new connection
    cut()
    assert store.search("taiwan OR quemoy OR matsu").total > 0  # and with planner settings
    assert store.scan("type:telegram")[1] == store.search("type:telegram").total
    cut()
    with pytest.raises(BackendUnavailable, match="run the same command again"):
        store.put(docs[10:])
    assert store.put(docs) == [Outcome.UNCHANGED] * 10 + [Outcome.ADDED] * 10


@pytest.mark.postgres
def test_searches_from_many_threads_run_side_by_side(loaded: PostgresStore) -> None:
    import threading

    queries = ["taiwan", '"soviet union"', "from:Moscow", "type:memo*", "-taiwan", ""]
    want = {q: loaded.search(q, limit=50, facets=True) for q in queries}
    errors: list[BaseException] = []

    def work(q: str) -> None:
        try:
            for _ in range(3):
                got = loaded.search(q, limit=50, facets=True)
                assert (got.total, ids(got.hits), got.facets) == (
                    want[q].total,
                    ids(want[q].hits),
                    want[q].facets,
                )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(q,)) for q in queries * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.postgres
def test_facets_over_many_matches_are_estimated_from_a_fixed_sample(
    loaded: PostgresStore, reference: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on the local archive: over ``facet_estimate_from`` matches, the facets are
    counted over the matches in the first k hash buckets and scaled up; marked, the same
    on every request, exact on request; the total always exact."""
    monkeypatch.setattr(loaded, "facet_estimate_from", 100)
    monkeypatch.setattr(loaded, "facet_sample_matches", 80)
    got = loaded.search("soviet", limit=5, facets=True)
    exact = loaded.search("soviet", limit=5, facets=True, exact_facets=True)
    want = reference.search("soviet", limit=5, facets=True)
    assert got.total == exact.total == want.total == 210
    assert exact.facets_sample is None and exact.facets == want.facets
    # 64 × 80 / 210 → the first 25 of 64 buckets; the sample is what the index holds.
    with loaded._reading() as conn:
        (in_sample,) = conn.execute(
            f"SELECT count(*) FROM documents WHERE tsv @@ 'soviet'::tsquery"
            f" AND ({_pg_schema.SAMPLE_BUCKET}) < 25"
        ).fetchone()
    assert got.facets_sample == in_sample and 40 < in_sample < 130
    again = loaded.search("soviet", limit=5, facets=True)
    assert (again.facets, again.facets_sample) == (got.facets, got.facets_sample)
    types = {v.value: v.count for v in got.facets["type"]}
    assert abs(sum(types.values()) - got.total) <= len(types)  # scaled to the total
    for v in want.facets["type"][:2]:  # the frequent values: within the sample's error
        assert abs(types.get(v.value, 0) - v.count) <= 0.5 * v.count, (v, types)
    # Under the threshold, and the whole archive: exact.
    assert loaded.search("from:Moscow", facets=True).facets_sample is None  # 45 matches
    assert loaded.search("", facets=True).facets_sample is None


@pytest.mark.postgres
def test_reads_get_room_for_exact_bitmaps_unless_work_mem_is_set(pg_url: str) -> None:
    """Reading connections raise ``work_mem`` from PostgreSQL's default (4 MB), under
    which a common word's bitmap of matches turns lossy; a value set anywhere stands."""
    from despatch.store.postgres import READER_WORK_MEM

    def reader_work_mem(url: str) -> str:
        store = PostgresStore(url)
        try:
            with store._reading() as conn:
                return str(conn.execute("SHOW work_mem").fetchone()[0])
        finally:
            store.close()

    assert READER_WORK_MEM == "128MB" and reader_work_mem(pg_url) == READER_WORK_MEM
    joiner = "&" if "?" in pg_url else "?"
    assert reader_work_mem(f"{pg_url}{joiner}options=-c%20work_mem%3D8MB") == "8MB"


@pytest.mark.postgres
def test_records_volumes_authority_and_links(store: PostgresStore) -> None:
    docs = make_corpus(30, seed=8)
    store.put(docs)
    ref = MemoryStore(docs)
    volume = Volume(
        id="frus1958-60v19",
        title="China",
        persons=[Entry(id="p_KNS1", kind="person", name="Khrushchev, Nikita S.")],
        terms=[Entry(id="t_Niact1", kind="term", name="Niact", description="night action")],
    )
    assert store.put_volume(volume) == Outcome.ADDED
    assert store.put_volume(volume) == Outcome.UNCHANGED
    assert store.put_volume(volume.model_copy(update={"title": "China (2)"})) == Outcome.UPDATED
    assert [v.id for v in store.volumes()] == ["frus1958-60v19"]
    assert store.get_volume("frus1958-60v19").title == "China (2)"
    assert store.authority("p_KNS1").name == "Khrushchev, Nikita S."
    assert store.authority("t_Niact1", volume="frus1958-60v19").description == "night action"
    for doc in docs:
        assert store.get(doc.id) == doc
        assert store.cited_by(doc.id) == ref.cited_by(doc.id)
        assert store.neighbors(doc.id) == ref.neighbors(doc.id)
    assert any(store.cited_by(d.id) for d in docs)
    for vol in ("frus1958-60v17", "frus1958-60v19"):
        assert store.volume_documents(vol) == ref.volume_documents(vol)
    ref.put_volume(volume)
    assert store.stats() == ref.stats()


@pytest.mark.postgres
def test_missing_things_raise_not_found(store: PostgresStore) -> None:
    from despatch.errors import NotFound

    for call in (
        lambda: store.get("nope/d1"),
        lambda: store.get_volume("nope"),
        lambda: store.authority("p_NOPE"),
        lambda: store.neighbors("nope/d1"),
    ):
        with pytest.raises(NotFound):
            call()


@pytest.mark.postgres
def test_opening_again_migrates_nothing_and_newer_schemas_are_refused(pg_url: str) -> None:
    PostgresStore(pg_url).close()
    store = PostgresStore(pg_url)
    store.close()
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM despatch_schema")]
        assert versions == list(range(1, _pg_schema.SCHEMA_VERSION + 1))
        conn.execute("INSERT INTO despatch_schema (version) VALUES (99)")
    with pytest.raises(SchemaMismatch, match="schema version 99"):
        PostgresStore(pg_url)


@pytest.mark.postgres
def test_the_tei_sample_is_searchable(store: PostgresStore) -> None:
    from despatch.readers import read_path

    records = list(read_path(TEI_V19))
    docs = [r for r in records if isinstance(r, Document)]
    for vol in (r for r in records if isinstance(r, Volume)):
        store.put_volume(vol)
    assert set(store.put(docs)) == {Outcome.ADDED}
    ref = MemoryStore(docs)
    for query in ("Quemoy", "type:telegram", "volume:frus1958-60v19", '"Chiang Kai-shek"'):
        _same_results(
            ref.search(query, limit=100, facets=True), store.search(query, limit=100, facets=True)
        )
    assert store.search("volume:frus1958-60v19").total == len(docs)
