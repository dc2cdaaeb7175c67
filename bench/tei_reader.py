"""Benchmark: the TEI reader (TEI → records) beside raw lxml iterparse on the same file.

    .venv/bin/python bench/tei_reader.py                  # 50 MB and 12 MB volumes
    .venv/bin/python bench/tei_reader.py --mb 60 --small-mb 15 --repeat 2 --json out.json

Builds one FRUS-like TEI volume of at least ``--mb`` megabytes with the seeded corpus
generator (``bench/corpus.py``: a 1960s-era volume, the richest encoding, with
``frus:doc-dateTime-min/max``, source notes, persons/terms lists, glossed abbreviations,
page breaks inside and between documents), and a smaller one of ``--small-mb``.
Each measurement runs in a fresh subprocess so its peak RSS (``VmHWM``) is its own:

* ``iterparse``: ``for _, el in lxml.etree.iterparse(path): el.clear(keep_tail=True)``;
* ``reader``: ``list``-free iteration over ``TeiReader().read(path)`` (every record built,
  then dropped), at both sizes, to show that memory does not grow with the file.

Throughput is computed from each subprocess's CPU time (``time.process_time``), which a
busy shared machine disturbs far less than wall time; both are printed. Generated
volumes are cached in ``--out`` (default ``bench/out/``) by size and seed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
_BYTES_PER_DOC_GUESS = 6000


def build_volume(path: Path, megabytes: float, seed: int) -> tuple[int, int]:
    """Write one generated volume of at least ``megabytes`` MB; ``(documents, bytes)``."""
    from bench.corpus import make_volume, plan
    from bench.corpus_render import tei_volume

    target = int(megabytes * 1_000_000)
    spec = next(s for s in plan(3000, seed) if s.era == "modern")
    n_docs = max(50, target // _BYTES_PER_DOC_GUESS)
    while True:
        big = dataclasses.replace(spec, n_docs=n_docs, full=n_docs)
        vol, docs = make_volume(big, seed)
        data = tei_volume(vol, docs).encode("utf-8")
        if len(data) >= target:
            break
        n_docs = int(n_docs * target / len(data) * 1.02) + 10
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return n_docs, len(data)


def build_kind() -> str:
    """Whether the measured code is the mypyc-compiled build or pure Python (setup.py)."""
    from despatch._compiled import COMPILED, compiled_modules

    done = len(compiled_modules())
    return "pure Python" if not done else f"mypyc, {done} of {len(COMPILED)} modules compiled"


def _peak_rss_kb() -> int:
    """This process's peak resident set size in KiB.

    ``VmHWM`` from /proc where there is one: unlike ``ru_maxrss`` it starts afresh at
    ``exec``, so a child does not inherit the (larger) peak of the parent that forked it.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _child(mode: str, path: Path) -> dict[str, float | int]:
    """Run one measurement in this process; print it as JSON."""
    size = path.stat().st_size
    # imports come before the clock: a one-off cost (pydantic builds the model schemas),
    # not throughput
    if mode == "iterparse":
        from lxml import etree
    else:
        from despatch.model import Document
        from despatch.readers.tei import TeiReader
    started = time.perf_counter()
    cpu_started = time.process_time()
    docs = records = 0
    if mode == "iterparse":
        for _event, el in etree.iterparse(str(path), events=("end",)):
            if el.tag == "{http://www.tei-c.org/ns/1.0}div" and el.get("type") == "document":
                docs += 1
            el.clear(keep_tail=True)
    else:
        for rec in TeiReader().read(path):
            records += 1
            if isinstance(rec, Document) and rec.parent is None:
                docs += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    rss_kb = _peak_rss_kb()
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "documents": docs,
        "records": records,
        "bytes": size,
        "docs_per_s": docs / cpu,
        "mb_per_s": size / 1e6 / cpu,
        "peak_rss_mb": rss_kb / 1024,
    }


def _measure(mode: str, path: Path) -> dict[str, float | int]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    result: dict[str, float | int] = json.loads(out.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=50.0, help="size of the large volume (MB)")
    ap.add_argument("--small-mb", type=float, default=12.0, help="size of the small volume")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement (best kept)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child[0], Path(args.child[1]))))
        return 0

    args.out.mkdir(parents=True, exist_ok=True)
    volumes = {}
    for label, mb in (("large", args.mb), ("small", args.small_mb)):
        path = args.out / f"tei-volume-{mb:g}mb-seed{args.seed}.xml"
        if not path.exists():
            t = time.perf_counter()
            n, size = build_volume(path, mb, args.seed)
            print(f"built {path} ({n} documents, {size / 1e6:.1f} MB) in "
                  f"{time.perf_counter() - t:.1f} s", file=sys.stderr)  # fmt: skip
        volumes[label] = path

    def best(mode: str, path: Path) -> dict[str, float | int]:
        runs = [_measure(mode, path) for _ in range(max(1, args.repeat))]
        return min(runs, key=lambda r: r["cpu_seconds"])

    results = {
        "iterparse_large": best("iterparse", volumes["large"]),
        "reader_large": best("reader", volumes["large"]),
        "reader_small": best("reader", volumes["small"]),
        "iterparse_small": best("iterparse", volumes["small"]),
    }
    ratio = results["reader_large"]["mb_per_s"] / results["iterparse_large"]["mb_per_s"]
    rows = [
        ("lxml iterparse (raw)", "large", results["iterparse_large"]),
        ("TeiReader → records", "large", results["reader_large"]),
        ("lxml iterparse (raw)", "small", results["iterparse_small"]),
        ("TeiReader → records", "small", results["reader_small"]),
    ]
    print("| what | file | MB | documents | CPU s | wall s | docs/s | MB/s | peak RSS MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, label, r in rows:
        print(
            f"| {name} | {label} | {r['bytes'] / 1e6:.1f} | {r['documents']:,} | "
            f"{r['cpu_seconds']:.2f} | {r['seconds']:.2f} | {r['docs_per_s']:,.0f} | "
            f"{r['mb_per_s']:.1f} | {r['peak_rss_mb']:.0f} |"
        )
    print(
        f"\nreader throughput = {ratio:.1%} of raw iterparse (MB/s of CPU time, large file); "
        "docs/s and MB/s are per CPU second, robust on a shared machine"
    )
    build = build_kind()
    print(f"despatch build: {build}")
    if args.json:
        args.json.write_text(json.dumps({"ratio": ratio, "build": build, **results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
