"""Archive-wide resolution of references (``despatch.resolution``) on every backend.

The plain-text seed (FRUS 1958–60 XIX d110, telegram 634 from Moscow) and the TEI excerpt
of the same volume are ingested in separate runs, in both orders, beside a small
plain-text telegram written here (``COMPANION``): telegram 631 from Moscow, which the seed
and the TEI d110 cite in their note ("Reported in telegram 631 from Moscow, September
19"), and whose own note cites the TEI excerpt's d111 ("telegram 452 from Taipei,
September 20"). The samples hold no telegram 631, so this document is made up for the
test, in the form of a history.state.gov copy; its volume id (``testlinks``) is not a
FRUS volume.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from despatch.enrich.resolve import DocumentIndex
from despatch.ingest import ingest
from despatch.model import Document, Reference
from despatch.resolution import resolve_archive, resolve_pending
from despatch.store._links import LinkIndex, link_row, reference_key
from despatch.store._rows import content_hash
from despatch.store.base import Store
from despatch.store.local import RECORDS, LocalStore
from despatch.store.memory import MemoryStore
from tests.conftest import SEED, TEI_V19
from tests.store.suite import sample_records

D110 = "frus1958-60v19/d110"
D111 = "frus1958-60v19/d111"
D113 = "frus1958-60v19/d113"
T631 = "testlinks/d1"

COMPANION = """\
1. Telegram From the Embassy in the Soviet Union to the Department of State1

Moscow, September 19, 1958—6 p.m.

631. Kuznetsov asked me to call at the Foreign Ministry this afternoon, where he said \
a reply of Khrushchev to the President's letter of September 12 would be handed to me.2

Thompson
  1. Source: Department of State, Central Files, 793.00/9–1958. Secret; Niact.
  2. The Embassy in Taipei reported the Generalissimo's view in telegram 452 from \
Taipei, September 20. (Ibid., 793.00/9–2058)
"""


@pytest.fixture
def companion(tmp_path: Path) -> Path:
    folder = tmp_path / "companion"
    folder.mkdir()
    (folder / "despatch.toml").write_text('volume = "testlinks"\n')
    path = folder / "001_telegram631.txt"
    path.write_text(COMPANION, encoding="utf-8")
    return path


Backend = Callable[[], Store]


@pytest.fixture(params=["memory", "local", pytest.param("postgres", marks=pytest.mark.postgres)])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A factory of one empty archive of each backend (the same archive on every call)."""
    opened: list[Store] = []
    if request.param == "memory":
        store: Store = MemoryStore()
        opened.append(store)
        yield lambda: store
        return
    if request.param == "local":
        path = tmp_path / "archive"

        def local() -> Store:
            s = LocalStore(path)
            opened.append(s)
            return s

        yield local
    else:
        from despatch.store.postgres import PostgresStore

        url = request.getfixturevalue("pg_url")

        def postgres() -> Store:
            s = PostgresStore(url)
            opened.append(s)
            return s

        yield postgres
    for s in opened:
        s.close()


def _ref(doc: Document, text: str) -> Reference:
    return next(r for r in doc.references if r.text.startswith(text))


def _citers(store: Store, doc_id: str) -> list[str]:
    return sorted({c.source for c in store.cited_by(doc_id)})


def _check_links(store: Store) -> None:
    d110 = store.get(D110)
    assert d110.reader == "tei"
    ref = _ref(d110, "telegram 631 from Moscow")
    assert (ref.is_resolved, ref.target) == (True, T631)
    assert _citers(store, T631) == [D110]
    back = _ref(store.get(T631), "telegram 452 from Taipei")
    assert (back.is_resolved, back.target) == (True, D111)
    assert _citers(store, D111) == [D113, T631]
    assert store.check() == []


@pytest.mark.parametrize("order", ["plain-then-tei", "tei-then-plain"])
def test_references_resolve_across_files_and_runs(
    make_store: Backend, companion: Path, order: str
) -> None:
    plain = [SEED, companion]
    runs = [plain, [TEI_V19]] if order == "plain-then-tei" else [[TEI_V19], plain]
    store = make_store()
    reports = [ingest(store, paths, workers=1) for paths in runs]
    assert all(r.failures == [] for r in reports)
    assert reports[-1].linked >= 1  # the second run links what the first could not
    _check_links(store)
    records = {d: content_hash(store.get(d)) for d in (D110, D111, T631)}

    # Ingesting either run again changes nothing: the records are stored already linked.
    for paths in runs:
        again = ingest(store, paths, workers=1)
        assert (again.added, again.updated, again.linked) == (0, 0, 0)
    assert {d: content_hash(store.get(d)) for d in records} == records
    _check_links(store)


