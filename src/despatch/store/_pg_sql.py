"""Pure functions that turn documents into PostgreSQL rows and queries into SQL.

Nothing here talks to a database, so every translation is testable on its own (the
pattern of sqlite-utils' ``search_sql``). User input only ever travels as parameters:
the SQL text is assembled from fixed fragments, and lexemes reach PostgreSQL inside
``tsquery``/``tsvector`` literals passed as parameters.

The matching semantics are those of ``search.fields`` (the memory backend is the
reference): see ``_pg_schema`` for what each column holds.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from despatch.model import Document
from despatch.search.fields import (
    GRAM_JOIN,
    IndexedFields,
    common_grams,
    fold,
    index_fields,
    tokenize,
)
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
    positive_terms,
)
from despatch.store._pg_schema import SAMPLE_BUCKET

# --- documents → rows -----------------------------------------------------------------

#: tsvector weight of each free-text source (A counts most in ``ts_rank``).
SOURCE_WEIGHTS: dict[str, str] = {
    "title": "A",
    "notes": "B",
    "body": "C",
    "sender": "D",
    "recipient": "D",
}
#: ``ts_rank`` weights for D, C, B, A (PostgreSQL's order), after ``search.fields.WEIGHTS``.
RANK_WEIGHTS = "{0.3, 0.33, 0.5, 1.0}"

# Free-text sources in the order their tokens are numbered: the short ones first, so the
# 16,383 positions a tsvector can hold go to them before a long body uses them up.
_FREE_ORDER = ("title", "sender", "recipient", "notes", "body")
# Where each text field's tokens come from, and the column holding them for phrases.
_FIELD_SOURCE = {"from": "sender", "to": "recipient", "person": "persons", "place": "places"}
_FIELD_COLUMN = {"from": "n_from", "to": "n_to", "person": "n_person", "place": "n_place"}
_MAX_POSITIONS_PER_LEXEME = 16
_TOKEN = re.compile(r"[^\W_]+")  # what search.fields.tokenize keeps
_ALL_SOURCES = (*_FREE_ORDER, "persons", "places")


def quote_lexeme(lexeme: str) -> str:
    """``lexeme`` quoted for a tsvector or tsquery literal."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@functools.cache
def _slots(source_index: int, weight: str, count: int) -> str:
    base = source_index * _MAX_POSITIONS_PER_LEXEME + 1
    return ",".join(f"{base + k}{weight}" for k in range(count))


def _tsvector(
    tokens: Mapping[str, list[str]], sources: Sequence[str], extra: Iterable[str] = ()
) -> str:
    """A tsvector literal: the sources' tokens, weighted, then ``extra`` (quoted) lexemes.

    The positions are not where the words stand: matching needs only the lexemes, and
    phrases are checked against the ``n_*`` text, so positions serve ``ts_rank`` alone,
    which reads just how many a lexeme has and their weights. Each source therefore gets
    its own block of positions, one per occurrence up to ``_MAX_POSITIONS_PER_LEXEME``
    (``ts_rank`` counts the k-th occurrence with weight 1/k², so later ones hardly move a
    score). Counting in C (``Counter``) instead of walking every token in Python makes
    building a row several times faster.
    """
    cap = _MAX_POSITIONS_PER_LEXEME
    merged: dict[str, str] = {}
    # Longest source first, so the big dict is built by one comprehension.
    order = sorted(enumerate(sources), key=lambda item: -len(tokens[item[1]]))
    for index, source in order:
        weight = SOURCE_WEIGHTS[source]
        part = {
            tok: _slots(index, weight, c if c < cap else cap)
            for tok, c in Counter(tokens[source]).items()
        }
        if not merged:
            merged = part
            continue
        for tok, text in part.items():
            old = merged.get(tok)
            merged[tok] = text if old is None else f"{old},{text}"  # PostgreSQL sorts them
    # Tokens are letters and digits only, so they need no escaping inside the quotes.
    parts = [f"'{lex}':{text}" for lex, text in merged.items()]
    parts.extend(extra)
    return " ".join(parts)


