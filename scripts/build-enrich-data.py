"""Build the compact authority tables that ``despatch.enrich`` ships in ``src/despatch/data``.

Run from the repository root with the shared authority folder at hand::

    .venv/bin/python scripts/build-enrich-data.py /work/shared/data/authority

It reads the Office of the Historian tables (see ``src/despatch/data/README.md`` for their
provenance) and the bundled TEI excerpts in ``samples/tei``, and writes:

* ``frus-volumes.tsv``    verbatim copy (only if missing: the TEI reader shares it)
* ``people.tsv.gz``       one row per person: id, names, active years, one identification
                          (plus the few curated rows of ``scripts/people-extra.tsv``)
* ``terms.tsv``           the Lists of Abbreviations (term, expansion, source)
* ``volume-lists.tsv``    the Lists of Persons/Abbreviations of the bundled sample volumes
* ``places.tsv``          countries (POCOM missions) plus the curated capitals/places list
* ``surname-words.txt``   name words that are also English words (needs ``english-words``)

Nothing here runs at install or run time; the outputs are committed.
"""

from __future__ import annotations

import csv
import gzip
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "despatch" / "data"
TEI = ROOT / "samples" / "tei"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}

_VOL_YEARS = re.compile(r"^frus(\d{4})(?:-(\d{2}))?")


def _years(volume_id: str) -> tuple[int, int] | None:
    m = _VOL_YEARS.match(volume_id)
    if not m:
        return None
    start = int(m.group(1))
    end = start
    if m.group(2):
        end = start // 100 * 100 + int(m.group(2))
        if end < start:
            end += 100
    return start, end


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def build_people(src: Path) -> None:
    remarks: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for r in _read_tsv(src / "people-remarks.tsv"):
        sources = [s for s in r["sources"].split(",") if s]
        remarks[r["people_id"]].append((len(sources), r["remark"], r["sources"]))
    out = DATA / "people.tsv.gz"
    rows = 0
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("id\tname\tvariants\tfirst_year\tlast_year\tn_volumes\tidentification\n")
        for r in _read_tsv(src / "people.tsv"):
            spans = [y for v in r["frus_volumes"].split(",") if v and (y := _years(v))]
            if spans:
                first, last = min(s[0] for s in spans), max(s[1] for s in spans)
            elif r["birth_year"]:
                first = int(r["birth_year"]) + 20
                last = int(r["death_year"]) if r["death_year"] else first + 60
            else:
                first = last = 0
            # The identification most volumes agree on; ties go to the latest source.
            ident = ""
            if remarks[r["people_id"]]:
                best = max(remarks[r["people_id"]], key=lambda t: (t[0], t[2]))
                ident = best[1]
                if len(ident) > 160:
                    ident = ident[:157].rsplit(" ", 1)[0] + " …"
            fh.write(
                "\t".join(
                    [
                        r["people_id"],
                        r["preferred_name"],
                        r["variant_names"],
                        str(first or ""),
                        str(last or ""),
                        r["n_frus_volumes"],
                        ident,
                    ]
                )
                + "\n"
            )
            rows += 1
        # People the Office of the Historian's database lacks but FRUS texts name (curated,
        # with a "extra-" id prefix so their keys never clash with the database's).
        for r in _read_tsv(ROOT / "scripts" / "people-extra.tsv"):
            fh.write("\t".join(r[k] for k in r) + "\n")
            rows += 1
    print(f"{out.name}: {rows} people, {out.stat().st_size:,} bytes")


