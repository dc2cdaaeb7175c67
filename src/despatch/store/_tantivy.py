"""The tantivy side of the local archive: schema, index documents, AST → tantivy query,
facet aggregation.

The index is derived data (``store/local.py`` rebuilds it from SQLite). Text is indexed
as ``search.fields.index_text`` gives it (tokens separated by spaces, whitespace
tokenizer), so tantivy sees exactly the words every other backend sees.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import tantivy

from despatch.search.fields import (
    TEXT_SOURCES,
    WEIGHTS,
    IndexedFields,
    fold,
    gram_text,
    index_text,
    phrase_grams,
)
from despatch.search.fields import tokenize as _tokenize
from despatch.search.query import (
    KEYWORD_FIELDS,
    And,
    DateRange,
    MatchAll,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    normalize_keyword,
)
from despatch.store import _rows
from despatch.store._rows import FACET_LIMIT

#: Bumped whenever the index layout changes; a different version means a full rebuild.
#: 2: common-gram fields ``g_<source>``. 3: ``sample``, each document's sampling bucket.
#: 4: grams only of pairs of two ``GRAM_WORDS`` (before: any pair with a common word).
INDEX_VERSION = 4

#: Each document's sampling bucket is a hash of its id (the ``sample`` field, see
#: ``_rows.SAMPLE_BUCKETS``): ``sample_query`` gives the first k of them.
SAMPLE_BUCKETS = _rows.SAMPLE_BUCKETS

TEXT_SOURCE_NAMES: tuple[str, ...] = (
    "title",
    "body",
    "notes",
    "sender",
    "recipient",
    "persons",
    "places",
)
#: The text sources that also get a common-gram field ``g_<source>`` (``gram_text``):
#: the free-text ones, where phrases of frequent words are asked for.
GRAM_SOURCES: tuple[str, ...] = ("title", "body", "notes", "sender", "recipient")
FACET_NAMES: tuple[str, ...] = (
    "type",
    "year",
    "sender",
    "recipient",
    "classification",
    "precedence",
    "volume",
)
UNDATED = 99991231


def build_schema() -> tantivy.Schema:
    """The schema of the local archive's index."""
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("key", stored=True, indexed=True, fast=True)
    for name in TEXT_SOURCE_NAMES:
        sb.add_text_field(f"t_{name}", tokenizer_name="whitespace", index_option="position")
    for name in GRAM_SOURCES:
        sb.add_text_field(f"g_{name}", tokenizer_name="whitespace", index_option="position")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(f"k_{name}", tokenizer_name="raw", index_option="basic")
    for name in FACET_NAMES:
        sb.add_text_field(f"f_{name}", tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("day", indexed=True, fast=True)
    sb.add_integer_field("sortday", fast=True)
    sb.add_unsigned_field("sample", indexed=True)
    return sb.build()


def sample_bucket(doc_id: str) -> int:
    """The document's sampling bucket, ``0 … SAMPLE_BUCKETS - 1`` (a hash of its id)."""
    digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % SAMPLE_BUCKETS


def sample_query(schema: tantivy.Schema, buckets: int) -> tantivy.Query:
    """The documents of the first ``buckets`` sampling buckets (``buckets``/64 of them)."""
    q = tantivy.Query.range_query(
        schema, "sample", tantivy.FieldType.Unsigned, 0, buckets - 1, use_inverted_index=True
    )
    return tantivy.Query.const_score_query(q, 0.0)


def day_number(day: str | None) -> int | None:
    """``1958-09-19`` → ``19580919`` (the integer the index stores dates as)."""
    if day is None:
        return None
    return int(day[:4]) * 10000 + int(day[5:7]) * 100 + int(day[8:10])


def _gram_key(source: str) -> str:
    return f"grams:{source}"


def normalized_texts(fields: IndexedFields) -> dict[str, str]:
    """Each text source as the index takes it, and the gram streams of ``GRAM_SOURCES``
    (``grams:<source>``): the costly part, done where parsing is."""
    texts = {name: index_text(fields.text(name)) for name in TEXT_SOURCE_NAMES}
    for name in GRAM_SOURCES:
        texts[_gram_key(name)] = gram_text(texts[name])
    return texts


def index_document(
    key: int, fields: IndexedFields, texts: Mapping[str, str] | None = None
) -> tantivy.Document:
    """The tantivy document for one record (``key`` is its SQLite row id)."""
    if texts is None:
        texts = normalized_texts(fields)
    doc = tantivy.Document()
    doc.add_unsigned("key", key)
    for name in TEXT_SOURCE_NAMES:
        text = texts.get(name, "")
        if text:
            doc.add_text(f"t_{name}", text)
    for name in GRAM_SOURCES:
        grams = texts.get(_gram_key(name))
        if grams is None:  # texts from before the gram fields: derive them here
            grams = gram_text(texts.get(name, ""))
        if grams:
            doc.add_text(f"g_{name}", grams)
    for name, values in fields.keywords.items():
        for value in values:
            doc.add_text(f"k_{name}", value)
    for name, values in fields.facets().items():
        for value in values:
            doc.add_text(f"f_{name}", value)
    day = day_number(fields.date)
    if day is not None:
        doc.add_integer("day", day)
    doc.add_integer("sortday", day if day is not None else UNDATED)
    doc.add_unsigned("sample", sample_bucket(fields.id))
    return doc


# --- AST → query ----------------------------------------------------------------------

_REGEX_META = set("\\.+*?()|[]{}^$#&-~/\"'<>@=!%,:;` ")


def regex_escape(text: str) -> str:
    """Escape ``text`` for tantivy's (Rust) regex syntax."""
    return "".join("\\" + c if c in _REGEX_META else c for c in text)


def _occur_query(clauses: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query:
    return tantivy.Query.boolean_query(clauses)


#: Up to this many expansions a prefix is a union of term queries, beyond it a term set
#: (measured at 312k documents: ``let*``, 15 terms, 3.4 ms instead of 4.5 ms).
PREFIX_TERMS_AS_BOOLEAN = 64

#: Expands a prefix to the terms of a field that start with it (``Searcher.terms_with_prefix``).
Expander = Callable[[str, str], list[str]]


def _prefix_query(
    schema: tantivy.Schema, field: str, prefix: str, expand: Expander | None
) -> tantivy.Query:
    if expand is None:
        return tantivy.Query.regex_query(schema, field, regex_escape(prefix) + ".*")
    terms = expand(field, prefix)
    if not terms:
        return tantivy.Query.empty_query()
    if len(terms) > PREFIX_TERMS_AS_BOOLEAN:
        return tantivy.Query.term_set_query(schema, field, terms)
    # A few expansions: their postings merged by a boolean union of plain term queries
    # (doc ids only: prefixes are constant-scored) are cheaper than a term set's.
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, tantivy.Query.term_query(schema, field, t, index_option="basic"))
            for t in terms
        ]
    )


