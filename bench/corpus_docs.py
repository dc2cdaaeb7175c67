"""Generate the volumes and documents of a FRUS-like corpus as plain data.

``plan_volumes`` lays out which volumes a corpus of N documents has (real FRUS volume ids
and sizes from ``bench/data/volumes.tsv.gz``, shuffled by the seed; beyond the 545 real
volumes, ids repeat with an ``x2``, ``x3`` … suffix). ``VolumeMaker`` then makes one
volume's front matter and documents from a random generator seeded by (seed, volume
index) alone, so any volume can be made in any process, in any order, reproducibly.
Renderers (``corpus_render``) turn the data into TEI or history.state.gov plain text.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from typing import Any

from bench.corpus_prose import MONTHS, OPENERS, Lexicon
from bench.corpus_world import REGIONS, Person, Post, World, post_for, roman

Seg = Any  # str | tuple — see corpus_render for the segment kinds

WORDS_PER_PAGE = 430


def _first(item: tuple[int, Any]) -> int:
    return item[0]


@dataclass
class VolumeSpec:
    """Identity and size of one volume of the corpus."""

    index: int
    id: str
    start: int
    end: int
    n_docs: int  # documents generated (the last volume of a corpus is cut short)
    era: str  # "old" (before 1914), "mid" (1914–1960), "modern" (1961 on)
    full: int = 0  # documents of the whole volume: what dates and chapters are planned for


@dataclass
class Doc:
    """One generated document, ready to render."""

    n: int
    kind: str
    head: list[Seg]
    source: list[Seg] | None
    source_n: int
    place: str | None
    when: str | None  # @when
    date_text: str
    date: dt.date
    min_max: tuple[str, str] | None
    paras: list[list[Seg]]
    signed: list[Seg] | None
    opener_no: str | None = None  # old despatches: "No. 435.]"
    subject: str | None = None
    participants: list[list[Seg]] = field(default_factory=list)
    pb_before: int | None = None  # page break between the previous document and this one
    pb_end: int | None = None  # page break as the last element of this document
    numbered: bool = True


@dataclass
class VolumeData:
    """A volume's header and front matter."""

    spec: VolumeSpec
    title: str
    region: str
    editor: str
    published: int
    terms: list[tuple[str, str, str]]  # id, term, expansion
    persons: list[tuple[str, Person]]  # id, person
    facs_offset: int
    chapters: list[tuple[int, str]]  # (first document number, head)


def _years_label(spec: VolumeSpec) -> str:
    return str(spec.start) if spec.start == spec.end else f"{spec.start}–{spec.end}"


def plan_volumes(world: World, n_docs: int, seed: int) -> list[VolumeSpec]:
    """The volumes of a corpus of ``n_docs`` documents, the last one cut short."""
    order = list(range(len(world.volumes)))
    random.Random(f"volumes:{seed}").shuffle(order)
    specs: list[VolumeSpec] = []
    total = 0
    i = 0
    while total < n_docs:
        vid, start, end, count = world.volumes[order[i % len(order)]]
        cycle = i // len(order)
        if cycle:
            vid = f"{vid}x{cycle + 1}"
        full = max(20, min(count, 1915))
        count = min(full, n_docs - total)
        era = "old" if start < 1914 else ("mid" if start < 1961 else "modern")
        specs.append(VolumeSpec(i, vid, start, end, count, era, full))
        total += count
        i += 1
    return specs


