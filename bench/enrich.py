"""Enrichment cost per document: entities + references (+ resolution), on one core.

    .venv/bin/python bench/enrich.py [--generated 2000] [--repeat 5]

Measures, in one process:

* the one-off start-up: reading the bundled authority tables and building the global
  matcher (paid once per ingest worker);
* per document, ``despatch.enrich.enrich_document`` with an in-memory lookup over the
  same documents, on (a) the seed, (b) every document of the three real TEI excerpts in
  ``samples/tei`` and (c) ``--generated`` plain-text documents from ``bench/corpus.py``
  read by the plain-text reader (parse time excluded);
* the same on ``str.split`` of the same texts as a floor for "touching every word".

Times are CPU time of this process (``time.process_time``), so that other programs on a
shared machine do not inflate them; each figure is the best of ``--repeat`` passes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from despatch.enrich import DocumentIndex, enrich_document
from despatch.enrich.authority import load_authority
from despatch.enrich.entities import global_lexicon
from despatch.errors import DespatchError
from despatch.model import Document, Volume
from despatch.readers import read_path
from despatch.readers.plaintext import PlainTextReader

ROOT = Path(__file__).resolve().parent.parent


def _tei_documents() -> list[tuple[Document, Volume | None]]:
    out: list[tuple[Document, Volume | None]] = []
    for path in sorted((ROOT / "samples" / "tei").glob("*.xml")):
        records = list(read_path(path))
        vol = next((r for r in records if isinstance(r, Volume)), None)
        out += [(r, vol) for r in records if isinstance(r, Document)]
    return out


def _generated(n: int) -> list[tuple[Document, Volume | None]]:
    from bench.corpus import generate_documents

    reader = PlainTextReader()
    out: list[tuple[Document, Volume | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, text) in enumerate(generate_documents(n, seed=1)):
            path = Path(tmp) / f"{i}.txt"
            path.write_text(text, encoding="utf-8")
            volume = name.split("/")[0] if "/" in name else None
            try:
                out += [
                    (r, None) for r in reader.read(path, volume=volume) if isinstance(r, Document)
                ]
            except DespatchError:  # a benchmark skips what the reader refuses
                continue
    return out


def _time(docs: list[tuple[Document, Volume | None]], repeat: int) -> tuple[float, float]:
    """Best mean ms/doc over ``repeat`` passes, and the median doc in the best pass."""
    index = DocumentIndex(d for d, _ in docs)
    best, best_median = float("inf"), 0.0
    for _ in range(repeat):
        per: list[float] = []
        for doc, vol in docs:
            t = time.process_time()
            enrich_document(doc, volume=vol, lookup=index)
            per.append(time.process_time() - t)
        mean = sum(per) / len(per)
        if mean < best:
            best, best_median = mean, statistics.median(per)
    return best * 1000, best_median * 1000


def _split_floor(docs: list[tuple[Document, Volume | None]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        for doc, _ in docs:
            doc.text.split()
            for n in doc.notes:
                n.text.split()
        best = min(best, (time.process_time() - t) / len(docs))
    return best * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--generated", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    t = time.process_time()
    auth = load_authority()
    t_load = time.process_time() - t
    t = time.process_time()
    global_lexicon(auth)
    t_build = time.process_time() - t
    print(f"start-up: tables {t_load * 1000:.0f} ms, global matcher {t_build * 1000:.0f} ms "
          f"(once per process)")  # fmt: skip
    global_lexicon()  # the default tables, used below

    from tests.enrich.seed import seed_document

    sets = {
        "seed (d110, 22 kB)": [(seed_document(), None)],
        "TEI excerpts (all records of the 3 real volumes)": _tei_documents(),
    }
    if args.generated:
        sets[f"generated plain text ({args.generated})"] = _generated(args.generated)
    for name, docs in sets.items():
        chars = sum(len(d.text) + sum(len(n.text) for n in d.notes) for d, _ in docs) / len(docs)
        mean, median = _time(docs, args.repeat)
        floor = _split_floor(docs, args.repeat)
        print(
            f"{name}: {len(docs)} docs, {chars / 1000:.1f} kB text+notes avg; "
            f"enrich {mean:.3f} ms/doc mean, {median:.3f} ms median "
            f"({1000 / mean:,.0f} docs/s on one core); str.split floor {floor:.3f} ms/doc"
        )


if __name__ == "__main__":
    main()
