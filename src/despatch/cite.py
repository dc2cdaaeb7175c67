"""Citations of a document: Chicago note and bibliography, BibTeX, RIS and CSL-JSON.

``format_citation(doc, style)`` is the one function the CLI (``despatch cite``) and the web
reader's cite box call. The styles:

``chicago`` (``chicago-note``)
    The note form Chicago 17 (14.305 on documents in published collections) gives for
    FRUS: *Telegram From the Embassy in the Soviet Union to the Department of State,
    Moscow, September 19, 1958, in Foreign Relations of the United States, 1958–1960, vol.
    XIX, China, ed. Harriet Dashiell Schwar (Washington: Government Printing Office, 1996),
    Document 110, https://history.state.gov/historicaldocuments/frus1958-60v19/d110.*
``chicago-bibliography``
    The bibliography entry: issuing body first, the document title in quotation marks,
    the volume with its editors, publisher and year, the document number, the URL.
``bibtex``, ``ris``, ``csl-json``
    The same facts for reference managers (BibTeX ``@incollection``, RIS ``CHAP``, one
    CSL-JSON item of type ``chapter`` in a list).

Why Chicago is formatted here rather than by citeproc-py from a CSL style: a FRUS
citation needs the document's own place and date and the "Document N" locator inside a
numbered volume, which a general Chicago CSL style renders as a chapter with pages; the
public Chicago CSL styles cannot be fetched at build time (no network) and a complete
hand-written CSL for one genre is more code to keep right than this module. citeproc-py is
used by the tests instead: it renders our CSL-JSON with a small bundled CSL style
(``data/despatch-document.csl``), proving the CSL-JSON is valid input for any CSL processor
(Zotero, Pandoc) and carries the fields they need.

Volume facts (title, sub-series, volume number, editors, publisher, year) come from the
``Volume`` record when the caller has it, else from the bundled list of FRUS volumes, else
from the volume id itself; a fact that is not known is left out, never invented.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from despatch.enrich.authority import default_authority, volume_years
from despatch.enrich.volumes import roman_to_int
from despatch.errors import ConfigError
from despatch.model import Document, Volume

STYLES: tuple[str, ...] = (
    "chicago",
    "chicago-note",
    "chicago-bibliography",
    "bibtex",
    "ris",
    "csl-json",
)
HSG = "https://history.state.gov/historicaldocuments/"
_SERIES = "Foreign Relations of the United States"
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_ROMANS = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
    (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


@dataclass
class _Facts:
    """Everything a citation may say, each part known or ``None``."""

    title: str
    place: str | None
    date: str | None  # ISO day/month/year
    date_text: str  # "September 19, 1958" / "n.d."
    number: str | None
    pages: str | None  # "231–238"
    url: str | None
    series: str | None = None
    sub_series: str | None = None
    volume_number: str | None = None  # "XIX"
    volume_title: str | None = None  # "China"
    editors: list[str] = field(default_factory=list)
    publisher: str | None = None
    publisher_place: str | None = None
    published: str | None = None  # year
    archival: str | None = None  # "Department of State, Central Files, 793.00/9–1958"
    genre: str | None = None  # "Telegram"


def _roman(n: int) -> str:
    out = []
    for value, numeral in _ROMANS:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _human_date(iso: str | None) -> str:
    """``1958-09-19`` → ``September 19, 1958``; ``1958-09`` → ``September 1958``."""
    if not iso:
        return "n.d."
    parts = iso[:10].split("-")
    try:
        if len(parts) >= 3:
            d = date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
    except (ValueError, IndexError):
        return iso
    return parts[0]


def _volume_facts(doc: Document, volume: Volume | None, facts: _Facts) -> None:
    vid = volume.id if volume else doc.volume
    if not vid:
        return
    info = default_authority().volumes.get(vid)
    if doc.edition == "frus" or vid.startswith("frus"):
        facts.series = _SERIES
        facts.publisher, facts.publisher_place = "Government Printing Office", "Washington"
    years = volume_years(vid)
    if years:
        facts.sub_series = f"{years[0]}–{years[1]}" if years[1] != years[0] else str(years[0])
    m = re.search(r"v(\d+)(?:p\d+)?$", vid)
    if m and not re.search(r"ve\d", vid):
        facts.volume_number = _roman(int(m.group(1)))
    if info is not None:
        if info.sub_series and info.sub_series[:1].isdigit():
            facts.sub_series = info.sub_series
        label = info.volume_label
        lm = re.match(r"Volume ([IVXLC]+|E[–-]\d+)", label)
        if lm:
            facts.volume_number = lm.group(1)
        if info.volume_title and info.volume_title != label:
            facts.volume_title = info.volume_title
        facts.published = info.published_year or None
    if volume is not None:
        if volume.sub_series:
            facts.sub_series = volume.sub_series
        if volume.volume_number:
            facts.volume_number = volume.volume_number.removeprefix("Volume ").strip()
        if volume.volume_title:
            facts.volume_title = volume.volume_title
        facts.editors = list(volume.editors)
        if volume.publisher:
            facts.publisher = re.sub(r"^(?:The\s+)?United States\s+", "", volume.publisher)
        facts.published = volume.published_year or facts.published
    if (
        facts.volume_number
        and roman_to_int(facts.volume_number) is None
        and not (facts.volume_number.startswith("E"))
    ):
        facts.volume_number = None


def _facts(doc: Document, volume: Volume | None) -> _Facts:
    place = doc.place or next((p.place for p in doc.sender if p.place), None)
    iso = doc.date.value or doc.date.not_before
    number = doc.number
    pages = "–".join(dict.fromkeys(p for p in (doc.first_page, doc.last_page) if p)) or None
    url = f"{HSG}{doc.id}" if doc.volume and doc.id.startswith(f"{doc.volume}/") else None
    title = doc.title or doc.heading or doc.id
    if title.endswith(".") and not title.endswith(("..", " etc.")):
        title = title[:-1]  # "Mr. Conger to Mr. Hay." — the citation adds its own stops
    facts = _Facts(
        title=title,
        place=place,
        date=iso[:10] if iso else None,
        date_text=_human_date(iso),
        number=number,
        pages=pages,
        url=url,
        genre=doc.type.value.replace("-", " ").capitalize() if doc.type.value != "other" else None,
    )
    if doc.archival:
        facts.archival = doc.archival[0].text.rstrip(".")
    _volume_facts(doc, volume, facts)
    return facts


def _container(f: _Facts, *, short_volume: bool = True) -> str:
    """``Foreign Relations of the United States, 1958–1960, vol. XIX, China``."""
    parts = [f.series or ""]
    if f.sub_series:
        parts.append(f.sub_series)
    if f.volume_number:
        parts.append(f"vol. {f.volume_number}" if short_volume else f"Volume {f.volume_number}")
    if f.volume_title and f.volume_title != f.sub_series:
        parts.append(f.volume_title)
    return ", ".join(p for p in parts if p)


def _editors_text(editors: list[str]) -> str:
    if len(editors) <= 2:
        return " and ".join(editors)
    return ", ".join(editors[:-1]) + ", and " + editors[-1]


def _locator(f: _Facts) -> str | None:
    if f.number:
        return f"Document {f.number}"
    if f.pages:
        return f"{'pp.' if '–' in f.pages else 'p.'} {f.pages}"
    return None


def chicago_note(
    doc: Document, *, volume: Volume | None = None, accessed: date | None = None
) -> str:
    """The Chicago 17 note form of ``doc``."""
    f = _facts(doc, volume)
    head = ", ".join(p for p in (f.title, f.place, f.date_text) if p)
    parts = [head]
    if f.series:
        inner = f"in {_container(f)}"
        if f.editors:
            inner += f", ed. {_editors_text(f.editors)}"
        pub = ", ".join(p for p in (f.publisher, f.published) if p)
        if f.publisher_place and pub:
            pub = f"{f.publisher_place}: {pub}"
        if pub:
            inner += f" ({pub})"
        parts.append(inner)
        loc = _locator(f)
        if loc:
            parts.append(loc)
    elif f.archival:
        parts.append(f.archival)
    if accessed and f.url:
        parts.append(f"accessed {_human_date(accessed.isoformat())}")
    if f.url:
        parts.append(f.url)
    text = ", ".join(parts)
    return text if text.endswith(".") else text + "."


def chicago_bibliography(
    doc: Document, *, volume: Volume | None = None, accessed: date | None = None
) -> str:
    """The Chicago 17 bibliography entry of ``doc``."""
    f = _facts(doc, volume)
    author = "U.S. Department of State" if f.series else None
    sentences = []
    if author:
        sentences.append(f"{author}.")
    sentences.append(f"“{f.title}.”")
    sentences.append(", ".join(p for p in (f.place, f.date_text) if p) + ".")
    if f.series:
        inner = f"In {_container(f, short_volume=False)}"
        if f.editors:
            inner += f", edited by {_editors_text(f.editors)}"
        loc = _locator(f)
        if loc:
            inner += f", {loc}"
        sentences.append(inner + ".")
        pub = ", ".join(p for p in (f.publisher, f.published) if p)
        if f.publisher_place and pub:
            pub = f"{f.publisher_place}: {pub}"
        if pub:
            sentences.append(pub + ".")
    elif f.archival:
        sentences.append(f.archival + ".")
    if accessed and f.url:
        sentences.append(f"Accessed {_human_date(accessed.isoformat())}.")
    if f.url:
        sentences.append(f.url + ".")
    return " ".join(sentences)


_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
    "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip


def _bibtex_value(text: str) -> str:
    text = "".join(_BIBTEX_ESCAPES.get(ch, ch) for ch in text)
    return text.replace("–", "--").replace("—", "---")


def bibtex_key(doc: Document) -> str:
    """A BibTeX key from the document id: ``frus1958-60v19-d110``."""
    return re.sub(r"[^A-Za-z0-9:.-]+", "-", doc.id).strip("-") or "document"


def _name_parts(name: str) -> tuple[str, str]:
    """``"Harriet Dashiell Schwar"`` → (``"Schwar"``, ``"Harriet Dashiell"``)."""
    if "," in name:
        family, given = name.split(",", 1)
        return family.strip(), given.strip()
    words = name.split()
    if len(words) == 1:
        return words[0], ""
    return words[-1], " ".join(words[:-1])


def to_bibtex(doc: Document, *, volume: Volume | None = None, accessed: date | None = None) -> str:
    """A BibTeX ``@incollection`` (``@misc`` when the document is not in a volume)."""
    f = _facts(doc, volume)
    fields: list[tuple[str, str]] = [("title", f.title)]
    if f.series:
        fields.append(("booktitle", _container(f, short_volume=False)))
        if f.editors:
            fields.append(
                ("editor", " and ".join(", ".join(p for p in _name_parts(e) if p)
                                        for e in f.editors))
            )  # fmt: skip
        if f.volume_number:
            fields.append(("volume", f.volume_number))
        if f.publisher:
            fields.append(("publisher", f.publisher))
        if f.publisher_place:
            fields.append(("address", f.publisher_place))
    year = f.published or (f.date[:4] if f.date else None)
    if year:
        fields.append(("year", year))
    if f.number:
        fields.append(("number", f.number))
    if f.pages:
        fields.append(("pages", f.pages))
    note = ", ".join(p for p in (f.genre, f.place, f.date_text) if p)
    if f.number:
        note += f". Document {f.number}"
    if f.archival:
        note += f". Source: {f.archival}"
    fields.append(("note", note))
    if f.url:
        fields.append(("url", f.url))
        if accessed:
            fields.append(("urldate", accessed.isoformat()))
    entry = "incollection" if f.series else "misc"
    body = ",\n".join(f"  {k} = {{{_bibtex_value(v)}}}" for k, v in fields)
    return f"@{entry}{{{bibtex_key(doc)},\n{body}\n}}\n"


def to_ris(doc: Document, *, volume: Volume | None = None, accessed: date | None = None) -> str:
    """An RIS record (``TY  - CHAP``; ``GOVDOC`` when the document is not in a volume)."""
    f = _facts(doc, volume)
    lines: list[tuple[str, str]] = [("TY", "CHAP" if f.series else "GOVDOC"), ("TI", f.title)]
    if f.series:
        lines.append(("T2", _container(f, short_volume=False)))
        lines.append(("T3", f.series))
        lines += [("ED", ", ".join(p for p in _name_parts(e) if p)) for e in f.editors]
        if f.volume_number:
            lines.append(("VL", f.volume_number))
        if f.publisher:
            lines.append(("PB", f.publisher))
        if f.publisher_place:
            lines.append(("CY", f.publisher_place))
        if f.published:
            lines.append(("PY", f.published))
    if f.date:
        lines.append(("DA", f.date.replace("-", "/")))
        if not f.published:
            lines.append(("PY", f.date[:4]))
    if f.number:
        lines.append(("SE", f"Document {f.number}"))
    if f.pages:
        first, _, last = f.pages.partition("–")
        lines.append(("SP", first))
        if last:
            lines.append(("EP", last))
    if f.place:
        lines.append(("N1", f"{f.genre + ', ' if f.genre else ''}{f.place}, {f.date_text}"))
    if f.archival:
        lines.append(("AN", f.archival))
    if f.url:
        lines.append(("UR", f.url))
        if accessed:
            lines.append(("Y2", accessed.strftime("%Y/%m/%d")))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)


def _date_parts(iso: str) -> dict[str, list[list[int]]]:
    return {"date-parts": [[int(p) for p in iso[:10].split("-") if p.isdigit()]]}


def to_csl_json(
    doc: Document, *, volume: Volume | None = None, accessed: date | None = None
) -> str:
    """A CSL-JSON list with one item (``type`` chapter, or ``document`` outside a volume)."""
    f = _facts(doc, volume)
    item: dict[str, object] = {
        "id": doc.id,
        "type": "chapter" if f.series else "document",
        "title": f.title,
    }
    if f.series:
        item["container-title"] = _container(f, short_volume=False)
        item["collection-title"] = f.series
        if f.volume_number:
            item["volume"] = f.volume_number
        if f.editors:
            item["editor"] = [
                {"family": fam, "given": giv} for fam, giv in map(_name_parts, f.editors)
            ]
        if f.publisher:
            item["publisher"] = f.publisher
        if f.publisher_place:
            item["publisher-place"] = f.publisher_place
        if f.published:
            item["issued"] = {"date-parts": [[int(f.published)]]}
    if f.date:
        item["original-date"] = _date_parts(f.date)
        item.setdefault("issued", _date_parts(f.date))
    if f.place:
        item["event-place"] = f.place
    if f.number:
        item["number"] = f.number
    if f.pages:
        item["page"] = f.pages.replace("–", "-")
    if f.genre:
        item["genre"] = f.genre
    if f.archival:
        item["archive"] = f.archival
    if f.url:
        item["URL"] = f.url
        if accessed:
            item["accessed"] = _date_parts(accessed.isoformat())
    return json.dumps([item], ensure_ascii=False, indent=2)


def format_citation(
    doc: Document,
    style: str,
    *,
    volume: Volume | None = None,
    accessed: date | None = None,
) -> str:
    """``doc`` cited in ``style`` (one of ``STYLES``); raises ``ConfigError`` for others."""
    key = style.strip().lower()
    if key in {"chicago", "chicago-note"}:
        return chicago_note(doc, volume=volume, accessed=accessed)
    if key == "chicago-bibliography":
        return chicago_bibliography(doc, volume=volume, accessed=accessed)
    if key == "bibtex":
        return to_bibtex(doc, volume=volume, accessed=accessed)
    if key == "ris":
        return to_ris(doc, volume=volume, accessed=accessed)
    if key in {"csl-json", "csl", "csljson"}:
        return to_csl_json(doc, volume=volume, accessed=accessed)
    raise ConfigError(f"unknown citation style {style!r}; choose one of: {', '.join(STYLES)}")


__all__ = [
    "STYLES",
    "bibtex_key",
    "chicago_bibliography",
    "chicago_note",
    "format_citation",
    "to_bibtex",
    "to_csl_json",
    "to_ris",
]
