"""Ingest: files, folders and globs; idempotence; failures; --strict; crash recovery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

import pytest

from despatch.archive import Archive
from despatch.errors import ConfigError
from despatch.ingest import IngestError, IngestProgress, find_sources, ingest
from despatch.model import Document
from despatch.store.base import Outcome
from despatch.store.local import LocalStore
from despatch.store.memory import MemoryStore
from tests.conftest import ROOT, SAMPLES, SEED, TEI_V19, TEI_V30

TELEGRAM = """\
{n}. Telegram From the Embassy in France to the Department of State1

Paris, September {day}, 1958—9 p.m.

{serial}. The Foreign Minister spoke of Quemoy and word{n} today. [Page {page}] He asked
about the blockade of the offshore islands.

Houghton
  1. Source: Department of State, Central Files, 793.00/9–{day}58. Secret; Priority.
"""


def write_corpus(folder: Path, count: int, *, volume: str = "test1") -> list[Path]:
    """``count`` small plain-text telegrams and a despatch.toml naming their volume."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "despatch.toml").write_text(f'volume = "{volume}"\n')
    paths = []
    for n in range(1, count + 1):
        p = folder / f"d{n:04d}.txt"
        p.write_text(TELEGRAM.format(n=n, day=1 + n % 28, serial=600 + n, page=10 + n))
        paths.append(p)
    return paths


def test_samples_folder(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "archive") as store:
        report = ingest(store, [SAMPLES])
        assert report.failures == []
        assert report.added == 46
        assert report.superseded == 1  # the seed's plain-text copy; the TEI d110 is kept
        assert report.volumes == 3
        assert sorted(Path(p).name for p in report.skipped) == ["EXCERPTS.md", "README.md"]
        doc = store.get("frus1958-60v19/d110")
        assert doc.reader == "tei"
        assert [h.id for h in store.search("Chiang Kai-shek from:Moscow").hits] == [
            "frus1958-60v19/d110"
        ]
        again = ingest(store, [SAMPLES])
        assert (again.added, again.updated, again.unchanged, again.superseded) == (0, 0, 46, 1)
        assert store.check() == []


def test_seed_alone_is_filed_by_its_sidecar(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "archive") as store:
        report = ingest(store, [SEED])
        assert report.added == 1
        assert store.get("frus1958-60v19/d110").reader == "plaintext"
        # The richer TEI copy then updates it, and the plain text no longer replaces it.
        assert ingest(store, [TEI_V19]).updated == 1
        assert ingest(store, [SEED]).superseded == 1
        assert store.get("frus1958-60v19/d110").reader == "tei"


def test_volume_option_overrides_the_sidecar(tmp_path: Path) -> None:
    store = MemoryStore()
    ingest(store, [SEED], volume="frus-test")
    assert store.get("frus-test/d110").volume == "frus-test"


def test_sidecar_per_file_and_parent_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus / "sub", 2)
    (corpus / "sub" / "despatch.toml").unlink()
    (corpus / "despatch.toml").write_text(
        'volume = "outer"\n[files."d0002.txt"]\nvolume = "special"\n'
    )
    (corpus / "sub" / "despatch.toml").write_text('[files."d0002.txt"]\nvolume = "special"\n')
    sources, _, _ = find_sources([corpus])
    assert {Path(s.path).name: s.volume for s in sources} == {
        "d0001.txt": "outer",
        "d0002.txt": "special",
    }


def test_bad_sidecar_is_a_config_error(tmp_path: Path) -> None:
    write_corpus(tmp_path / "c", 1)
    (tmp_path / "c" / "despatch.toml").write_text("volume = [unclosed")
    with pytest.raises(ConfigError, match=r"despatch\.toml: not valid TOML"):
        find_sources([tmp_path / "c"])


def test_globs_and_missing_paths(tmp_path: Path) -> None:
    write_corpus(tmp_path / "c", 3)
    store = MemoryStore()
    report = ingest(store, [str(tmp_path / "c" / "d000[12].txt"), tmp_path / "nope.txt"])
    assert report.added == 2
    assert [(Path(f.path).name, f.reason) for f in report.failures] == [
        ("nope.txt", "no such file or folder")
    ]
    assert ingest(store, [str(tmp_path / "c" / "*.xml")]).failures[0].reason == (
        "no file matches this pattern"
    )


def test_one_bad_file_does_not_stop_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write_corpus(corpus, 5)
    (corpus / "d0003.txt").write_text("")
    (corpus / "broken.xml").write_text("<TEI><text><body><div>unclosed")
    with LocalStore(tmp_path / "archive") as store:
        report = ingest(store, [corpus])
        assert report.added == 4
        failed = sorted(Path(f.path).name for f in report.failures)
        assert failed == ["broken.xml", "d0003.txt"]
        assert all(f.reason for f in report.failures)
        assert store.search("Quemoy").total == 4
        assert store.check() == []


