"""Reader for Markdown (or text) with YAML front matter, a common way editions publish.

::

    ---
    volume: frus1958-60v19
    number: 110
    title: Telegram From the Embassy in the Soviet Union to the Department of State
    date: 1958-09-19
    dateline: Moscow, September 19, 1958, 8 p.m.
    source: "Source: Department of State, Central Files, 793.00/9–1958. Official Use Only; Niact."
    ---

    634. Following is text of Khrushchev’s reply …[^1]

    [^1]: Reported in telegram 631 from Moscow, September 19.

Front-matter fields fill the record; the body goes through the plain-text reader
(``readers/plaintext.py``), so page markers, glued footnote markers and a notes block
work as there. Markdown footnotes (``[^1]`` and ``[^1]: text``) are read as notes too, a
``# `` heading line is the heading, and ``*emphasis*`` marks are dropped. Fields:

``id``, ``volume``, ``edition``, ``number``, ``title``, ``heading``, ``type``,
``subtype``, ``date`` (ISO date or date-time), ``undated`` (true/false), ``dateline``,
``place``, ``sender``/``from`` and ``recipient``/``to`` (a name, a list of names, or
``{name, place}`` mappings), ``signers``/``signed``, ``classification``, ``precedence``,
``serial``, ``source`` (the source note: read with the source-note grammar), ``pages``
(``231-238``) or ``first_page``/``last_page``. Other fields are reported as warnings,
never silently dropped.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from despatch.errors import ParseError, ReadError
from despatch.model import (
    Confidence,
    DateEvidence,
    DateSource,
    Document,
    DocumentType,
    Note,
    Party,
    RecordWarning,
    TelegramInfo,
)
from despatch.readers.dates import parse_dateline, settle_date
from despatch.readers.heading import telegram_info
from despatch.readers.plaintext import decode_bytes, parse_document
from despatch.readers.posts import place_of_post
from despatch.readers.sourcenote import CLASSIFICATIONS, PRECEDENCES, parse_source_note

__all__ = ["MarkdownReader", "read_markdown", "split_front_matter"]

_FENCE = re.compile(r"^---[ \t]*$")
_END_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+")
_FOOTNOTE_REF = re.compile(r"\[\^([0-9]{1,3})\]")
_FOOTNOTE_DEF = re.compile(r"^\[\^([0-9]{1,3})\]:[ \t]*(.*)$")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_KNOWN = frozenset(
    [
        "id",
        "volume",
        "edition",
        "number",
        "title",
        "heading",
        "type",
        "subtype",
        "date",
        "undated",
        "dateline",
        "place",
        "sender",
        "from",
        "recipient",
        "to",
        "signers",
        "signed",
        "classification",
        "precedence",
        "serial",
        "source",
        "pages",
        "first_page",
        "last_page",
    ]
)


class MarkdownReader:
    """Reads one document from Markdown or text with YAML front matter."""

    name = "markdown"

    def read(self, path: Path, *, volume: str | None = None) -> Iterator[Document]:
        """Yield the one document in the file at ``path``."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ReadError(f"cannot read file: {exc.strerror or exc}", path=path) from exc
        text, warnings = decode_bytes(data, path=str(path))
        yield read_markdown(text, origin=str(path), volume=volume, warnings=warnings)


