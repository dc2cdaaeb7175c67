"""Hostile and broken input to the TEI reader: each case is a clear despatch error that
names the file and the line, with no entity expansion and no network or file access."""

from __future__ import annotations

import http.server
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from despatch.errors import DespatchError, ParseError, ReadError, UnsupportedFormat
from despatch.model import Document, Volume
from despatch.readers.tei import TeiReader
from tests.conftest import TEI_V19

TEI_NS = 'xmlns="http://www.tei-c.org/ns/1.0"'


def _read(path: Path) -> list[Document | Volume]:
    return list(TeiReader().read(path))


def _write(tmp_path: Path, text: str, name: str = "vol.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _where(exc: ReadError, path: Path) -> int:
    """Assert the error names the file and a line; return the line."""
    assert exc.path == str(path)
    assert exc.line is not None and exc.line >= 1
    assert str(exc).startswith(f"{path}:{exc.line}: ")
    return exc.line


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f'<?xml version="1.0"?>\n<TEI {TEI_NS} xml:id="frus1999v01">\n<text><body>\n'
        "<p>one</p>\n<p>two</div>\n</body></text></TEI>\n",
    )
    with pytest.raises(ParseError) as info:
        _read(path)
    assert _where(info.value, path) == 5
    assert "not well-formed" in str(info.value)


def test_truncated_volume_names_file_and_line(tmp_path: Path) -> None:
    data = TEI_V19.read_bytes()
    cut = data[: len(data) // 2]
    path = tmp_path / "frus1958-60v19.xml"
    path.write_bytes(cut)
    with pytest.raises(ParseError) as info:
        _read(path)
    line = _where(info.value, path)
    assert line >= cut.count(b"\n") - 1  # the end of what is there
    assert "truncated" in str(info.value)


def test_documents_before_the_damage_are_yielded_first(tmp_path: Path) -> None:
    data = TEI_V19.read_bytes()
    path = tmp_path / "frus1958-60v19.xml"
    path.write_bytes(data[: data.index(b'<div type="document" xml:id="d112"')])
    got: list[str] = []
    with pytest.raises(ParseError):
        for rec in TeiReader().read(path):
            got.append(rec.id)
    assert got[-1] == "frus1958-60v19/d111"


def test_non_tei_xml_is_unsupported(tmp_path: Path) -> None:
    path = _write(tmp_path, '<?xml version="1.0"?>\n\n<html><body><p>hi</p></body></html>')
    with pytest.raises(UnsupportedFormat) as info:
        _read(path)
    assert _where(info.value, path) == 3
    assert "<html>" in str(info.value)


def test_tei_without_namespace_is_unsupported(tmp_path: Path) -> None:
    path = _write(tmp_path, '<TEI xml:id="frus1999v01"><text/></TEI>')
    with pytest.raises(UnsupportedFormat) as info:
        _read(path)
    assert _where(info.value, path) == 1
    assert "no namespace" in str(info.value)


def test_non_frus_tei_is_unsupported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f'<?xml version="1.0"?>\n<TEI {TEI_NS} xml:id="hamlet">\n<teiHeader/>\n<text>\n'
        '<body>\n<div type="act" n="1"><p>Who is there?</p></div>\n</body></text></TEI>\n',
    )
    with pytest.raises(UnsupportedFormat) as info:
        _read(path)
    assert _where(info.value, path) == 6
    assert "not a FRUS volume" in str(info.value)
    # read anyway when the caller names the volume
    records = list(TeiReader().read(path, volume="hamlet"))
    assert [type(r) for r in records] == [Volume]


def test_tei_without_any_id_is_unsupported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"<TEI {TEI_NS}>\n<teiHeader/>\n<text><body>\n"
        '<div type="document"><p>x</p></div></body></text></TEI>',
    )
    with pytest.raises(UnsupportedFormat) as info:
        _read(path)
    assert _where(info.value, path) == 4  # the first division, where the id is needed


_LAUGHS = "\n".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE TEI [\n <!ENTITY lol0 "lol">\n'
    + _LAUGHS
    + f'\n]>\n<TEI {TEI_NS} xml:id="frus1999v01"><text><body>'
    '<div type="document" xml:id="d1"><p>&lol9;</p></div></body></text></TEI>\n'
)


def test_billion_laughs_is_refused_without_expansion(tmp_path: Path) -> None:
    path = _write(tmp_path, BILLION_LAUGHS)
    started = time.perf_counter()
    with pytest.raises(ParseError) as info:
        _read(path)
    assert time.perf_counter() - started < 2
    assert _where(info.value, path) == 3  # the first <!ENTITY
    assert "entities" in str(info.value)
    assert "lollol" not in str(info.value)