def test_the_seed_resolves_when_its_target_comes_later(
    make_store: Backend, companion: Path
) -> None:
    store = make_store()
    first = ingest(store, [SEED], workers=1)
    assert not _ref(store.get(D110), "telegram 631 from Moscow").is_resolved
    second = ingest(store, [companion], workers=1)
    assert (first.added, second.added, second.linked, second.linked_documents) == (1, 1, 1, 1)
    assert store.get(D110).reader == "plaintext"
    assert _ref(store.get(D110), "telegram 631 from Moscow").target == T631
    assert _citers(store, T631) == [D110]


def test_a_run_links_its_own_files_to_each_other(make_store: Backend, companion: Path) -> None:
    store = make_store()
    report = ingest(store, [SEED, companion, TEI_V19], workers=1)
    assert report.failures == []
    _check_links(store)


def test_the_pass_only_looks_at_what_new_documents_could_answer(
    make_store: Backend, companion: Path
) -> None:
    store = make_store()
    ingest(store, [TEI_V19], workers=1)
    lookup = store.reference_lookup()
    assert isinstance(lookup, LinkIndex)
    assert lookup.dirty_keys() == []  # the run's pass consumed them
    every = sum(len(b) for b in lookup.all_pending())
    assert every > 10
    ingest(store, [companion], workers=1, enrich=False)  # stored, not passed
    assert set(lookup.dirty_keys()) == {"number:testlinks/1", "serial:631"}
    report = resolve_pending(store)
    assert report.checked == 1  # d110's "telegram 631 from Moscow", of every pending one
    assert (report.references, report.documents) == (1, 1)
    assert lookup.dirty_keys() == []
    assert _citers(store, T631) == [D110]


def test_native_lookups_answer_like_the_in_memory_index(make_store: Backend) -> None:
    docs, _ = sample_records()
    store = make_store()
    store.put(docs)
    native = store.reference_lookup()
    index = DocumentIndex(docs)
    for doc in docs:
        if doc.volume and doc.number:
            assert native.document_by_number(doc.volume, doc.number) == index.document_by_number(
                doc.volume, doc.number
            )
        for serial in {c.serial for d in docs if (c := link_row(d).candidate)}:
            assert sorted(native.serial_candidates(serial), key=lambda c: c.id) == sorted(
                index.serial_candidates(serial), key=lambda c: c.id
            )
    for volume, page in [
        ("frus1958-60v19", "232"),
        ("frus1958-60v19", "240"),
        ("frus1901China", "55"),
        ("frus1958-60v19", "999"),
        ("frus1958-60v19", "XXI"),
    ]:
        assert native.document_at_page(volume, page) == index.document_at_page(volume, page)
    assert native.document_at_page("frus1958-60v19", "232") == D110
    assert native.document_by_number("frus1958-60v19", "1") is None


def test_full_pass_links_an_archive_built_without_it(make_store: Backend, companion: Path) -> None:
    store = make_store()
    for paths in ([TEI_V19], [companion]):
        ingest(store, paths, workers=1, enrich=True)
    # As if built before link resolution: d110's reference unresolved, no pending pass.
    d110 = store.get(D110)
    refs = [
        r.model_copy(update={"is_resolved": False, "target": None}) if r.target == T631 else r
        for r in d110.references
    ]
    store.put([d110.model_copy(update={"references": refs})])
    lookup = store.reference_lookup()
    assert isinstance(lookup, LinkIndex)
    lookup.clear_dirty(lookup.dirty_keys())
    assert _citers(store, T631) == []
    report = resolve_archive(store)
    assert (report.references, report.documents) == (1, 1)
    assert report.indexed == len(store.volume_documents("frus1958-60v19")) + 1
    assert _citers(store, T631) == [D110]
    assert resolve_archive(store).references == 0


def test_reference_keys() -> None:
    assert reference_key(Reference(text="telegram 631", kind="telegram", serial="631")) == (
        "serial:631"
    )
    assert reference_key(
        Reference(text="Document 105", kind="document", target="v/d105", target_volume="v")
    ) == ("number:v/105")
    assert reference_key(
        Reference(text="p. 448", kind="volume", target_volume="frus1943", target_page="448")
    ) == ("page:frus1943")
    resolved = Reference(text="x", kind="telegram", serial="1", is_resolved=True, target="a")
    assert reference_key(resolved) is None
    assert reference_key(Reference(text="your letter", kind="letter")) is None