def test_strict_stops_at_the_first_failure(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write_corpus(corpus, 3)
    (corpus / "d0002.txt").write_text("")
    store = MemoryStore()
    with pytest.raises(IngestError, match=r"d0002.txt.*--strict"):
        ingest(store, [corpus], strict=True, batch=1)
    assert store.stats().documents == 1  # d0001 was stored before the failure


def test_changed_file_is_updated_in_place(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "c", 3)
    with LocalStore(tmp_path / "archive") as store:
        ingest(store, [tmp_path / "c"])
        paths[0].write_text(paths[0].read_text().replace("Quemoy", "Matsu"))
        report = ingest(store, [tmp_path / "c"])
        assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
        assert [h.id for h in store.search("Matsu").hits] == ["test1/d1"]
        assert store.search("Quemoy").total == 2


def test_process_pool_gives_the_same_archive(tmp_path: Path) -> None:
    write_corpus(tmp_path / "c", 80)
    progress: list[IngestProgress] = []
    with LocalStore(tmp_path / "a1") as one, LocalStore(tmp_path / "a2") as two:
        r1 = ingest(one, [tmp_path / "c"], workers=1)
        r2 = ingest(
            two,
            [tmp_path / "c"],
            workers=2,
            batch=7,
            progress=lambda p: progress.append(IngestProgress(**vars(p))),
        )
        assert r1.added == r2.added == 80
        assert one.stats() == two.stats()
        assert progress[-1].files_done == progress[-1].files_total == 80
        assert progress[-1].bytes_done == progress[-1].bytes_total
        assert two.check() == []


_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from despatch.ingest import ingest
    from despatch.store.local import LocalStore

    store = LocalStore(sys.argv[1])

    def progress(p):
        if p.files_done >= int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)

    ingest(store, [sys.argv[2]], workers=1, batch=10, progress=progress)
    """
)


_KILLED_WITH_A_POOL = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import despatch.ingest as ingest_module
    from despatch.store.memory import MemoryStore

    ingest_module._TASK_FILES = 1  # one task per file: the pool runs

    def descendants(root):
        children = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [root]
        while todo:
            for pid in children.get(todo.pop(), []):
                out.append(pid)
                todo.append(pid)
        return out

    def progress(p):
        if p.files_done >= 3:
            Path(sys.argv[2]).write_text(" ".join(map(str, descendants(os.getpid()))))
            os.kill(os.getpid(), signal.SIGKILL)

    ingest_module.ingest(MemoryStore(), [sys.argv[1]], workers=2, batch=5, progress=progress)
    """
)


def test_the_workers_of_a_killed_ingest_end_too(tmp_path: Path) -> None:
    import time

    write_corpus(tmp_path / "c", 40)
    pids_file = tmp_path / "pids"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_WITH_A_POOL, str(tmp_path / "c"), str(pids_file)],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    pids = [int(p) for p in pids_file.read_text().split()]
    assert len(pids) >= 3  # the fork server and the two workers

    def alive(pid: int) -> bool:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    deadline = time.monotonic() + 15
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in pids if alive(p)] == []


def test_crash_mid_ingest_then_rerun_completes(tmp_path: Path) -> None:
    write_corpus(tmp_path / "c", 120)
    archive = tmp_path / "archive"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(archive), str(tmp_path / "c"), "65"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    with LocalStore(archive) as store:
        # Some batches were committed before the kill, and the archive is sound.
        stored = store.stats().documents
        assert 0 < stored < 120
        assert store.check() == []
        assert store.search("Quemoy").total == stored
        report = ingest(store, [tmp_path / "c"])
        assert report.failures == []
        assert report.added == 120 - stored
        assert report.unchanged == stored
        assert store.stats().documents == 120
        assert store.search("Quemoy").total == 120
        assert store.check() == []


def test_archive_api(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "archive") as archive:
        report = archive.ingest(SAMPLES)
        assert report.added == 46
        res = archive.search("Chiang Kai-shek from:Moscow", facets=True)
        assert res.hits[0].id == "frus1958-60v19/d110"
        assert archive.get("frus1958-60v19/d110").number == "110"
        assert archive.volume("frus1958-60v19").id == "frus1958-60v19"
        assert archive.stats().documents == 46
        assert archive.check() == []
        assert [c.source for c in archive.cited_by("frus1958-60v19/d110")]


def test_archive_is_exported() -> None:
    import despatch

    assert "Archive" in despatch.__all__
    assert despatch.Archive is Archive


class _RefusingStore(MemoryStore):
    """A store that refuses one document of a batch and keeps the others, as PostgreSQL can."""

    def __init__(self, refuse: str) -> None:
        super().__init__()
        self.refuse = refuse
        self._why: dict[str, str] = {}

    def put(self, documents: Iterable[Document]) -> list[Outcome]:
        docs = list(documents)
        self._why = {d.id: "the value is refused" for d in docs if d.id == self.refuse}
        kept = super().put([d for d in docs if d.id != self.refuse])
        it = iter(kept)
        return [Outcome.FAILED if d.id == self.refuse else next(it) for d in docs]

    def refusals(self) -> dict[str, str]:
        return dict(self._why)