def _phrase_query(schema: tantivy.Schema, field: str, words: list[str]) -> tantivy.Query:
    if len(words) == 1:
        return tantivy.Query.term_query(schema, field, words[0])
    phrase: list[str | tuple[int, str]] = list(words)
    return tantivy.Query.phrase_query(schema, field, phrase)


def _text_query(
    schema: tantivy.Schema, node: Word | Phrase | Prefix, expand: Expander | None
) -> tantivy.Query:
    sources = TEXT_SOURCES[node.field]
    per_source: list[tantivy.Query] = []
    if isinstance(node, Prefix):
        stem = fold(node.text)
        for s in sources:
            q = _prefix_query(schema, f"t_{s}", stem, expand)
            per_source.append(tantivy.Query.const_score_query(q, WEIGHTS.get(s, 1.0)))
    else:
        words = _tokenize(node.text)
        grams = phrase_grams(words)
        for s in sources:
            if len(words) == 1:
                q = tantivy.Query.term_query(schema, f"t_{s}", words[0])
            elif grams is not None and s in GRAM_SOURCES:
                # Every pair is a common gram: the grams side by side are the phrase.
                q = _phrase_query(schema, f"g_{s}", grams)
            else:
                q = _phrase_query(schema, f"t_{s}", words)
            weight = WEIGHTS.get(s, 1.0)
            per_source.append(q if weight == 1.0 else tantivy.Query.boost_query(q, weight))
    if len(per_source) == 1:
        return per_source[0]
    return _occur_query([(tantivy.Occur.Should, q) for q in per_source])


