"""The world a generated FRUS-like corpus lives in: volumes, posts, people, terms.

Real names come from the compact public-domain tables in ``bench/data/`` (Office of the
Historian open data; see ``bench/data/PROVENANCE.md``). Posts, their cities, decimal-file
country codes and the regional volume titles are written out below by hand.
"""

from __future__ import annotations

import bisect
import gzip
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Post:
    """A U.S. post abroad: how FRUS headings name it, its city and file code."""

    country: str  # as in chiefs-of-mission ("Soviet Union" is "Russia" there)
    phrase: str  # "Embassy in the Soviet Union"
    city: str  # dateline place
    code: str  # State Department decimal-file country code ("61" → 761.00, 611.61)
    utc: int  # standard-time offset, hours
    mission: str = ""  # name in the chiefs-of-mission table when it differs


# (country, heading phrase, city, decimal code, UTC offset, chiefs-of-mission name)
_POSTS: tuple[tuple[str, str, str, str, int, str], ...] = (
    ("Soviet Union", "Embassy in the Soviet Union", "Moscow", "61", 3, "Russia"),
    ("United Kingdom", "Embassy in the United Kingdom", "London", "41", 0, ""),
    ("France", "Embassy in France", "Paris", "51", 1, ""),
    ("Germany", "Embassy in Germany", "Bonn", "62", 1, ""),
    ("Italy", "Embassy in Italy", "Rome", "65", 1, ""),
    ("Poland", "Embassy in Poland", "Warsaw", "48", 1, ""),
    ("Czechoslovakia", "Embassy in Czechoslovakia", "Prague", "49", 1, ""),
    ("Hungary", "Legation in Hungary", "Budapest", "64", 1, ""),
    ("Romania", "Legation in Romania", "Bucharest", "66", 2, ""),
    ("Yugoslavia", "Embassy in Yugoslavia", "Belgrade", "68", 1, ""),
    ("Greece", "Embassy in Greece", "Athens", "81", 2, ""),
    ("Turkey", "Embassy in Turkey", "Ankara", "82", 2, ""),
    ("Spain", "Embassy in Spain", "Madrid", "52", 1, ""),
    ("Portugal", "Embassy in Portugal", "Lisbon", "53", 0, ""),
    ("Netherlands", "Embassy in the Netherlands", "The Hague", "56", 1, ""),
    ("Belgium", "Embassy in Belgium", "Brussels", "55", 1, ""),
    ("Sweden", "Embassy in Sweden", "Stockholm", "58", 1, ""),
    ("Norway", "Embassy in Norway", "Oslo", "57", 1, ""),
    ("Denmark", "Embassy in Denmark", "Copenhagen", "59", 1, ""),
    ("Austria", "Embassy in Austria", "Vienna", "63", 1, ""),
    ("Switzerland", "Embassy in Switzerland", "Bern", "54", 1, ""),
    ("China", "Embassy in the Republic of China", "Taipei", "93", 8, ""),
    ("Japan", "Embassy in Japan", "Tokyo", "94", 9, ""),
    ("Korea, South", "Embassy in Korea", "Seoul", "95B", 9, ""),
    ("Philippines", "Embassy in the Philippines", "Manila", "96", 8, ""),
    ("Thailand", "Embassy in Thailand", "Bangkok", "92", 7, ""),
    ("Burma", "Embassy in Burma", "Rangoon", "90B", 6, ""),
    ("Laos", "Embassy in Laos", "Vientiane", "51J", 7, ""),
    ("Vietnam", "Embassy in Vietnam", "Saigon", "51G", 8, "Viet Nam"),
    ("Cambodia", "Embassy in Cambodia", "Phnom Penh", "51H", 7, ""),
    ("Indonesia", "Embassy in Indonesia", "Djakarta", "56D", 7, ""),
    ("India", "Embassy in India", "New Delhi", "91", 5, ""),
    ("Pakistan", "Embassy in Pakistan", "Karachi", "90D", 5, ""),
    ("Afghanistan", "Embassy in Afghanistan", "Kabul", "89H", 4, ""),
    ("Iran", "Embassy in Iran", "Tehran", "88", 3, ""),
    ("Iraq", "Embassy in Iraq", "Baghdad", "87", 3, ""),
    ("Egypt", "Embassy in Egypt", "Cairo", "74", 2, ""),
    ("Israel", "Embassy in Israel", "Tel Aviv", "84A", 2, ""),
    ("Jordan", "Embassy in Jordan", "Amman", "85", 2, ""),
    ("Lebanon", "Embassy in Lebanon", "Beirut", "83A", 2, ""),
    ("Syria", "Embassy in Syria", "Damascus", "83", 2, ""),
    ("Saudi Arabia", "Embassy in Saudi Arabia", "Jidda", "86A", 3, ""),
    ("Ethiopia", "Embassy in Ethiopia", "Addis Ababa", "75", 3, ""),
    ("Ghana", "Embassy in Ghana", "Accra", "45J", 0, ""),
    ("Nigeria", "Embassy in Nigeria", "Lagos", "45H", 1, ""),
    (
        "Democratic Republic of the Congo (Zaire)",
        "Embassy in the Congo",
        "Léopoldville",
        "55A",
        1,
        "",
    ),
    ("South Africa", "Embassy in South Africa", "Pretoria", "45A", 2, ""),
    ("Morocco", "Embassy in Morocco", "Rabat", "71", 0, ""),
    ("Mexico", "Embassy in Mexico", "Mexico City", "12", -6, ""),
    ("Cuba", "Embassy in Cuba", "Habana", "37", -5, ""),
    ("Brazil", "Embassy in Brazil", "Rio de Janeiro", "32", -3, ""),
    ("Argentina", "Embassy in Argentina", "Buenos Aires", "35", -3, ""),
    ("Chile", "Embassy in Chile", "Santiago", "25", -4, ""),
    ("Peru", "Embassy in Peru", "Lima", "23", -5, ""),
    ("Colombia", "Embassy in Colombia", "Bogotá", "21", -5, ""),
    ("Venezuela", "Embassy in Venezuela", "Caracas", "31", -4, ""),
    ("Guatemala", "Embassy in Guatemala", "Guatemala City", "14", -6, ""),
    ("Panama", "Embassy in Panama", "Panama City", "19", -5, ""),
    ("Dominican Republic", "Embassy in the Dominican Republic", "Ciudad Trujillo", "39", -5, ""),
    ("Canada", "Embassy in Canada", "Ottawa", "42", -5, ""),
    ("Australia", "Embassy in Australia", "Canberra", "43", 10, ""),
)

