"""What archive-wide reference resolution costs (``despatch.resolution``).

    python bench/resolve.py --corpus bench/out/corpus-text-10000-s1 --archive /tmp/r-10k \\
        [--workers 1] [--add FOLDER --add-volume testvol]

1. Ingests ``--corpus`` into a new local archive at ``--archive`` (enriched, the default)
   and reports where the linking time went: computing link rows (``link_row``, in the
   parsing process when ``--workers 1``), writing them (``write_links``, in the writer's
   transactions), relinking incoming rows before each batch (``prepare_rows``) and the
   pass after the run (``resolve_pending``).
2. With ``--add``, ingests that folder on top (as a later, small run) under
   ``--add-volume`` and reports the incremental pass: keys retried, pending references
   tried, documents relinked, seconds.
3. Runs the full pass (``resolve_archive``, what ``despatch resolve`` does) and reports it.

The archive's link-table sizes are printed at the end.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from despatch import resolution
from despatch.ingest import ingest
from despatch.store import _links, _sqlite
from despatch.store.local import LocalStore

TIMES: dict[str, float] = {}
CALLS: dict[str, int] = {}
LAST: dict[str, Any] = {}


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            LAST[name] = fn(*args, **kwargs)
            return LAST[name]
        finally:
            TIMES[name] = TIMES.get(name, 0.0) + time.perf_counter() - t
            CALLS[name] = CALLS.get(name, 0) + 1

    return wrapper


def _instrument() -> None:
    _sqlite.link_row = _timed("link_row", _sqlite.link_row)  # type: ignore[attr-defined]
    _sqlite.write_links = _timed("write_links", _sqlite.write_links)  # type: ignore[attr-defined]
    resolution.prepare_rows = _timed("prepare_rows", resolution.prepare_rows)  # type: ignore[assignment]
    resolution.resolve_pending = _timed(  # type: ignore[assignment]
        "resolve_pending", resolution.resolve_pending
    )


def _disable_links() -> None:
    """The writer-side linking off (a baseline in the same code): no link rows written,
    no relinking before batches, no pass. Link rows are still computed in the parsing
    processes (about 0.07 ms a document)."""
    _sqlite.write_links = lambda db, row: None  # type: ignore[attr-defined]
    resolution.prepare_rows = lambda lookup, rows: list(rows)  # type: ignore[assignment]
    resolution.resolve_pending = lambda store: resolution.ResolveReport()  # type: ignore[assignment]


def _report(title: str, seconds: float, docs: int) -> None:
    print(f"\n== {title}: {docs:,} documents in {seconds:.1f} s ({docs / seconds:,.0f} docs/s)")
    for name in ("link_row", "write_links", "prepare_rows", "resolve_pending"):
        if name in TIMES:
            share = 100 * TIMES[name] / seconds
            print(
                f"   {name:16s} {TIMES[name]:7.2f} s  ({share:4.1f}% of the run, "
                f"{CALLS[name]:,} calls)"
            )
    TIMES.clear()
    CALLS.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--archive", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--add")
    parser.add_argument("--add-volume", default="testvol")
    parser.add_argument("--keep", action="store_true", help="reuse an existing archive")
    parser.add_argument("--no-links", action="store_true", help="baseline: linking off")
    parser.add_argument("--no-full", action="store_true", help="skip the full pass")
    args = parser.parse_args()
    if args.no_links:
        _disable_links()
    _instrument()
    archive = Path(args.archive)
    if archive.exists() and not args.keep:
        shutil.rmtree(archive)
    with LocalStore(archive) as store:
        if not args.keep:
            t = time.perf_counter()
            rep = ingest(store, [args.corpus], workers=args.workers)
            _report("ingest", time.perf_counter() - t, rep.documents)
            print(
                f"   added {rep.added:,}, failed {rep.failed}, linked {rep.linked:,} references "
                f"in {rep.linked_documents:,} documents after the run"
            )
        if args.add:
            t = time.perf_counter()
            rep = ingest(store, [args.add], workers=1, volume=args.add_volume)
            _report("incremental ingest", time.perf_counter() - t, rep.documents)
            passed = LAST["resolve_pending"]
            print(
                f"   added {rep.added:,}; the pass tried {passed.checked:,} pending references, "
                f"linked {passed.references:,} in {passed.documents:,} documents: "
                f"{passed.seconds:.3f} s"
            )
        if args.no_full:
            return
        full = resolution.resolve_archive(store)
        print(
            f"\n== full pass (despatch resolve): {full.indexed:,} documents indexed, "
            f"{full.checked:,} pending references tried, {full.references:,} linked in "
            f"{full.documents:,} documents: {full.seconds:.1f} s"
        )
        for table in ("link_numbers", "link_serials", "link_pages", "link_pending", "link_dirty"):
            (n,) = store.db.execute(f"SELECT count(*) FROM {table}").fetchone()
            print(f"   {table:14s} {n:>9,} rows")
    _ = _links  # the tables' module, for readers of this script


if __name__ == "__main__":
    main()