def split_front_matter(text: str, *, origin: str | None = None) -> tuple[dict[str, Any], str, int]:
    """Split ``text`` into its front matter (a mapping), the body, and the body's first line.

    Text without front matter gives ``({}, text, 1)``. Malformed YAML raises
    ``ParseError`` with the line of the problem.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return {}, text, 1
    end = next((i for i in range(1, len(lines)) if _END_FENCE.match(lines[i])), None)
    if end is None:
        raise ParseError(
            "the front matter opened with '---' on line 1 is never closed; add a '---' line "
            "after it",
            path=origin,
            line=1,
        )
    raw = "\n".join(lines[1:end])
    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise ParseError(
            f"front matter is not valid YAML ({problem}); fix it or remove it",
            path=origin,
            line=line,
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParseError(
            "front matter must be a mapping of fields (key: value lines)", path=origin, line=2
        )
    return {str(k): v for k, v in data.items()}, "\n".join(lines[end + 1 :]), end + 2


def _markdown_to_copy(body: str) -> str:
    """Turn Markdown conventions into the copy form: footnotes, heading mark, emphasis."""
    lines = body.split("\n")
    defs: list[str] = []
    kept: list[str] = []
    for line in lines:
        m = _FOOTNOTE_DEF.match(line)
        if m is not None:
            defs.append(f"  {m.group(1)}. {m.group(2).strip()}")
        elif defs and line.startswith(("    ", "\t")) and line.strip():
            defs[-1] += " " + line.strip()
        else:
            kept.append(line)
    first = next((i for i, line in enumerate(kept) if line.strip()), None)
    if first is not None:
        kept[first] = _MD_HEADING.sub("", kept[first])
    text = "\n".join(kept).rstrip()
    text = _FOOTNOTE_REF.sub(lambda m: m.group(1), text)
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub(lambda m: m.group(2), text)
    if defs:
        text += "\n" + "\n".join(_EMPHASIS.sub(lambda m: m.group(2), d) for d in defs)
    return text


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.isoformat(timespec="minutes").replace("+00:00", "")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip() or None


def _parties(value: Any, field: str, warnings: list[RecordWarning]) -> list[Party]:
    items = value if isinstance(value, list) else [value]
    out: list[Party] = []
    for item in items:
        if isinstance(item, dict) and item.get("name"):
            out.append(
                Party(
                    name=str(item["name"]),
                    place=_as_text(item.get("place")) or place_of_post(str(item["name"])),
                )
            )
        elif isinstance(item, str | int) and str(item).strip():
            name = str(item).strip()
            out.append(Party(name=name, place=place_of_post(name)))
        else:
            warnings.append(
                RecordWarning(code="front-matter", message=f"{field}: {item!r} is not a name")
            )
    return out


def _front_date(value: Any, warnings: list[RecordWarning]) -> DateEvidence | None:
    text = _as_text(value)
    if text is None:
        return None
    if not re.match(r"^\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?)?)?$", text):
        warnings.append(
            RecordWarning(
                code="front-matter",
                message=f"date {text!r} is not an ISO date (YYYY-MM-DD); it was ignored",
            )
        )
        return None
    if len(text) > 16:
        text = text[:16]
    return DateEvidence(
        value=text, source=DateSource.FRONT_MATTER, text=str(value), confidence=Confidence.CERTAIN
    )


def read_markdown(
    text: str,
    *,
    origin: str | None = None,
    volume: str | None = None,
    warnings: list[RecordWarning] | None = None,
) -> Document:
    """Read one document from Markdown/text with YAML front matter (see the module doc)."""
    warnings = list(warnings or [])
    fm, body, _body_line = split_front_matter(text, origin=origin)
    for key in fm:
        if key not in _KNOWN:
            warnings.append(
                RecordWarning(
                    code="front-matter",
                    message=f"front-matter field {key!r} is not a record field; it was not used",
                )
            )
    vol = volume or _as_text(fm.get("volume"))
    number = _as_text(fm.get("number"))
    title = _as_text(fm.get("heading")) or _as_text(fm.get("title"))
    heading = None
    if title is not None:
        heading = (
            title if number is None or title.startswith(f"{number}.") else (f"{number}. {title}")
        )
    evidence: list[DateEvidence] = []
    ev = _front_date(fm.get("date"), warnings)
    if ev is not None:
        evidence.append(ev)
    copy = _markdown_to_copy(body)
    if not copy.strip() and heading is None:
        raise ReadError("the document has no text and no title", path=origin)
    doc = parse_document(
        copy,
        origin=origin,
        volume=vol,
        warnings=warnings,
        heading=heading,
        evidence=evidence,
        reader="markdown",
    )
    _apply(doc, fm, vol)
    return doc


def _apply(doc: Document, fm: dict[str, Any], vol: str | None) -> None:
    """Fill the record from front-matter fields (they win over what the text implies)."""
    warnings = doc.warnings
    if fm.get("edition"):
        doc.edition = str(fm["edition"])
    if fm.get("number") is not None and doc.number is None:
        doc.number = _as_text(fm["number"])
    if fm.get("id"):
        doc.id = str(fm["id"])
    elif vol and doc.number and not doc.id.startswith(f"{vol}/"):
        doc.id = f"{vol}/d{doc.number}"
    kind = _as_text(fm.get("type"))
    if kind:
        try:
            doc.type = DocumentType(kind.lower().replace(" ", "-"))
        except ValueError:
            warnings.append(
                RecordWarning(
                    code="front-matter",
                    message=f"type {kind!r} is not a document type "
                    f"({', '.join(t.value for t in DocumentType)}); kept {doc.type.value!r}",
                )
            )
    if fm.get("subtype"):
        doc.subtype = str(fm["subtype"])
    if fm.get("undated") is True:
        doc.date.is_undated = True
    if fm.get("dateline"):
        doc.dateline = str(fm["dateline"])
        dl = parse_dateline(doc.dateline)
        if dl is not None:
            doc.place = doc.place or dl.place
            if dl.evidence is not None:
                doc.dates.insert(0, dl.evidence)
    if fm.get("place"):
        doc.place = str(fm["place"])
    sender = fm.get("sender", fm.get("from"))
    if sender:
        doc.sender = _parties(sender, "sender", warnings)
    recipient = fm.get("recipient", fm.get("to"))
    if recipient:
        doc.recipient = _parties(recipient, "recipient", warnings)
    signers = fm.get("signers", fm.get("signed"))
    if signers:
        doc.signers = [str(s) for s in (signers if isinstance(signers, list) else [signers])]
    source = _as_text(fm.get("source"))
    if source:
        note = parse_source_note(
            source if source.lower().startswith("source") else f"Source: {source}"
        )
        doc.source_note = note
        doc.archival = list(note.sources)
        doc.drafting = note.drafting
        if not any(n.kind == "source" for n in doc.notes):
            prefix = f"d{doc.number}" if doc.number else ""
            doc.notes.insert(0, Note(n="0", id=f"{prefix}fn0", text=note.text, kind="source"))
        if doc.telegram is not None:
            old = doc.telegram
            doc.telegram = telegram_info(note, old.serial)
            doc.telegram.classification = doc.telegram.classification or old.classification
            doc.telegram.precedence = doc.telegram.precedence or old.precedence
        for src in note.sources:
            if src.file_date:
                doc.dates.append(
                    DateEvidence(
                        value=src.file_date,
                        source=DateSource.FILE_NUMBER,
                        text=src.file_number or src.text,
                        confidence=Confidence.INFERRED,
                    )
                )
    for key, table in (("classification", CLASSIFICATIONS), ("precedence", PRECEDENCES)):
        value = _as_text(fm.get(key))
        if value:
            norm = table.get(value.lower(), value)
            if doc.telegram is None:
                doc.telegram = TelegramInfo()
            setattr(doc.telegram, key, norm)
    if fm.get("serial") is not None:
        if doc.telegram is None:
            doc.telegram = TelegramInfo()
        doc.telegram.serial = _as_text(fm["serial"])
    doc.date = settle_date(doc.dates, is_undated=doc.date.is_undated)
    pages = _as_text(fm.get("pages"))
    if pages:
        m = re.match(r"^\s*(\w+)\s*(?:[-–]\s*(\w+))?\s*$", pages)
        if m is not None:
            doc.first_page = m.group(1)
            doc.last_page = m.group(2) or m.group(1)
    if fm.get("first_page") is not None:
        doc.first_page = _as_text(fm["first_page"])
    if fm.get("last_page") is not None:
        doc.last_page = _as_text(fm["last_page"])
