"""Server-side SVG charts: the year histogram, the monthly timeline, the correspondence network.

Each chart is plain SVG built from escaped strings, with every bar or edge a link that
narrows the search, so the charts work without JavaScript and without any chart library.
"""

from __future__ import annotations

import calendar
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from despatch.store.base import FacetValue, SearchHit
from despatch.web.markup import quote_value, search_url


def add_term(query: str, term: str) -> str:
    """``query`` with ``term`` appended (once)."""
    q = query.strip()
    if term in q.split():
        return q
    return f"{q} {term}".strip()


def _bar_chart(
    bars: Sequence[tuple[str, int, str, str]],
    *,
    title: str,
    label_every: int = 1,
    width: int = 720,
    height: int = 140,
    css_class: str = "chart",
) -> Markup:
    """Bars of (label, count, href, tooltip) as an accessible SVG."""
    if not bars:
        return Markup("")
    top = max(c for _, c, _, _ in bars) or 1
    pad_l, pad_b, pad_t = 34, 22, 8
    plot_h = height - pad_b - pad_t
    # Few bars stay slim instead of filling the width.
    bw = min((width - pad_l - 18) / len(bars), 48.0)  # room for the last label
    out = [
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{pad_l + bw * len(bars):.1f}" '
        f'y2="{pad_t + plot_h}" '
        'class="axis"/>',
        f'<text x="{pad_l - 4}" y="{pad_t + 8}" class="tick" text-anchor="end">{top:,}</text>',
        f'<text x="{pad_l - 4}" y="{pad_t + plot_h}" class="tick" text-anchor="end">0</text>',
    ]
    for i, (label, count, href, tip) in enumerate(bars):
        x = pad_l + i * bw
        h = 0 if count == 0 else max(2.0, plot_h * count / top)
        y = pad_t + plot_h - h
        inner = max(bw - 1.5, 1.0)
        out.append(
            f'<a href="{escape(href)}" class="bar-link" data-label="{escape(label)}">'
            f"<title>{escape(tip)}</title>"
            f'<rect class="hit" x="{x:.1f}" y="{pad_t}" width="{bw:.1f}" height="{plot_h}"/>'
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{inner:.1f}" height="{h:.1f}"/>'
            "</a>"
        )
        if i % label_every == 0:
            out.append(
                f'<text x="{x + bw / 2:.1f}" y="{height - 6}" class="tick" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))


def year_histogram(query: str, years: Iterable[FacetValue], *, sort: str = "relevance") -> Markup:
    """Matches per year (from the ``year`` facet); each bar filters to that year."""
    counts: dict[int, int] = {}
    for fv in years:
        try:
            counts[int(fv.value[:4])] = counts.get(int(fv.value[:4]), 0) + fv.count
        except ValueError:
            continue
    if not counts:
        return Markup("")
    lo, hi = min(counts), max(counts)
    span = sorted(counts) if hi - lo > 300 else list(range(lo, hi + 1))
    bars = [
        (
            str(y),
            counts.get(y, 0),
            search_url(add_term(query, f"year:{y}"), sort=sort),
            f"{y}: {counts.get(y, 0):,} documents",
        )
        for y in span
    ]
    every = max(1, math.ceil(len(bars) / 12))
    return _bar_chart(
        bars,
        title="Matching documents per year",
        label_every=every,
        height=110,
        css_class="chart histogram",
    )


def month_counts(hits: Iterable[SearchHit]) -> tuple[Counter[str], int]:
    """Documents per ``YYYY-MM``, and how many had no usable date."""
    counts: Counter[str] = Counter()
    undated = 0
    for h in hits:
        if h.date and len(h.date) >= 7 and h.date[4] == "-":
            counts[h.date[:7]] += 1
        else:
            undated += 1
    return counts, undated


def _months_between(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    ly, lm = int(last[:4]), int(last[5:7])
    out: list[str] = []
    while (y, m) <= (ly, lm) and len(out) < 2400:
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def timeline_unit(counts: Counter[str]) -> str:
    """``month``, or ``year`` when the span is too long for monthly bars."""
    if not counts:
        return "month"
    return "year" if len(_months_between(min(counts), max(counts))) > 360 else "month"


def timeline(query: str, counts: Counter[str]) -> Markup:
    """Documents per month for a query; each bar searches that month."""
    if not counts:
        return Markup("")
    first, last = min(counts), max(counts)
    if first[:4] == last[:4] or len(_months_between(first, last)) < 12:
        first, last = first[:4] + "-01", last[:4] + "-12"  # show the whole year around
    months = _months_between(first, last)
    if len(months) > 360:
        return _year_bars(query, counts)
    bars = []
    for ym in months:
        y, m = int(ym[:4]), int(ym[5:7])
        days = calendar.monthrange(y, m)[1]
        rng = f"date:{ym}-01..{ym}-{days:02d}"
        label = ym if len(months) <= 24 else str(y)
        bars.append(
            (
                label,
                counts.get(ym, 0),
                search_url(add_term(query, rng), sort="date"),
                f"{calendar.month_name[m]} {y}: {counts.get(ym, 0):,} documents",
            )
        )
    if len(months) <= 24:
        every = max(1, math.ceil(len(months) / 8))
    else:
        # Label each January (or every few Januaries on long spans).
        years = len(months) / 12
        every = 12 * max(1, math.ceil(years / 10))
        offset = (13 - int(months[0][5:7])) % 12
        bars = [
            (str(int(ym[:4])) if (i - offset) % every == 0 and i >= offset else "", c, h, t)
            for i, ((_, c, h, t), ym) in enumerate(zip(bars, months, strict=True))
        ]
        every = 1
    return _bar_chart(bars, title="Documents per month", label_every=every, height=200)


def _year_bars(query: str, counts: Counter[str]) -> Markup:
    years: Counter[int] = Counter()
    for ym, c in counts.items():
        years[int(ym[:4])] += c
    span = range(min(years), max(years) + 1)
    bars = [
        (
            str(y),
            years.get(y, 0),
            search_url(add_term(query, f"year:{y}"), sort="date"),
            f"{y}: {years.get(y, 0):,} documents",
        )
        for y in span
    ]
    every = max(1, math.ceil(len(bars) / 12))
    return _bar_chart(
        bars,
        title="Documents per year (the span is too long for months)",
        label_every=every,
        height=200,
    )


@dataclass(frozen=True)
class Edge:
    """Documents from ``sender`` to ``recipient``."""

    sender: str
    recipient: str
    count: int

    @property
    def href(self) -> str:
        """A search for these documents."""
        return search_url(
            f"from:{quote_value(self.sender)} to:{quote_value(self.recipient)}", sort="date"
        )


def edges(hits: Iterable[SearchHit]) -> list[Edge]:
    """Who wrote to whom, weighted by the number of documents, heaviest first."""
    pairs: Counter[tuple[str, str]] = Counter()
    for h in hits:
        for s in h.sender or []:
            for r in h.recipient or []:
                if s and r:
                    pairs[(s, r)] += 1
    return [Edge(s, r, c) for (s, r), c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))]