# Posts that are not embassies; they never sign as chiefs of mission.
_OTHER_POSTS: tuple[tuple[str, str, str, str, int, str], ...] = (
    ("Hong Kong", "Consulate General at Hong Kong", "Hong Kong", "93", 8, ""),
    ("United Nations", "Mission to the United Nations", "New York", "320", -5, ""),
    ("Switzerland", "Mission at Geneva", "Geneva", "396.1", 1, ""),
    ("Germany", "Mission in Berlin", "Berlin", "762A", 1, ""),
    ("NATO", "Mission to the North Atlantic Treaty Organization", "Paris", "740.5", 1, ""),
)

# Regional volume titles and the countries whose posts dominate them.
REGIONS: dict[str, tuple[str, ...]] = {
    "China": (
        "China",
        "Hong Kong",
        "Soviet Union",
        "United Kingdom",
        "Poland",
        "Japan",
        "United Nations",
    ),
    "Soviet Union": ("Soviet Union", "United Kingdom", "France", "Germany", "Poland"),
    "Western Europe": (
        "France",
        "United Kingdom",
        "Germany",
        "Italy",
        "Belgium",
        "Netherlands",
        "NATO",
        "Spain",
        "Portugal",
        "Denmark",
        "Norway",
    ),
    "Eastern Europe": (
        "Poland",
        "Czechoslovakia",
        "Hungary",
        "Romania",
        "Yugoslavia",
        "Soviet Union",
    ),
    "Berlin Crisis": ("Germany", "Soviet Union", "United Kingdom", "France"),
    "Japan; Korea": ("Japan", "Korea, South", "China", "Philippines"),
    "Southeast Asia": (
        "Thailand",
        "Burma",
        "Laos",
        "Cambodia",
        "Indonesia",
        "Philippines",
        "Vietnam",
    ),
    "Vietnam": ("Vietnam", "Laos", "Cambodia", "Thailand", "France", "Soviet Union"),
    "Near East Region": (
        "Egypt",
        "Israel",
        "Jordan",
        "Lebanon",
        "Syria",
        "Iraq",
        "Saudi Arabia",
        "United Nations",
    ),
    "Arab-Israeli Dispute": ("Israel", "Egypt", "Jordan", "Syria", "Lebanon", "United Nations"),
    "South Asia": ("India", "Pakistan", "Afghanistan", "Iran"),
    "Africa": (
        "Ethiopia",
        "Ghana",
        "Nigeria",
        "Democratic Republic of the Congo (Zaire)",
        "South Africa",
        "Morocco",
    ),
    "American Republics": (
        "Mexico",
        "Brazil",
        "Argentina",
        "Chile",
        "Peru",
        "Colombia",
        "Venezuela",
        "Guatemala",
        "Panama",
        "Dominican Republic",
    ),
    "Cuba": ("Cuba", "Mexico", "United Nations", "Soviet Union"),
    "National Security Policy": ("NATO", "United Kingdom", "France", "Soviet Union", "Germany"),
    "Foreign Economic Policy": (
        "United Kingdom",
        "France",
        "Germany",
        "Japan",
        "Canada",
        "Switzerland",
    ),
    "United Nations and General International Matters": (
        "United Nations",
        "Switzerland",
        "United Kingdom",
        "France",
    ),
    "Eastern Mediterranean": ("Greece", "Turkey", "Iran", "Iraq"),
}


