"""The authority tables despatch ships (``despatch/data``), loaded once and kept in memory.

``default_authority()`` reads them lazily the first time enrichment needs them (about
0.2 s) and caches the result for the life of the process. ``Authority.entry(key)`` turns
any key an entity span carries back into an ``AuthorityEntry`` for the web reader:

* ``p_KNS1`` / ``t_CPR1``: a volume's List of Persons / Abbreviations (needs ``volume``);
* ``people:107127``: the Office of the Historian's people database;
* ``term:CPR``: the Lists of Abbreviations table;
* ``place:Moscow``: the gazetteer.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from despatch.errors import ConfigError
from despatch.model import AuthorityEntry, Volume

_YEARS = re.compile(r"^frus(\d{4})(?:-(\d{2}))?")


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person of the people database: names, active years and one identification."""

    key: str  # "people:107127"
    name: str  # "Khrushchev, Nikita Sergeyevich"
    variants: tuple[str, ...]
    first_year: int | None
    last_year: int | None
    n_volumes: int
    identification: str


@dataclass(frozen=True, slots=True)
class TermRecord:
    """An abbreviation with its expansion and the list it comes from."""

    term: str
    expansion: str
    source: str  # a volume id or "frus-history-monograph"


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    """A place of the gazetteer."""

    name: str
    kind: str  # country, capital, city, region
    country: str
    variants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VolumeInfo:
    """One row of ``frus-volumes.tsv``."""

    id: str
    title: str
    sub_series: str
    volume_label: str
    volume_title: str
    published_year: str


@dataclass
class Authority:
    """Every table enrichment and citation read, indexed for lookup."""

    people: list[PersonRecord] = field(default_factory=list)
    terms: list[TermRecord] = field(default_factory=list)
    places: list[PlaceRecord] = field(default_factory=list)
    volume_lists: dict[str, list[AuthorityEntry]] = field(default_factory=dict)
    volumes: dict[str, VolumeInfo] = field(default_factory=dict)
    # name words that are also English words: a surname alone among these needs a title
    surname_words: frozenset[str] = frozenset()
    # matchers built from these tables (by ``despatch.enrich.entities``), kept with them
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._people = {p.key: p for p in self.people}
        self._terms: dict[str, TermRecord] = {}
        for t in self.terms:
            self._terms.setdefault(t.term, t)
        self._places = {p.name: p for p in self.places}

    def volume_entries(self, volume: str | None) -> list[AuthorityEntry]:
        """The bundled List of Persons and Abbreviations of ``volume`` (empty if none)."""
        return self.volume_lists.get(volume or "", [])

    def entry(self, key: str, *, volume: str | Volume | None = None) -> AuthorityEntry | None:
        """The authority entry behind a span key, or ``None`` if the key is unknown."""
        if key.startswith("people:"):
            p = self._people.get(key)
            if p is None:
                return None
            return AuthorityEntry(id=key, kind="person", name=p.name, description=p.identification)
        if key.startswith("term:"):
            t = self._terms.get(key[5:])
            if t is None:
                return None
            return AuthorityEntry(
                id=key, kind="term", name=t.term, description=t.expansion, volume=None
            )
        if key.startswith("place:"):
            pl = self._places.get(key[6:])
            if pl is None:
                return None
            desc = pl.kind if pl.country in {"", pl.name} else f"{pl.kind}, {pl.country}"
            return AuthorityEntry(id=key, kind="place", name=pl.name, description=desc)
        if isinstance(volume, Volume):
            for e in [*volume.persons, *volume.terms]:
                if e.id == key:
                    return e
            volume = volume.id
        for e in self.volume_entries(volume):
            if e.id == key:
                return e
        return None

    def volume_years(self, volume_id: str) -> tuple[int, int] | None:
        """The years a volume id covers: ``frus1958-60v19`` → (1958, 1960)."""
        return volume_years(volume_id)


def volume_years(volume_id: str) -> tuple[int, int] | None:
    """The years a FRUS volume id covers: ``frus1958-60v19`` → (1958, 1960)."""
    m = _YEARS.match(volume_id)
    if not m:
        return None
    start = int(m.group(1))
    end = start
    if m.group(2):
        end = start // 100 * 100 + int(m.group(2))
        if end < start:
            end += 100
    return start, end


def _rows(name: str) -> list[list[str]]:
    try:
        ref = resources.files("despatch").joinpath("data", name)
        raw = ref.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"despatch data file {name!r} is missing from the installed package ({exc}); "
            "reinstall despatch"
        ) from exc
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    reader = csv.reader(io.StringIO(raw.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = list(reader)
    return rows[1:]


def _int(s: str) -> int | None:
    return int(s) if s.isdigit() else None


def _split(s: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in s.split(" | ") if v.strip())


def load_authority() -> Authority:
    """Read the bundled tables (use ``default_authority()`` for the cached copy)."""
    people = [
        PersonRecord(
            key=f"people:{r[0]}",
            name=r[1],
            variants=_split(r[2]),
            first_year=_int(r[3]),
            last_year=_int(r[4]),
            n_volumes=_int(r[5]) or 0,
            identification=r[6] if len(r) > 6 else "",
        )
        for r in _rows("people.tsv.gz")
        if len(r) >= 6
    ]
    terms = [TermRecord(r[0], r[1], r[2]) for r in _rows("terms.tsv") if len(r) >= 3]
    places = [
        PlaceRecord(r[0], r[1], r[2], _split(r[3]) if len(r) > 3 else ())
        for r in _rows("places.tsv")
        if len(r) >= 3
    ]
    lists: dict[str, list[AuthorityEntry]] = {}
    for r in _rows("volume-lists.tsv"):
        if len(r) < 5:
            continue
        kind = "person" if r[2] == "person" else "term"
        lists.setdefault(r[0], []).append(
            AuthorityEntry(id=r[1], kind=kind, name=r[3], description=r[4], volume=r[0])
        )
    volumes = {
        r[0]: VolumeInfo(r[0], r[1], r[2], r[3], r[4], r[6])
        for r in _rows("frus-volumes.tsv")
        if len(r) >= 7
    }
    raw = resources.files("despatch").joinpath("data", "surname-words.txt").read_text("utf-8")
    return Authority(
        people=people,
        terms=terms,
        places=places,
        volume_lists=lists,
        volumes=volumes,
        surname_words=frozenset(raw.split()),
    )


@lru_cache(maxsize=1)
def default_authority() -> Authority:
    """The bundled tables, read once per process."""
    return load_authority()


__all__ = [
    "Authority",
    "PersonRecord",
    "PlaceRecord",
    "TermRecord",
    "VolumeInfo",
    "default_authority",
    "load_authority",
    "volume_years",
]
