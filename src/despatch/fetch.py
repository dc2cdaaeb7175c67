"""Download FRUS TEI volumes from the Office of the Historian's public repository.

Every volume is one file, ``volumes/<id>.xml``, in ``HistoryAtState/frus`` on GitHub;
``fetch_volume`` downloads one over HTTP(S) from a base URL (the raw-file address of that
folder by default, any mirror otherwise) and:

* resumes an interrupted download: bytes arrive in ``<id>.xml.part`` and a later call asks
  for the rest with an HTTP ``Range`` request (``If-Range`` on the ETag, so a file that
  changed meanwhile is fetched whole again);
* verifies the result before it takes the place of the old file: complete, well-formed XML
  (parsed with entities and network off), a TEI P5 ``<TEI>`` whose ``xml:id`` is the
  volume asked for;
* skips a file that has not changed, by the ETag (or size) kept in a small hidden sidecar,
  ``.<id>.xml.fetch.json``, beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import httpx
from lxml import etree

from despatch.errors import ConfigError, FetchError

TEI_NS = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_VOLUME_ID = re.compile(r"^frus[A-Za-z0-9][A-Za-z0-9_.-]*$")
_CHUNK = 1 << 16

Progress = Callable[[str, int, int | None], None]
"""Called as bytes arrive: ``(volume_id, bytes_done, bytes_total_or_None)``."""


@dataclass(frozen=True)
class FetchResult:
    """What ``fetch_volume`` did for one volume."""

    volume: str
    path: Path
    status: Literal["downloaded", "resumed", "unchanged"]
    size: int


def volume_ids() -> list[str]:
    """Every FRUS volume id known to despatch (546, from ``despatch/data/frus-volumes.tsv``)."""
    text = resources.files("despatch").joinpath("data/frus-volumes.tsv").read_text("utf-8")
    lines = text.splitlines()[1:]
    return [line.split("\t", 1)[0] for line in lines if line.strip()]


def check_volume_id(volume_id: str) -> str:
    """The id if it is a well-formed FRUS volume id (it names a file, so nothing else)."""
    if not _VOLUME_ID.match(volume_id) or ".." in volume_id:
        raise ConfigError(
            f"{volume_id!r} is not a FRUS volume id; ids look like frus1958-60v19 or "
            "frus1901China (see https://history.state.gov/historicaldocuments)"
        )
    return volume_id


def volume_url(base_url: str, volume_id: str) -> str:
    """The address of a volume file under ``base_url``."""
    return base_url.rstrip("/") + f"/{check_volume_id(volume_id)}.xml"


def _sidecar(path: Path) -> Path:
    return path.with_name(f".{path.name}.fetch.json")


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def verify_volume(path: Path, volume_id: str) -> None:
    """Raise ``FetchError`` unless ``path`` is a complete TEI file of volume ``volume_id``."""
    root_tag: str | None = None
    root_id: str | None = None
    try:
        events = etree.iterparse(
            str(path),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        for event, el in events:
            if root_tag is None:
                root_tag, root_id = str(el.tag), el.get(XML_ID)
                dtd = el.getroottree().docinfo.internalDTD
                if dtd is not None and list(dtd.iterentities()):
                    raise FetchError(
                        f"{path}: declares XML entities, which FRUS volumes never do; "
                        "refusing it (check the --base-url)"
                    )
            elif event == "end":
                el.clear(keep_tail=True)
    except etree.XMLSyntaxError as exc:
        raise FetchError(
            f"{path}:{exc.lineno}: the downloaded file is not well-formed XML ({exc.msg}); "
            "it was removed, run the command again to download it afresh"
        ) from None
    if root_tag != f"{TEI_NS}TEI":
        raise FetchError(
            f"{path}: the downloaded file is not a TEI volume (root element {root_tag}); "
            "check the --base-url"
        )
    if root_id != volume_id:
        raise FetchError(
            f"{path}: the downloaded file is volume {root_id!r}, not {volume_id!r}; "
            "check the --base-url"
        )


def fetch_volume(
    client: httpx.Client,
    volume_id: str,
    dest: Path,
    *,
    base_url: str,
    progress: Progress | None = None,
    retries: int = 3,
    backoff: float = 1.0,
) -> FetchResult:
    """Download volume ``volume_id`` into ``dest/<id>.xml`` unless it is unchanged.

    An interrupted transfer is resumed up to ``retries`` times in this call (waiting
    ``backoff`` seconds, doubling); what is left in ``<id>.xml.part`` is resumed by the
    next call.
    """
    url = volume_url(base_url, volume_id)
    dest.mkdir(parents=True, exist_ok=True)
    final = dest / f"{volume_id}.xml"
    part = final.with_name(final.name + ".part")
    meta = _load(_sidecar(final))
    unchanged = final.exists() and meta.get("size") == final.stat().st_size
    if unchanged and _is_unchanged(client, url, meta):
        return FetchResult(volume_id, final, "unchanged", final.stat().st_size)
    attempt = 0
    resumed = False
    while True:
        try:
            resumed = _download(client, url, volume_id, part, progress) or resumed
            break
        except (httpx.TransportError, _Incomplete) as exc:
            attempt += 1
            if attempt > retries:
                done = part.stat().st_size if part.exists() else 0
                raise FetchError(
                    f"{volume_id}: the download from {url} was interrupted ({_reason(exc)}) "
                    f"after {done} bytes; run the command again to resume it"
                ) from None
            time.sleep(backoff * 2 ** (attempt - 1))
    try:
        verify_volume(part, volume_id)
    except FetchError:
        part.unlink(missing_ok=True)
        _sidecar(part).unlink(missing_ok=True)
        raise
    part_meta = _load(_sidecar(part))
    size = part.stat().st_size
    os.replace(part, final)
    _sidecar(part).unlink(missing_ok=True)
    _save(
        _sidecar(final),
        {
            "url": url,
            "etag": part_meta.get("etag"),
            "size": size,
            "sha256": _sha256(final),
            "fetched": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    )
    return FetchResult(volume_id, final, "resumed" if resumed else "downloaded", size)


class _Incomplete(Exception):
    """The server closed the response before the promised length."""


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _is_unchanged(client: httpx.Client, url: str, meta: dict[str, Any]) -> bool:
    try:
        resp = client.head(url, headers={"Accept-Encoding": "identity"})
    except httpx.TransportError as exc:
        raise FetchError(f"cannot reach {url}: {_reason(exc)}; check the network") from None
    if resp.status_code != 200:
        return False
    etag = resp.headers.get("etag")
    if etag and meta.get("etag"):
        return bool(etag == meta["etag"])
    length = resp.headers.get("content-length")
    return length is not None and length.isdigit() and int(length) == meta.get("size")


def _download(
    client: httpx.Client, url: str, volume_id: str, part: Path, progress: Progress | None
) -> bool:
    """Fetch into ``part`` (resuming what is there); True if it resumed."""
    part_meta = _load(_sidecar(part))
    have = part.stat().st_size if part.exists() else 0
    headers = {"Accept-Encoding": "identity"}
    if have and part_meta.get("etag"):
        headers["Range"] = f"bytes={have}-"
        headers["If-Range"] = part_meta["etag"]
    elif have:
        headers["Range"] = f"bytes={have}-"
    with client.stream("GET", url, headers=headers) as resp:
        if resp.status_code == 416 and have:
            return True  # nothing left to send: the part is complete (verified next)
        if resp.status_code == 404:
            raise FetchError(
                f"{volume_id}: no such volume at {url} (HTTP 404); check the id against "
                "`despatch fetch frus --list`, or the --base-url"
            )
        if resp.status_code not in (200, 206):
            raise FetchError(
                f"{volume_id}: {url} answered HTTP {resp.status_code}; try again later"
            )
        resuming = resp.status_code == 206
        mode = "ab" if resuming else "wb"
        start = have if resuming else 0
        length = resp.headers.get("content-length")
        total = start + int(length) if length and length.isdigit() else None
        _save(_sidecar(part), {"url": url, "etag": resp.headers.get("etag"), "total": total})
        done = start
        with part.open(mode) as fh:
            for chunk in resp.iter_raw(_CHUNK):
                fh.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(volume_id, done, total)
        if total is not None and done < total:
            raise _Incomplete(f"{done} of {total} bytes")
        return resuming


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


__all__ = [
    "FetchResult",
    "Progress",
    "check_volume_id",
    "fetch_volume",
    "verify_volume",
    "volume_ids",
    "volume_url",
]
