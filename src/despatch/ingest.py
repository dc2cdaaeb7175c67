"""Ingest: read files, folders and globs into an archive, in batches, idempotently.

- **What is read.** A file named on the command line is always read (its format is
  detected by ``readers.detect_format``). A folder is walked recursively for ``.xml``,
  ``.tei``, ``.txt``, ``.text``, ``.md`` and ``.markdown`` files; in folders, Markdown files
  without YAML front matter (READMEs and the like) are skipped, as are hidden files.
  A path that does not exist but contains ``*``, ``?`` or ``[`` is a glob (``**`` recurses).
- **Volumes of plain-text files.** A history.state.gov copy does not name its volume. The
  ``volume`` option (``--volume``) gives it for every file that does not name its own;
  otherwise a ``despatch.toml`` in the file's folder (or a parent folder up to the
  folder being ingested) may give it::

      volume = "frus1958-60v19"            # every file here that names no volume
      [files."000_2018aa1b5c0eb2cd.txt"]   # or file by file
      volume = "frus1958-60v19"

  Without either, the reader gives the document a ``local-<hash>/d<n>`` id.
- **Idempotent.** A document whose content hash is unchanged is left alone; a changed one
  is updated in place.
- **Two sources, one id.** When the archive already holds a document from a richer source
  (TEI over Markdown over plain text), a poorer copy is not stored (``superseded``);
  between sources of the same kind the later ingest updates. Files are read richest
  format first, so ``despatch ingest samples/`` files the seed from the TEI excerpt and
  reports its plain-text copy as superseded, on every run.
- **Failures.** A file or document that cannot be read or stored is reported (file and
  reason) and the rest go on; ``strict=True`` stops at the first failure (batches stored
  before it stay).
- **Crash-safe.** Documents are written in transactional batches; after a crash or
  ``kill -9`` the archive opens, passes ``check``, and running the same ingest again
  completes it.
- **Enriched.** Each file's records go through ``despatch.enrich`` (people, places,
  terms; citations found and resolved among the file's documents) unless
  ``enrich=False`` (``--no-enrich``).
- **Both cores.** Files are parsed, enriched and their index fields computed in a
  process pool; one writer stores the results.
- **Linked across the archive.** With enrichment, each batch's citations are resolved
  against the archive before it is stored, and after the run the archive's pending
  citations that the new documents answer are resolved (``despatch.resolution``;
  counted in ``IngestReport.linked``, not as updates).
"""

from __future__ import annotations

import contextlib
import gc
import glob
import multiprocessing
import os
import pickle
import re
import shutil
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from despatch.errors import ConfigError, DespatchError, ReadError
from despatch.model import Document, Volume
from despatch.readers import detect_format, read_path
from despatch.search.fields import index_fields
from despatch.store._rows import READER_RANK, load_record
from despatch.store._sqlite import Row, row_of
from despatch.store.base import Outcome, Store

SIDECAR = "despatch.toml"
SUFFIXES = frozenset({".xml", ".tei", ".txt", ".text", ".md", ".markdown"})
#: Documents per transaction.
BATCH = 500
#: What the parsing pool's fork server imports before forking workers.
_PRELOAD = ["__main__", "despatch.ingest", "despatch.readers"]
#: Files per parsing task (small files are grouped to keep the pool busy).
_TASK_FILES = 32
_TASK_BYTES = 4_000_000


@dataclass(frozen=True)
class IngestFailure:
    """A file or document that could not be ingested, and why."""

    path: str
    reason: str
    document: str | None = None

    def __str__(self) -> str:
        where = f"{self.path} ({self.document})" if self.document else self.path
        return f"{where}: {self.reason}"


@dataclass
class IngestProgress:
    """How far an ingest has got (passed to the ``progress`` callback)."""

    files_done: int = 0
    files_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    documents: int = 0