def _keyword_query(
    schema: tantivy.Schema, node: Word | Phrase | Prefix, expand: Expander | None
) -> tantivy.Query:
    key = normalize_keyword(node.text)
    field = f"k_{node.field}"
    if isinstance(node, Prefix):
        q = _prefix_query(schema, field, key, expand)
    else:
        q = tantivy.Query.term_query(schema, field, key, index_option="basic")
    return tantivy.Query.const_score_query(q, 0.0)


def _date_query(schema: tantivy.Schema, node: DateRange) -> tantivy.Query:
    lo, hi = node.bounds()
    q = tantivy.Query.range_query(
        schema, "day", tantivy.FieldType.Integer, day_number(lo), day_number(hi)
    )
    return tantivy.Query.const_score_query(q, 0.0)


def to_tantivy(schema: tantivy.Schema, node: Node, expand: Expander | None = None) -> tantivy.Query:
    """The tantivy query for a query-language AST.

    Pure: it needs only the schema. Prefixes become regex queries, unless ``expand``
    (a searcher's term dictionary) lists their terms, which is much cheaper to build.
    """
    if isinstance(node, MatchAll):
        return tantivy.Query.all_query()
    if isinstance(node, Word | Phrase | Prefix):
        if node.field is None or node.field in TEXT_SOURCES:
            return _text_query(schema, node, expand)
        return _keyword_query(schema, node, expand)
    if isinstance(node, DateRange):
        return _date_query(schema, node)
    if isinstance(node, Not):
        return _occur_query(
            [
                (
                    tantivy.Occur.Must,
                    tantivy.Query.const_score_query(tantivy.Query.all_query(), 0.0),
                ),
                (tantivy.Occur.MustNot, to_tantivy(schema, node.operand, expand)),
            ]
        )
    if isinstance(node, And):
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for op in node.operands:
            if isinstance(op, Not):
                clauses.append((tantivy.Occur.MustNot, to_tantivy(schema, op.operand, expand)))
            else:
                clauses.append((tantivy.Occur.Must, to_tantivy(schema, op, expand)))
        if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
            all_docs = tantivy.Query.const_score_query(tantivy.Query.all_query(), 0.0)
            clauses.insert(0, (tantivy.Occur.Must, all_docs))
        return _occur_query(clauses)
    if isinstance(node, Or):
        return _occur_query(
            [(tantivy.Occur.Should, to_tantivy(schema, op, expand)) for op in node.operands]
        )
    raise TypeError(f"not a query node: {node!r}")


