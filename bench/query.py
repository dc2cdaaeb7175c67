"""Query latency of the local archive, beside raw tantivy on the same queries and index.

    nice -n 10 .venv/bin/python bench/query.py --archive bench/out/archive-tei-100000-s1 \\
        --docs 100000 --seed 1

A fixed mix of 200 queries is generated (seeded) from the corpus the archive was ingested
from (``bench/corpus.py`` with the same ``--docs``/``--seed``): single words of high, middle
and low frequency, AND/OR/NOT, prefixes, two- and three-word phrases taken from the
generated text, and fielded queries (``from:`` ``to:`` ``type:`` ``year:`` ``date:`` ranges
``classification:`` ``precedence:`` ``volume:`` ``person:`` ``place:``) alone or with words.
Every other query asks for facets.

Each query runs through ``Store.search`` (top 10, snippets, facets when asked: what
``despatch search`` does) and, in the same run against the same index, through raw tantivy:
the same compiled tantivy query (``to_tantivy(parse_query(q), expand)`` with the store's
prefix expansion, compiled outside the timing) given straight to
``searcher.search(q, 10, count=True)`` plus, when facets are asked, one
``searcher.aggregate`` of the seven facets (top 50 values each, segments reporting 10,000:
tantivy's plain request, in one thread) — no query parsing, no SQLite, no snippets, no
response models. The store counts the same facets exactly (a second pass where tantivy
reports an error bound; everything − complement for queries matching most of the archive)
and splits large counts over two threads, so its wall time can be below raw's — except
over 100,000 matches, where by default it estimates them from a fixed hash sample of
about 20,000 matches. So each query with facets is also timed through
``Store.search(…, exact_facets=True)`` ("store, exact facets"), and for every query the
store estimated, the warm-up pass compares the estimate with the exact counts (relative
error of each facet's top 10 values, and how many of the top 10 it got right).
One warm-up pass, then ``--passes`` measured passes, each
query timed alone: wall time (``time.perf_counter``) and the process's CPU time
(``time.process_time``, all threads), which shows what a query costs when other programs
compete for the two cores. Prints p50/p95/p99 per class and overall and
appends a JSON line to ``bench/out/results.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import make_volume, plan
from bench.corpus_docs import Doc
from bench.corpus_render import text_document
from bench.measure import machine

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

_TYPES = {
    "telegram-in": "telegram",
    "telegram-out": "telegram",
    "circular": "telegram",
    "memo": "memorandum",
    "memcon": "memorandum-of-conversation",
    "letter": "letter",
    "despatch": "despatch",
    "airgram": "airgram",
    "editorial": "editorial-note",
}
_WORD = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix."""

    text: str
    kind: str
    facets: bool


