"""Ingest throughput and query latency of the PostgreSQL archive.

    nice -n 10 .venv/bin/python bench/pg_query.py --docs 100000 --seed 1 [--url postgresql://…]

1. Without ``--url`` starts a throwaway PostgreSQL 15 server with ``scripts/pg-test-server``
   (loopback, fsync off: a benchmark server, not a durable one) and stops it at the end.
2. Generates the TEI corpus (``bench/corpus.py``) into ``--corpus`` unless it is there, and
   ingests it end to end with ``despatch --archive postgresql://… ingest CORPUS`` as a child
   process (wall time, CPU, peak memory of the process tree: ``bench/measure.py``).
   ``--skip-ingest`` reuses a database loaded by an earlier run (with ``--url``).
3. Runs the fixed, seeded 200-query mix of ``bench/query.py`` (the local backend's
   benchmark, so the figures sit side by side) through ``PostgresStore.search`` (top 10,
   snippets, facets on every other query) with each ranking strategy: the bounded
   candidate window (the default, ``rank_window=1000``) and full ``ts_rank`` over every
   match (``rank_window=0``). One warm-up pass, then ``--passes`` measured passes, the
   strategies interleaved per query. Also reports how often the bounded top 10 equals
   the full top 10 (as a set) and their mean overlap.

Prints Markdown tables and appends a JSON line to ``bench/out/results.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_corpus
from bench.measure import machine, run_measured
from bench.query import BenchQuery, _summary, make_queries

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SCRIPT = ROOT / "scripts" / "pg-test-server"
STRATEGIES = {"bounded (window 1000)": 1000, "full ts_rank": 0}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workdir: Path) -> str:
    proc = subprocess.run(
        ["bash", str(SCRIPT), "start", str(workdir), str(_free_port())],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PG_TEST_SHARED_BUFFERS": "512MB"},
    )
    return proc.stdout.strip().splitlines()[-1]


def fresh_database(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return server_url.rsplit("/", 1)[0] + "/" + name


def ensure_corpus(folder: Path, docs: int, seed: int) -> dict[str, Any]:
    summary_file = folder / "corpus.json"
    if summary_file.exists():
        return dict(json.loads(summary_file.read_text("utf-8")))
    shutil.rmtree(folder, ignore_errors=True)
    return write_corpus("tei", docs, folder, seed=seed)


def _backend_cpu(dbname: str, seen: dict[int, float]) -> None:
    """Record the CPU seconds of each local server process serving ``dbname``."""
    tick = os.sysconf("SC_CLK_TCK")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if not cmd.startswith(f"postgres: postgres {dbname} "):
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[int(proc.name)] = (int(fields[11]) + int(fields[12])) / tick


def ingest(url: str, corpus: Path) -> dict[str, Any]:
    """Run ``despatch ingest`` into ``url``; with the server's CPU when it runs here."""
    exe = Path(sys.executable).parent / "despatch"
    command = [str(exe), "--archive", url, "ingest", str(corpus)]
    dbname = url.rsplit("/", 1)[1]
    seen: dict[int, float] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            _backend_cpu(dbname, seen)
            done.wait(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        m = run_measured(command, log=OUT / "pg-ingest.log")
    finally:
        done.set()
        watcher.join()
    if m.returncode != 0:
        raise SystemExit(f"ingest failed ({m.returncode}): {m.stderr_tail}")
    return {**m.as_dict(), "server_cpu_s": round(sum(seen.values()), 1)}


def database_size(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*), pg_database_size(current_database()),"
            " pg_total_relation_size('documents'), pg_relation_size('documents_tsv')"
            " FROM documents"
        ).fetchone()
    assert row is not None
    return {
        "documents": int(row[0]),
        "database_mb": round(row[1] / 1e6),
        "documents_table_mb": round(row[2] / 1e6),
        "gin_index_mb": round(row[3] / 1e6),
    }


