"""Build ``src/despatch/data/frequent-words.txt``: the frequent words of FRUS prose.

Run from the repository root::

    .venv/bin/python scripts/build-frequent-words.py [--top 250] [PATH …]

PATHs are TEI volumes or plain-text documents (default: the bundled real excerpts in
``samples/tei`` and the seed document in ``samples/plaintext``). Every document is read
the way an ingest reads it, its title, body and notes cut into index tokens, and the
``--top`` most frequent tokens are written, one per line, most frequent first. Left out:
the common words (``COMMON_WORDS``, which the local index pairs anyway), tokens with a
digit, one-letter tokens, and tokens found in fewer than ``--min-documents`` documents
(a name repeated through one long document is not a frequent word).

The local index makes a "common gram" of every pair of neighbouring words that are both
common or frequent (``despatch.search.fields.gram_text``), so that a phrase of frequent
words (``"Central Files"``, ``"Department of State"``) is found from its grams instead of
from the positions of every document holding its words. Changing this file changes what
the local index holds: bump ``store/_tantivy.INDEX_VERSION`` with it.

Nothing here runs at install or run time; the output is committed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from despatch.ingest import _parse_chunks, find_sources  # noqa: E402
from despatch.search.fields import COMMON_WORDS  # noqa: E402

OUT = ROOT / "src" / "despatch" / "data" / "frequent-words.txt"
DEFAULT_PATHS = (ROOT / "samples" / "tei", ROOT / "samples" / "plaintext")


def count(paths: list[Path]) -> tuple[Counter[str], Counter[str], int]:
    """Token counts and document frequencies over every document under ``paths``."""
    sources, _skipped, failures = find_sources(paths)
    if failures:
        raise SystemExit("; ".join(str(f) for f in failures))
    tf: Counter[str] = Counter()
    df: Counter[str] = Counter()
    documents = 0
    for source in sources:
        for parsed in _parse_chunks(source, 500, enrich=False):
            for row in parsed.rows:
                documents += 1
                tokens: list[str] = []
                for name in ("title", "body", "notes"):
                    tokens.extend(row.texts.get(name, "").split())
                tf.update(tokens)
                df.update(set(tokens))
    return tf, df, documents


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, default=list(DEFAULT_PATHS))
    ap.add_argument("--top", type=int, default=250)
    ap.add_argument("--min-documents", type=int, default=3)
    args = ap.parse_args(argv)
    tf, df, documents = count(args.paths)
    words = [
        w
        for w, _ in sorted(tf.items(), key=lambda kv: (-kv[1], kv[0]))
        if w not in COMMON_WORDS
        and len(w) > 1
        and not any(c.isdigit() for c in w)
        and df[w] >= args.min_documents
    ][: args.top]
    OUT.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(words)} words from {documents} documents ({sum(tf.values()):,} tokens)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
