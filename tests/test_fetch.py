"""`despatch fetch frus`: downloads from a local HTTP server on loopback (never the
internet), with an interrupted transfer, a resumed one, a corrupt file and an unchanged one."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from despatch.cli import app
from despatch.errors import ConfigError, FetchError
from despatch.fetch import fetch_volume, verify_volume, volume_ids, volume_url
from tests.conftest import TEI_V19, TEI_V30

V19 = "frus1958-60v19"


@dataclass
class Served:
    """What the test server serves and what it was asked."""

    files: dict[str, bytes] = field(default_factory=dict)
    truncate_next: int = 0  # how many GETs to cut off halfway
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)

    def etag(self, name: str) -> str:
        return '"' + hashlib.sha1(self.files[name]).hexdigest()[:16] + '"'


def _handler(served: Served) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def _name(self) -> str | None:
            prefix = "/volumes/"
            if not self.path.startswith(prefix) or self.path[len(prefix) :] not in served.files:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self.path[len(prefix) :]

        def do_HEAD(self) -> None:
            served.requests.append(("HEAD", self.path, None))
            name = self._name()
            if name is None:
                return
            self.send_response(200)
            self.send_header("ETag", served.etag(name))
            self.send_header("Content-Length", str(len(served.files[name])))
            self.end_headers()

        def do_GET(self) -> None:
            rng = self.headers.get("Range")
            served.requests.append(("GET", self.path, rng))
            name = self._name()
            if name is None:
                return
            body = served.files[name]
            start = 0
            if (
                rng
                and rng.startswith("bytes=")
                and self.headers.get("If-Range")
                in (
                    None,
                    served.etag(name),
                )
            ):
                start = int(rng[6:].split("-")[0])
            if start >= len(body) and start:
                self.send_response(416)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206 if start else 200)
            self.send_header("ETag", served.etag(name))
            self.send_header("Content-Length", str(len(body) - start))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            self.end_headers()
            chunk = body[start:]
            if served.truncate_next:
                served.truncate_next -= 1
                self.wfile.write(chunk[: len(chunk) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(chunk)

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, Served]]:
    served = Served()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/volumes/", served
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c


def test_normal_download(tmp_path: Path, server: tuple[str, Served], client: httpx.Client) -> None:
    base, served = server
    served.files[f"{V19}.xml"] = TEI_V19.read_bytes()
    seen: list[tuple[int, int | None]] = []
    result = fetch_volume(
        client, V19, tmp_path, base_url=base, progress=lambda v, d, t: seen.append((d, t))
    )
    assert result.status == "downloaded"
    assert result.path == tmp_path / f"{V19}.xml"
    assert result.path.read_bytes() == TEI_V19.read_bytes()
    assert not (tmp_path / f"{V19}.xml.part").exists()
    assert seen[-1] == (len(TEI_V19.read_bytes()), len(TEI_V19.read_bytes()))
    meta = json.loads((tmp_path / f".{V19}.xml.fetch.json").read_text())
    assert meta["etag"] == served.etag(f"{V19}.xml")
    assert meta["size"] == result.size
    assert meta["sha256"] == hashlib.sha256(TEI_V19.read_bytes()).hexdigest()


def test_interrupted_transfer_then_resume(
    tmp_path: Path, server: tuple[str, Served], client: httpx.Client
) -> None:
    base, served = server
    data = TEI_V19.read_bytes()
    served.files[f"{V19}.xml"] = data
    served.truncate_next = 1
    with pytest.raises(FetchError, match=r"interrupted.*run the command again to resume"):
        fetch_volume(client, V19, tmp_path, base_url=base, retries=0)
    part = tmp_path / f"{V19}.xml.part"
    have = part.stat().st_size
    assert 0 < have < len(data)
    assert not (tmp_path / f"{V19}.xml").exists()

    result = fetch_volume(client, V19, tmp_path, base_url=base, retries=0)
    assert result.status == "resumed"
    assert result.path.read_bytes() == data
    assert served.requests[-1] == ("GET", f"/volumes/{V19}.xml", f"bytes={have}-")
    assert not part.exists()


def test_interruption_is_retried_within_one_call(
    tmp_path: Path, server: tuple[str, Served], client: httpx.Client
) -> None:
    base, served = server
    served.files[f"{V19}.xml"] = TEI_V19.read_bytes()
    served.truncate_next = 2
    result = fetch_volume(client, V19, tmp_path, base_url=base, retries=3, backoff=0)
    assert result.status == "resumed"
    assert result.path.read_bytes() == TEI_V19.read_bytes()
    ranges = [r for m, _, r in served.requests if m == "GET"]
    assert ranges[0] is None and all(r and r.startswith("bytes=") for r in ranges[1:])


def test_changed_file_restarts_a_resume(
    tmp_path: Path, server: tuple[str, Served], client: httpx.Client
) -> None:
    base, served = server
    served.files[f"{V19}.xml"] = TEI_V19.read_bytes()
    served.truncate_next = 1
    with pytest.raises(FetchError):
        fetch_volume(client, V19, tmp_path, base_url=base, retries=0)
    new = TEI_V19.read_bytes().replace(b"Released in 1996", b"Released in 1997")
    served.files[f"{V19}.xml"] = new  # new ETag: If-Range fails, the server sends it all
    result = fetch_volume(client, V19, tmp_path, base_url=base, retries=0)
    assert result.status == "downloaded"
    assert result.path.read_bytes() == new


def test_corrupt_file_is_rejected(
    tmp_path: Path, server: tuple[str, Served], client: httpx.Client
) -> None:
    base, served = server
    data = TEI_V19.read_bytes()
    served.files[f"{V19}.xml"] = data[: len(data) - 500]  # complete transfer, broken XML
    with pytest.raises(FetchError, match=r"not well-formed XML.*download it afresh") as info:
        fetch_volume(client, V19, tmp_path, base_url=base)
    assert f"{V19}.xml.part:" in str(info.value)
    assert not (tmp_path / f"{V19}.xml").exists()
    assert not (tmp_path / f"{V19}.xml.part").exists()


def test_wrong_volume_is_rejected(
    tmp_path: Path, server: tuple[str, Served], client: httpx.Client
) -> None:
    base, served = server
    served.files[f"{V19}.xml"] = TEI_V30.read_bytes()
    with pytest.raises(FetchError, match=r"is volume 'frus1964-68v30', not 'frus1958-60v19'"):
        fetch_volume(client, V19, tmp_path, base_url=base)
    assert not (tmp_path / f"{V19}.xml").exists()


def test_html_error_page_is_rejected(tmp_path: Path) -> None:
    page = tmp_path / "page.xml"
    page.write_text("<html><body>rate limited</body></html>")
    with pytest.raises(FetchError, match="not a TEI volume"):
        verify_volume(page, V19)


def test_unchanged_file_is_skipped(
    tmp_path: Path, server: tuple[str, Served], client: httpx.Client
) -> None:
    base, served = server
    served.files[f"{V19}.xml"] = TEI_V19.read_bytes()
    fetch_volume(client, V19, tmp_path, base_url=base)
    served.requests.clear()
    result = fetch_volume(client, V19, tmp_path, base_url=base)
    assert result.status == "unchanged"
    assert [m for m, _, _ in served.requests] == ["HEAD"]
    served.files[f"{V19}.xml"] = TEI_V19.read_bytes().replace(b"1996", b"1997")
    assert fetch_volume(client, V19, tmp_path, base_url=base).status == "downloaded"


def test_missing_volume_and_bad_ids(
    tmp_path: Path, server: tuple[str, Served], client: httpx.Client
) -> None:
    base, _ = server
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_volume(client, "frus1999v99", tmp_path, base_url=base)
    for bad in ("../etc/passwd", "frus/../../x", "volume1"):
        with pytest.raises(ConfigError):
            volume_url(base, bad)


def test_the_shipped_volume_list() -> None:
    ids = volume_ids()
    assert len(ids) == 546 == len(set(ids))
    assert {"frus1958-60v19", "frus1964-68v30", "frus1901China"} <= set(ids)
    for vid in ids:
        volume_url("https://example.org/volumes/", vid)  # every id is a valid file name


def test_cli_fetch(tmp_path: Path, server: tuple[str, Served]) -> None:
    base, served = server
    served.files[f"{V19}.xml"] = TEI_V19.read_bytes()
    runner = CliRunner()
    args = ["fetch", "frus", V19, "--dest", str(tmp_path), "--base-url", base]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "downloaded" in result.output
    assert (tmp_path / f"{V19}.xml").read_bytes() == TEI_V19.read_bytes()
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "unchanged" in again.output

    missing = runner.invoke(app, ["fetch", "frus", "frus1999v99", "--dest", str(tmp_path),
                                  "--base-url", base])  # fmt: skip
    assert missing.exit_code == 1
    assert "HTTP 404" in missing.output

    bad = runner.invoke(app, ["fetch", "frus", "../x", "--dest", str(tmp_path)])
    assert bad.exit_code == 1 and "not a FRUS volume id" in bad.output
    nothing = runner.invoke(app, ["fetch", "frus", "--dest", str(tmp_path)])
    assert nothing.exit_code == 1 and "--all" in nothing.output


def test_cli_fetch_and_ingest(tmp_path: Path, server: tuple[str, Served]) -> None:
    pytest.importorskip("despatch.archive", reason="the archive's ingest is not installed")
    base, served = server
    served.files[f"{V19}.xml"] = TEI_V19.read_bytes()
    archive = tmp_path / "archive"
    result = CliRunner().invoke(
        app,
        ["--archive", str(archive), "fetch", "frus", V19, "--dest", str(tmp_path / "vols"),
         "--base-url", base, "--ingest"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "ingested" in result.output and "11 documents" in result.output
    from despatch.archive import Archive

    with Archive.open(archive, create=False) as arch:
        assert arch.get(f"{V19}/d110").telegram is not None


def test_cli_list_and_all_with_ids_conflict() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["fetch", "frus", "--list"])
    assert listed.exit_code == 0
    assert listed.output.split() == volume_ids()
    both = runner.invoke(app, ["fetch", "frus", V19, "--all"])
    assert both.exit_code == 1 and "not both" in both.output