def _gram_lexemes(tokens: Mapping[str, list[str]]) -> list[str]:
    """The common grams (``of~war``) of every free-text source, quoted."""
    grams: set[str] = set()
    for source in _FREE_ORDER:
        grams.update(common_grams(tokens[source]))
    return [f"'{gram}'" for gram in sorted(grams)]  # letters, digits and ~: no escaping


def _field_lexemes(fields: IndexedFields, tokens: Mapping[str, list[str]]) -> str:
    """The ``ktsv`` literal: text-field (``from:moscow``) and keyword (``type=telegram``)
    lexemes, kept apart from the big ``tsv`` so that field filters read a small value."""
    lexemes: set[str] = set()
    for name, source in _FIELD_SOURCE.items():
        lexemes.update(f"'{name}:{tok}'" for tok in tokens[source])  # tokens: no escaping
    for name, values in fields.keywords.items():
        lexemes.update(quote_lexeme(f"{name}={value}") for value in values)
    return " ".join(sorted(lexemes))


def phrase_text(tokens: Mapping[str, list[str]], sources: Sequence[str]) -> str:
    """The sources' tokens, space-joined, sources apart (`` | ``), padded with spaces."""
    return " " + " | ".join(" ".join(tokens[s]) for s in sources) + " "


#: The columns ``document_row`` fills, in its order.
DOCUMENT_COLUMNS: tuple[str, ...] = (
    "id",
    "volume",
    "seq",
    "number",
    "title",
    "type",
    "date",
    "day",
    "sender",
    "recipient",
    "facets",
    "content_hash",
    "reader",
    "record",
    "tsv",
    "ktsv",
    "tsv_head",
    "n_all",
    "n_from",
    "n_to",
    "n_person",
    "n_place",
    "n_tokens",
)


def document_row(doc: Document, record_json: str, digest: str) -> tuple[object, ...]:
    """The values of ``DOCUMENT_COLUMNS`` for ``doc`` (``record_json`` is its JSON)."""
    f = index_fields(doc)
    tokens = {source: tokenize(f.text(source)) for source in _ALL_SOURCES}
    n_all = phrase_text(tokens, _FREE_ORDER)
    facets = [f"{name}={value}" for name, values in f.facets().items() for value in values]
    return (
        doc.id,
        doc.volume,
        doc.sequence,
        doc.number,
        doc.title or doc.heading,
        doc.type.value,
        doc.date.value,
        f.date,
        list(f.sender_names),
        list(f.recipient_names),
        facets,
        digest,
        doc.reader,
        record_json,
        _tsvector(tokens, _FREE_ORDER, _gram_lexemes(tokens)),
        _field_lexemes(f, tokens),
        _tsvector(tokens, ("title", "sender", "recipient")),
        n_all,
        phrase_text(tokens, ("sender",)),
        phrase_text(tokens, ("recipient",)),
        phrase_text(tokens, ("persons",)),
        phrase_text(tokens, ("places",)),
        sum(len(t) for t in tokens.values()),
    )


def reference_rows(doc: Document) -> list[tuple[object, ...]]:
    """``doc_references`` rows: (source, ord, target, text, note) for resolved references."""
    return [
        (doc.id, i, ref.target, ref.text, ref.note)
        for i, ref in enumerate(doc.references)
        if ref.target
    ]


# --- queries → SQL --------------------------------------------------------------------


@dataclass(frozen=True)
class _TsQuery:
    """A node expressible as one tsquery on one column (matched by its GIN index at once).

    ``column`` is ``tsv`` (free text) or ``ktsv`` (fields and keywords).
    """

    text: str
    column: str = "tsv"


@dataclass(frozen=True)
class _Sql:
    """A node needing SQL around the tsquery (phrases, dates, a mix)."""

    sql: str
    params: tuple[object, ...] = ()


_Part = _TsQuery | _Sql
_FALSE = _Sql("FALSE")