def test_external_file_entity_is_never_opened(tmp_path: Path) -> None:
    # A FIFO: opening it for reading would block until a writer comes, so a reader that
    # tried to resolve the entity would hang instead of returning.
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)
    path = _write(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE TEI [\n <!ENTITY xxe SYSTEM "file://{fifo}">\n'
        f' <!ENTITY pw SYSTEM "file:///etc/passwd">\n]>\n<TEI {TEI_NS} xml:id="frus1999v01">'
        '<text><body><div type="document" xml:id="d1"><p>&xxe;&pw;</p></div>'
        "</body></text></TEI>\n",
    )
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            _read(path)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader before failing
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("the reader opened the external entity's file")
    assert len(outcome) == 1 and isinstance(outcome[0], ParseError)
    exc = outcome[0]
    assert _where(exc, path) == 3
    assert "external entity" in str(exc)
    assert "root:" not in str(exc)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"leaked")

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def recorder() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hits = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_network_entity_and_dtd_are_never_fetched(tmp_path: Path, recorder: str) -> None:
    path = _write(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE TEI SYSTEM "{recorder}/tei.dtd" [\n'
        f' <!ENTITY net SYSTEM "{recorder}/entity">\n]>\n<TEI {TEI_NS} xml:id="frus1999v01">'
        '<text><body><div type="document" xml:id="d1"><p>&net;</p></div></body></text></TEI>\n',
    )
    with pytest.raises(ParseError) as info:
        _read(path)
    assert _where(info.value, path) == 3
    assert _Recorder.hits == []


def test_external_dtd_without_entities_is_not_loaded(tmp_path: Path, recorder: str) -> None:
    path = _write(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE TEI SYSTEM "{recorder}/tei.dtd">\n'
        f'<TEI {TEI_NS} xml:id="frus1999v01"><text><body><div type="document" xml:id="d1">'
        "<p>fine</p></div></body></text></TEI>\n",
    )
    docs = [r for r in _read(path) if isinstance(r, Document)]
    assert docs[0].text == "fine"
    assert _Recorder.hits == []


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as info:
        _read(tmp_path / "nope.xml")
    assert str(tmp_path / "nope.xml") in str(info.value)


# -- property: nothing but DespatchError escapes -----------------------------------------

_SETTINGS = settings(
    max_examples=int(os.environ.get("TEI_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _try(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xml"
        path.write_bytes(data)
        try:
            for rec in TeiReader().read(path):
                assert isinstance(rec, Document | Volume)
        except DespatchError:
            pass


@_SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_despatch_errors(data: bytes) -> None:
    _try(data)


@_SETTINGS
@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_despatch_errors(text: str) -> None:
    _try(text.encode("utf-8", "surrogatepass"))


_TAGS = [
    "p", "hi", "persName", "gloss", "placeName", "ref", "note", "pb", "lb", "list", "item",
    "label", "head", "dateline", "date", "closer", "signed", "opener", "seg", "table", "row",
    "cell", "quote", "div", "frus:attachment", "choice", "corr", "sic", "unknownThing",
]  # fmt: skip
_ATTRS = st.dictionaries(
    st.sampled_from(["n", "type", "when", "from", "to", "notBefore", "corresp", "target",
                     "facs", "xml:id", "frus:doc-dateTime-min", "frus:doc-dateTime-max"]),
    st.sampled_from(["1", "#d1", "#p_X1", "frus1896#pg_5", "1958-09-19T20:00:00", "x",
                     "1964-01-27T20:00:00+08:00", "source", "document", "from", "", "99-99"]),
    max_size=3,
)  # fmt: skip
_WORDS = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12).map(escape)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def render(tag: str, attrs: dict[str, str], kids: list[str], tail: str) -> str:
        attr_text = "".join(f' {k}="{escape(v, {chr(34): "&quot;"})}"' for k, v in attrs.items())
        return f"<{tag}{attr_text}>{''.join(kids)}</{tag}>{tail}"

    return st.builds(render, st.sampled_from(_TAGS), _ATTRS, st.lists(children, max_size=4), _WORDS)


_TREES = st.recursive(_WORDS, _element, max_leaves=25)


@_SETTINGS
@given(st.lists(_TREES, min_size=1, max_size=4))
def test_random_frus_markup_gives_records_or_despatch_errors(parts: list[str]) -> None:
    body = '<div type="document" xml:id="d1" n="1">' + "".join(parts) + "</div>"
    data = (
        f'<TEI {TEI_NS} xmlns:frus="http://history.state.gov/frus/ns/1.0" '
        f'xml:id="frus1999v01"><teiHeader/><text><body><div type="chapter" xml:id="ch1">'
        f"<head>Chapter</head>{''.join(parts)}{body}</div></body></text></TEI>"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xml"
        path.write_text(data, encoding="utf-8")
        try:
            records = list(TeiReader().read(path))
        except DespatchError:
            return
    for rec in records:
        if isinstance(rec, Document):
            for span in rec.spans:
                text = (
                    rec.text
                    if span.note is None
                    else next(n.text for n in rec.notes if n.id == span.note)
                )
                assert text[span.start : span.end] == span.text
            for brk in rec.pages:
                if brk.note is None:
                    assert 0 <= brk.offset <= len(rec.text)
            for para in rec.paragraphs:
                assert 0 <= para.start <= para.end <= len(rec.text)
