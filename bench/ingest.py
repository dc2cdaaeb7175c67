"""Ingest throughput of the local archive, beside a raw baseline on the same texts.

    nice -n 10 .venv/bin/python bench/ingest.py --format tei --docs 100000

1. Generates the corpus (``bench/corpus.py``) under ``bench/out/`` unless it is there.
2. Runs ``despatch --archive ARCHIVE ingest CORPUS`` as a child process into a fresh
   archive and measures wall time, CPU time and peak memory (``bench/measure.py``).
3. Runs the raw baseline (``bench/rawbase.py``: the same documents' raw text straight into
   SQLite and tantivy, no parsing or extraction) the same way, in the same run.
4. Optionally (``--breakdown N``) times, in this process on one core, the reader alone
   and the store alone over the first N documents, to show where the ingest time goes.

Prints a Markdown table and appends one JSON line per run to ``bench/out/results.jsonl``.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_corpus
from bench.measure import Measurement, machine, run_measured
from bench.tei_reader import build_kind

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def corpus_dir(fmt: str, docs: int, seed: int) -> Path:
    return OUT / f"corpus-{fmt}-{docs}-s{seed}"


def ensure_corpus(fmt: str, docs: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The corpus folder, generated if missing; and its summary."""
    folder = corpus_dir(fmt, docs, seed)
    summary_file = folder / "corpus.json"
    if summary_file.exists():
        return folder, json.loads(summary_file.read_text("utf-8"))
    shutil.rmtree(folder, ignore_errors=True)
    summary = write_corpus(fmt, docs, folder, seed=seed)
    return folder, summary


def despatch_command(archive: Path, corpus: Path, extra: list[str]) -> list[str]:
    exe = Path(sys.executable).parent / "despatch"
    head = [str(exe)] if exe.exists() else [sys.executable, "-m", "despatch"]
    return [*head, "--archive", str(archive), "ingest", str(corpus), *extra]


def breakdown(corpus: Path, limit: int) -> dict[str, float]:
    """Reader-only and store-only documents/s over the first ``limit`` documents."""
    from despatch.model import Document
    from despatch.readers import read_path
    from despatch.store.local import LocalStore

    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".xml", ".txt"))
    t0 = time.perf_counter()
    docs: list[Document] = []
    for path in files:
        for rec in read_path(path):
            if isinstance(rec, Document):
                docs.append(rec)
        if len(docs) >= limit:
            break
    t1 = time.perf_counter()
    tmp = OUT / f"breakdown-archive-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    store = LocalStore(tmp)
    t2 = time.perf_counter()
    with store.bulk():
        for i in range(0, len(docs), 500):
            store.put(docs[i : i + 500])
    store.close()
    t3 = time.perf_counter()
    shutil.rmtree(tmp, ignore_errors=True)
    return {
        "documents": len(docs),
        "read_docs_per_s": round(len(docs) / (t1 - t0)),
        "store_docs_per_s": round(len(docs) / (t3 - t2)),
    }