def network(all_edges: Sequence[Edge], *, max_nodes: int = 18) -> Markup:
    """The correspondence network as a circle of parties with weighted, directed edges."""
    if not all_edges:
        return Markup("")
    weight: Counter[str] = Counter()
    for e in all_edges:
        weight[e.sender] += e.count
        weight[e.recipient] += e.count
    nodes = [n for n, _ in weight.most_common(max_nodes)]
    keep = set(nodes)
    shown = [e for e in all_edges if e.sender in keep and e.recipient in keep]
    width, height = 980, 620
    cx, cy = width / 2, height / 2
    radius = height / 2 - 60
    pos: dict[str, tuple[float, float]] = {}
    for i, n in enumerate(nodes):
        a = 2 * math.pi * i / len(nodes) - math.pi / 2
        pos[n] = (cx + radius * math.cos(a), cy + radius * math.sin(a))
    top = max(e.count for e in shown) if shown else 1
    out = [
        f'<svg class="chart network" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="Correspondence network: who wrote to whom">',
        "<title>Correspondence network</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead"/></marker></defs>',
    ]
    for e in shown:
        (x1, y1), (x2, y2) = pos[e.sender], pos[e.recipient]
        if e.sender == e.recipient:
            continue
        # Curve each edge a little so A→B and B→A do not overlap.
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1
        bend = 0.12 * dist
        qx, qy = mx - dy / dist * bend, my + dx / dist * bend
        # Stop short of the node circle.
        ex, ey = x2 - dx / dist * 9, y2 - dy / dist * 9
        w = 1 + 7 * e.count / top
        tip = f"{e.sender} → {e.recipient}: {e.count:,} documents"
        out.append(
            f'<a href="{escape(e.href)}"><title>{escape(tip)}</title>'
            f'<path class="edge" d="M{x1:.1f},{y1:.1f} Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}" '
            f'stroke-width="{w:.1f}" marker-end="url(#arrow)"/></a>'
        )
    for n in nodes:
        x, y = pos[n]
        anchor = "start" if x > cx + 1 else ("end" if x < cx - 1 else "middle")
        lx = x + (12 if anchor == "start" else -12 if anchor == "end" else 0)
        ly = y + (4 if anchor != "middle" else (-12 if y < cy else 20))
        label = n if len(n) <= 34 else n[:32] + "…"
        href = search_url(f"from:{quote_value(n)} OR to:{quote_value(n)}", sort="date")
        r = 4 + min(8.0, math.sqrt(weight[n]))
        out.append(
            f'<a href="{escape(href)}"><title>{escape(n)}: {weight[n]:,} documents</title>'
            f'<circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
            f'<text class="node-label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">'
            f"{escape(label)}</text></a>"
        )
    out.append("</svg>")
    return Markup("".join(out))


__all__ = [
    "Edge",
    "add_term",
    "edges",
    "month_counts",
    "network",
    "timeline",
    "timeline_unit",
    "year_histogram",
]