def test_local_archive_migrated_from_version_3_is_linked_by_resolve(
    tmp_path: Path, companion: Path
) -> None:
    import sqlite3

    from despatch.cli import app
    from despatch.store import _sqlite, _sqlite_links

    path = tmp_path / "archive"
    with LocalStore(path) as store:
        ingest(store, [TEI_V19, companion], workers=1, enrich=False)
        from despatch.enrich import enrich_document

        store.put([enrich_document(store.get(D110))])  # enriched, links unresolved
    # Make it a version-3 archive: drop the link tables, as they were before.
    db = sqlite3.connect(path / RECORDS)
    for statement in _sqlite_links.DDL:
        if statement.startswith("CREATE TABLE"):
            db.execute(f"DROP TABLE {statement.split()[2]}")
    db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with LocalStore(path) as store:
        lookup = store.reference_lookup()
        assert lookup.is_stale()
        assert _citers(store, T631) == []
    hint = CliRunner().invoke(app, ["--archive", str(path), "ingest", str(companion)])
    assert hint.exit_code == 0, hint.output
    assert "run `despatch resolve` once" in hint.output
    result = CliRunner().invoke(app, ["--archive", str(path), "resolve"])
    assert result.exit_code == 0, result.output
    # d110's "telegram 631", and the re-ingested telegram's "telegram 452 from Taipei"
    # (d111 had no link rows yet when it was stored).
    assert "Resolved 2 more references in 2 documents " in result.output
    with LocalStore(path) as store:
        assert not store.reference_lookup().is_stale()
        assert _citers(store, T631) == [D110]
        assert _sqlite.get_meta(store.db, "schema_version") == _sqlite.SCHEMA_VERSION


def test_a_relinked_row_is_the_row_of_the_relinked_document() -> None:
    from despatch.enrich import enrich_document
    from despatch.resolution import relinked_row
    from despatch.store._sqlite import row_of

    doc = enrich_document(next(d for d in sample_records()[0] if d.id == D110))
    ref = _ref(doc, "telegram 631 from Moscow")
    linked = doc.model_copy(
        update={
            "references": [
                r.model_copy(update={"target": T631, "is_resolved": True}) if r is ref else r
                for r in doc.references
            ]
        }
    )
    assert relinked_row(row_of(doc), linked) == row_of(linked)


def test_the_ingest_summary_reports_links_made_across_files(
    tmp_path: Path, companion: Path
) -> None:
    from despatch.cli import app

    archive = str(tmp_path / "cli-archive")
    runner = CliRunner()
    first = runner.invoke(app, ["--archive", archive, "ingest", str(TEI_V19)])
    assert first.exit_code == 0, first.output
    assert "linked" not in first.output
    second = runner.invoke(app, ["--archive", archive, "ingest", str(companion)])
    assert second.exit_code == 0, second.output
    assert "added 1 · updated 0" in second.output
    # The new telegram is stored linked to d111; d110, stored before, is linked to it.
    assert "linked 1 more citation in 1 document stored before" in second.output


def test_the_pass_reads_pending_references_a_few_keys_at_a_time(
    make_store: Backend, companion: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rounds and reads bounded (memory stays flat in archive size), the same links made."""
    import despatch.resolution as resolution

    monkeypatch.setattr(resolution, "KEYS_PER_ROUND", 3)
    monkeypatch.setattr(resolution, "KEYS_PER_READ", 1)
    reads: list[int] = []
    store = make_store()
    lookup_of = store.reference_lookup

    def spying_lookup() -> object:
        lookup = lookup_of()
        pending = lookup.pending

        def spy(keys: list[str]) -> object:
            reads.append(len(keys))
            return pending(keys)

        lookup.pending = spy  # type: ignore[method-assign]
        # Every dirty key goes through the rounds (not only those with pending references).
        lookup.drop_idle_dirty = lambda: None  # type: ignore[method-assign]
        return lookup

    monkeypatch.setattr(store, "reference_lookup", spying_lookup)
    report = ingest(store, [SEED, companion, TEI_V19], workers=1)
    assert report.failures == []
    _check_links(store)
    assert reads and max(reads) == 1 and len(reads) > 3


def test_a_pass_first_drops_the_dirty_keys_no_pending_reference_uses(
    make_store: Backend, companion: Path
) -> None:
    from despatch.enrich import enrich_document
    from despatch.readers import read_path

    store = make_store()
    assert ingest(store, [SEED], workers=1).failures == []  # its telegram 631 is pending
    lookup = store.reference_lookup()
    assert isinstance(lookup, LinkIndex) and lookup.dirty_keys() == []
    (telegram,) = [d for d in read_path(companion) if isinstance(d, Document)]
    other = next(d for d in sample_records()[0] if d.id == D113)
    # Stored without a pass: their offers are dirty, and only telegram 631 is waited on.
    store.put([enrich_document(telegram), enrich_document(other)])
    dirty = set(lookup.dirty_keys(10_000))
    waiting = {p.key for batch in lookup.all_pending() for p in batch}
    assert dirty - waiting and dirty & waiting  # idle keys, and the one the seed waits on
    lookup.drop_idle_dirty()
    assert set(lookup.dirty_keys(10_000)) == dirty & waiting
    report = resolve_pending(store)
    assert report.documents == 1 and lookup.dirty_keys() == []
    assert any(r.target == telegram.id for r in store.get(D110).references)
