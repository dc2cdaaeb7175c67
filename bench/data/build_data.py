"""Rebuild the compact lookup tables the corpus generator draws real names from.

Run once by hand (``python bench/data/build_data.py /work/shared/data/authority``); the
generator and its tests read only the ``*.tsv.gz`` files written here, never the source
folder. Provenance of every table: ``bench/data/PROVENANCE.md``.
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_YEARS = re.compile(r"^frus(\d{4})(?:-(\d{2,4}))?")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with gzip.open(HERE / name, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("\t".join(header) + "\n")
        for row in rows:
            fh.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in row) + "\n")
    print(f"{name}: {len(rows)} rows", file=sys.stderr)


def _vol_years(vol_id: str) -> tuple[int, int] | None:
    m = _YEARS.match(vol_id)
    if not m:
        return None
    start = int(m.group(1))
    end = m.group(2)
    if not end:
        return start, start
    stop = int(end) if len(end) == 4 else int(str(start)[:2] + end)
    return start, max(start, stop)


def main(src: Path) -> None:
    vols = []
    for r in _rows(src / "frus-volumes.tsv"):
        yrs = _vol_years(r["id"])
        if yrs is None or not r["doc_count"] or int(r["doc_count"]) == 0:
            continue
        vols.append([r["id"], str(yrs[0]), str(yrs[1]), r["doc_count"]])
    _write("volumes.tsv.gz", ["id", "start", "end", "doc_count"], vols)

    chiefs = []
    for r in _rows(src / "chiefs-of-mission.tsv"):
        if r["mission_type"] != "country" or r["list"] != "chief" or not r["started"]:
            continue
        chiefs.append(
            [
                r["mission_name"],
                r["person_name"],
                r["role_title"],
                r["started"][:4],
                (r["ended"] or r["started"])[:4],
            ]
        )
    _write("chiefs.tsv.gz", ["mission", "name", "role", "start", "end"], chiefs)

    officers = []
    for r in _rows(src / "principal-officers.tsv"):
        if not r["started"]:
            continue
        officers.append(
            [
                r["position_name"],
                r["person_name"],
                r["started"][:4],
                (r["ended"] or r["started"])[:4],
            ]
        )
    _write("officers.tsv.gz", ["position", "name", "start", "end"], officers)

    remarks: dict[str, str] = {}
    for r in _rows(src / "people-remarks.tsv"):
        text = r["remark"].strip()
        if text and r["people_id"] not in remarks and len(text) <= 160:
            remarks[r["people_id"]] = text
    people = []
    for r in _rows(src / "people.tsv"):
        name = r["preferred_name"].strip()
        if "," not in name or not r["frus_volumes"]:
            continue
        years = [y for v in r["frus_volumes"].split(",") if (y := _vol_years(v.strip()))]
        if not years:
            continue
        people.append(
            [
                name,
                str(min(a for a, _ in years)),
                str(max(b for _, b in years)),
                remarks.get(r["people_id"], ""),
            ]
        )
    _write("people.tsv.gz", ["name", "start", "end", "remark"], people)

    seen: set[str] = set()
    terms = []
    for r in _rows(src / "terms-abbreviations.tsv"):
        term = r["term"].strip()
        if term and term.lower() not in seen and r["expansion"].strip():
            seen.add(term.lower())
            terms.append([term, r["expansion"].strip()])
    _write("terms.tsv.gz", ["term", "expansion"], terms)


def build_words() -> None:
    """Word frequencies of the bundled real texts (the TEI excerpts and the seed)."""
    from collections import Counter

    from lxml import etree

    root = HERE.parent.parent / "samples"
    counts: Counter[str] = Counter()
    texts = [(root / "plaintext" / "000_2018aa1b5c0eb2cd.txt").read_text(encoding="utf-8")]
    for xml in sorted((root / "tei").glob("*.xml")):
        tree = etree.parse(str(xml))
        ns = {"t": "http://www.tei-c.org/ns/1.0"}
        for div in tree.iterfind(".//t:div[@type='document']", ns):
            texts.append(" ".join(div.itertext()))
    for text in texts:
        counts.update(
            w
            for w in re.findall(r"[A-Za-z][a-z]+(?:['’][a-z]+)?", text)
            if not (w[0].isupper() and w.lower() not in text)
        )
    lower: Counter[str] = Counter()
    for w, c in counts.items():
        lower[w.lower() if w[1:].islower() and w.lower() in counts else w] += c
    two = {
        "of",
        "to",
        "in",
        "it",
        "is",
        "be",
        "as",
        "at",
        "so",
        "we",
        "he",
        "by",
        "or",
        "on",
        "do",
        "if",
        "me",
        "my",
        "up",
        "an",
        "go",
        "no",
        "us",
        "am",
    }
    rows = [[w, str(c)] for w, c in lower.most_common() if len(w) > 2 or w in two or w == "a"]
    _write("words.tsv.gz", ["word", "count"], rows)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/authority"))
    build_words()