def match_bound(searcher: tantivy.Searcher, node: Node, memo: dict[Node, int] | None = None) -> int:
    """An upper bound on the documents ``node`` matches, from term statistics alone.

    Costs a few term-dictionary lookups, not a search: a word or phrase matches at most
    its rarest word's documents in each source, a prefix its expansions' documents, an
    ``AND`` its smallest positive part, an ``OR`` the sum of its parts. What the
    dictionary cannot bound (dates, a lone ``NOT``, everything) is the whole archive.
    ``memo`` keeps each part's bound for later calls on the same query (a prefix's
    expansion costs up to 2 ms).
    """
    everything = int(searcher.num_docs)

    def bound(n: Node) -> int:
        if memo is None:
            return uncached(n)
        if n not in memo:
            memo[n] = uncached(n)
        return memo[n]

    def uncached(n: Node) -> int:
        if isinstance(n, Word | Phrase | Prefix):
            if n.field is None or n.field in TEXT_SOURCES:
                fields = [f"t_{s}" for s in TEXT_SOURCES[n.field]]
                text = fold(n.text) if isinstance(n, Prefix) else n.text
            else:
                fields, text = [f"k_{n.field}"], normalize_keyword(n.text)
            if isinstance(n, Prefix):
                return sum(c for f in fields for _, c in searcher.terms_with_prefix(f, text))
            if fields[0].startswith("k_"):
                return int(searcher.doc_freq(fields[0], text))
            words = _tokenize(text)
            if not words:
                return 0
            grams = phrase_grams(words)
            total = 0
            for f in fields:
                # A phrase of grams is found from the grams: bounded by the rarest of them.
                source = f[2:]
                terms = words if grams is None or source not in GRAM_SOURCES else grams
                field = f if terms is words else f"g_{source}"
                total += min(int(searcher.doc_freq(field, t)) for t in terms)
            return total
        if isinstance(n, And):
            positive = [bound(op) for op in n.operands if not isinstance(op, Not)]
            return min(positive) if positive else everything
        if isinstance(n, Or):
            return sum(bound(op) for op in n.operands)
        return everything  # MatchAll, DateRange, Not

    return min(bound(node), everything)


def match_estimate(
    searcher: tantivy.Searcher, node: Node, memo: dict[Node, int] | None = None
) -> int | None:
    """About how many documents ``node`` matches, from term statistics alone, or
    ``None`` when they cannot tell (``memo``: as for ``match_bound``).

    A close bound (``bound_is_close``) is taken as it is; an
    ``AND`` of such parts as if they were independent: the archive times each part's
    share, as a database planner estimates a conjunction (a ``NOT`` part takes its share
    away). Words that go together make the estimate low, words that avoid each other
    make it high: it steers how facets are counted, never what is counted."""
    everything = int(searcher.num_docs)
    if not everything:
        return 0
    if bound_is_close(node):
        return match_bound(searcher, node, memo)
    if not isinstance(node, And):
        return None
    share = 1.0
    positive = 0
    for op in node.operands:
        inner = op.operand if isinstance(op, Not) else op
        part = match_estimate(searcher, inner, memo)
        if part is None:
            return None
        fraction = min(part, everything) / everything
        if isinstance(op, Not):
            share *= 1.0 - fraction
        else:
            share *= fraction
            positive += 1
    return round(everything * share) if positive else None


def bound_is_close(node: Node) -> bool:
    """Whether ``match_bound`` of ``node`` is near its matches: a word, a prefix, a
    phrase found through one gram (``"Central Files"``), or an ``OR`` of them. An
    ``AND``'s bound (its smallest part) can be many times its matches, as can a phrase's
    (its rarest word, or its rarest gram)."""
    if isinstance(node, Prefix) or (
        isinstance(node, Word | Phrase)
        and node.field is not None
        and node.field not in TEXT_SOURCES
    ):
        return True
    if isinstance(node, Word | Phrase):
        words = _tokenize(node.text)
        return len(words) == 1 or (len(words) == 2 and phrase_grams(words) is not None)
    if isinstance(node, Or):
        return all(bound_is_close(op) for op in node.operands)
    return False


# --- facets ---------------------------------------------------------------------------


#: Buckets asked for when every value's count is needed (complements, the whole archive).
ALL_VALUES = 10_000_000


def facet_aggregation(size: int = FACET_LIMIT, segment_size: int | None = None) -> dict[str, Any]:
    """The aggregation request counting every facet over the matching documents.

    ``size`` values per facet, the most frequent first; ``ALL_VALUES`` for every value.
    Each index segment reports its ``segment_size`` most frequent values (10,000 unless
    given; at least ``size``): a value outside some segment's list is undercounted,
    which tantivy bounds by ``doc_count_error_upper_bound`` (see ``count_facets``).
    """
    per_segment = max(size, segment_size) if segment_size is not None else _segment_size(size)
    return {
        name: {
            "terms": {
                "field": f"f_{name}",
                "size": size,
                "segment_size": per_segment,
                "order": {"_count": "desc"},
            }
        }
        for name in FACET_NAMES
    }