def analyze(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE documents")


def run_queries(
    url: str, queries: list[BenchQuery], passes: int, strategies: dict[str, int]
) -> dict[str, Any]:
    """Time every query with every ranking strategy; latencies in ms."""
    from despatch.store.postgres import PostgresStore

    stores = {name: PostgresStore(url, rank_window=w) for name, w in strategies.items()}
    names = list(stores)
    ms: dict[str, dict[int, list[float]]] = {n: {i: [] for i in range(len(queries))} for n in names}
    top: dict[str, dict[int, list[str]]] = {n: {} for n in names}
    totals: dict[int, int] = {}
    for p in range(passes + 1):  # pass 0 warms the caches and is not counted
        for i, q in enumerate(queries):
            order = names if (i + p) % 2 else list(reversed(names))
            for name in order:
                t0 = time.perf_counter()
                res = stores[name].search(q.text, limit=10, facets=q.facets)
                el = (time.perf_counter() - t0) * 1000
                if p == 0:
                    top[name][i] = [h.id for h in res.hits]
                    totals[i] = res.total
                else:
                    ms[name][i].append(el)
    for s in stores.values():
        s.close()

    groups: list[tuple[str, Any]] = [
        ("all", lambda q: True),
        ("with facets", lambda q: q.facets),
        ("without facets", lambda q: not q.facets),
    ]
    groups += [
        (k, (lambda kind: lambda q: q.kind == kind)(k)) for k in sorted({q.kind for q in queries})
    ]
    out: dict[str, Any] = {"classes": {}}
    for label, cond in groups:
        out["classes"][label] = {
            name: _summary([v for i, vs in ms[name].items() if cond(queries[i]) for v in vs])
            for name in names
        }
    bounded, full = names[0], names[-1]
    overlaps = [
        len(set(top[bounded][i]) & set(top[full][i])) / len(top[full][i])
        for i in range(len(queries))
        if top[full][i]
    ]
    if len(names) == 1:
        overlaps = []
    out["top10_agreement"] = {
        "queries_with_hits": len(overlaps),
        "identical_sets": sum(1 for o in overlaps if o == 1.0),
        "mean_overlap": round(statistics.fmean(overlaps), 3) if overlaps else None,
    }
    out["matches"] = {
        "median_total": statistics.median(totals.values()) if totals else 0,
        "zero_hit_queries": sum(1 for t in totals.values() if t == 0),
    }
    slow = sorted(range(len(queries)), key=lambda i: -statistics.median(ms[bounded][i]))[:8]
    out["slowest"] = [
        {
            "query": queries[i].text,
            "facets": queries[i].facets,
            "total": totals[i],
            **{name: round(statistics.median(ms[name][i]), 2) for name in names},
        }
        for i in slow
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--url", help="a server URL (superuser); default: start a throwaway one")
    ap.add_argument("--corpus", type=Path, help="corpus folder (default bench/out/corpus-…)")
    ap.add_argument("--skip-ingest", action="store_true", help="reuse the loaded database")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument(
        "--bounded-only",
        action="store_true",
        help="time only the default bounded ranking (full ts_rank is slow at 1M documents)",
    )
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or OUT / f"corpus-tei-{args.docs}-s{args.seed}"
    workdir: Path | None = None
    server = args.url
    if server is None:
        workdir = Path(tempfile.mkdtemp(prefix="despatch-pg-bench-"))
        server = start_server(workdir)
    result: dict[str, Any] = {
        "bench": "pg_query",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "docs": args.docs,
        "seed": args.seed,
        "passes": args.passes,
    }
    try:
        dbname = f"despatch_bench_{args.docs}_s{args.seed}"
        if args.skip_ingest:
            url = server.rsplit("/", 1)[0] + "/" + dbname
        else:
            result["corpus"] = ensure_corpus(corpus, args.docs, args.seed)
            url = fresh_database(server, dbname)
            result["ingest"] = ingest(url, corpus)
            analyze(url)
        result["size"] = database_size(url)
        queries = make_queries(args.docs, args.seed, args.queries)
        result["queries"] = len(queries)
        strategies = dict(list(STRATEGIES.items())[:1]) if args.bounded_only else STRATEGIES
        result["strategies"] = list(strategies)
        result.update(run_queries(url, queries, args.passes, strategies))
    finally:
        if workdir is not None:
            subprocess.run(["bash", str(SCRIPT), "stop", str(workdir)], check=False)
            shutil.rmtree(workdir, ignore_errors=True)
    with (OUT / "results.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(result) + "\n")
    _print(result)
    return 0


def _print(result: dict[str, Any]) -> None:
    print(f"{result['machine']}")
    size = result["size"]
    print(
        f"{size['documents']:,} documents; database {size['database_mb']:,} MB "
        f"(documents {size['documents_table_mb']:,} MB, GIN {size['gin_index_mb']:,} MB)"
    )
    if "ingest" in result:
        m = result["ingest"]
        rate = size["documents"] / m["seconds"]
        print(
            f"ingest: {m['seconds']:.0f} s wall, {rate:,.0f} documents/s, "
            f"CPU {m['user_s'] + m['sys_s']:.0f} s (+ server {m.get('server_cpu_s', 0):.0f} s), "
            f"peak RSS (tree) {m['peak_tree_mb']:,.0f} MB"
        )
    names = result.get("strategies", list(STRATEGIES))
    head = " | ".join(f"{n} p50 / p95 / p99 ms" for n in names)
    print(f"\n| class | n | {head} |")
    print("| --- | ---: |" + " ---: |" * len(names))
    for label, c in result["classes"].items():
        cells = " | ".join(
            f"{c[n]['p50']:.1f} / {c[n]['p95']:.1f} / {c[n]['p99']:.1f}" for n in names
        )
        print(f"| {label} | {c[names[0]]['n']} | {cells} |")
    print(f"\ntop-10 agreement (bounded vs full): {result['top10_agreement']}")
    print(f"matches: {result['matches']}")
    print(f"slowest (median of passes, {' / '.join(names)} ms):")
    for s in result["slowest"]:
        times = " / ".join(f"{s[n]:8.1f}" for n in names)
        print(f"  {times}  {s['total']:>7} hits  {'[facets] ' if s['facets'] else ''}{s['query']}")


if __name__ == "__main__":
    raise SystemExit(main())