def build_surname_words(src: Path) -> None:
    """Name words that are also lower-case English words ("grain", "burden", "bell").

    From Webster's Second International word list (``web2``, public domain) as packaged by
    the ``english-words`` distribution (``pip install english-words``; build time only).
    A surname alone that is such a word names a person only after a title.
    """
    from english_words import get_english_words_set

    words = {w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower()}
    names: set[str] = set()
    for r in _read_tsv(src / "people.tsv"):
        for name in [r["preferred_name"], *r["variant_names"].split(" | ")]:
            for part in re.split(r"[\s,()]+", name):
                if len(part) >= 3 and part.isalpha():
                    names.add(part.lower())
    common = sorted(names & words)
    out = DATA / "surname-words.txt"
    out.write_text("\n".join(common) + "\n", encoding="utf-8")
    print(f"{out.name}: {len(common)} words, {out.stat().st_size:,} bytes")


def build_terms(src: Path) -> None:
    out = DATA / "terms.tsv"
    rows = _read_tsv(src / "terms-abbreviations.tsv")
    with out.open("w", encoding="utf-8") as fh:
        fh.write("term\texpansion\tsource_id\n")
        for r in rows:
            fh.write(f"{r['term']}\t{r['expansion']}\t{r['source_id']}\n")
    print(f"{out.name}: {len(rows)} terms, {out.stat().st_size:,} bytes")


def _text(el: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def build_volume_lists() -> None:
    out = DATA / "volume-lists.tsv"
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        fh.write("volume\tid\tkind\tname\tdescription\n")
        for path in sorted(TEI.glob("*.xml")):
            tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
            vol = tree.getroot().get("{http://www.w3.org/XML/1998/namespace}id") or ""
            if not vol:
                idno = tree.find(".//tei:publicationStmt/tei:idno[@type='frus']", NS)
                vol = (
                    idno.text.strip()
                    if idno is not None and idno.text
                    else path.stem.split("-ex")[0]
                )
            for kind, tag in (("person", "persName"), ("term", "term")):
                for el in tree.xpath(f"//tei:item/tei:hi/tei:{tag}[@xml:id]", namespaces=NS):
                    item = el.getparent().getparent()
                    name = _text(el)
                    whole = _text(item)
                    desc = whole[len(_text(el.getparent())) :].strip()
                    xml_id = el.get("{http://www.w3.org/XML/1998/namespace}id")
                    fh.write(f"{vol}\t{xml_id}\t{kind}\t{name}\t{desc}\n")
                    n += 1
    print(f"{out.name}: {n} entries, {out.stat().st_size:,} bytes")


def build_places(src: Path) -> None:
    countries: set[str] = set()
    for r in _read_tsv(src / "chiefs-of-mission.tsv"):
        if r["mission_type"] == "country":
            for name in (r["mission_name"], r["contemporary_territory_name"]):
                name = re.sub(r"\s+1\d{3}$", "", name).strip()
                if name and not re.search(r"\d", name):
                    countries.add(name)
    curated = _read_tsv(ROOT / "scripts" / "places-curated.tsv")
    out = DATA / "places.tsv"
    seen: set[str] = set()
    with out.open("w", encoding="utf-8") as fh:
        fh.write("name\tkind\tcountry\tvariants\n")
        for r in curated:
            fh.write(f"{r['name']}\t{r['kind']}\t{r['country']}\t{r['variants']}\n")
            seen.add(r["name"])
        for name in sorted(countries - seen):
            # "Korea, South" → "South Korea"; "Congo, Republic of" → "Republic of Congo"
            display = name
            if ", " in name:
                a, b = name.split(", ", 1)
                display = f"{b} {a}" if b.lower() in {"south", "north"} else name
            if display in seen:
                continue
            fh.write(f"{display}\tcountry\t{display}\t\n")
            seen.add(display)
    print(f"{out.name}: {len(seen)} places, {out.stat().st_size:,} bytes")


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/authority")
    DATA.mkdir(exist_ok=True)
    if not (DATA / "frus-volumes.tsv").exists():
        shutil.copyfile(src / "frus-volumes.tsv", DATA / "frus-volumes.tsv")
        print("frus-volumes.tsv: copied")
    build_people(src)
    build_surname_words(src)
    build_terms(src)
    build_volume_lists()
    build_places(src)


if __name__ == "__main__":
    main()
