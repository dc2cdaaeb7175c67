"""Throughput of the plain-text reader on one core, against a raw re/str.split baseline.

The corpus: every document of the three bundled TEI excerpts (samples/tei/), read with the
TEI reader and rendered into the history.state.gov copy form with
``despatch.export.render_plaintext``, then replicated until it holds at least
``--target-mb`` megabytes (UTF-8). Both measurements run in this one process on the same
bytes:

* reader: ``decode_bytes`` + ``parse_document`` per document (what ``PlainTextReader``
  does after reading the file), building the full record;
* baseline: ``bytes.decode`` + ``str.split("\\n\\n")`` + one ``re.findall`` of the page
  markers per document (the least any reader must do to touch every byte).

Both wall-clock and CPU time (``time.process_time``) are reported: on a shared machine the
wall figure includes time the process waited for a core, so the CPU figure is the
reader's own cost on one core.

Run: ``.venv/bin/python bench/plaintext_reader.py`` (``--target-mb 50`` by default).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from despatch.export import render_plaintext  # noqa: E402
from despatch.model import Document  # noqa: E402
from despatch.readers.plaintext import decode_bytes, parse_document  # noqa: E402
from despatch.readers.tei import TeiReader  # noqa: E402

EXCERPTS = sorted((ROOT / "samples" / "tei").glob("*.xml"))
_PAGE = re.compile(r"\[Page (\w+)\]")


def corpus(target_mb: float) -> tuple[list[bytes], int]:
    """Rendered documents replicated to at least ``target_mb`` MB; and the distinct count."""
    base: list[bytes] = []
    for path in EXCERPTS:
        for record in TeiReader().read(path):
            if isinstance(record, Document):
                base.append(render_plaintext(record).encode("utf-8"))
    size = sum(len(b) for b in base)
    copies = max(1, int(target_mb * 1_000_000 // size) + 1)
    return base * copies, len(base)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def run_reader(docs: list[bytes]) -> tuple[float, float]:
    """Wall and CPU seconds to read every document into a record."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    for data in docs:
        text, warnings = decode_bytes(data)
        parse_document(text, origin=None, volume="bench", warnings=warnings)
    return time.perf_counter() - start, time.process_time() - cpu


def run_baseline(docs: list[bytes]) -> tuple[float, float]:
    """Wall and CPU seconds to decode, split and find page markers in every document."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    for data in docs:
        text = data.decode("utf-8")
        text.split("\n\n")
        _PAGE.findall(text)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--target-mb", type=float, default=50.0)
    args = parser.parse_args()
    t0 = time.perf_counter()
    docs, distinct = corpus(args.target_mb)
    total = sum(len(d) for d in docs)
    print(f"machine: {_cpu()}, Python {platform.python_version()}, {platform.system()}")
    print(
        f"corpus: {len(docs):,} documents ({distinct} distinct, from {len(EXCERPTS)} TEI "
        f"excerpts), {total / 1e6:.1f} MB UTF-8, built in {time.perf_counter() - t0:.1f} s"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average before the run: {load:.2f} on {os.cpu_count()} CPUs")
    base = run_baseline(docs)
    reader = run_reader(docs)
    for name, (wall, cpu) in (("re/str.split baseline", base), ("plain-text reader", reader)):
        print(
            f"{name:>22}: wall {wall:6.2f} s = {len(docs) / wall:8,.0f} docs/s "
            f"{total / wall / 1e6:7.2f} MB/s | CPU {cpu:6.2f} s = {len(docs) / cpu:8,.0f} "
            f"docs/s {total / cpu / 1e6:7.2f} MB/s"
        )
    print(f"reader / baseline CPU time: {reader[1] / base[1]:.0f}x")


if __name__ == "__main__":
    main()