def test_a_document_the_store_refuses_is_a_failure_with_its_reason(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write_corpus(corpus, 4)
    store = _RefusingStore("test1/d3")
    report = ingest(store, [corpus], workers=1)
    assert (report.added, report.unchanged, report.failed) == (3, 0, 1)
    (failure,) = report.failures
    assert failure.document == "test1/d3"
    assert Path(failure.path).name == "d0003.txt"
    assert failure.reason == "the value is refused"
    with pytest.raises(IngestError, match=r"d0003.txt.*the value is refused.*--strict"):
        ingest(_RefusingStore("test1/d3"), [corpus], workers=1, strict=True)


def test_any_store_receives_whole_records() -> None:
    from despatch.model import Document
    from despatch.readers import read_path

    store = MemoryStore()
    ingest(store, [TEI_V19], workers=1, enrich=False)
    expected = next(
        r for r in read_path(TEI_V19) if isinstance(r, Document) and r.id.endswith("/d110")
    )
    assert store.get("frus1958-60v19/d110") == expected
    assert store.get("frus1958-60v19/d110").text.startswith("634. Following is text")


def test_a_big_file_is_stored_as_it_is_read(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with LocalStore(tmp_path / "archive") as store:
        report = ingest(
            store,
            [TEI_V19],
            workers=1,
            batch=4,
            progress=lambda p: seen.append((p.files_done, p.documents)),
        )
        assert report.added == 11
    # Documents were counted (and stored in batches of 4) before the file was finished.
    assert (0, 4) in seen and (0, 8) in seen
    assert seen[-1] == (1, 11)


def test_ingest_enriches_unless_asked_not_to(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "a") as enriched, LocalStore(tmp_path / "b") as plain:
        ingest(enriched, [SEED])
        ingest(plain, [SEED], enrich=False)
        # The plain-text seed names no persons by itself; enrichment finds them.
        assert [h.id for h in enriched.search("person:Khrushchev").hits] == ["frus1958-60v19/d110"]
        assert plain.search("person:Khrushchev").total == 0
        doc = enriched.get("frus1958-60v19/d110")
        assert any(r.kind == "telegram" and r.serial == "631" for r in doc.references)
        # Enrichment is deterministic: ingesting again changes nothing.
        assert ingest(enriched, [SEED]).unchanged == 1


def test_references_resolved_within_a_volume_give_cited_by(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "a") as store:
        ingest(store, [TEI_V19])
        sources = {c.source for c in store.cited_by("frus1958-60v19/d111")}
        assert "frus1958-60v19/d113" in sources  # "telegram 452 of September 20"


def test_a_worker_spools_a_file_in_stretches_read_back_in_order(tmp_path: Path) -> None:
    from despatch.ingest import _parse_task, _spooled

    sources, _, _ = find_sources([TEI_V19])
    spool = tmp_path / "spool"
    spool.mkdir()
    name = _parse_task(sources, True, 2, str(spool))
    parts = list(_spooled(name))
    assert not os.listdir(spool)  # read back, then removed
    assert len(parts) > 1 and all(len(p.rows) <= 2 for p in parts)
    assert [p.is_done for p in parts] == [False] * (len(parts) - 1) + [True]
    with MemoryStore() as store:
        whole = ingest(store, [TEI_V19], workers=1)
    assert sum(len(p.rows) for p in parts) == whole.documents
    assert sum(len(p.volumes) for p in parts) == whole.volumes


def _dead_pid() -> int:
    """The id of a process that has just exited (killed with SIGKILL, as by ``kill -9``)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    child.send_signal(signal.SIGKILL)
    child.wait()
    return child.pid


def test_sweep_removes_only_the_spools_of_dead_ingests(tmp_path: Path) -> None:
    from despatch.ingest import SPOOL_PREFIX, sweep_spools

    dead = tmp_path / f"{SPOOL_PREFIX}{_dead_pid()}-k9x"
    live = tmp_path / f"{SPOOL_PREFIX}{os.getpid()}-a1b"
    unnamed = tmp_path / f"{SPOOL_PREFIX}old"  # no pid in the name: not ours to judge
    other = tmp_path / "something-else"
    for folder in (dead, live, unnamed, other):
        folder.mkdir()
        (folder / "x.parsed").write_bytes(b"spooled")
    assert sweep_spools(str(tmp_path)) == [str(dead)]
    assert not dead.exists()
    assert live.exists() and unnamed.exists() and other.exists()
    assert sweep_spools(str(tmp_path)) == []


def test_a_pool_ingest_sweeps_a_killed_ingests_spool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from despatch import ingest as ingest_module

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(ingest_module, "_TASK_FILES", 1)  # one task per file: the pool runs
    left = temp / f"{ingest_module.SPOOL_PREFIX}{_dead_pid()}-k9x"
    left.mkdir()
    (left / "tmpa.parsed").write_bytes(b"half a task")
    with MemoryStore() as store:
        report = ingest(store, [TEI_V19, TEI_V30], workers=2)
    assert report.documents > 0 and not report.failures
    assert os.listdir(temp) == []  # the dead ingest's spool swept, this one's cleaned up
