"""Load test of the web server: document pages and the search API under concurrency.

    .venv/bin/python bench/load.py --archive bench/out/archive-tei-100000 \\
        [--concurrency 50] [--duration 30] [--workers 1] [--port 8765]

1. Starts ``despatch --archive ARCHIVE serve [--workers N]`` (the shipped command) on a
   loopback port.
2. Samples document ids and search queries from the archive itself through the API
   (ids spread over the whole date range; queries from the archive's facet values and
   title words), so the requests hit the whole corpus, not one cached page.
3. For each scenario (document page; search API; search API with facets) runs
   ``--concurrency`` keep-alive connections for ``--duration`` seconds with an httpx
   async client, each connection issuing its next request as soon as the previous one
   is answered. Any status other than 200 or any transport error counts as an error.
4. Prints a Markdown table (requests/s, p50/p90/p99 latency, errors) and appends one
   JSON line per scenario to ``bench/out/results.jsonl``.

The client runs on the same machine as the server and competes for its cores; the
figures are therefore a lower bound of what the server does on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


@dataclass
class Result:
    """What one scenario measured."""

    scenario: str
    concurrency: int
    duration_s: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_ms_per_request: float = 0.0
    error_samples: list[str] = field(default_factory=list)


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    tree = {pid}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                changed = True
    return sum(cpu.get(p, 0.0) for p in tree)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(archive: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``despatch --archive ARCHIVE serve`` on ``port``; waits until it answers."""
    despatch = Path(sys.executable).with_name("despatch")
    proc = subprocess.Popen(
        [
            str(despatch),
            "--archive",
            archive,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=5).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"despatch serve exited ({proc.returncode}): {err}")
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("despatch serve did not answer within 120 s")