@dataclass
class IngestReport:
    """What an ingest did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    superseded: int = 0
    volumes: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)
    failures: list[IngestFailure] = field(default_factory=list)
    seconds: float = 0.0
    #: References newly resolved across files by the pass after the run, and the stored
    #: documents that pass stored again with them (not counted as ``updated``: their
    #: sources did not change). See ``despatch.resolution``.
    linked: int = 0
    linked_documents: int = 0

    @property
    def failed(self) -> int:
        """The number of failures."""
        return len(self.failures)

    @property
    def documents(self) -> int:
        """Documents read and stored (or found unchanged or superseded)."""
        return self.added + self.updated + self.unchanged + self.superseded

    @property
    def documents_per_second(self) -> float:
        """Throughput of the whole run."""
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def count(self, outcome: Outcome) -> None:
        """Count one stored document."""
        if outcome == Outcome.ADDED:
            self.added += 1
        elif outcome == Outcome.UPDATED:
            self.updated += 1
        elif outcome == Outcome.SUPERSEDED:
            self.superseded += 1
        elif outcome == Outcome.UNCHANGED:
            self.unchanged += 1
        else:  # a refused document is a failure, with its reason, not a count
            raise ValueError(f"not a stored outcome: {outcome}")


class IngestError(ReadError):
    """``strict`` ingest stopped at a failure."""


# --- finding the files ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Source:
    path: str  # str, not Path: a million of these must stay small
    format: str
    volume: str | None
    size: int


def _is_glob(text: str) -> bool:
    return any(c in text for c in "*?[")


def _has_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(8).lstrip(b"\xef\xbb\xbf")
    except OSError:
        return False
    return head.startswith(b"---")


def _sidecar_volume(path: Path, root: Path, cache: dict[Path, dict[str, object]]) -> str | None:
    folder = path.parent
    while True:
        data = cache.get(folder)
        if data is None:
            sidecar = folder / SIDECAR
            data = {}
            if sidecar.is_file():
                try:
                    data = tomllib.loads(sidecar.read_text("utf-8"))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                    raise ConfigError(
                        f"{sidecar}: not valid TOML ({exc}); fix or remove it"
                    ) from exc
            cache[folder] = data
        files = data.get("files")
        if isinstance(files, dict):
            rel = path.relative_to(folder).as_posix()
            entry = files.get(rel)
            if isinstance(entry, dict) and isinstance(entry.get("volume"), str):
                return str(entry["volume"])
        if isinstance(data.get("volume"), str):
            return str(data["volume"])
        if folder == root or folder.parent == folder or root not in folder.parents:
            return None
        folder = folder.parent


def find_sources(
    paths: Iterable[str | Path], *, volume: str | None = None
) -> tuple[list[_Source], list[str], list[IngestFailure]]:
    """The files to read (richest format first), the files skipped, and bad paths."""
    sources: list[_Source] = []
    skipped: list[str] = []
    failures: list[IngestFailure] = []
    seen: set[str] = set()
    cache: dict[Path, dict[str, object]] = {}

    def add(path: Path, root: Path, *, named: bool) -> None:
        resolved = os.path.realpath(path)
        if resolved in seen:
            return
        seen.add(resolved)
        try:
            fmt = detect_format(path)
        except ReadError as exc:
            if named:
                failures.append(IngestFailure(str(path), exc.reason))
            else:
                skipped.append(str(path))
            return
        if fmt == "markdown" and not named and not _has_front_matter(path):
            skipped.append(str(path))
            return
        vol = volume or _sidecar_volume(path, root, cache)
        sources.append(_Source(str(path), fmt, vol, path.stat().st_size))

    def walk(folder: Path) -> None:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                p = Path(dirpath) / name
                if name.startswith(".") or name == SIDECAR:
                    continue
                if p.suffix.lower() in SUFFIXES:
                    add(p, folder, named=False)

    for raw in paths:
        text = str(raw)
        p = Path(text)
        if p.is_dir():
            walk(p)
        elif p.is_file():
            add(p, p.parent, named=True)
        elif _is_glob(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                failures.append(IngestFailure(text, "no file matches this pattern"))
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    walk(mp)
                elif mp.is_file():
                    add(mp, mp.parent, named=True)
        else:
            failures.append(IngestFailure(text, "no such file or folder"))
    sources.sort(key=lambda s: (-READER_RANK.get(s.format, 0), s.path))
    return sources, skipped, failures


# --- parsing (in worker processes) ----------------------------------------------------


@dataclass
class _Parsed:
    """Records read from one file, or from a stretch of it (``is_done`` on the last)."""

    path: str
    size: int
    rows: list[Row] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    failures: list[IngestFailure] = field(default_factory=list)
    is_done: bool = False


def _records(
    source: _Source, enrich: bool, failures: list[IngestFailure]
) -> Iterator[Document | Volume]:
    """The records of one file as the reader gives them, enriched when asked.

    Enrichment (``despatch.enrich.enrich_records``) needs the whole file: the TEI reader
    gives the volume's lists of persons and abbreviations last, and references are
    resolved among the file's documents. A reader error is raised after the records
    read before it; an enrichment error is reported and the records stored as read.
    """
    reader = read_path(Path(source.path), volume=source.volume)
    if not enrich:
        yield from reader
        return
    from despatch.enrich import enrich_records

    read: list[Document | Volume] = []
    error: Exception | None = None
    try:
        read.extend(reader)
    except Exception as exc:
        error = exc
    try:
        records = list(enrich_records(iter(read)))
    except Exception as exc:  # a bug in enrichment must not lose the documents
        failures.append(
            IngestFailure(
                source.path,
                f"enrichment failed, stored without entities and links: {_reason(exc)}",
            )
        )
        records = read
    del read
    # Hand the records over one by one, letting each go once its row is built.
    records.reverse()
    while records:
        yield records.pop()
    if error is not None:
        raise error


def _parse_chunks(source: _Source, chunk: int, enrich: bool = True) -> Iterator[_Parsed]:
    """The records of one file in stretches of ``chunk`` documents, as they are read."""
    out = _Parsed(source.path, source.size)
    try:
        for record in _records(source, enrich, out.failures):
            if isinstance(record, Volume):
                out.volumes.append(record)
                continue
            try:
                out.rows.append(_row(record))
            except Exception as exc:  # one bad document never stops the rest
                out.failures.append(IngestFailure(source.path, _reason(exc), document=record.id))
            if len(out.rows) >= chunk:
                yield out
                out = _Parsed(source.path, source.size)
    except ReadError as exc:
        out.failures.append(IngestFailure(source.path, _read_reason(exc), exc.document))
    except Exception as exc:  # a reader bug: report it as this file's failure, go on
        out.failures.append(IngestFailure(source.path, _reason(exc)))
    out.is_done = True
    yield out


def _row(doc: Document) -> Row:
    return row_of(doc, index_fields(doc))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, DespatchError):
        return str(exc)
    return f"{type(exc).__name__}: {exc} (a bug in despatch; please report it with this file)"


def _read_reason(exc: ReadError) -> str:
    return f"line {exc.line}: {exc.reason}" if exc.line is not None else exc.reason


def _parse_task(sources: Sequence[_Source], enrich: bool, chunk: int, spool: str) -> str:
    """Parse ``sources`` (in a worker) into a spool file of pickled ``_Parsed`` stretches.

    The stretches go to a file as they are made rather than back whole through the pool:
    neither this worker nor the writer ever holds a task's rows at once (a 9 MB TEI
    volume's rows are about 55 MB of objects), and the results waiting for the writer
    are on disk, so memory stays flat in corpus size and in file size.
    """
    fd, name = tempfile.mkstemp(suffix=".parsed", dir=spool)
    # The records of a file are mostly acyclic and freed by reference counting; the
    # cyclic collector walking a big volume's live records again and again cost ~4% of
    # a worker's time. It runs once per task instead.
    gc.disable()
    try:
        with os.fdopen(fd, "wb") as fh:
            for source in sources:
                for part in _parse_chunks(source, chunk=chunk, enrich=enrich):
                    pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        gc.enable()
        gc.collect()
    return name


def _spooled(name: str) -> Iterator[_Parsed]:
    """The stretches of a spool file, in order; the file is removed after."""
    try:
        with open(name, "rb") as fh:
            while True:
                try:
                    part = pickle.load(fh)
                except EOFError:
                    break
                yield part
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


#: Spool folders are ``despatch-ingest-<pid of the ingest>-<random>`` in the temp folder.
SPOOL_PREFIX = "despatch-ingest-"
_SPOOL_NAME = re.compile(re.escape(SPOOL_PREFIX) + r"(\d+)-")


def _is_running(pid: int) -> bool:
    """Whether a process with this id exists (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_spools(folder: str | None = None) -> list[str]:
    """Remove the spool folders of ingests that died without cleaning up (``kill -9``).

    A spool folder is named after the process that made it; one whose process no longer
    exists is left over and removed. A live process's folder is never touched (nor, if the
    dead ingest's id was reused by another process since, its folder: kept until that
    process ends). Returns the folders removed.
    """
    base = folder or tempfile.gettempdir()
    removed: list[str] = []
    try:
        names = os.listdir(base)
    except OSError:
        return removed
    for name in names:
        m = _SPOOL_NAME.match(name)
        if m is None or _is_running(int(m.group(1))):
            continue
        path = os.path.join(base, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _tasks(sources: Sequence[_Source]) -> Iterator[list[_Source]]:
    task: list[_Source] = []
    size = 0
    for s in sources:
        task.append(s)
        size += s.size
        if len(task) >= _TASK_FILES or size >= _TASK_BYTES:
            yield task
            task, size = [], 0
    if task:
        yield task


def _parsed_stream(
    sources: Sequence[_Source], workers: int, chunk: int = BATCH, enrich: bool = True
) -> Iterator[list[_Parsed]]:
    """Parsed results in input order, from a process pool when it helps."""
    tasks = list(_tasks(sources))
    if workers <= 1 or len(tasks) <= 1:
        # In this process: stream each file, so a big volume shows progress as it goes
        # and is never held whole.
        for source in sources:
            for part in _parse_chunks(source, chunk=chunk, enrich=enrich):
                yield [part]
        return
    # Not fork: the writer (this process) holds SQLite and tantivy handles and threads.
    context = multiprocessing.get_context("forkserver")
    # Modules imported once in the fork server (if it is not running yet), not per worker;
    # with enrichment, the global matcher too (``enrich/_preload.py``).
    context.set_forkserver_preload(_PRELOAD + (["despatch.enrich._preload"] if enrich else []))
    executor: Executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    sweep_spools()
    spool = tempfile.TemporaryDirectory(prefix=f"{SPOOL_PREFIX}{os.getpid()}-")
    try:
        # A bounded window of tasks in flight; their results wait in spool files.
        window = workers * 3

        def submit(task: list[_Source]) -> Future[str]:
            return executor.submit(_parse_task, task, enrich, chunk, spool.name)

        pending = [submit(t) for t in tasks[:window]]
        next_task = window
        while pending:
            future = pending.pop(0)
            if next_task < len(tasks):
                pending.append(submit(tasks[next_task]))
                next_task += 1
            for part in _spooled(future.result()):
                yield [part]
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        spool.cleanup()


# --- storing (the one writer) ---------------------------------------------------------


def _store_rows(store: Store, rows: Sequence[Row]) -> list[Outcome]:
    from despatch.store.local import LocalStore

    if isinstance(store, LocalStore):
        return store.put_rows(rows)
    return store.put([load_record(r.record, r.body) for r in rows])


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    strict: bool = False,
    workers: int | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    volume: str | None = None,
    batch: int = BATCH,
    enrich: bool = True,
) -> IngestReport:
    """Read ``paths`` (files, folders, globs) into ``store``; see the module docstring.

    ``enrich`` runs ``despatch.enrich`` on each file's records (entity spans, references
    found and resolved among the file's documents) before they are stored.
    """
    started = time.perf_counter()
    sources, skipped, failures = find_sources(paths, volume=volume)
    report = IngestReport(files=len(sources), skipped=skipped)
    for f in failures:
        _fail(report, f, strict)
    state = IngestProgress(files_total=len(sources), bytes_total=sum(s.size for s in sources))
    if progress:
        progress(state)
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    pending: list[Row] = []
    pending_paths: list[str] = []
    # Resolving against the whole archive: before each batch is stored, and a pass after.
    lookup = store.reference_lookup() if enrich else None

    def flush() -> None:
        if not pending:
            return
        if lookup is not None:
            from despatch.resolution import prepare_rows

            pending[:] = prepare_rows(lookup, pending)
        outcomes: list[Outcome | None]
        try:
            outcomes = list(_store_rows(store, pending))
            refusals = store.refusals()
        except DespatchError:
            raise
        except Exception:
            # Store them one by one so one bad document cannot sink its batch.
            outcomes, refusals = [], {}
            for row, path in zip(pending, pending_paths, strict=True):
                try:
                    outcomes.extend(_store_rows(store, [row]))
                    refusals.update(store.refusals())
                except Exception as exc:
                    outcomes.append(None)
                    _fail(report, IngestFailure(path, _reason(exc), row.doc_id), strict)
        for row, path, outcome in zip(pending, pending_paths, outcomes, strict=True):
            if outcome is Outcome.FAILED:
                reason = refusals.get(row.doc_id, "the archive refused the record")
                _fail(report, IngestFailure(path, reason, row.doc_id), strict)
            elif outcome is not None:
                report.count(outcome)
        pending.clear()
        pending_paths.clear()

    bulk = _bulk(store)
    with bulk, _gc_tuned():
        for results in _parsed_stream(sources, n_workers, batch, enrich):
            for parsed in results:
                for vol in parsed.volumes:
                    store.put_volume(vol)
                    report.volumes += 1
                for f in parsed.failures:
                    _fail(report, f, strict)
                for row in parsed.rows:
                    pending.append(row)
                    pending_paths.append(parsed.path)
                    if len(pending) >= batch:
                        flush()
                if parsed.is_done:
                    state.files_done += 1
                    state.bytes_done += parsed.size
                state.documents += len(parsed.rows)
                if progress:
                    progress(state)
        flush()
        if enrich:
            from despatch.resolution import resolve_pending

            linked = resolve_pending(store)
            report.linked, report.linked_documents = linked.references, linked.documents
    report.seconds = time.perf_counter() - started
    return report


def _fail(report: IngestReport, failure: IngestFailure, strict: bool) -> None:
    report.failures.append(failure)
    if strict:
        raise IngestError(
            f"{failure.reason} (stopped by --strict; documents stored before this stay, "
            "and running the same ingest again resumes)",
            path=failure.path,
            document=failure.document,
        )


#: Garbage-collector thresholds while ingesting. A parse allocates millions of short-lived
#: objects (freed by reference counting) while holding a whole volume's records; with the
#: default thresholds the collector walks those records again and again (about a tenth of
#: a worker's CPU, measured). Cycles are still collected, a little later.
_GC_THRESHOLDS = (50_000, 20, 100)


def _start_worker(owner: int) -> None:
    """The pool's initializer: the ingest's collector thresholds, and a watch on ``owner``."""
    gc.set_threshold(*_GC_THRESHOLDS)
    threading.Thread(
        target=_exit_without, args=(owner,), name="despatch-owner-watch", daemon=True
    ).start()


#: How often a parsing worker checks that the ingest it works for is still there (s).
OWNER_POLL_SECONDS = 1.0


def _exit_without(owner: int) -> None:
    """End this worker once the ingest process ``owner`` is gone.

    A worker's queues are pipes that the other workers (and the fork server) also hold
    open, so when the ingest is killed (``kill``, ``kill -9``, an out-of-memory kill) no
    worker ever reads end-of-file: without this watch they would wait for work forever.
    """
    while not _is_gone(owner):
        time.sleep(OWNER_POLL_SECONDS)
    os._exit(1)


def _is_gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie, dead but not yet reaped, has too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, and someone else's
        return False
    try:  # a zombie still answers kill(pid, 0); on Linux its state says what it is
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] in (["Z"], ["X"])


@contextlib.contextmanager
def _gc_tuned() -> Iterator[None]:
    """The ingest thresholds in this process for the length of a run, then the old ones."""
    old = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)


class _NoBulk:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _bulk(store: Store) -> contextlib.AbstractContextManager[object]:
    from despatch.store.local import LocalStore

    if isinstance(store, LocalStore):
        return store.bulk()
    return _NoBulk()


__all__ = [
    "BATCH",
    "SIDECAR",
    "IngestError",
    "IngestFailure",
    "IngestProgress",
    "IngestReport",
    "find_sources",
    "ingest",
]
