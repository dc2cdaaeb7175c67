"""FRUS volume citations in notes: "Foreign Relations, 1955–1957, vol. II, pp. 10–12".

``parse_volume_citation(text, pos)`` reads the parts that follow "Foreign Relations" (or
"ibid.") — title words, years, volume, part, supplement, pages, document — and
``volume_id(...)`` turns them into a FRUS volume id that exists in the bundled list of
546 volumes (``data/frus-volumes.tsv``), so a citation never yields an invented id:

* ``Foreign Relations, 1955–1957, vol. II`` → ``frus1955-57v02``
* ``The Conferences at Cairo and Tehran, 1943`` → ``frus1943CairoTehran``
* ``The Conference of Berlin (The Potsdam Conference), 1945, vol. II`` → ``frus1945Berlinv02``
* ``1969–1976, vol. E–5, Part 1`` → ``frus1969-76ve05p1``; ``1917, Supplement 2, vol. I`` →
  ``frus1917Supp02v01``
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from despatch.enrich.authority import Authority, default_authority

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

# The special (conference, country) volumes and the id stem each one carries.
_STEMS: tuple[tuple[str, str], ...] = (
    ("Cairo", "CairoTehran"),
    ("Tehran", "CairoTehran"),
    ("Teheran", "CairoTehran"),
    ("Potsdam", "Berlin"),
    ("Berlin", "Berlin"),
    ("Malta", "Malta"),
    ("Yalta", "Malta"),
    ("Quebec", "Quebec"),
    ("Paris Peace", "Paris"),
    ("Russia", "Russia"),
    ("Intelligence", "Intel"),
    ("Iran", "Iran"),
    ("Guatemala", "Guat"),
    ("Public Diplomacy", "PubDip"),
    ("Nicaragua", "Nicaragua"),
    ("China", "China"),
)

_SEGMENT = re.compile(
    r"""
    \s*,?\s*
    (?:
      (?P<pages>pp?\.\s*(?P<p1>\d+|[ivxlcdm]+)(?:\s*[–-]\s*(?P<p2>\d+))?)
    | (?P<doc>Documents?\s+(?P<dn>\d+))
    | (?P<vol>(?:vol\.|vols\.|volume|Volume)\s*(?P<vn>[IVXLC]+\b|[Ee][–-]?\d+|\d+))
    | (?P<part>(?:Part|part|pt\.)\s*(?P<pn>\d+|[IVX]+\b))
    | (?P<supp>Supplement(?:\s+(?P<sn>\d+))?)
    | (?P<years>(?P<y1>1[789]\d\d)(?:\s*[–-]\s*(?P<y2>\d{2,4}))?)(?![\d/])
    | (?P<title>(?:The\s+)?[A-Z][\w’'-]*
        (?:\s+(?:[A-Z(][\w’'()-]*|of|the|and|at|in|on|for|to|with|de))*)
    )
    """,
    re.X,
)


@dataclass(frozen=True, slots=True)
class VolumeCitation:
    """The parts of one FRUS citation and the volume id they name (if any)."""

    start: int
    end: int
    volume: str | None
    page: str | None = None
    document: str | None = None
    title: str | None = None
    years: str | None = None


def roman_to_int(s: str) -> int | None:
    """``"XIX"`` → 19; ``None`` for anything that is not a Roman numeral."""
    s = s.upper()
    if not s or any(ch not in _ROMAN for ch in s):
        return None
    total = 0
    for i, ch in enumerate(s):
        v = _ROMAN[ch]
        total += -v if i + 1 < len(s) and _ROMAN[s[i + 1]] > v else v
    return total


def volume_id(
    *,
    y1: str,
    y2: str | None = None,
    volume: str | None = None,
    part: str | None = None,
    supplement: str | None = None,
    title: str | None = None,
    known: Collection[str],
) -> str | None:
    """The FRUS volume id for the parts of a citation, if ``known`` has it."""
    base = f"frus{y1}"
    if y2:
        base += f"-{y2[-2:]}"
    stems = [stem for word, stem in _STEMS if title and word in title]
    vol_parts: list[str] = [""]
    if volume:
        v = volume.replace("–", "").replace("-", "")
        if v[:1] in "Ee" and v[1:].isdigit():
            vol_parts = [f"ve{int(v[1:]):02d}"]
        else:
            n = int(v) if v.isdigit() else roman_to_int(v)
            if n is None:
                return None
            vol_parts = [f"v{n:02d}", f"v{n}"]
    part_parts = [""]
    if part:
        pn = int(part) if part.isdigit() else roman_to_int(part)
        if pn is None:
            return None
        part_parts = [f"p{pn}"]
    supp_parts = [""]
    if supplement is not None:
        supp_parts = [f"Supp{int(supplement):02d}" if supplement else "Supp"]
    for stem in [*stems, ""]:
        for supp in supp_parts:
            for vol in vol_parts:
                for pt in part_parts:
                    for candidate in (
                        f"{base}{stem}{supp}{vol}{pt}",
                        f"{base}{stem}{supp}{pt}{vol}",
                    ):
                        if candidate in known:
                            return candidate
    return None


def parse_volume_citation(
    text: str, pos: int, *, authority: Authority | None = None
) -> VolumeCitation | None:
    """The citation whose parts start at ``pos`` (just after "Foreign Relations" or "ibid.").

    ``None`` when no year follows: without a year no volume can be named.
    """
    auth = authority or default_authority()
    known = auth.volumes
    end = pos
    y1 = y2 = vol = part = supp = page = doc = None
    titles: list[str] = []
    has_supp = False
    committed = pos  # the end of the last part known to belong to the citation
    while True:
        m = _SEGMENT.match(text, end)
        if m is None or m.end() == end:
            break
        if m.group("pages"):
            page = m.group("p1")
            committed = m.end()
            break
        if m.group("doc"):
            doc = m.group("dn")
            committed = m.end()
            break
        end = m.end()
        if m.group("title"):
            if y1 is not None and vol is not None:
                continue  # "vol. XIX, China": part of the citation only if a page follows
            titles.append(m.group("title"))
            continue
        if m.group("vol"):
            vol = m.group("vn")
        elif m.group("part"):
            part = m.group("pn")
        elif m.group("supp"):
            has_supp = True
            supp = m.group("sn") or ""
        elif m.group("years"):
            if y1 is not None:
                break
            y1, y2 = m.group("y1"), m.group("y2")
        committed = end
    end = committed
    if y1 is None:
        return None
    title = " ".join(titles) or None
    vid = volume_id(
        y1=y1,
        y2=y2,
        volume=vol,
        part=part,
        supplement=supp if has_supp else None,
        title=title,
        known=known,
    )
    years = f"{y1}–{y2}" if y2 else y1
    return VolumeCitation(pos, end, vid, page, doc, title, years)


__all__ = ["VolumeCitation", "parse_volume_citation", "roman_to_int", "volume_id"]