def sample_targets(base: str, n_docs: int, seed: int) -> tuple[list[str], list[str], int]:
    """Document ids spread over the archive, a mix of queries, and the archive size."""
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=60) as c:
        stats = c.get("/api/stats").json()
        total = int(stats["documents"])
        ids: list[str] = []
        titles: list[str] = []
        max_offset = min(total - 100, 10_000)
        offsets = sorted({rng.randint(0, max(max_offset, 0)) for _ in range(n_docs // 100 + 1)})
        for sort in ("date", "relevance"):
            for off in offsets:
                page = c.get(
                    "/api/search", params={"q": "", "limit": 100, "offset": off, "sort": sort}
                ).json()
                ids.extend(h["id"] for h in page["hits"])
                titles.extend(h["title"] for h in page["hits"])
        ids = list(dict.fromkeys(ids))
        rng.shuffle(ids)
        facets = c.get("/api/search", params={"q": "", "facets": "true"}).json()["facets"]
    words = sorted(
        {w.strip(",.():;").lower() for t in titles for w in t.split() if len(w) > 5 and w.isalpha()}
    )
    queries: list[str] = []
    for _ in range(40):
        queries.append(" ".join(rng.sample(words, k=min(2, len(words)))) if words else "")
    for w in rng.sample(words, k=min(20, len(words))):
        queries.append(f"{w}*"[:8] + "*" if len(w) > 7 else w)
    fields = {
        "sender": "from",
        "recipient": "to",
        "classification": "classification",
        "year": "year",
        "type": "type",
    }
    for facet, qf in fields.items():
        for fv in facets.get(facet, [])[:6]:
            v = fv["value"]
            quoted = f'"{v}"' if " " in v else v
            queries.append(f"{qf}:{quoted}")
            if words:
                queries.append(f"{rng.choice(words)} {qf}:{quoted}")
    years = sorted(fv["value"] for fv in facets.get("year", []))
    if years:
        for _ in range(10):
            y = rng.choice(years)
            queries.append(f"date:{y}-03..{y}-09 {rng.choice(words) if words else ''}".strip())
    return ids[:n_docs], [q for q in queries if q], total


async def run_scenario(
    name: str,
    base: str,
    make_url: Callable[[random.Random], str],
    *,
    concurrency: int,
    duration: float,
    seed: int,
    server_pid: int,
) -> Result:
    """``concurrency`` connections issuing requests back to back for ``duration`` seconds."""
    latencies: list[float] = []
    errors: list[str] = []  # a few examples
    n_errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        # Warm up: open the connections and the server's caches.
        await asyncio.gather(*(client.get(make_url(random.Random(i))) for i in range(concurrency)))
        stop = time.perf_counter() + duration

        async def worker(k: int) -> None:
            nonlocal n_errors
            rng = random.Random(seed * 1000 + k)
            while time.perf_counter() < stop:
                url = make_url(rng)
                t0 = time.perf_counter()
                try:
                    r = await client.get(url)
                    await r.aread()
                    ok = r.status_code == 200
                    if not ok and len(errors) < 20:
                        errors.append(f"{r.status_code} {url}")
                except httpx.HTTPError as exc:
                    ok = False
                    if len(errors) < 20:
                        errors.append(f"{type(exc).__name__} {url}")
                latencies.append((time.perf_counter() - t0) * 1000)
                n_errors += not ok

        cpu_start = tree_cpu_seconds(server_pid)
        t_start = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        elapsed = time.perf_counter() - t_start
        server_cpu = tree_cpu_seconds(server_pid) - cpu_start
    lat = sorted(latencies)
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [0.0] * 99
    return Result(
        scenario=name,
        concurrency=concurrency,
        duration_s=round(elapsed, 2),
        requests=len(lat),
        errors=n_errors,
        rps=round(len(lat) / elapsed, 1),
        p50_ms=round(q[49], 1),
        p90_ms=round(q[89], 1),
        p99_ms=round(q[98], 1),
        max_ms=round(lat[-1], 1) if lat else 0.0,
        server_cpu_ms_per_request=round(server_cpu * 1000 / max(len(lat), 1), 2),
        error_samples=errors[:5],
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--archive", required=True, help="an existing archive (folder or URL)")
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1, help="server processes")
    ap.add_argument("--docs", type=int, default=2000, help="document ids to sample")
    ap.add_argument("--scenarios", default="document,search,search-facets")
    args = ap.parse_args(argv)

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.archive, port, args.workers)
    try:
        ids, queries, total = sample_targets(base, args.docs, args.seed)
        print(
            f"archive {args.archive}: {total:,} documents; sampled {len(ids):,} ids and "
            f"{len(queries)} queries",
            file=sys.stderr,
        )
        from urllib.parse import quote, urlencode

        makers: dict[str, Callable[[random.Random], str]] = {
            "document": lambda r: "/documents/" + quote(r.choice(ids), safe="/"),
            "search": lambda r: "/api/search?" + urlencode({"q": r.choice(queries)}),
            "search-facets": lambda r: (
                "/api/search?" + urlencode({"q": r.choice(queries), "facets": "true"})
            ),
            "search-page": lambda r: "/search?" + urlencode({"q": r.choice(queries)}),
        }
        results = []
        for name in args.scenarios.split(","):
            res = asyncio.run(
                run_scenario(
                    name,
                    base,
                    makers[name],
                    concurrency=args.concurrency,
                    duration=args.duration,
                    seed=args.seed,
                    server_pid=server.pid,
                )
            )
            results.append(res)
            print(
                f"  {name}: {res.rps} req/s, p50 {res.p50_ms} ms, p99 {res.p99_ms} ms, "
                f"errors {res.errors}",
                file=sys.stderr,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()

    print(
        f"\nArchive: `{args.archive}` ({total:,} documents); {args.concurrency} connections, "
        f"{args.duration:.0f} s per scenario, loopback, `despatch serve --workers "
        f"{args.workers}`.\n"
    )
    print(
        "| scenario | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors "
        "| server CPU ms/request |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.scenario} | {r.requests:,} | {r.rps:,} | {r.p50_ms} | {r.p90_ms} | "
            f"{r.p99_ms} | {r.max_ms} | {r.errors} | {r.server_cpu_ms_per_request} |"
        )
    load1, load5, _ = os.getloadavg()
    print(
        f"\nLoad average at the end: {load1:.1f} (1 min), {load5:.1f} (5 min) on "
        f"{os.cpu_count()} cores, from every process on the machine."
    )
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "results.jsonl").open("a", encoding="utf-8") as fh:
        for r in results:
            record: dict[str, Any] = {
                "bench": "web-load",
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "archive": args.archive,
                "documents": total,
                "cpus": os.cpu_count(),
                "loadavg": [round(x, 2) for x in os.getloadavg()],
                "workers": args.workers,
                **asdict(r),
            }
            fh.write(json.dumps(record) + "\n")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