@dataclass(frozen=True)
class Compiled:
    """A query as a WHERE clause with its parameters, and the tsquery it ranks by."""

    where: str
    params: tuple[object, ...]
    rank: str | None  # None when the query has no free-text terms to rank by
    # True when an index narrows the matches (a positive word, field, phrase or date must
    # hold); False for everything, or for what only excludes ("-type:telegram").
    indexable: bool = False


def _lexeme_prefix(field: str | None) -> str:
    return "" if field is None else f"{field}:"


def _vector(field: str | None) -> str:
    return "tsv" if field is None else "ktsv"


def _phrase(tokens: list[str], field: str | None) -> _Part:
    if not tokens:
        return _FALSE
    pre = _lexeme_prefix(field)
    vector = _vector(field)
    if len(tokens) == 1:
        return _TsQuery(quote_lexeme(pre + tokens[0]), vector)
    column = "n_all" if field is None else _FIELD_COLUMN[field]
    # The GIN index narrows to documents with every word, or, for free text, the common
    # grams of the phrase and its words no gram holds (a common word's posting list is
    # nearly the whole table); the check of the joined tokens makes it a phrase.
    lexemes = [pre + t for t in tokens]
    if field is None and (grams := sorted(common_grams(tokens))):
        if len(tokens) == 2:
            # A gram is made only of two tokens next to each other in one source, as the
            # check finds them (sources apart): the gram is the phrase, and the check,
            # which reads each match's whole text out of TOAST, is not needed.
            return _TsQuery(quote_lexeme(grams[0]), vector)
        held = {word for gram in grams for word in gram.split(GRAM_JOIN)}
        lexemes = [t for t in tokens if t not in held] + grams
    required = " & ".join(quote_lexeme(lex) for lex in dict.fromkeys(lexemes))
    pattern = "% " + " ".join(tokens) + " %"
    return _Sql(f"({vector} @@ %s::tsquery AND {column} LIKE %s)", (required, pattern))


def _leaf(node: Word | Phrase | Prefix) -> _Part:
    field = node.field
    if field in KEYWORD_FIELDS:
        lexeme = quote_lexeme(f"{field}={normalize_keyword(node.text)}")
        return _TsQuery(lexeme + (":*" if isinstance(node, Prefix) else ""), "ktsv")
    if isinstance(node, Prefix):
        # As the reference: the folded text must start a token, so a prefix with anything
        # but letters and digits in it ("Kai-*") starts none.
        stem = fold(node.text)
        if not _TOKEN.fullmatch(stem):
            return _FALSE
        return _TsQuery(quote_lexeme(_lexeme_prefix(field) + stem) + ":*", _vector(field))
    return _phrase(tokenize(node.text), field)


def _as_sql(part: _Part) -> _Sql:
    if isinstance(part, _Sql):
        return part
    return _Sql(f"{part.column} @@ %s::tsquery", (part.text,))


def _combine(kind: Literal["and", "or"], parts: list[_Part]) -> _Part:
    op = " & " if kind == "and" else " | "
    by_column: dict[str, list[str]] = {}
    for p in parts:
        if isinstance(p, _TsQuery):
            by_column.setdefault(p.column, []).append(p.text)
    other = [p for p in parts if isinstance(p, _Sql)]
    merged = [
        _TsQuery(texts[0] if len(texts) == 1 else "(" + op.join(texts) + ")", column)
        for column, texts in sorted(by_column.items(), key=lambda kv: kv[0] != "tsv")
    ]
    if not other and len(merged) == 1:
        only = merged[0]
        return only if only.text.startswith("(") else _TsQuery(f"({only.text})", only.column)
    pieces: list[_Sql] = [_as_sql(m) for m in merged]
    pieces.extend(other)
    joiner = " AND " if kind == "and" else " OR "
    sql = "(" + joiner.join(p.sql for p in pieces) + ")"
    params: tuple[object, ...] = tuple(x for p in pieces for x in p.params)
    return _Sql(sql, params)