def complement(query: tantivy.Query) -> tantivy.Query:
    """Every document the query does not match."""
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, query)]
    )


def facet_counts(result: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Facet counts from an aggregation result."""
    out: dict[str, dict[str, int]] = {}
    for name in FACET_NAMES:
        buckets = result.get(name, {}).get("buckets", [])
        out[name] = {str(b["key"]): int(b["doc_count"]) for b in buckets}
    return out


def _is_bucket_limit(exc: ValueError) -> bool:
    return "bucket limit" in str(exc)


#: Buckets one aggregation may make: tantivy's ``max_bucket_count`` (65,000), less a margin.
BUCKET_BUDGET = 60_000


def _segment_size(size: int) -> int:
    return max(size, 10_000)


def facet_cost(cardinality: int) -> float:
    """What aggregating a facet costs per document, relatively: a fixed part and one
    that grows with its distinct values (fitted at 1M documents: type, 10 values, 7 ms;
    recipient, 18,814, 22 ms; sender, 44,608, 36 ms over 835,935 matches)."""
    return 8.0 + cardinality / 1500


def facet_groups(
    cardinality: Mapping[str, int] | None, size: int = FACET_LIMIT, parts: int = 1
) -> list[tuple[str, ...]]:
    """The facets packed into aggregations: at least ``parts`` of them, of about equal
    cost (to run side by side), and as few more as tantivy's bucket limit requires.

    Each aggregation evaluates the query again, so for a query matching most of a large
    archive one aggregation per facet costs several times one for all. ``cardinality``
    (distinct values per facet, e.g. the whole archive's) bounds the buckets each facet
    can make and weighs its cost; without it, all facets are asked for at once.
    """
    if cardinality is None:
        return [FACET_NAMES]
    cap = _segment_size(size)
    parts = max(1, min(parts, len(FACET_NAMES)))
    groups: list[list[str]] = [[] for _ in range(parts)]
    buckets = [0] * parts
    costs = [0.0] * parts

    def card(name: str) -> int:
        return cardinality.get(name, 0)

    # Longest first, each to the cheapest group it fits in (bucket limit), else a new one.
    for name in sorted(FACET_NAMES, key=lambda n: -facet_cost(card(n))):
        load = min(card(name), cap)
        fitting = [i for i in range(len(groups)) if buckets[i] + load <= BUCKET_BUDGET]
        if fitting:
            i = min(fitting, key=costs.__getitem__)
        else:
            groups.append([])
            buckets.append(0)
            costs.append(0.0)
            i = len(groups) - 1
        groups[i].append(name)
        buckets[i] += load
        costs[i] += facet_cost(card(name))
    order = {name: i for i, name in enumerate(FACET_NAMES)}
    return [tuple(sorted(g, key=order.__getitem__)) for g in groups if g]


#: Runs independent tasks and returns their results in order (side by side or not).
Runner = Callable[[list[Callable[[], Any]]], list[Any]]


def run_in_turn(tasks: list[Callable[[], Any]]) -> list[Any]:
    """The ``Runner`` that runs the tasks one after the other, in this thread."""
    return [task() for task in tasks]


#: Values each segment reports when facets are estimated from a sample: the estimate's
#: own error dwarfs a segment's undercount, and each reported value costs a term lookup
#: per segment (at 1M documents, 15 segments: 50 values 4.4 ms for all facets of a 16k
#: sample, 200 values 7.8 ms, with the same top-10 errors except volume's, 9.7 → 9.9%).
SAMPLE_SEGMENT_SIZE = 50

#: Values each segment reports in the first, fast pass of a top-values count (a full
#: 10,000 made the 44,608-value sender facet cost 18 ms instead of 6 at 312k documents).
FAST_SEGMENT_SIZE = 1_000

#: The same for a query known to match few documents (``match_bound``): each segment's
#: list is then whole, so the first pass is exact and no second one is needed (at 1M
#: documents, 20k–65k matches: 11–17 ms for all facets, the same as with 1,000 values,
#: where the sender facet's error bound of 1 cost a second pass of 8–10 ms).
FEW_MATCHES_SEGMENT_SIZE = 10_000


def try_aggregate(
    searcher: tantivy.Searcher, query: tantivy.Query, request: dict[str, Any]
) -> dict[str, Any] | None:
    """``searcher.aggregate``; ``None`` when tantivy refuses the request as too wide."""
    try:
        result = searcher.aggregate(query, request)
    except ValueError as exc:
        if not _is_bucket_limit(exc):
            raise
        return None
    return dict(result)


#: For a facet, values to count in full and a bound on the count of any other value
#: (e.g. the whole archive's most frequent values, and the next one's archive count).
Hints = Mapping[str, tuple[Sequence[str], int]]


def _include(name: str, keys: Sequence[str]) -> dict[str, Any]:
    """A terms request counting exactly the given values of a facet, in full."""
    return {
        "terms": {
            "field": f"f_{name}",
            "size": len(keys),
            "segment_size": len(keys),
            "include": list(keys),
        }
    }


def _aggregate(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    names: tuple[str, ...],
    size: int,
    hints: Hints | None = None,
    segment_size: int | None = None,
) -> tuple[dict[str, dict[str, int]], bool] | None:
    """Counts of ``names`` — every value (``size`` ≥ the values) or the ``size`` most
    frequent — and whether they are exact; ``None`` when tantivy refuses the
    aggregation as too wide.

    Every value: one aggregation whose segments report every value, exact by itself.
    The most frequent: a fast pass whose segments report their top ``segment_size``
    values (``FAST_SEGMENT_SIZE`` unless given), asking for ``2 × size + 1`` values. A
    facet whose error bound is 0 is exact (no segment left a value out). Otherwise its
    ``2 × size`` candidates are counted again exactly (``include``: only they are
    counted, in full); the true top ``size`` are among them when the ``size``-th exact
    count is above what any value left out can have — the next value's partial count
    plus the error bound. Failing that, the facet's every value is counted (slow,
    exact), or if tantivy refuses that, the fast pass's counts are kept and marked
    inexact. (The shown values are the top ``size`` of what is returned: callers take
    them with ``facet_values``.)

    A facet with ``hints`` is counted in one pass instead: its hinted values in full
    (``include``); they hold the true top ``size`` when the ``size``-th count is above
    the bound any other value's count is under. Failing that, the facet is counted as
    above. When every value is asked for, a hinted facet's counts are those of its
    hinted values only (the caller knows which).
    """
    if size > FACET_LIMIT:
        every = facet_aggregation(size)
        request = {n: _include(n, hints[n][0]) if hints and n in hints else every[n] for n in names}
        result = try_aggregate(searcher, query, request)
        if result is None:
            return None
        counts = facet_counts(result)
        return {name: counts[name] for name in names}, True
    wanted = 2 * size
    fast = facet_aggregation(wanted + 1, segment_size or FAST_SEGMENT_SIZE)
    hinted = {n: hints[n] for n in names if hints and n in hints and hints[n][0]}
    request = {n: _include(n, hinted[n][0]) if n in hinted else fast[n] for n in names}
    result = try_aggregate(searcher, query, request)
    if result is None:
        return None
    out: dict[str, dict[str, int]] = {}
    check: dict[str, tuple[list[str], int]] = {}
    retry: list[str] = []
    for name in names:
        part = result.get(name, {})
        buckets = [(str(b["key"]), int(b["doc_count"])) for b in part.get("buckets", [])]
        if name in hinted:
            ranked = sorted((c for _, c in buckets), reverse=True)
            bound = hinted[name][1]
            if (ranked[size - 1] if len(ranked) >= size else 0) > bound or bound == 0:
                out[name] = dict(buckets)
            else:
                retry.append(name)
            continue
        error = int(part.get("doc_count_error_upper_bound") or 0)
        out[name] = dict(buckets[:size])
        if error > 0:
            beyond = buckets[wanted][1] if len(buckets) > wanted else 0
            check[name] = ([key for key, _ in buckets[:wanted]], beyond + error)
    exact = True
    if retry:
        rest = _aggregate(searcher, query, tuple(retry), size, segment_size=segment_size)
        if rest is None:
            return None
        out.update(rest[0])
        exact = rest[1]
    if not check:
        return out, exact
    again = {name: _include(name, keys) for name, (keys, _) in check.items() if keys}
    recount = facet_counts(try_aggregate(searcher, query, again) or {}) if again else {}
    for name, (keys, ceiling) in check.items():
        found = recount.get(name, {})
        ranked = sorted(found.values(), reverse=True)
        # (With an error bound some segment had more values than it reported, so there
        # are ``wanted`` ≥ ``size`` candidates; fewer would leave values out unseen.)
        if len(found) == len(keys) >= size and ranked[size - 1] > ceiling:
            out[name] = found
            continue
        result = try_aggregate(searcher, query, {name: facet_aggregation(size, ALL_VALUES)[name]})
        if result is None:
            exact = False  # keep the fast pass's counts
        else:
            out[name] = facet_counts(result)[name]
    return out, exact


def count_facets(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    size: int = FACET_LIMIT,
    cardinality: Mapping[str, int] | None = None,
    *,
    parts: int = 1,
    run: Runner = run_in_turn,
    hints: Hints | None = None,
    segment_size: int | None = None,
) -> tuple[dict[str, dict[str, int]], bool]:
    """Facet counts of ``query``'s matches, and whether every count is complete.

    tantivy refuses an aggregation that would make more than 65,000 buckets in all
    (its ``max_bucket_count``), which a large archive's senders and recipients reach
    when every value is asked for. The facets are asked for in the groups
    ``facet_groups`` packs under that limit (at least ``parts`` of them, given to ``run``
    together: tantivy releases the GIL while it aggregates, so a thread pool runs them on
    several cores); a group tantivy still refuses is counted facet by facet, and a facet
    that alone has too many values is counted by its most frequent ``FACET_LIMIT`` values
    only; such counts are marked incomplete (``False``), so callers must not subtract
    them from one another. ``segment_size``: see ``_aggregate``.
    """
    groups = facet_groups(cardinality, size, parts)
    results = run(
        [
            functools.partial(_aggregate, searcher, query, g, size, hints, segment_size)
            for g in groups
        ]
    )
    out: dict[str, dict[str, int]] = {}
    exact = True
    for group, result in zip(groups, results, strict=True):
        if result is not None:
            out.update(result[0])
            exact = exact and result[1]
            continue
        for name in group:
            single = _aggregate(searcher, query, (name,), size) if len(group) > 1 else None
            if single is None and size > FACET_LIMIT:
                exact = False
                single = _aggregate(searcher, query, (name,), FACET_LIMIT)
            elif single is None:
                exact = False
            if single is not None:
                out[name] = single[0][name]
                exact = exact and single[1]
    return {name: out.get(name, {}) for name in FACET_NAMES}, exact


__all__ = [
    "ALL_VALUES",
    "BUCKET_BUDGET",
    "FAST_SEGMENT_SIZE",
    "FEW_MATCHES_SEGMENT_SIZE",
    "GRAM_SOURCES",
    "INDEX_VERSION",
    "SAMPLE_BUCKETS",
    "SAMPLE_SEGMENT_SIZE",
    "Hints",
    "Runner",
    "bound_is_close",
    "build_schema",
    "complement",
    "count_facets",
    "day_number",
    "facet_aggregation",
    "facet_cost",
    "facet_counts",
    "facet_groups",
    "index_document",
    "match_bound",
    "match_estimate",
    "normalized_texts",
    "regex_escape",
    "run_in_turn",
    "sample_bucket",
    "sample_query",
    "to_tantivy",
    "try_aggregate",
]