def _sample_text(docs: int, seed: int, sample: int) -> tuple[list[list[str]], list[Doc]]:
    """Sentences (as word lists) and documents from volumes spread over the corpus."""
    specs = plan(docs, seed)
    rng = random.Random(f"sample:{seed}:{docs}")
    chosen = sorted(rng.sample(specs, min(6, len(specs))), key=lambda s: s.index)
    sentences: list[list[str]] = []
    records: list[Doc] = []
    per_volume = max(1, sample // len(chosen))
    for spec in chosen:
        _vol, vol_docs = make_volume(spec, seed)
        step = max(1, len(vol_docs) // per_volume)
        for doc in vol_docs[::step]:
            records.append(doc)
            for sent in re.split(r"[.?!;:,\n]", text_document(doc)):
                words = sent.split()
                if len(words) >= 3:
                    sentences.append(words)
    return sentences, records


def make_queries(docs: int, seed: int, n: int = 200) -> list[BenchQuery]:
    """The fixed, seeded mix of ``n`` queries (its classes keep their shares for any n)."""
    rng = random.Random(f"queries:{seed}:{docs}")
    sentences, records = _sample_text(docs, seed, 400)
    counts: Counter[str] = Counter()
    for sent in sentences:
        counts.update(w for w in (x.lower().strip('“”’"()[]') for x in sent) if _WORD.fullmatch(w))
    ranked = [w for w, _ in counts.most_common()]
    common, mid, rare = ranked[:60], ranked[200:2000], [w for w in ranked if counts[w] == 1]
    specs = plan(docs, seed)
    surnames = sorted(
        {
            seg[2]
            for r in records
            for p in r.paras
            for seg in p
            if type(seg) is tuple and seg[0] == "P" and seg[1]
        }
    )

    def word(pool: list[str]) -> str:
        return rng.choice(pool)

    def phrase(k: int) -> str:
        while True:
            sent = rng.choice(sentences)
            if len(sent) < k:
                continue
            i = rng.randrange(len(sent) - k + 1)
            words = [w.strip('“”’"()[]') for w in sent[i : i + k]]
            if all(_WORD.fullmatch(w.lower()) for w in words):
                return '"' + " ".join(words) + '"'

    def record(kinds: tuple[str, ...] = ()) -> Doc:
        pool = [r for r in records if r.place and (not kinds or r.kind in kinds)]
        return rng.choice(pool or records)

    def city(r: Doc) -> str:
        place = (r.place or "Washington").split(", ")[-1]
        return f'"{place}"' if " " in place else place

    def around(r: Doc) -> str:
        lo = r.date - dt.timedelta(days=rng.randint(0, 60))
        hi = r.date + dt.timedelta(days=rng.randint(0, 60))
        return f"date:{lo.isoformat()}..{hi.isoformat()}"

    def typ(r: Doc) -> str:
        return _TYPES.get(r.kind, "telegram")

    incoming = ("telegram-in", "despatch", "airgram")

    def fielded() -> str:
        r = record()
        form = rng.randrange(6)
        if form == 0:
            return f"from:{city(record(incoming))}"
        if form == 1:
            return f"type:{typ(r)} year:{r.date.year}"
        if form == 2:
            return f'to:"Department of State" year:{r.date.year}'
        if form == 3:
            return f"classification:secret precedence:{rng.choice(('niact', 'priority'))}"
        if form == 4:
            return f"volume:{rng.choice(specs).id}"
        return f"person:{rng.choice(surnames)}"

    def fielded_date() -> str:
        form = rng.randrange(5)
        if form == 0:
            r = record(incoming)
            return f"from:{city(r)} {around(r)}"
        r = record()
        if form == 1:
            return f"{word(mid)} {around(r)}"
        if form == 2:
            return f"type:{typ(r)} {around(r)}"
        if form == 3:
            return f"{phrase(2)} {around(r)}"
        return f"classification:secret {word(common)} {around(r)}"

    def fielded_words() -> str:
        form = rng.randrange(7)
        if form == 0:
            return f"{word(common)} from:{city(record(incoming))}"
        r = record()
        if form == 1:
            return f"{word(common)} type:{typ(r)} year:{r.date.year}"
        if form == 2:
            return f"person:{rng.choice(surnames)} {word(common)}"
        if form == 3:
            return f"{word(mid)} volume:{rng.choice(specs).id}"
        if form == 4:
            return f"place:{city(r)} {word(common)}"
        if form == 5:
            return f"{phrase(2)} type:{typ(r)}"
        return f"{word(mid)} {word(common)} -{word(mid)} year:{r.date.year}"

    makers: list[tuple[str, int, Any]] = [
        ("word-common", 14, lambda: word(common)),
        ("word-mid", 14, lambda: word(mid)),
        ("word-rare", 12, lambda: word(rare or mid)),
        ("and", 12, lambda: f"{word(mid)} {word(mid)}"),
        ("or", 10, lambda: f"{word(mid)} OR {word(rare or mid)}"),
        ("not", 8, lambda: f"{word(mid)} -{word(common)}"),
        ("prefix", 10, lambda: word(mid)[:4] + "*"),
        ("phrase-2", 20, lambda: phrase(2)),
        ("phrase-3", 10, lambda: phrase(3)),
        ("fielded", 16, fielded),
        ("fielded+date", 30, fielded_date),
        ("fielded+words", 44, fielded_words),
    ]
    total = sum(share for _, share, _ in makers)
    queries: list[BenchQuery] = []
    for kind, share, make in makers:
        for _ in range(round(share * n / total)):
            queries.append(BenchQuery(make(), kind, False))
    rng.shuffle(queries)
    queries = queries[:n]
    return [BenchQuery(q.text, q.kind, i % 2 == 1) for i, q in enumerate(queries)]


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50": round(_pct(ms, 50), 3),
        "p95": round(_pct(ms, 95), 3),
        "p99": round(_pct(ms, 99), 3),
        "mean": round(statistics.fmean(ms), 3) if ms else 0.0,
    }


def run(archive: Path, queries: list[BenchQuery], passes: int) -> dict[str, Any]:
    """Time every query through the store and through raw tantivy; latencies in ms."""
    from despatch.search.query import parse_query
    from despatch.store import _tantivy
    from despatch.store.local import LocalStore

    store = LocalStore(archive, create=False)
    index = store._index  # the same index the store searches
    # The store's own compilation (prefixes expanded from the term dictionary, phrases of
    # frequent words as common grams), done before the timing.
    expand = store._expander(index.searcher())
    compiled = [_tantivy.to_tantivy(store._schema, parse_query(q.text), expand) for q in queries]
    agg = _tantivy.facet_aggregation()
    totals: list[int] = []

    def raw(i: int) -> None:
        searcher = index.searcher()
        searcher.search(compiled[i], 10, count=True)
        if queries[i].facets:
            searcher.aggregate(compiled[i], agg)

    # 0: the store as it answers (facets over very large results estimated from a
    # sample), 1: raw tantivy, 2: the store with exact facets (only queries with facets).
    names = ("store", "raw", "store_exact")
    wall: dict[str, dict[int, list[float]]] = {
        n: {i: [] for i in range(len(queries))} for n in names
    }
    cpu_ms: dict[str, dict[int, list[float]]] = {
        n: {i: [] for i in range(len(queries))} for n in names
    }
    estimates: list[dict[str, Any]] = []
    for p in range(passes + 1):  # pass 0 warms the caches and is not counted
        for i, q in enumerate(queries):
            order = [0, 1, 2] if q.facets else [0, 1]
            shift = (i + p) % len(order)
            for which in order[shift:] + order[:shift]:
                c0 = time.process_time()
                t0 = time.perf_counter()
                if which == 1:
                    raw(i)
                else:
                    res = store.search(q.text, limit=10, facets=q.facets, exact_facets=which == 2)
                el = (time.perf_counter() - t0) * 1000
                cpu = (time.process_time() - c0) * 1000
                if p == 0:
                    if which == 0:
                        totals.append(res.total)
                        if res.facets_sample is not None:
                            exact = store.search(q.text, limit=0, facets=True, exact_facets=True)
                            estimates.append(_estimate_error(q.text, res, exact))
                    continue
                wall[names[which]][i].append(el)
                cpu_ms[names[which]][i].append(cpu)
    docs = store._index.searcher().num_docs
    store.close()
    store_ms, raw_ms = wall["store"], wall["raw"]

    def pick(d: dict[int, list[float]], cond: Any) -> list[float]:
        return [v for i, vs in d.items() if cond(queries[i]) for v in vs]

    out: dict[str, Any] = {"indexed_documents": docs, "classes": {}}
    groups: list[tuple[str, Any]] = [
        ("all", lambda q: True),
        ("with facets", lambda q: q.facets),
        ("without facets", lambda q: not q.facets),
    ]
    groups += [
        (k, (lambda kind: lambda q: q.kind == kind)(k)) for k in sorted({q.kind for q in queries})
    ]
    for name, cond in groups:
        out["classes"][name] = {
            **{n: _summary(pick(wall[n], cond)) for n in names},
            **{f"{n}_cpu": _summary(pick(cpu_ms[n], cond)) for n in names},
        }
    out["matches"] = {
        "median_total": statistics.median(totals) if totals else 0,
        "zero_hit_queries": sum(1 for t in totals if t == 0),
    }
    slow = sorted(range(len(queries)), key=lambda i: -statistics.median(store_ms[i]))[:8]
    out["slowest"] = [
        {
            "query": queries[i].text,
            "facets": queries[i].facets,
            "total": totals[i],
            "store_ms": round(statistics.median(store_ms[i]), 2),
            "raw_ms": round(statistics.median(raw_ms[i]), 2),
            "store_exact_ms": (
                round(statistics.median(wall["store_exact"][i]), 2)
                if wall["store_exact"][i]
                else None
            ),
        }
        for i in slow
    ]
    out["estimated_facets"] = _estimates_summary(estimates)
    return out


def _estimate_error(query: str, got: Any, exact: Any) -> dict[str, Any]:
    """How far estimated facet counts are from the exact ones: over each facet's top 10
    exact values, the relative error of each count (a value the estimate misses counts
    as 100%) and how many of the estimate's top 10 are the exact top 10."""
    errors: list[float] = []
    overlap: list[float] = []
    for name, values in exact.facets.items():
        top = values[:10]
        if not top:
            continue
        have = {v.value: v.count for v in got.facets.get(name, [])}
        errors += [abs(have.get(v.value, 0) - v.count) / v.count for v in top]
        shown = {v.value for v in got.facets.get(name, [])[: len(top)]}
        overlap.append(len(shown & {v.value for v in top}) / len(top))
    return {
        "query": query,
        "total": got.total,
        "sample": got.facets_sample,
        "median_error": statistics.median(errors),
        "max_error": max(errors),
        "top10_overlap": statistics.fmean(overlap),
    }


def _estimates_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"queries": 0}
    return {
        "queries": len(rows),
        "median_sample": statistics.median(r["sample"] for r in rows),
        "median_error": round(statistics.median(r["median_error"] for r in rows), 4),
        "p95_error": round(_pct([r["median_error"] for r in rows], 95), 4),
        "worst_max_error": round(max(r["max_error"] for r in rows), 4),
        "mean_top10_overlap": round(statistics.fmean(r["top10_overlap"] for r in rows), 4),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--archive", type=Path, required=True)
    ap.add_argument("--docs", type=int, required=True, help="--docs the corpus was made with")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--show", action="store_true", help="print the query mix and exit")
    ap.add_argument("--no-facets", action="store_true", help="ask no query for facets")
    args = ap.parse_args(argv)
    queries = make_queries(args.docs, args.seed, args.queries)
    if args.no_facets:
        queries = [BenchQuery(q.text, q.kind, False) for q in queries]
    if args.show:
        for q in queries:
            print(f"{q.kind:14} {'F' if q.facets else ' '} {q.text}")
        return 0
    result = run(args.archive, queries, args.passes)
    result.update(
        {
            "bench": "query",
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "archive": str(args.archive),
            "docs": args.docs,
            "seed": args.seed,
            "queries": len(queries),
            "passes": args.passes,
            "loadavg_end": os.getloadavg(),
        }
    )
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "results.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(result) + "\n")
    print(
        f"{result['indexed_documents']:,} documents indexed; {len(queries)} queries × "
        f"{args.passes} passes; {result['machine']}; load average at the end "
        f"{result['loadavg_end'][0]:.2f}"
    )
    for title, a, b, x in (
        ("wall time", "store", "raw", "store_exact"),
        ("CPU time of the process", "store_cpu", "raw_cpu", "store_exact_cpu"),
    ):
        print(f"\n{title}, ms:")
        print(
            "| class | n | Store.search p50 / p95 / p99 | raw tantivy p50 / p95 / p99 |"
            " ratio p50 / p95 | exact facets p50 / p95 / p99 |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, c in result["classes"].items():
            s, r, e = c[a], c[b], c[x]
            ratio = (
                f"{s['p50'] / r['p50']:.1f}× / {s['p95'] / r['p95']:.1f}×"
                if r["p50"] and r["p95"]
                else "–"
            )
            exact = f"{e['p50']:.2f} / {e['p95']:.2f} / {e['p99']:.2f}" if e["n"] else "–"
            print(
                f"| {name} | {s['n']} | {s['p50']:.2f} / {s['p95']:.2f} / {s['p99']:.2f} | "
                f"{r['p50']:.2f} / {r['p95']:.2f} / {r['p99']:.2f} | {ratio} | {exact} |"
            )
    print(f"\nmatches: {result['matches']}")
    print("slowest (median of passes):")
    for s in result["slowest"]:
        print(
            f"  {s['store_ms']:8.2f} ms (raw {s['raw_ms']:.2f}, exact facets "
            f"{s['store_exact_ms'] or 0:.2f})  {s['total']:>7} hits  "
            f"{'[facets] ' if s['facets'] else ''}{s['query']}"
        )
    est = result["estimated_facets"]
    if est["queries"]:
        print(
            f"estimated facets: {est['queries']} queries, median sample {est['median_sample']:,} "
            f"matches; relative error of the top-10 counts: median {est['median_error']:.2%}, "
            f"p95 {est['p95_error']:.2%}, worst single count {est['worst_max_error']:.2%}; "
            f"top 10 right: {est['mean_top10_overlap']:.1%} on average"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