_PRESIDENTS = (
    (1861, "Lincoln"),
    (1865, "Johnson"),
    (1869, "Grant"),
    (1877, "Hayes"),
    (1881, "Arthur"),
    (1885, "Cleveland"),
    (1889, "Harrison"),
    (1893, "Cleveland"),
    (1897, "McKinley"),
    (1901, "Roosevelt"),
    (1909, "Taft"),
    (1913, "Wilson"),
    (1921, "Harding"),
    (1923, "Coolidge"),
    (1929, "Hoover"),
    (1933, "Roosevelt"),
    (1945, "Truman"),
    (1953, "Eisenhower"),
    (1961, "Kennedy"),
    (1963, "Johnson"),
    (1969, "Nixon"),
    (1974, "Ford"),
    (1977, "Carter"),
    (1981, "Reagan"),
    (1989, "Bush"),
)
_OFFICES = (
    "Assistant Secretary of State for {r} Affairs",
    "Director of the Policy Planning Staff",
    "Director of Central Intelligence",
    "Under Secretary of State",
    "President’s Special Assistant for National Security Affairs",
    "Deputy Assistant Secretary of State for {r} Affairs",
    "Legal Adviser",
    "Director of the Bureau of Intelligence and Research",
    "Secretary of Defense",
    "Chairman of the Joint Chiefs of Staff",
    "Counselor of the Department of State",
)
_BUREAU = {"old": "Far Eastern", "mid": "Far Eastern", "modern": "East Asian and Pacific"}
_CLASS_MID = (
    ("Top Secret", 14),
    ("Secret", 40),
    ("Confidential", 22),
    ("Official Use Only", 6),
    ("Unclassified", 5),
    (None, 13),
)
_CLASS_MODERN = (
    ("Top Secret", 12),
    ("Secret", 42),
    ("Confidential", 24),
    ("Limited Official Use", 6),
    ("Unclassified", 4),
    (None, 12),
)
_PRECEDENCE = (
    ("Priority", 22),
    ("Niact", 8),
    ("Immediate", 10),
    ("Flash", 2),
    ("Routine", 4),
    (None, 54),
)
_KINDS_MODERN = (
    ("telegram-in", 33),
    ("telegram-out", 20),
    ("circular", 2),
    ("memo", 16),
    ("memcon", 12),
    ("letter", 6),
    ("editorial", 3),
    ("airgram", 3),
    ("estimate", 2),
    ("paper", 3),
)
_KINDS_MID = (
    ("telegram-in", 32),
    ("telegram-out", 20),
    ("circular", 2),
    ("memo", 15),
    ("memcon", 12),
    ("letter", 7),
    ("editorial", 3),
    ("despatch", 4),
    ("estimate", 2),
    ("paper", 3),
)
_KINDS_OLD = (("despatch", 55), ("instruction", 20), ("old-telegram", 15), ("note", 10))
_FILE_TAGS = {
    "Soviet Union": "USSR",
    "United Kingdom": "UK",
    "France": "FR",
    "Germany": "GER W",
    "China": "CHINAT",
    "Hong Kong": "CHICOM",
    "Korea, South": "KOR S",
    "Vietnam": "VIET S",
    "United Nations": "UN",
    "Japan": "JAPAN",
    "India": "INDIA",
    "Israel": "ISR",
    "Egypt": "UAR",
    "NATO": "NATO",
}
_MINUTE_WORDS = ("noon", "midnight")


