"""Generate seeded, reproducible FRUS-like corpora for benchmarks and tests.

    python bench/corpus.py tei  --docs 100000 --out bench/out/tei-100k   [--seed 1] [--workers 2]
    python bench/corpus.py text --docs 100000 --out bench/out/text-100k  [--no-datelines]

``tei`` writes one TEI P5 volume per file (``<volume-id>.xml``, 20–1,915 documents each,
real FRUS volume ids and sizes) in the encodings of ``samples/tei/``; ``text`` writes one
file per document (``<volume-id>/<NNNN>_<hash>.txt``, with a ``despatch.toml`` naming the
volume in each folder) in the history.state.gov copy form of
``samples/plaintext/000_2018aa1b5c0eb2cd.txt``. Volumes are generated in parallel, one
per task; each depends only on (seed, volume index), so output is identical for any
number of workers, and the first N documents of a larger corpus are the corpus of N.

From Python::

    from bench.corpus import generate_documents, generate_volumes
    for name, text in generate_documents(1000, seed=1): ...   # plain-text files
    for volume_id, xml in generate_volumes(1000, seed=1): ...  # TEI volumes
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus_docs import Doc, VolumeData, VolumeMaker, VolumeSpec, plan_volumes
from bench.corpus_prose import Lexicon
from bench.corpus_render import tei_volume, text_document
from bench.corpus_world import load_world

_LEXICONS: dict[int, Lexicon] = {}


def _lexicon(seed: int) -> Lexicon:
    lex = _LEXICONS.get(seed)
    if lex is None:
        lex = _LEXICONS[seed] = Lexicon(seed)
    return lex


def make_volume(spec: VolumeSpec, seed: int) -> tuple[VolumeData, list[Doc]]:
    """The front matter and documents of one planned volume."""
    maker = VolumeMaker(load_world(), _lexicon(seed), seed, spec)
    vol = maker.volume()
    return vol, maker.documents()


def plan(n_docs: int, seed: int = 1) -> list[VolumeSpec]:
    """The volumes a corpus of ``n_docs`` documents is made of."""
    return plan_volumes(load_world(), n_docs, seed)


def text_name(volume_id: str, n: int) -> str:
    """File name of a plain-text document, like the seed's ``000_2018aa1b5c0eb2cd.txt``."""
    digest = hashlib.sha1(f"{volume_id}/d{n}".encode()).hexdigest()[:16]
    return f"{volume_id}/{n:04d}_{digest}.txt"


def generate_volumes(n_docs: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    """Yield ``(volume_id, tei_xml)`` for a corpus of ``n_docs`` documents."""
    for spec in plan(n_docs, seed):
        vol, docs = make_volume(spec, seed)
        yield spec.id, tei_volume(vol, docs)


def generate_documents(
    n_docs: int, seed: int = 1, *, datelines: bool = True
) -> Iterator[tuple[str, str]]:
    """Yield ``(relative_file_name, text)`` for ``n_docs`` plain-text documents."""
    for spec in plan(n_docs, seed):
        _vol, docs = make_volume(spec, seed)
        for doc in docs:
            yield text_name(spec.id, doc.n), text_document(doc, dateline=datelines)


def generate_records(n_docs: int, seed: int = 1) -> Iterator[tuple[str, Doc]]:
    """Yield ``(volume_id, Doc)``: the generated facts, for tests and query mixes."""
    for spec in plan(n_docs, seed):
        _vol, docs = make_volume(spec, seed)
        for doc in docs:
            yield spec.id, doc


def _write_volume(task: tuple[str, VolumeSpec, int, str, bool]) -> tuple[int, int]:
    fmt, spec, seed, out, datelines = task
    vol, docs = make_volume(spec, seed)
    root = Path(out)
    if fmt == "tei":
        data = tei_volume(vol, docs).encode("utf-8")
        (root / f"{spec.id}.xml").write_bytes(data)
        return len(docs), len(data)
    folder = root / spec.id
    folder.mkdir(parents=True, exist_ok=True)
    # Copies from history.state.gov do not name their volume; `despatch ingest` reads it
    # from a despatch.toml beside them.
    (folder / "despatch.toml").write_text(f'volume = "{spec.id}"\n', encoding="utf-8")
    size = 0
    for doc in docs:
        data = text_document(doc, dateline=datelines).encode("utf-8")
        (root / text_name(spec.id, doc.n)).write_bytes(data)
        size += len(data)
    return len(docs), size


def _cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children (the pool's workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def write_corpus(
    fmt: str,
    n_docs: int,
    out: Path,
    *,
    seed: int = 1,
    workers: int | None = None,
    datelines: bool = True,
    progress: bool = False,
) -> dict[str, object]:
    """Write a corpus to ``out``; returns counts, bytes and timing."""
    if fmt not in ("tei", "text"):
        raise ValueError(f"unknown format {fmt!r}: use 'tei' or 'text'")
    out.mkdir(parents=True, exist_ok=True)
    specs = plan(n_docs, seed)
    tasks = [(fmt, s, seed, str(out), datelines) for s in specs]
    workers = workers or min(len(tasks), os.cpu_count() or 1)
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    docs = size = 0
    if workers <= 1:
        results: Iterator[tuple[int, int]] = map(_write_volume, tasks)
        pool = None
    else:
        pool = mp.get_context("fork").Pool(workers)
        results = pool.imap(_write_volume, tasks)
    try:
        for i, (nd, nb) in enumerate(results, 1):
            docs += nd
            size += nb
            if progress and (i % 10 == 0 or i == len(tasks)):
                el = time.perf_counter() - t0
                print(
                    f"\r{i}/{len(tasks)} volumes, {docs:,} documents, {size / 1e6:,.0f} MB, "
                    f"{docs / el:,.0f} docs/s",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if progress:
        print(file=sys.stderr)
    elapsed = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    summary: dict[str, object] = {
        "format": fmt,
        "documents": docs,
        "volumes": len(specs),
        "bytes": size,
        "seed": seed,
        "seconds": round(elapsed, 2),
        "docs_per_s": round(docs / elapsed),
        "workers": workers,
        "cpu_seconds": round(cpu, 2),
        "docs_per_cpu_s": round(docs / cpu) if cpu else None,
        "loadavg": os.getloadavg(),
    }
    (out / "corpus.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("format", choices=("tei", "text"))
    ap.add_argument("--docs", type=int, required=True, help="number of documents")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    ap.add_argument(
        "--no-datelines",
        action="store_true",
        help="text: leave out the dateline line, exactly like the seed copy",
    )
    args = ap.parse_args(argv)
    if args.docs < 1:
        ap.error("--docs must be at least 1")
    summary = write_corpus(
        args.format,
        args.docs,
        args.out,
        seed=args.seed,
        workers=args.workers,
        datelines=not args.no_datelines,
        progress=sys.stderr.isatty(),
    )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