def _compile(node: Node) -> _Part:
    if isinstance(node, MatchAll):
        return _Sql("TRUE")
    if isinstance(node, Word | Phrase | Prefix):
        return _leaf(node)
    if isinstance(node, DateRange):
        lo, hi = node.bounds()
        # Undated documents never match a range, and so always match its negation: the
        # IS NOT NULL keeps the test two-valued under NOT while the range stays usable by
        # the index on day.
        if lo is not None and hi is not None:
            return _Sql("(day IS NOT NULL AND day BETWEEN %s::date AND %s::date)", (lo, hi))
        if lo is not None:
            return _Sql("(day IS NOT NULL AND day >= %s::date)", (lo,))
        if hi is not None:
            return _Sql("(day IS NOT NULL AND day <= %s::date)", (hi,))
        return _Sql("(day IS NOT NULL)")
    if isinstance(node, Not):
        inner = _compile(node.operand)
        if isinstance(inner, _TsQuery):
            return _TsQuery(f"!{inner.text}", inner.column)
        return _Sql(f"NOT {inner.sql}", inner.params)
    if isinstance(node, And):
        return _combine("and", [_compile(op) for op in node.operands])
    if isinstance(node, Or):
        return _combine("or", [_compile(op) for op in node.operands])
    raise TypeError(f"not a query node: {node!r}")


def rank_query(query: Node) -> str | None:
    """The tsquery ``ts_rank`` scores by: any of the positive free-text terms."""
    lexemes: list[str] = []
    for term in positive_terms(query):
        if isinstance(term, Prefix):
            stem = fold(term.text)
            if _TOKEN.fullmatch(stem):
                lexemes.append(quote_lexeme(stem) + ":*")
        else:
            lexemes.extend(quote_lexeme(t) for t in tokenize(term.text))
    lexemes = list(dict.fromkeys(lexemes))
    return " | ".join(lexemes) if lexemes else None


def is_indexable(query: Node) -> bool:
    """Whether every match must satisfy some positive, indexed condition."""
    if isinstance(query, Word | Phrase | Prefix | DateRange):
        return True
    if isinstance(query, And):
        return any(is_indexable(op) for op in query.operands)
    if isinstance(query, Or):
        return all(is_indexable(op) for op in query.operands)
    return False  # MatchAll, Not


def compile_query(query: Node) -> Compiled:
    """``query`` as a WHERE clause over ``documents``, with its parameters."""
    part = _as_sql(_compile(query))
    return Compiled(
        where=part.sql,
        params=part.params,
        rank=rank_query(query),
        indexable=is_indexable(query),
    )


# --- the statements search runs -------------------------------------------------------

# As ``_rows.date_sort_key``: by day, undated documents last, then by id.
_DATE_ORDER = "day ASC NULLS LAST, id ASC"


