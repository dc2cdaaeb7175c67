"""Hostile content renders inert, and no URL reaches the filesystem."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from despatch.model import (
    AuthorityEntry,
    Division,
    Document,
    DocumentDate,
    Note,
    PageBreak,
    Paragraph,
    Party,
    Reference,
    Span,
    TelegramInfo,
    Volume,
)
from despatch.store.memory import MemoryStore
from despatch.web.app import WebSettings, create_app

SCRIPT = "<script>alert(1)</script>"
JS_URL = "javascript:alert(1)"
HOSTILE_ID = "evil1958/d1"


def _hostile_documents() -> list[Document]:
    p1 = f"Opening {SCRIPT} words <img src=x onerror=alert(2)> and a link [x]({JS_URL})."
    p2 = f'Second paragraph " onmouseover="alert(3)" <a href="{JS_URL}">click</a> end.'
    text = p1 + "\n\n" + p2
    s2 = len(p1) + 2
    note_text = f"Note with {SCRIPT} and <a href='{JS_URL}'>x</a> and telegram 631."
    hostile = Document(
        id=HOSTILE_ID,
        volume="evil1958",
        number="1",
        title=f"Telegram {SCRIPT} From <b>Moscow</b>",
        heading=f"1. Telegram {SCRIPT}",
        type="telegram",
        sender=[Party(name=f"Embassy {SCRIPT}", place="<i>Moscow</i>")],
        recipient=[Party(name='Dept" onclick="alert(4)', place=JS_URL)],
        signers=[SCRIPT],
        dateline=f"Moscow {SCRIPT}",
        date=DocumentDate(value="1958-09-19", precision="day"),
        telegram=TelegramInfo(serial=SCRIPT, classification=f"Secret{SCRIPT}"),
        text=text,
        paragraphs=[Paragraph(start=0, end=len(p1)), Paragraph(start=s2, end=len(text))],
        pages=[PageBreak(page="1", offset=0), PageBreak(page='2"><script>x', offset=s2)],
        notes=[
            Note(n='1"><script>', id="d1fn1", text=note_text, anchor=len(p1)),
            Note(n="2", id="d1fn2", text=SCRIPT, anchor=None, kind="source"),
        ],
        spans=[
            Span(
                start=0,
                end=7,
                kind="person",
                text="Opening",
                key=f"p_{JS_URL}",
                label='Evil" onmouseover="alert(5)',
            ),
            Span(start=s2, end=s2 + 6, kind="place", text="Second", label=SCRIPT),
        ],
        references=[
            Reference(
                text="link", kind="document", start=8, end=16, target=JS_URL, is_resolved=True
            ),
            Reference(
                text="telegram 631",
                kind="telegram",
                note="d1fn1",
                start=note_text.index("telegram"),
                end=len(note_text) - 1,
                serial='631"><script>',
                place=SCRIPT,
            ),
        ],
        warnings=[],
    )
    other = Document(
        id="evil1958/d2",
        volume="evil1958",
        number="2",
        title="Plain",
        text="A plain document citing the hostile one.",
        references=[Reference(text=SCRIPT, target=HOSTILE_ID, is_resolved=True, start=0, end=1)],
    )
    return [hostile, other]


@pytest.fixture(scope="module")
def hostile_client() -> Iterator[TestClient]:
    store = MemoryStore()
    store.put_volume(
        Volume(
            id="evil1958",
            title=f"Volume {SCRIPT}",
            editors=[SCRIPT],
            divisions=[
                Division(
                    id="ch1", type="chapter", title=SCRIPT, documents=[HOSTILE_ID, "evil1958/d2"]
                )
            ],
            persons=[
                AuthorityEntry(
                    id="p_EVIL1",
                    kind="person",
                    name=f"Evil, {SCRIPT}",
                    description=f"<a href='{JS_URL}'>x</a>",
                    volume="evil1958",
                )
            ],
        )
    )
    store.put(_hostile_documents())
    with TestClient(create_app(store, WebSettings())) as c:
        yield c


class _Elements(HTMLParser):
    """Collects every element and attribute of a page, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