def _row(name: str, m: Measurement, docs: int, size: int) -> str:
    if m.returncode != 0:
        return f"| {name} | FAILED (exit {m.returncode}; see bench/out/*.log.err) |"
    return (
        f"| {name} | {docs:,} | {m.seconds:,.1f} | {docs / m.seconds:,.0f} | "
        f"{size / 1e6 / m.seconds:,.1f} | {m.cpu_s:,.1f} | {m.peak_tree_mb:,.0f} | "
        f"{m.peak_anon_mb:,.0f} | {m.peak_pss_mb:,.0f} | {m.peak_pss_anon_mb:,.0f} | "
        f"{m.max_rss_mb:,.0f} | {m.load_before:.1f} |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", choices=("tei", "text"), default="tei")
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--ingest-arg",
        action="append",
        default=[],
        help="extra argument for `despatch ingest` (repeatable)",
    )
    ap.add_argument("--skip-despatch", action="store_true", help="only the raw baseline")
    ap.add_argument("--skip-baseline", action="store_true", help="only despatch ingest")
    ap.add_argument(
        "--breakdown",
        type=int,
        default=0,
        metavar="N",
        help="also time reader and store alone over the first N documents",
    )
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the archive (bench/out/archive-FORMAT-DOCS-sSEED; a .lock guards it)",
    )
    args = ap.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    corpus, summary = ensure_corpus(args.format, args.docs, args.seed)
    gen_s = time.perf_counter() - t0
    docs, size = int(summary["documents"]), int(summary["bytes"])
    print(
        f"corpus {corpus} — {docs:,} documents, {size / 1e6:,.0f} MB "
        f"({f'generated in {gen_s:.0f} s' if gen_s > 1 else 'cached'})",
        file=sys.stderr,
    )
    result: dict[str, Any] = {
        "bench": "ingest",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "format": args.format,
        "documents": docs,
        "bytes": size,
        "seed": args.seed,
        "build": build_kind(),
    }
    rows = []
    # Several people run this on one machine: every path a run writes is its own (the pid),
    # except the kept archive, which a lock file guards.
    run_id = os.getpid()
    archive = OUT / f"archive-{args.format}-{args.docs}-s{args.seed}"
    if args.keep:
        lock = OUT / f"{archive.name}.lock"
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            print(
                f"{lock} exists: another run is writing {archive}; wait for it or remove "
                "the lock if no such run is alive",
                file=sys.stderr,
            )
            return 1
        os.write(fd, str(run_id).encode())
        os.close(fd)
        atexit.register(lambda: lock.unlink(missing_ok=True))
    else:
        archive = archive.with_name(f"{archive.name}-{run_id}")
    if not args.skip_despatch:
        shutil.rmtree(archive, ignore_errors=True)
        cmd = despatch_command(archive, corpus, args.ingest_arg)
        env = dict(os.environ, COLUMNS="120")
        m = run_measured(cmd, env=env, log=OUT / f"ingest-despatch-{run_id}.log")
        if m.returncode != 0:
            print(f"despatch ingest failed ({m.returncode}):\n{m.stderr_tail}", file=sys.stderr)
        result["despatch"] = m.as_dict()
        print(f"despatch ingest, largest processes: {m.processes}", file=sys.stderr)
        rows.append(_row("despatch ingest", m, docs, size))
        if not args.keep:
            shutil.rmtree(archive, ignore_errors=True)
    if not args.skip_baseline:
        raw_archive = OUT / f"archive-raw-{run_id}"
        shutil.rmtree(raw_archive, ignore_errors=True)
        cmd = [sys.executable, str(ROOT / "bench" / "rawbase.py"), str(corpus), str(raw_archive)]
        m = run_measured(cmd, log=OUT / f"ingest-raw-{run_id}.log")
        if m.returncode != 0:
            print(f"raw baseline failed ({m.returncode}):\n{m.stderr_tail}", file=sys.stderr)
        result["raw"] = m.as_dict()
        rows.append(_row("raw baseline (tantivy + SQLite, no parsing)", m, docs, size))
        shutil.rmtree(raw_archive, ignore_errors=True)
    if args.breakdown:
        result["breakdown"] = breakdown(corpus, args.breakdown)
    with (OUT / "results.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(result) + "\n")
    print(
        f"\n{args.format}, {docs:,} documents, {size / 1e6:,.0f} MB; {result['machine']}; "
        f"despatch build: {result['build']}"
    )
    print(
        "| run | documents | wall s | docs/s | MB/s | CPU s | peak RSS, process tree (MB) "
        "| of it anonymous (MB) | peak PSS, process tree (MB) | of it anonymous (MB) "
        "| max RSS, one process (MB) | load avg at start |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))
    if args.breakdown:
        print(f"\nbreakdown (one core, in process): {result['breakdown']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