def hits_sql(
    compiled: Compiled,
    *,
    sort: Literal["relevance", "date"],
    limit: int,
    offset: int,
    window: int,
) -> tuple[str, tuple[object, ...]]:
    """The statement giving ``(id, score, total)`` of one page of results.

    ``total`` (every match, counted in the same scan) repeats on each row; a page past
    the end has no rows, and then ``count_sql`` gives the total.

    Relevance with ``window > 0`` ranks a bounded candidate set: every match is ordered
    by a cheap pre-score (``ts_rank`` over the small ``tsv_head`` of title, sender and
    recipient, then the document's length) and only the best ``window`` get the full
    ``ts_rank`` over the whole text; matches past the window follow in pre-score order,
    so paging is consistent. With ``window == 0`` every match is ranked in full (exact,
    but it reads every match's whole tsvector).
    """
    where, params = compiled.where, compiled.params
    total = "count(*) OVER ()"
    if sort == "date" or compiled.rank is None:
        # Materialised first: the total needs every match anyway, and otherwise the planner
        # may walk the whole day index hoping the LIMIT stops it early.
        return (
            f"WITH m AS MATERIALIZED (SELECT id, day FROM documents WHERE {where}) "
            f"SELECT id, 0.0::float8 AS score, {total} FROM m "
            f"ORDER BY {_DATE_ORDER} LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
    rank = compiled.rank
    full_rank = f"ts_rank('{RANK_WEIGHTS}', d.tsv, %s::tsquery)::float8"
    pre_score = f"ts_rank('{RANK_WEIGHTS}', tsv_head, %s::tsquery)"
    pre_order = f"{pre_score} DESC, n_tokens DESC, id ASC"
    if window <= 0:
        return (
            f"SELECT d.id, {full_rank} AS score, {total} FROM documents d WHERE {where} "
            "ORDER BY score DESC, id ASC LIMIT %s OFFSET %s",
            (rank, *params, limit, offset),
        )
    if offset + limit <= window:
        # The matches with their pre-score, kept once: counted, and the best ``window``
        # taken by a top-N sort. (``count(*) OVER ()`` beside the ``ORDER BY`` made
        # PostgreSQL sort every match in full: at 1M documents, ``department``, 895,633
        # matches, 3.8 s against 1.9.)
        return (
            f"WITH matches AS MATERIALIZED (SELECT id, {pre_score} AS pre, n_tokens"
            f" FROM documents WHERE {where}),"
            " candidates AS (SELECT id FROM matches"
            " ORDER BY pre DESC, n_tokens DESC, id ASC LIMIT %s)"
            f" SELECT d.id, {full_rank} AS score, (SELECT count(*) FROM matches) AS total"
            " FROM candidates c JOIN documents d ON d.id = c.id"
            " ORDER BY score DESC, d.id ASC LIMIT %s OFFSET %s",
            (rank, *params, window, rank, limit, offset),
        )
    return (
        f"WITH pre AS (SELECT id, row_number() OVER (ORDER BY {pre_order}) AS pos,"
        f" {total} AS total FROM documents WHERE {where})"
        " SELECT p.id, CASE WHEN p.pos <= %s THEN"
        f" (SELECT {full_rank} FROM documents d WHERE d.id = p.id) ELSE 0.0 END AS score,"
        " p.total FROM pre p ORDER BY p.pos > %s, score DESC,"
        " CASE WHEN p.pos <= %s THEN p.id END, p.pos LIMIT %s OFFSET %s",
        (rank, *params, window, rank, window, window, limit, offset),
    )


def scan_sql(compiled: Compiled, cap: int) -> tuple[str, tuple[object, ...]]:
    """The statement giving up to ``cap`` matches in date order, as result-row columns and
    the total (no ranking, no snippet: for whole-result views)."""
    return (
        f"WITH m AS MATERIALIZED (SELECT id, day FROM documents WHERE {compiled.where}),"
        f" top AS (SELECT id, day, count(*) OVER () AS total FROM m"
        f" ORDER BY {_DATE_ORDER} LIMIT %s)"
        " SELECT d.id, d.title, d.type, d.volume, d.number, d.date, d.sender, d.recipient,"
        " d.record->>'first_page', top.total FROM top JOIN documents d ON d.id = top.id"
        " ORDER BY top.day ASC NULLS LAST, top.id ASC",
        (*compiled.params, cap),
    )


def count_sql(compiled: Compiled) -> tuple[str, tuple[object, ...]]:
    """The statement counting every match."""
    return f"SELECT count(*) FROM documents WHERE {compiled.where}", compiled.params


def facets_sql(compiled: Compiled, *, buckets: int | None = None) -> tuple[str, tuple[object, ...]]:
    """The statement giving ``(name=value, count)`` over every match, or over the matches
    in the first ``buckets`` sampling buckets (``_pg_schema.SAMPLE_BUCKET``)."""
    where, params = compiled.where, compiled.params
    if buckets is not None:
        where, params = f"{where} AND ({SAMPLE_BUCKET}) < %s", (*params, buckets)
    return (
        f"SELECT f, count(*) FROM documents, unnest(facets) AS f WHERE {where} GROUP BY f",
        params,
    )
