"""A/B timings of single SQL and planner choices of the PostgreSQL backend.

    nice -n 10 .venv/bin/python bench/pg_planner_ab.py \\
        [--url postgresql://postgres@127.0.0.1:55450/despatch_bench_100000_s1]

Runs on a database loaded by ``bench/pg_query.py``. Each line times the statement as
``store/_pg_sql.py`` builds it against the same statement without one change (median of
5 runs, ms): date ranges the ``day`` index can use, matches collected before date
order, sequential scans off for queries an index narrows, common grams for phrases, and
the bounded ranking window.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from despatch.search.query import parse_query
from despatch.store import _pg_sql

DEFAULT_URL = "postgresql://postgres@127.0.0.1:55450/despatch_bench_100000_s1"
_MATERIALIZED = "WITH m AS MATERIALIZED (SELECT id, day FROM documents WHERE "
_FROM_M = ") SELECT id, 0.0::float8 AS score, count(*) OVER () FROM m "
_PLAIN = "SELECT id, 0.0::float8 AS score, count(*) OVER () FROM documents WHERE "


def timed(conn: Any, sql: str, params: tuple[object, ...], *, seqscan: bool = True) -> float:
    conn.execute("SET enable_seqscan = " + ("on" if seqscan else "off"))
    ms = []
    for _ in range(5):
        t0 = time.perf_counter()
        conn.execute(sql, params).fetchall()
        ms.append((time.perf_counter() - t0) * 1000)
    conn.execute("RESET enable_seqscan")
    return round(statistics.median(ms), 1)


def hits(query: str) -> tuple[_pg_sql.Compiled, tuple[str, tuple[object, ...]]]:
    c = _pg_sql.compile_query(parse_query(query))
    return c, _pg_sql.hits_sql(c, sort="relevance", limit=10, offset=0, window=1000)


def unmaterialized(sql: str) -> str:
    return sql.replace(_MATERIALIZED, _PLAIN).replace(_FROM_M, " ")


def main(argv: list[str] | None = None) -> int:
    import psycopg

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default=DEFAULT_URL)
    args = ap.parse_args(argv)
    conn = psycopg.connect(args.url, autocommit=True)

    q = "type:telegram date:1952-11-19..1953-01-04"
    _, (sql, p) = hits(q)
    old = unmaterialized(sql).replace(
        "(day IS NOT NULL AND day BETWEEN %s::date AND %s::date)",
        "COALESCE(day BETWEEN %s::date AND %s::date, FALSE)",
    )
    print(
        "date range:", q, "without", timed(conn, old, p), "with", timed(conn, sql, p, seqscan=False)
    )

    q = "year:1958"
    _, (sql, p) = hits(q)
    print(
        "materialised date order:", q,
        "without", timed(conn, unmaterialized(sql), p),
        "with", timed(conn, sql, p, seqscan=False),
    )  # fmt: skip

    for q in ("from", "conf*", "the"):
        c, (sql, p) = hits(q)
        fs, fp = _pg_sql.facets_sql(c)
        print(
            "seqscan on/off:", q,
            "hits", timed(conn, sql, p), "/", timed(conn, sql, p, seqscan=False),
            "facets", timed(conn, fs, fp), "/", timed(conn, fs, fp, seqscan=False),
        )  # fmt: skip

    for q in ('"the had"', '"of the"', '"soviet union"'):
        _, (sql, p) = hits(q)
        no_grams = tuple(
            " & ".join(x for x in v.split(" & ") if "~" not in x)
            if isinstance(v, str) and " & " in v
            else v
            for v in p
        )
        print(
            "common grams:", q,
            "without", timed(conn, sql, no_grams, seqscan=False),
            "with", timed(conn, sql, p, seqscan=False),
        )  # fmt: skip

    for q in ("from", "the", "government"):
        c = _pg_sql.compile_query(parse_query(q))
        bounded = _pg_sql.hits_sql(c, sort="relevance", limit=10, offset=0, window=1000)
        full = _pg_sql.hits_sql(c, sort="relevance", limit=10, offset=0, window=0)
        row = conn.execute(*_pg_sql.count_sql(c)).fetchone()
        print(
            "ranking:", q, row[0] if row else 0, "matches",
            "full", timed(conn, *full, seqscan=False),
            "bounded", timed(conn, *bounded, seqscan=False),
        )  # fmt: skip
    conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