def _weighted(rng: random.Random, table: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _pid(person: Person, taken: set[str]) -> str:
    initials = re.sub(r"[^A-Z]", "", (person.surname[:1] + person.forenames).upper())[:4]
    base = f"p_{initials or 'X'}"
    k = 1
    while f"{base}{k}" in taken:
        k += 1
    taken.add(f"{base}{k}")
    return f"{base}{k}"


def _tid(term: str, taken: set[str]) -> str:
    base = "t_" + re.sub(r"[^A-Za-z0-9]", "", term)
    k = 1
    while f"{base}{k}" in taken:
        k += 1
    taken.add(f"{base}{k}")
    return f"{base}{k}"


class VolumeMaker:
    """Makes one volume: its front matter, then its documents one at a time."""

    def __init__(self, world: World, lex: Lexicon, seed: int, spec: VolumeSpec) -> None:
        self.world = world
        self.lex = lex
        self.spec = spec
        rng = self.rng = random.Random(f"{seed}:{spec.index}:{spec.id}")
        self.region = rng.choice(sorted(REGIONS))
        self.posts: list[Post] = [post_for(world, c, spec.start) for c in REGIONS[self.region]]
        self.topic = lex.topic(rng)
        people = world.people_between(spec.start, spec.end) or world.people_between(1945, 1960)
        k = min(len(people), rng.randint(80, 320))
        chosen = sorted(rng.sample(people, k), key=lambda p: p.sort_name)
        taken: set[str] = set()
        self.persons = [(_pid(p, taken), p) for p in chosen]
        wanted = [t for t in world.terms if t[0] in ("Deptel", "Embtel", "Niact", "reftel")]
        others = rng.sample(world.terms, min(len(world.terms), rng.randint(60, 190)))
        tset: set[str] = set()
        terms = sorted({t[0]: t for t in wanted + others}.values(), key=lambda t: t[0].lower())
        self.terms = [(_tid(t, tset), t, x) for t, x in terms]
        self.term_by_name = {t: i for i, t, _ in self.terms}
        self.short_terms = [(i, t) for i, t, _ in self.terms if t.isupper() and len(t) <= 6]
        days0 = dt.date(spec.start, 1, 1).toordinal()
        days1 = dt.date(spec.end, 12, 31).toordinal()
        self.dates = sorted(
            dt.date.fromordinal(rng.randint(days0, days1)) for _ in range(spec.full or spec.n_docs)
        )
        self.page = rng.randint(1, 3) if spec.era != "old" else rng.randint(3, 40)
        self.page_words = 0
        self.tel_no = rng.randint(1, 400)
        self.desp_no = rng.randint(10, 400)
        self.facs_offset = rng.randint(10, 40)
        self.chapters: list[tuple[int, str]] = []
        if spec.era == "mid":
            n = 1
            while n <= len(self.dates):  # planned for the whole volume, kept up to the cut
                d0 = self.dates[n - 1]
                words = " ".join(rng.sample(self.topic, 3)).capitalize()
                if n <= spec.n_docs:
                    self.chapters.append(
                        (n, f"{MONTHS[d0.month - 1]} {d0.year}: {words}; {self.region}")
                    )
                n += rng.randint(30, 160)

    def volume(self) -> VolumeData:
        spec = self.spec
        m = re.search(r"v(\d+)", spec.id.split("x")[0] if "x" in spec.id[5:] else spec.id)
        vol_no = f", Volume {roman(int(m.group(1)))}" if m else ""
        title = (
            f"Foreign Relations of the United States, {_years_label(spec)}, {self.region}{vol_no}"
        )
        editor = (
            self.rng.choice(self.persons)[1].display if self.persons else "Office of the Historian"
        )
        return VolumeData(
            spec,
            title,
            self.region,
            editor,
            min(spec.end + self.rng.randint(25, 35), 2024),
            self.terms,
            self.persons,
            self.facs_offset,
            self.chapters,
        )

    # --- pieces -------------------------------------------------------------------------

    def person(self, typ: str | None = None) -> tuple[Any, ...]:
        rng = self.rng
        if not self.persons or rng.random() < 0.12:
            # Untagged or tag without @corresp, as the editors often leave them.
            return ("P", None, rng.choice(("Chiang", "Dulles", "Wang", "Harold")), typ)
        pid, p = self.persons[int(rng.random() * len(self.persons))]
        return ("P", pid, p.surname, typ)

    def term(self) -> tuple[Any, ...]:
        if not self.short_terms:
            return ("S", "")
        tid, t = self.short_terms[int(self.rng.random() * len(self.short_terms))]
        return ("G", tid, t, None)

    def date_phrase(self, d: dt.date) -> str:
        return f"{MONTHS[d.month - 1]} {d.day}"

    def opener(self, d: dt.date) -> list[Seg]:
        out: list[Seg] = []
        for w in self.rng.choice(OPENERS).split(" "):
            if w.startswith("{P}"):
                out.append(self.person())
                if w[3:]:
                    out.append(("S", w[3:]))
            elif w == "{T}":
                tid = self.term_by_name.get(self.rng.choice(("Deptel", "Embtel")))
                out.append(("G", tid, "Deptel" if tid is None else tid[2:-1], None))
            elif w.startswith("{N}"):
                out.append(f"{self.rng.randint(10, 2999)}{w[3:]}")
            elif w.startswith("{C}"):
                out.append(self.rng.choice(self.posts).city + w[3:])
            elif w == "{D}":
                dd = d - dt.timedelta(days=self.rng.randint(1, 20))
                out.append(MONTHS[dd.month - 1])
            elif w.startswith("{D}"):
                dd = d - dt.timedelta(days=self.rng.randint(1, 20))
                out.extend((MONTHS[dd.month - 1], f"{dd.day}{w[3:]}"))
            else:
                out.append(w)
        return out

    def paragraph(self, n_words: int, d: dt.date, lead: list[Seg] | None = None) -> list[Seg]:
        """Prose with sentence punctuation, names, terms and page breaks."""
        rng = self.rng
        rnd = rng.random
        toks = self.lex.tokens(rng, n_words, self.topic)
        segs: list[Seg] = list(lead or ())
        capital = True
        if rnd() < 0.45:
            segs.extend(self.opener(d))
            last = segs[-1]
            capital = type(last) is str and last[-1] in ".:"
        i = 0
        key = _first
        while i < n_words:
            ln = 6 + int(rnd() * 22)
            sent = toks[i : i + ln]
            i += ln
            if not sent:
                break
            if capital:
                sent[0] = sent[0][:1].upper() + sent[0][1:]
            capital = True
            n = len(sent)
            if n > 9 and rnd() < 0.5:
                sent[int(rnd() * (n - 2)) + 1] += ","
            sent[-1] += "." if rnd() < 0.94 else "?"
            ins: list[tuple[int, Seg]] = []
            r = rnd()
            at = 1 + int(rnd() * (n - 1)) if n > 1 else 1
            if r < 0.30:
                ins.append((at, self.person()))
            elif r < 0.42:
                ins.append((at, self.term()))
            elif r < 0.50:
                sent.insert(at, self.posts[int(rnd() * len(self.posts))].city)
            elif r < 0.54:
                sent.insert(at, str(int(rnd() * 2000) + 1))
            self.page_words += len(sent)
            if self.page_words >= WORDS_PER_PAGE and i < n_words:
                over = self.page_words - WORDS_PER_PAGE
                self.page += 1
                self.page_words = over
                ins.append((max(1, len(sent) - over), ("B", self.page)))
            if not ins:
                segs.append(" ".join(sent))
                continue
            if len(ins) > 1:
                ins.sort(key=key)
            prev = 0
            for idx, seg in ins:
                if idx > prev:
                    segs.append(" ".join(sent[prev:idx]))
                    prev = idx
                segs.append(seg)
            if prev < len(sent):
                segs.append(" ".join(sent[prev:]))
        return segs

    def note(self, n: int, doc_n: int, d: dt.date) -> list[Seg]:
        rng = self.rng
        r = rng.random()
        if r < 0.28 and doc_n > 1:
            m = rng.randint(max(1, doc_n - 60), doc_n - 1)
            return ["See", ("R", f"#d{m}", f"Document {m}"), ("S", ".")]
        if r < 0.50:
            post = rng.choice(self.posts)
            dd = d - dt.timedelta(days=rng.randint(0, 12))
            return [
                f"Telegram {rng.randint(10, 3999)} from {post.city},",
                f"{self.date_phrase(dd)}, reported",
                *self.lex.tokens(rng, 8, self.topic),
                f"(Department of State, Central Files, {self.file_no(post, dd)})",
            ]
        if r < 0.62:
            vid, start, end, _ = self.world.volumes[rng.randrange(len(self.world.volumes))]
            pg = rng.randint(1, 900)
            yrs = str(start) if start == end else f"{start}–{end}"
            return [
                "For text, see",
                ("R", f"{vid}#pg_{pg}", f"Foreign Relations, {yrs}, p. {pg}"),
                ("S", "."),
            ]
        if r < 0.70:
            return [
                rng.choice(
                    (
                        "Not printed.",
                        "Not found.",
                        "Printed from an unsigned copy.",
                        "Not found in Department of State files.",
                    )
                )
            ]
        if r < 0.74:
            return ["[", ("I", "Footnote not declassified"), ("S", ".]")]
        words = self.lex.tokens(rng, rng.randint(10, 45), self.topic)
        words[0] = words[0].capitalize()
        words[-1] += "."
        return words

    def file_no(self, post: Post, d: dt.date) -> str:
        rng = self.rng
        if d.year >= 1963:
            tag = _FILE_TAGS.get(post.country, post.country.split(",")[0].split()[0].upper())
            sub = rng.choice(("POL 1", "POL 7", "POL 27", "POL 32–1", "DEF 1", "E 1", "ORG 7"))
            return f"{sub} {tag}{rng.choice(('', '–US'))}"
        code = post.code
        base = (
            f"7{code}.00"
            if len(code) <= 3 and not code.startswith("3") and "." not in code
            else code
        )
        if rng.random() < 0.3 and len(code) <= 3 and "." not in code:
            base = f"611.{code}"
        return f"{base}/{d.month}–{d.day}{d.year % 100:02d}"

    def source_note(
        self, kind: str, post: Post, d: dt.date, classification: str | None, precedence: str | None
    ) -> list[Seg]:
        rng = self.rng
        segs: list[Seg] = ["Source:"]
        r = rng.random()
        if kind.startswith("telegram") or kind in ("circular", "despatch", "airgram") or r < 0.45:
            files = (
                "Central Files,"
                if d.year < 1963
                else f"Central Files {d.year}–{(d.year + 2) % 100:02d},"
            )
            segs += ["Department", "of", "State,", *files.split(" "), f"{self.file_no(post, d)}."]
        elif r < 0.6:
            pres = self.president(d.year)
            segs += [
                f"{pres}",
                "Library,",
                rng.choice(("Whitman File,", "National Security File,")),
                "Country",
                "File,",
                f"{post.country.split(',')[0]}.",
            ]
        elif r < 0.8:
            segs += [
                "Department",
                "of",
                "State,",
                rng.choice(
                    ("Secretary’s Memoranda of Conversation:", "S/P Files:", "Conference Files:")
                ),
                f"Lot {rng.randint(59, 75)} D {rng.randint(1, 599)}.",
            ]
        else:
            segs += [
                "National",
                "Archives",
                "and",
                "Records",
                "Administration,",
                f"RG {rng.choice((59, 84, 218, 330))},",
                "Records",
                "of",
                "the",
                "Department",
                "of",
                "State.",
            ]
        if classification:
            if precedence:
                segs.append(f"{classification};")
                if precedence == "Niact" and "Niact" in self.term_by_name:
                    segs += [("G", self.term_by_name["Niact"], "Niact", None), ("S", ".")]
                else:
                    segs.append(f"{precedence}.")
            else:
                segs.append(f"{classification}.")
        if kind == "telegram-in":
            if rng.random() < 0.3:
                parts = rng.choice(("two", "three", "four", "five"))
                segs += ["Transmitted", "in", parts, "sections."]
            hh = rng.randint(1, 12)
            segs += [
                "Received",
                "at",
                f"{hh}:{rng.randint(0, 59):02d}",
                rng.choice(("a.m.", "p.m.")),
            ]
        elif kind in ("telegram-out", "circular", "memo", "memcon"):
            segs += [
                "Drafted",
                "by",
                self.person(),
                ("S", ";"),
                "cleared",
                "by",
                self.person(),
                ("S", ";"),
                "and",
                "approved",
                "by",
                self.person(),
                ("S", "."),
            ]
        if kind.startswith("telegram") and rng.random() < 0.55:
            cities = sorted({p.city for p in rng.sample(self.posts, min(3, len(self.posts)))})
            segs += ["Repeated", "to", ", ".join(cities) + "."]
        return segs

    def president(self, year: int) -> str:
        name = "Lincoln"
        for y, n in _PRESIDENTS:
            if y <= year:
                name = n
        return name

    # --- documents ----------------------------------------------------------------------

    def documents(self) -> list[Doc]:
        """All the volume's documents (held in memory: one volume at most ~2k)."""
        return [self.document(n) for n in range(1, self.spec.n_docs + 1)]

    def document(self, n: int) -> Doc:
        rng = self.rng
        era = self.spec.era
        d = self.dates[n - 1]
        kind = _weighted(
            rng, _KINDS_OLD if era == "old" else (_KINDS_MID if era == "mid" else _KINDS_MODERN)
        )
        post = rng.choice(self.posts)
        classification = (
            None if era == "old" else _weighted(rng, _CLASS_MID if era == "mid" else _CLASS_MODERN)
        )
        precedence = _weighted(rng, _PRECEDENCE) if kind.startswith("telegram") else None
        if precedence == "Niact" and d.year < 1950:
            precedence = "Priority"
        secretary = self.world.secretary(d.year)
        chief = self.world.chief(post.country, d.year) or self.person()[2]
        pb_before = None
        if self.page_words > WORDS_PER_PAGE - 80 and n > 1:
            self.page += 1
            self.page_words = 0
            pb_before = self.page
        n_words = int(min(8000, max(40, rng.lognormvariate(6.17, 0.75))))
        head: list[Seg]
        signed: list[Seg] | None = None
        place: str | None = post.city
        hour = True
        lead: list[Seg] = []
        numbered = era != "old"
        opener_no = None
        subject = None
        participants: list[list[Seg]] = []
        if kind == "telegram-in":
            head = [
                "Telegram",
                "From",
                "the",
                ("G", None, post.phrase, "from"),
                "to",
                "the",
                ("G", None, "Department of State", "to"),
            ]
            signed = [chief]
            self.tel_no += rng.randint(1, 9)
            lead = [f"{self.tel_no}."]
        elif kind in ("telegram-out", "circular"):
            to = post.phrase if kind == "telegram-out" else "All Diplomatic Posts"
            head = [
                "Circular Telegram" if kind == "circular" else "Telegram",
                "From",
                "the",
                ("G", None, "Department of State", "from"),
                "to",
                *(["the"] if kind == "telegram-out" else []),
                ("G", None, to, "to"),
            ]
            place = "Washington"
            signed = [secretary]
            lead = [f"{rng.randint(1, 5999)}."]
        elif kind == "memo":
            office = rng.choice(_OFFICES).format(r=_BUREAU[era])
            head = [
                "Memorandum",
                "From",
                "the",
                office,
                "(",
                ("P", *self.person("from")[1:]),
                ("S", ")"),
                "to",
                "the",
                "Secretary",
                "of",
                "State",
                "(",
                ("P", None, secretary, "to"),
                ("S", ")"),
            ]
            place = "Washington"
            hour = False
            signed = [self.person()] if rng.random() < 0.5 else None
        elif kind == "memcon":
            head = ["Memorandum", "of", "Conversation"]
            place = rng.choice(("Washington", "Washington", post.city, "New York"))
            subject = " ".join(self.lex.tokens(rng, rng.randint(2, 5), self.topic)).title()
            participants = [
                [
                    rng.choice(("Mr.", "Ambassador", "Dr.", "Secretary")),
                    self.person(),
                    ("S", ","),
                    *self.lex.tokens(rng, 2, self.topic),
                ]
                for _ in range(rng.randint(2, 6))
            ]
            hour = rng.random() < 0.4
        elif kind == "letter":
            head = [
                "Letter",
                "From",
                "President",
                ("P", None, self.president(d.year), "from"),
                "to",
                rng.choice(("Prime Minister", "Chairman", "President", "King")),
                self.person("to"),
            ]
            place = "Washington"
            hour = False
            signed = [self.president(d.year)]
        elif kind == "editorial":
            head = ["Editorial", "Note"]
            place = None
            n_words = max(60, n_words // 2)
        elif kind in ("despatch", "airgram"):
            head = [
                "Despatch" if kind == "despatch" else "Airgram",
                "From",
                "the",
                ("G", None, post.phrase, "from"),
                "to",
                "the",
                ("G", None, "Department of State", "to"),
            ]
            self.desp_no += rng.randint(1, 6)
            lead = [f"{'No. ' if kind == 'despatch' else 'A–'}{self.desp_no}."]
            signed = [chief]
            hour = False
        elif kind == "estimate":
            head = ["National", "Intelligence", "Estimate"]
            place = "Washington"
            hour = False
            lead = [f"NIE {rng.randint(10, 100)}–{d.year % 100:02d}."]
        elif kind == "paper":
            head = ["Paper", "Prepared", "in", "the", "Department", "of", "State"]
            place = "Washington"
            hour = False
        else:  # the pre-1914 forms: despatches, instructions, telegrams and notes
            minister = chief
            if kind == "instruction":
                head = [
                    (
                        "I",
                        [
                            "Mr.",
                            ("P", None, secretary, "from"),
                            "to",
                            "Mr.",
                            ("P", None, minister, "to"),
                            ("S", "."),
                        ],
                    )
                ]
                place = "Department of State, Washington"
                signed = [secretary]
            elif kind == "note":
                head = [
                    (
                        "I",
                        [self.person("from"), "to", "Mr.", ("P", None, minister, "to"), ("S", ".")],
                    )
                ]
                signed = None
            else:
                head = [
                    (
                        "I",
                        [
                            "Mr.",
                            ("P", None, minister, "from"),
                            "to",
                            "Mr.",
                            ("P", None, secretary, "to"),
                            ("S", "."),
                        ],
                    )
                ]
                place = f"Legation of the United States, {post.city}"
                signed = [f"{minister}."]
            if kind == "old-telegram":
                head.append("[Telegram.]")
            else:
                self.desp_no += rng.randint(1, 4)
                opener_no = f"No. {self.desp_no}.]"
            hour = False
        when, date_text, min_max = self.when(
            d, post if place == post.city else None, hour and place is not None
        )
        sn = 0 if era == "mid" else 1
        source = None
        if era != "old" and kind != "editorial":
            source = self.source_note(kind, post, d, classification, precedence)
        next_note = sn + 1 if source else 1
        paras: list[list[Seg]] = []
        left = n_words
        k = 0
        numbered_paras = kind.startswith("telegram") and rng.random() < 0.5
        while left > 0:
            pw = min(left, int(rng.uniform(35, 170)))
            if numbered_paras and k > 0:
                pl: list[Seg] = [f"{k + 1}."]
            else:
                pl = lead if k == 0 else []
            paras.append(self.paragraph(pw, d, pl))
            left -= pw
            k += 1
        for _ in range(int(rng.expovariate(1 / 1.6))):
            if era == "old" and rng.random() < 0.7:
                continue
            para = paras[rng.randrange(len(paras))]
            pos = rng.randrange(1, len(para) + 1)
            while pos < len(para) and type(para[pos - 1]) is not str:
                pos += 1
            para.insert(pos, ("N", next_note, self.note(next_note, n, d)))
            next_note += 1
        # Notes must be numbered in reading order.
        order = iter(range(sn + 1 if source else 1, next_note))
        for para in paras:
            for j, seg in enumerate(para):
                if type(seg) is tuple and seg[0] == "N":
                    para[j] = ("N", next(order), seg[2])
        pb_end = None
        if self.page_words > WORDS_PER_PAGE - 60 and rng.random() < 0.5:
            self.page += 1
            self.page_words = 0
            pb_end = self.page
        return Doc(
            n,
            kind,
            head,
            source,
            sn,
            place,
            when,
            date_text,
            d,
            min_max,
            paras,
            signed,
            opener_no,
            subject,
            participants,
            pb_before,
            pb_end,
            numbered,
        )

    def when(
        self, d: dt.date, post: Post | None, hour: bool
    ) -> tuple[str, str, tuple[str, str] | None]:
        """@when, the printed date and, for modern volumes, Eastern-time min/max."""
        rng = self.rng
        era = self.spec.era
        text = f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
        utc = post.utc if post else -5
        if not hour:
            when = d.isoformat()
            mm = (f"{when}T00:00:00-05:00", f"{when}T23:59:59-05:00") if era == "modern" else None
            return when, text, mm
        h, m = rng.randint(0, 23), rng.choice((0, 0, 0, rng.randint(1, 59)))
        ampm = "a.m." if h < 12 else "p.m."
        h12 = h % 12 or 12
        if (h, m) == (0, 0):
            clock = "midnight"
        elif (h, m) == (12, 0):
            clock = "noon"
        else:
            clock = f"{h12}:{m:02d} {ampm}" if m else f"{h12} {ampm}"
        text = f"{text}, {clock}"
        local = dt.datetime(d.year, d.month, d.day, h, m)
        if era != "modern":
            return local.isoformat(), text, None
        zone = f"{'+' if utc >= 0 else '-'}{abs(utc):02d}:00"
        eastern = local - dt.timedelta(hours=utc + 5)
        e = eastern.isoformat() + "-05:00"
        return local.isoformat() + zone, text, (e, e)
