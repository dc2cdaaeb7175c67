"""The server-rendered pages over the bundled samples (no JavaScript needed)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from despatch.model import Document, Note, PageBreak, Paragraph, Reference, Span
from despatch.store.base import Store
from despatch.web.charts import add_term
from despatch.web.markup import (
    Identities,
    Insert,
    Wrap,
    highlight,
    render,
    render_body,
    render_notes,
)
from despatch.web.pages import has_term, toggle_term

SEED_ID = "frus1958-60v19/d110"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[dict[str, str | None], str]] = []
        self._open: list[dict[str, str | None]] = []
        self._text: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open.append(dict(attrs))
            self._text.append([])

    def handle_data(self, data: str) -> None:
        for t in self._text:
            t.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            self.links.append((self._open.pop(), "".join(self._text.pop()).strip()))


def links(html: str) -> list[tuple[dict[str, str | None], str]]:
    p = _Links()
    p.feed(html)
    return p.links


def query_of(href: str) -> str:
    return parse_qs(urlsplit(href).query).get("q", [""])[0]


# --- search ------------------------------------------------------------------------------------


def test_search_page_shows_results_with_highlights_and_pages(client: TestClient) -> None:
    r = client.get("/search", params={"q": "Chiang Kai-shek from:Moscow"})
    assert r.status_code == 200
    html = r.text
    assert 'value="Chiang Kai-shek from:Moscow"' in html
    assert f'href="/documents/{SEED_ID}#page-' in html
    assert "<mark>Chiang</mark>" in html
    assert "Embassy in the Soviet Union" in html and "→" in html
    assert re.search(r'class="snippet-page"[^>]*>p\.&nbsp;\d+</a>', html)
    # the help panel with examples that are themselves searches
    assert "Query syntax and examples" in html
    assert any(query_of(a.get("href") or "") == "Quemoy OR Matsu" for a, _ in links(html))


def test_facets_toggle_filters_in_the_url(client: TestClient) -> None:
    q = "Taiwan"
    html = client.get("/search", params={"q": q}).text
    facet_links = [(a, t) for a, t in links(html) if "facet-value" in (a.get("class") or "")]
    assert facet_links
    on = next(a for a, _ in facet_links if a.get("data-term") == "type:telegram")
    q_on = query_of(on["href"] or "")
    assert q_on == "Taiwan type:telegram"
    narrowed = client.get("/search", params={"q": q_on}).text
    active = [a for a, _ in links(narrowed) if "active" in (a.get("class") or "")]
    assert [a.get("data-term") for a in active] == ["type:telegram"]
    assert query_of(active[0]["href"] or "") == "Taiwan"  # clicking again removes it
    # every result on the narrowed page is a telegram
    assert "memorandum of conversation</span>" not in narrowed


def test_facet_values_with_spaces_are_quoted(client: TestClient) -> None:
    html = client.get("/search", params={"q": "Taiwan"}).text
    terms = {a.get("data-term") for a, _ in links(html)}
    assert 'to:"Department of State"' in terms


def test_year_histogram_links_filter_by_year(client: TestClient) -> None:
    html = client.get("/search", params={"q": "China"}).text
    assert '<svg class="chart histogram"' in html
    bars = [a for a, _ in links(html) if a.get("class") == "bar-link"]
    years = {a.get("data-label") for a in bars}
    assert {"1901", "1958", "1964"} <= years
    q1958 = query_of(next(a for a in bars if a.get("data-label") == "1958")["href"] or "")
    assert q1958 == "China year:1958"
    res = client.get("/api/search", params={"q": q1958, "limit": 100}).json()
    assert res["total"] > 0 and all(h["date"].startswith("1958") for h in res["hits"])


def test_sort_and_pagination_keep_the_state(client: TestClient) -> None:
    html = client.get("/search", params={"q": "China", "sort": "date", "limit": 5}).text
    nxt = next(a for a, _ in links(html) if a.get("rel") == "next")
    parsed = parse_qs(urlsplit(nxt["href"] or "").query)
    assert parsed["q"] == ["China"] and parsed["sort"] == ["date"] and parsed["page"] == ["2"]
    assert parsed["limit"] == ["5"]
    page2 = client.get("/search", params={"q": "China", "sort": "date", "limit": 5, "page": 2})
    assert page2.status_code == 200
    assert '<ol class="hits" start="6">' in page2.text


def test_landing_page_shows_the_archive(client: TestClient, sample_store: Store) -> None:
    html = client.get("/").text
    assert f"{sample_store.stats().documents:,} documents" in html
    assert 'href="/volumes/frus1958-60v19"' in html


def test_query_error_page_is_400_with_the_message(client: TestClient) -> None:
    r = client.get("/search", params={"q": "from:"})
    assert r.status_code == 400
    assert "needs a value" in r.text and 'role="alert"' in r.text


# --- document --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_html(client: TestClient) -> str:
    r = client.get(f"/documents/{SEED_ID}")
    assert r.status_code == 200
    return r.text


def test_document_heading_dateline_and_telegram_panel(seed_html: str) -> None:
    assert "Telegram From the Embassy in the Soviet Union to the Department of State" in seed_html
    assert "Moscow, September 19, 1958" in seed_html
    panel = seed_html[seed_html.index('id="tg-h"') :]
    panel = panel[: panel.index("</section>")]
    for label, value in [
        ("Telegram number", "634"),
        ("Classification", "Official Use Only"),
        ("Precedence", "Niact"),
        ("Sections", "5"),
        ("Received", "9:29 p.m."),
    ]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in panel
    assert "USUN" in panel and "Hong Kong" in panel
    assert "793.00/9–1958" in seed_html  # archival source


def test_page_markers_are_linkable_and_in_order(seed_html: str) -> None:
    found = re.findall(r'<span class="pb" id="page-(\d+)"', seed_html)
    assert found == ["232", "233", "234", "235", "236", "237", "238"]
    # the first page's marker stands on the first line; its anchor is the heading
    assert '<header class="doc-head" id="page-231">' in seed_html
    assert seed_html.count('<a class="pb-label" href="#page-231">') == 1
    assert '<a class="pb-label" href="#page-234">p.&nbsp;234</a>' in seed_html
    # p. 234 falls inside the paragraph, right before "1943" of the Cairo Declaration
    i = seed_html.index('<span class="pb" id="page-234"')
    after = re.sub(r"<[^>]+>", "", seed_html[i : i + 400])
    assert after.startswith("p.&nbsp;2341943")


def test_page_marker_sits_before_a_paragraph_starting_on_its_page() -> None:
    text = "First paragraph on 10.\n\nSecond paragraph, on 11."
    doc = Document(
        id="v/d1",
        text=text,
        paragraphs=[
            Paragraph(start=0, end=22, pages=["10"]),
            Paragraph(start=24, end=len(text), pages=["11"]),
        ],
        pages=[PageBreak(page="10", offset=0), PageBreak(page="11", offset=22)],
        notes=[Note(n="1", text="a note", anchor=22)],
    )
    paras = render_body(doc)
    assert str(paras[1].html).startswith('<span class="pb" id="page-11"')
    assert "page-11" not in str(paras[0].html)
    # a note marker glued to the end of the first paragraph stays with it
    assert str(paras[0].html).endswith("</a></sup>")


def test_footnotes_link_both_ways(seed_html: str) -> None:
    refs = re.findall(r'<sup class="fnref" id="ref-(fn-[\w-]+)"><a href="#(fn-[\w-]+)"', seed_html)
    assert len(refs) == 4
    for ref_id, target in refs:
        assert ref_id == target
        assert f'<li id="{target}"' in seed_html
        assert f'href="#ref-{target}"' in seed_html  # the way back


def test_entities_link_to_person_pages_with_identity(seed_html: str) -> None:
    m = re.search(
        r'<a class="ent ent-person" href="(/persons/p_KNS1[^"]*)" title="([^"]+)">', seed_html
    )
    assert m
    assert "Khrushchev" in m.group(2)


def test_cited_by_and_neighbours(seed_html: str, sample_store: Store) -> None:
    for c in sample_store.cited_by(SEED_ID):
        assert f'href="/documents/{c.source}"' in seed_html
    prev_id, next_id = sample_store.neighbors(SEED_ID)
    assert prev_id == "frus1958-60v19/d109" and next_id == "frus1958-60v19/d111"
    assert f'rel="prev" href="/documents/{prev_id}"' in seed_html
    assert f'rel="next" href="/documents/{next_id}"' in seed_html


def test_cite_box_offers_downloads(seed_html: str) -> None:
    box = seed_html[seed_html.index('id="cite-chicago"') :]
    box = box[: box.index("</textarea>")]
    assert "Foreign Relations of the United States" in box and "Document 110" in box
    for style in ("bibtex", "ris", "csl-json"):
        assert f"/api/documents/{SEED_ID}/citation?style={style}&amp;download=true" in seed_html


def test_unknown_document_gets_an_html_404(client: TestClient) -> None:
    r = client.get("/documents/frus1958-60v19/d9999")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "frus1958-60v19/d9999" in unquote(r.text)


# --- volume, person, timeline, network --------------------------------------------------------


def test_volume_page_lists_documents_in_order(client: TestClient) -> None:
    html = client.get("/volumes/frus1958-60v19").text
    assert "China" in html
    order = re.findall(r'href="/documents/frus1958-60v19/d(\d+)"', html)
    assert order == sorted(order, key=int) and "110" in order
    assert "List of Persons" in html
    assert 'href="/persons/p_KNS1?volume=frus1958-60v19"' in html


def test_person_page_lists_documents_by_date(client: TestClient) -> None:
    r = client.get("/persons/p_KNS1", params={"volume": "frus1958-60v19"})
    assert r.status_code == 200
    assert "Khrushchev" in r.text
    dates = re.findall(r'<time datetime="([^"]+)"', r.text)
    assert dates and dates == sorted(dates)
    assert f'href="/documents/{SEED_ID}"' in r.text


def test_timeline_page_has_monthly_bars(client: TestClient) -> None:
    html = client.get("/timeline", params={"q": "volume:frus1958-60v19"}).text
    assert '<svg class="chart"' in html
    bars = [a for a, _ in links(html) if a.get("class") == "bar-link"]
    sept = [a for a in bars if "1958-09-01..1958-09-30" in query_of(a.get("href") or "")]
    assert sept


def test_network_page_has_weighted_edges(client: TestClient) -> None:
    html = client.get("/network", params={"q": "volume:frus1958-60v19"}).text
    assert '<svg class="chart network"' in html
    assert 'class="edge"' in html
    assert "<td>Embassy in the Soviet Union</td><td>Department of State</td>" in html


def test_api_page_lists_endpoints(client: TestClient) -> None:
    html = client.get("/about/api").text
    assert "<code>/api/search</code>" in html


# --- helpers -----------------------------------------------------------------------------------


def test_toggle_term_adds_and_removes_whole_terms() -> None:
    assert toggle_term("Taiwan", 'to:"Department of State"') == 'Taiwan to:"Department of State"'
    assert (
        toggle_term('Taiwan to:"Department of State" year:1958', 'to:"Department of State"')
        == "Taiwan year:1958"
    )
    assert not has_term("year:19580", "year:1958")
    assert add_term("a year:1958", "year:1958") == "a year:1958"


def test_render_nests_overlapping_wraps_and_escapes() -> None:
    html = render(
        "a <b> c", [Wrap(0, 5, "<x>", "</x>"), Wrap(2, 7, "<y>", "</y>")], [Insert(4, "<i/>")]
    )
    assert html == "<x>a <y>&lt;b<i/>&gt;</y></x> c"
    assert highlight("Chiang Kai-shek", [(0, 6)]) == "<mark>Chiang</mark> Kai-shek"


def test_references_link_to_targets_and_show_unresolved_ones() -> None:
    note = "See telegram 631 from Moscow; Document 109; Foreign Relations, Cairo, p. 448; ibid."
    refs = [
        Reference(
            text="telegram 631 from Moscow",
            kind="telegram",
            note="d1fn1",
            start=4,
            end=28,
            serial="631",
            place="Moscow",
            date="1958-09-19",
        ),
        Reference(
            text="Document 109",
            kind="document",
            note="d1fn1",
            start=30,
            end=42,
            target="frus1958-60v19/d109",
            is_resolved=True,
        ),
        Reference(
            text="Foreign Relations, Cairo, p. 448",
            kind="volume",
            note="d1fn1",
            start=44,
            end=76,
            target_volume="frus1943CairoTehran",
            target_page="448",
        ),
        Reference(text="ibid.", kind="ibid", note="d1fn1", start=78, end=83),
    ]
    doc = Document(id="v/d1", notes=[Note(n="1", id="d1fn1", text=note)], references=refs)
    html = str(render_notes(doc)[0].html)
    assert '<a class="ref" href="/documents/frus1958-60v19/d109"' in html
    assert 'href="/search?q=telegram%3A631+from%3AMoscow+date%3A1958-09-19..1958-09-19"' in html
    assert 'class="ref ref-unresolved"' in html and "(not in this archive)" in html
    assert html.count("<a ") == html.count("</a>") == 3
    assert 'href="https://history.state.gov/historicaldocuments/frus1943CairoTehran/pg_448"' in html
    assert html.endswith("; ibid.")  # "Ibid." alone is not drawn as a reference
    # a volume the archive holds links to its page instead
    held = render_notes(doc, Identities(volumes=frozenset({"frus1943CairoTehran"})))
    assert 'href="/volumes/frus1943CairoTehran"' in str(held[0].html)


def test_links_never_nest() -> None:
    """An entity inside a reference, and a marker inside either, keep links apart."""
    text = "Reported in telegram 631 from Moscow, September 19."
    doc = Document(
        id="v/d1",
        text=text,
        paragraphs=[Paragraph(start=0, end=len(text))],
        pages=[PageBreak(page="5", offset=0), PageBreak(page="6", offset=38)],
        notes=[Note(n="1", text="x", anchor=26)],
        spans=[Span(start=30, end=36, kind="place", text="Moscow", key="place:Moscow")],
        references=[
            Reference(
                text="telegram 631 from Moscow, September 19",
                kind="telegram",
                start=12,
                end=50,
                serial="631",
                place="Moscow",
            )
        ],
    )
    html = str(render_body(doc)[0].html)
    depth = 0
    for tag in re.findall(r"<a\b|</a>", html):
        depth += 1 if tag == "<a" else -1
        assert depth in (0, 1), html
    assert depth == 0
    assert '<span class="ent ent-place" title="place:Moscow">Moscow</span>' in html
    assert 'id="page-6"' in html and 'href="#fn-1"' in html


def test_document_lists_the_people_it_names(seed_html: str) -> None:
    panel = seed_html[seed_html.index('id="named-person"') :]
    panel = panel[: panel.index("</section>")]
    assert 'href="/persons/p_KNS1?volume=frus1958-60v19"' in panel
    assert "Khrushchev, Nikita S." in panel
    assert "Chiang Kai-shek" in panel and "×" in panel  # named several times


def test_estimated_facet_counts_are_marked_with_a_link_to_exact_ones(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from despatch.store.local import LocalStore

    monkeypatch.setattr(LocalStore, "facet_estimate_from", 20)
    monkeypatch.setattr(LocalStore, "facet_sample_matches", 5)
    html = client.get("/search", params={"q": "NOT volume:frus1958-60v19"}).text
    assert "Counts are estimates (≈)" in html and "≈" in html
    assert "Matches per year (estimated from a sample)" in html
    exact_links = [a for a, text in links(html) if text == "Count them all"]
    assert exact_links and "exact=1" in (exact_links[0]["href"] or "")
    exact = client.get(exact_links[0]["href"] or "").text
    assert "Counts are estimates" not in exact and "≈" not in exact
    query = "NOT volume:frus1958-60v19"  # 35 of the 46 documents
    api = client.get("/api/search", params={"q": query, "facets": "true"}).json()
    assert 0 < api["facets_sample"] < api["total"]
    exact_api = client.get(
        "/api/search", params={"q": query, "facets": "true", "exact_facets": "true"}
    ).json()
    assert exact_api["facets_sample"] is None