#: Every element the reader's templates and markup builders emit.
ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "link",
    "script",
    "body",
    "a",
    "header",
    "div",
    "nav",
    "ul",
    "ol",
    "li",
    "main",
    "footer",
    "p",
    "em",
    "form",
    "label",
    "input",
    "button",
    "details",
    "summary",
    "code",
    "dl",
    "dt",
    "dd",
    "section",
    "h1",
    "h2",
    "h3",
    "aside",
    "span",
    "time",
    "figure",
    "figcaption",
    "svg",
    "rect",
    "line",
    "text",
    "path",
    "circle",
    "defs",
    "marker",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "mark",
    "pre",
    "strong",
    "textarea",
    "article",
}


def assert_inert(html: str) -> None:
    """Nothing from the document's text became an element, a handler or a script URL."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"unexpected <{tag}>"
        if tag == "script":
            assert attrs == [("src", "/static/reader.js"), ("defer", None)]
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name}= on <{tag}>"
            if name in {"href", "src", "action", "xlink:href"} and value:
                assert not value.strip().lower().startswith(("javascript:", "data:")), value
                assert value.startswith(("/", "#", "?", "https://history.state.gov/")), (
                    f"<{tag} {name}={value!r}>"
                )


@pytest.mark.parametrize(
    "url",
    [
        f"/documents/{HOSTILE_ID}",
        "/documents/evil1958/d2",
        "/volumes/evil1958",
        "/volumes",
        "/persons/p_EVIL1?volume=evil1958",
        "/search?q=opening",
        "/search?q=",
        "/timeline?q=",
        "/network?q=",
    ],
)
def test_hostile_document_renders_inert(hostile_client: TestClient, url: str) -> None:
    r = hostile_client.get(url)
    assert r.status_code == 200, r.text
    assert_inert(r.text)


def test_hostile_text_is_shown_escaped(hostile_client: TestClient) -> None:
    html = hostile_client.get(f"/documents/{HOSTILE_ID}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The resolved reference to a "javascript:" target became a relative reader URL.
    assert 'href="/documents/javascript%3Aalert%281%29"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%20from%3A",  # a query error page
        "/timeline?q=%3Cscript%3E",
        "/network?q=%22%3E%3Cscript%3E",
        "/documents/%3Cscript%3Ealert(1)%3C/script%3E",  # 404 page reflecting the id
        "/%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_reflected_input_is_escaped(hostile_client: TestClient, url: str) -> None:
    r = hostile_client.get(url)
    assert r.status_code in {200, 400, 404}
    assert r.headers["content-type"].startswith("text/html")
    assert_inert(r.text)


def test_query_errors_are_400_with_a_message(hostile_client: TestClient) -> None:
    r = hostile_client.get("/search", params={"q": 'Taiwan "unclosed'})
    assert r.status_code == 400
    assert "cannot be read" in r.text
    assert "column" in r.text


def test_strict_headers(hostile_client: TestClient) -> None:
    r = hostile_client.get(f"/documents/{HOSTILE_ID}")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "url",
    [
        "/static/../app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/static/..%5c..%5cpyproject.toml",
        "/static//etc/passwd",
        "/static/templates",
        "/documents/../../../../etc/passwd",
        "/documents/%2e%2e/%2e%2e/etc/passwd",
        "/volumes/..%2f..%2fetc%2fpasswd",
        "/api/documents/..%2f..%2f..%2fetc%2fpasswd",
    ],
)
def test_no_url_reaches_the_filesystem(hostile_client: TestClient, url: str) -> None:
    r = hostile_client.get(url)
    assert r.status_code == 404
    assert "root:" not in r.text and "[project]" not in r.text


def test_only_bundled_static_files_are_served(hostile_client: TestClient) -> None:
    css = hostile_client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = hostile_client.get("/static/reader.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
