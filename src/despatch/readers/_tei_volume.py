"""The volume record of a FRUS TEI file: header metadata and front-matter authority lists."""

from __future__ import annotations

import re
from typing import Any

from despatch.model import AuthorityEntry
from despatch.readers._tei_text import TEI, XML_ID, local, norm

_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")


def _text(el: Any | None) -> str:
    if el is None:
        return ""
    parts: list[str] = []
    _gather(el, parts)
    return norm("".join(parts))


def _gather(el: Any, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        name = local(child.tag)
        if name == "lb":
            parts.append(" ")
        elif name not in ("note", "pb", ""):
            _gather(child, parts)
        if child.tail:
            parts.append(child.tail)


def read_header(header: Any) -> dict[str, Any]:
    """The ``teiHeader`` fields the ``Volume`` record keeps (empty values left out)."""
    titles: dict[str, str] = {}
    stmt = header.find(f"{TEI}fileDesc/{TEI}titleStmt")
    if stmt is not None:
        for t in stmt.findall(f"{TEI}title"):
            kind = t.get("type") or "main"
            value = _text(t)
            if value and kind not in titles:
                titles[kind] = value
    editors = (
        [] if stmt is None else [e for e in (_text(x) for x in stmt.findall(f"{TEI}editor")) if e]
    )
    pub = header.find(f"{TEI}fileDesc/{TEI}publicationStmt")
    publisher = year = frus_id = None
    coverage: tuple[str, str] | None = None
    if pub is not None:
        publisher = _text(pub.find(f"{TEI}publisher")) or None
        for d in pub.findall(f"{TEI}date"):
            if d.get("type") == "content-date":
                if d.get("notBefore") and d.get("notAfter"):
                    coverage = (d.get("notBefore"), d.get("notAfter"))
            elif year is None:
                m = _YEAR.search(d.get("when") or _text(d))
                year = m.group(1) if m else None
        for idno in pub.findall(f"{TEI}idno"):
            if idno.get("type") == "frus" and _text(idno):
                frus_id = _text(idno)
    number = titles.get("volume-number")
    if number:
        number = re.sub(r"^Volume\s+", "", number)
    return {
        "title": titles.get("complete") or titles.get("main") or "",
        "sub_series": titles.get("sub-series"),
        "volume_number": number or None,
        "volume_title": titles.get("volume"),
        "editors": editors,
        "publisher": publisher,
        "published_year": year,
        "frus_id": frus_id,
        "coverage": coverage,
    }


def read_authority(div: Any, volume: str) -> tuple[list[AuthorityEntry], list[AuthorityEntry]]:
    """The persons and terms of a front-matter list (``list type="names"|"terms"``)."""
    persons: list[AuthorityEntry] = []
    terms: list[AuthorityEntry] = []
    for lst in div.iter(f"{TEI}list"):
        ltype = lst.get("type")
        if ltype not in ("names", "terms", "persons", "abbreviations"):
            continue
        want = f"{TEI}term" if ltype in ("terms", "abbreviations") else f"{TEI}persName"
        kind = "term" if want.endswith("term") else "person"
        target = terms if kind == "term" else persons
        for item in lst.findall(f"{TEI}item"):
            full = _text(item)
            for entry in item.iter(want):
                xml_id = entry.get(XML_ID)
                if not xml_id:
                    continue
                name = _text(entry).rstrip(" ,")
                desc = full[len(name) :] if full.startswith(name) else full
                target.append(
                    AuthorityEntry(
                        id=xml_id,
                        kind=kind,
                        name=name,
                        description=desc.strip(" ,;:"),
                        volume=volume,
                    )
                )
    return persons, terms


def is_authority_div(div: Any) -> bool:
    """True for a front-matter section holding a List of Persons or Abbreviations."""
    if div.get(XML_ID) in ("persons", "terms"):
        return True
    return any(lst.get("type") in ("names", "terms") for lst in div.iter(f"{TEI}list"))