@dataclass(frozen=True)
class Person:
    """A person from the public people table: ``Surname, Forenames``."""

    surname: str
    forenames: str
    remark: str

    @property
    def sort_name(self) -> str:
        return f"{self.surname}, {self.forenames}" if self.forenames else self.surname

    @property
    def display(self) -> str:
        return f"{self.forenames} {self.surname}" if self.forenames else self.surname


@dataclass
class World:
    """All lookup tables, loaded once per process."""

    volumes: list[tuple[str, int, int, int]]  # id, start year, end year, doc count
    posts: dict[str, Post]
    embassies: list[Post]
    people_by_year: list[tuple[int, int, Person]]
    people_years: list[int] = field(default_factory=list)
    chiefs: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    secretaries: list[tuple[int, int, str]] = field(default_factory=list)
    terms: list[tuple[str, str]] = field(default_factory=list)

    def people_between(self, start: int, end: int) -> list[Person]:
        """People whose FRUS volumes span part of ``start``–``end``."""
        lo = bisect.bisect_left(self.people_years, start - 40)
        return [p for s, e, p in self.people_by_year[lo:] if s <= end and e >= start]

    def chief(self, country: str, year: int) -> str | None:
        """Surname of the chief of mission in ``country`` in ``year``, if known."""
        for s, e, name in self.chiefs.get(country, ()):
            if s <= year <= e:
                return name
        return None

    def secretary(self, year: int) -> str:
        """Surname of the Secretary of State in ``year``."""
        for s, e, name in self.secretaries:
            if s <= year <= e:
                return name
        return "Hay"


def _tsv(name: str) -> list[list[str]]:
    with gzip.open(DATA / name, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    return [ln.split("\t") for ln in lines[1:]]


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SUFFIX = re.compile(r",\s*(Jr\.|Sr\.|II|III|IV)$")


def surname_of(full: str) -> str:
    """Last name of ``Forenames Surname`` (keeps ``Jr.``-style suffixes out)."""
    full = _SUFFIX.sub("", full.strip())
    full = re.sub(r"\s*\(.*?\)", "", full)
    return full.split()[-1] if full.split() else full


@cache
def load_world() -> World:
    """Read the bundled tables (cached per process)."""
    volumes = [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in _tsv("volumes.tsv.gz")]
    posts: dict[str, Post] = {}
    embassies: list[Post] = []
    for country, phrase, city, code, utc, mission in _POSTS:
        post = Post(country, phrase, city, code, utc, mission or country)
        posts[country] = post
        embassies.append(post)
    for country, phrase, city, code, utc, mission in _OTHER_POSTS:
        posts.setdefault(country, Post(country, phrase, city, code, utc, mission or country))
        if country in ("Switzerland", "Germany"):
            posts[phrase] = Post(country, phrase, city, code, utc, "")
    people: list[tuple[int, int, Person]] = []
    for name, start, end, remark in _tsv("people.tsv.gz"):
        surname, _, forenames = (_xml(x.strip()) for x in name.partition(","))
        if not surname or (" " in surname.strip() and len(surname) > 30):
            continue
        people.append((int(start), int(end), Person(surname, forenames, _xml(remark))))
    people.sort(key=lambda t: (t[0], t[2].surname))
    chiefs: dict[str, list[tuple[int, int, str]]] = {}
    for mission, name, _role, start, end in _tsv("chiefs.tsv.gz"):
        chiefs.setdefault(mission, []).append((int(start), int(end), _xml(surname_of(name))))
    secretaries = [
        (int(s), int(e), _xml(surname_of(n)))
        for pos, n, s, e in _tsv("officers.tsv.gz")
        if pos == "Secretary of State"
    ]
    terms = [(_xml(t), _xml(x)) for t, x in _tsv("terms.tsv.gz") if len(t) <= 12]
    world = World(volumes, posts, embassies, people, [s for s, _, _ in people])
    world.chiefs = {
        next((p.country for p in embassies if p.mission == m), m): v for m, v in chiefs.items()
    }
    world.secretaries = secretaries
    world.terms = terms
    return world


# Posts whose city or name changed: (country, before year, city, heading phrase).
_EARLIER = (
    ("Soviet Union", 1918, "St. Petersburg", "Embassy in Russia"),
    ("Germany", 1949, "Berlin", "Embassy in Germany"),
    ("China", 1949, "Peking", "Legation in China"),
    ("Israel", 1949, "Jerusalem", "Consulate General at Jerusalem"),
    ("Vietnam", 1950, "Saigon", "Consulate at Saigon"),
)


def post_for(world: World, name: str, year: int = 1960) -> Post:
    """The post for a region member name (country or special post) as of ``year``."""
    post = world.posts.get(name, world.embassies[0])
    for country, before, city, phrase in _EARLIER:
        if post.country == country and year < before and post.phrase != "Mission in Berlin":
            return replace(post, city=city, phrase=phrase)
    return post


_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(n: int) -> str:
    """``19`` → ``XIX``."""
    out = []
    for value, numeral in _ROMAN:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)
