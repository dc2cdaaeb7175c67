"""End to end in headless Chromium: `despatch serve` over an archive of the bundled samples.

The server is the real command (``despatch --archive … serve``) on a free loopback port;
Chromium is Debian's (``/usr/bin/chromium``) driven by Playwright. Each step saves a
screenshot under ``screenshots/`` at the repository root.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = ROOT / "screenshots"
QUERY = "Chiang Kai-shek from:Moscow"
SEED_TITLE = "Telegram From the Embassy in the Soviet Union to the Department of State"

if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it
    pytest.skip(f"{CHROMIUM} is not installed (make system installs it)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _build_archive(folder: Path) -> None:
    """Ingest every bundled sample into a new local archive (the README's first step)."""
    from despatch.archive import Archive

    archive = Archive.open(folder)
    try:
        report = archive.ingest([ROOT / "samples"], workers=1)
        assert not report.failed, report.failures
    finally:
        archive.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser") / "archive"
    _build_archive(folder)
    port = _free_port()
    despatch = Path(sys.executable).with_name("despatch")
    log = (tmp_path_factory.getbasetemp() / "server.log").open("w")
    proc = subprocess.Popen(
        [
            str(despatch),
            "--archive",
            str(folder),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"despatch serve did not start (exit {proc.poll()})")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors in the page: {errors}"


def _seed_url(server: str) -> str:
    """The reader URL of the seed document in the archive (whichever copy it kept)."""
    hits = httpx.get(server + "/api/search", params={"q": QUERY}).json()["hits"]
    seed = next(h for h in hits if h["title"] == SEED_TITLE)
    return f"{server}/documents/{seed['id']}"


def _q(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("q", [""])[0]


def test_search_open_seed_footnote_reference(server: str, page: Page) -> None:
    pg = page  # a playwright Page
    pg.goto(server + "/")
    pg.get_by_label("Search the archive").fill(QUERY)
    pg.get_by_label("Search the archive").press("Enter")
    pg.wait_for_url("**/search?**")
    assert _q(pg.url) == QUERY
    hits = pg.locator("ol.hits > li")
    assert hits.count() >= 1
    assert pg.locator("ol.hits mark").first.inner_text() in {"Chiang", "Kai-shek", "Kai"}
    pg.screenshot(path=str(SHOTS / "01-search.png"), full_page=True)

    # Open the seed document. The archive keeps one record of it: the TEI copy when the
    # volume is ingested too (a richer source supersedes the plain-text copy).
    link = pg.locator("ol.hits h3 a", has_text=SEED_TITLE).first
    link.click()
    pg.wait_for_url("**/documents/**d110*")
    title = pg.locator("h1#doc-title").inner_text()
    assert "Telegram From the Embassy in the Soviet Union" in title
    pg.screenshot(path=str(SHOTS / "02-document.png"))

    # Open footnote 2 in place.
    marker = pg.locator("sup.fnref a[data-note]", has_text="2").first
    marker.scroll_into_view_if_needed()
    marker.click()
    pop = pg.locator(".fn-pop")
    pop.wait_for(state="visible")
    note_text = pg.locator("li.note", has=pg.locator(".note-n", has_text="2.")).first
    assert note_text.locator(".note-text").inner_text() in pop.inner_text()
    assert marker.get_attribute("aria-expanded") == "true"
    pg.screenshot(path=str(SHOTS / "03-footnote-2.png"))

    # Follow its reference. A reference to a volume this archive lacks goes to the page on
    # history.state.gov; the test answers that request itself (no network in tests).
    ref = pop.locator("a.ref").first
    assert ref.count() == 1, "footnote 2 has no reference link (is enrichment run at ingest?)"
    href = ref.get_attribute("href") or ""
    # "see Foreign Relations, The Conferences at Cairo and Tehran, 1943, p. 448": a FRUS
    # volume this archive does not hold, so the link is its page on history.state.gov.
    assert href == "https://history.state.gov/historicaldocuments/frus1943CairoTehran/pg_448"
    assert "ref-unresolved" in (ref.get_attribute("class") or "")
    pg.route(
        "https://history.state.gov/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<html><head><title>history.state.gov (stub)</title></head>"
            "<body><h1>Stub of history.state.gov</h1></body></html>",
        ),
    )
    ref.click()
    pg.wait_for_load_state()
    assert pg.url == href
    assert pg.locator("h1").inner_text() == "Stub of history.state.gov"
    pg.screenshot(path=str(SHOTS / "04-reference-followed.png"))
    pg.go_back()
    pg.wait_for_load_state()

    # Footnote 1 cites "telegram 631 from Moscow, September 19", not in this archive: its
    # link searches the archive for it.
    marker = pg.locator("sup.fnref a[data-note]", has_text="1").first
    marker.scroll_into_view_if_needed()
    marker.click()
    pop = pg.locator(".fn-pop").last
    pop.wait_for(state="visible")
    link = pop.locator("a.ref", has_text="telegram 631").first
    pg.screenshot(path=str(SHOTS / "05-footnote-1.png"))
    link.click()
    pg.wait_for_url("**/search?**")
    assert _q(pg.url).startswith("telegram:631 from:Moscow")
    assert pg.locator("#q").input_value() == _q(pg.url)
    pg.screenshot(path=str(SHOTS / "06-reference-search.png"), full_page=True)


def test_toggle_a_facet(server: str, page: Page) -> None:
    pg = page
    pg.goto(f"{server}/search?q=Taiwan")
    facet = pg.locator('a.facet-value[data-term="type:telegram"]')
    total_before = pg.locator("#results-h").inner_text()
    facet.click()
    pg.wait_for_url("**type%3Atelegram**")
    assert _q(pg.url) == "Taiwan type:telegram"
    active = pg.locator("a.facet-value.active")
    assert active.count() == 1 and active.get_attribute("data-term") == "type:telegram"
    assert pg.locator("#results-h").inner_text() != total_before
    for t in pg.locator("ol.hits .type").all_inner_texts():
        assert t == "telegram"
    pg.screenshot(path=str(SHOTS / "07-facet-on.png"), full_page=True)
    active.click()
    pg.wait_for_load_state()
    assert _q(pg.url) == "Taiwan"
    assert pg.locator("a.facet-value.active").count() == 0


def test_page_marker_234_sits_before_page_234(server: str, page: Page) -> None:
    pg = page
    pg.goto(_seed_url(server) + "#page-234")
    marker = pg.locator("#page-234")
    assert marker.locator(".pb-label").inner_text().replace("\xa0", " ") == "p. 234"
    # The marker comes before the first paragraph that starts on page 234, and after
    # every paragraph that starts on an earlier page; the text right after it is the
    # first text of page 234 ("1943.", where [Page 234] stood in the seed).
    facts = pg.evaluate(
        """() => {
        const m = document.getElementById('page-234');
        const paras = [...document.querySelectorAll('.doc-text p.para')];
        const starts234 = paras.filter(p => p.dataset.pageStart === '234');
        const before = paras.filter(
          p => m.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_PRECEDING && !p.contains(m));
        const host = m.closest('p.para');
        let next = '';
        let n = m.nextSibling;
        while (n && next.trim().length < 4) { next += n.textContent; n = n.nextSibling; }
        const label = m.querySelector('.pb-label').getBoundingClientRect();
        const text = document.querySelector('.doc-text').getBoundingClientRect();
        return {
          firstOn234: starts234.length
            ? (m.compareDocumentPosition(starts234[0]) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0
            : null,
          beforeStartOn: before.map(p => p.dataset.pageStart),
          hostPages: host ? host.dataset.pages : null,
          next: next.trim(),
          inMargin: label.right <= text.left + 1,
        };
    }"""
    )
    assert facts["firstOn234"] in {True, None}
    assert "234" not in facts["beforeStartOn"] and "235" not in facts["beforeStartOn"]
    assert facts["next"].startswith("1943")
    assert "234" in (facts["hostPages"] or "")
    assert facts["inMargin"], "the page marker is not in the margin"
    marker.scroll_into_view_if_needed()
    pg.screenshot(path=str(SHOTS / "08-page-234.png"))


def test_phone_width_and_charts(server: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    pg = context.new_page()
    pg.goto(_seed_url(server))
    width = pg.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, "the document page scrolls sideways at phone width"
    pg.screenshot(path=str(SHOTS / "09-phone-document.png"))
    pg.goto(f"{server}/search?q=China")
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390
    pg.screenshot(path=str(SHOTS / "10-phone-search.png"))
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(f"{server}/timeline?q=volume%3Afrus1958-60v19")
    assert pg.locator("svg.chart rect.bar").count() >= 1
    pg.screenshot(path=str(SHOTS / "11-timeline.png"))
    pg.goto(f"{server}/network?q=")
    assert pg.locator("svg.network path.edge").count() >= 1
    pg.screenshot(path=str(SHOTS / "12-network.png"))
    pg.goto(f"{server}/volumes/frus1958-60v19")
    pg.screenshot(path=str(SHOTS / "13-volume.png"))
    pg.goto(f"{server}/persons/p_KNS1?volume=frus1958-60v19")
    assert "Khrushchev" in pg.locator("h1").inner_text()
    pg.screenshot(path=str(SHOTS / "14-person.png"))
    pg.goto(f"{server}/")
    pg.screenshot(path=str(SHOTS / "15-landing.png"), full_page=True)
    context.close()


def test_keyboard_opens_a_footnote(server: str, page: Page) -> None:
    pg = page
    pg.goto(_seed_url(server))
    marker = pg.locator("sup.fnref a[data-note]").nth(1)
    marker.focus()
    pg.keyboard.press("Enter")
    assert pg.locator(".fn-pop").count() == 1
    pg.keyboard.press("Escape")
    assert pg.locator(".fn-pop").count() == 0


def test_brush_the_year_histogram(server: str, page: Page) -> None:
    pg = page
    pg.goto(f"{server}/search?q=China")
    first = pg.locator('.histogram-fig a.bar-link[data-label="1901"] rect.hit')
    last = pg.locator('.histogram-fig a.bar-link[data-label="1958"] rect.hit')
    a, b = first.bounding_box(), last.bounding_box()
    assert a and b
    pg.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    pg.mouse.down()
    pg.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    pg.mouse.up()
    pg.wait_for_url("**date%3A1901..1958**")
    assert _q(pg.url) == "China date:1901..1958"
    years = {d[:4] for d in pg.locator("ol.hits time").all_inner_texts()}
    assert years and years <= {str(y) for y in range(1901, 1959)}
