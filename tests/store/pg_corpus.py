"""A small seeded corpus and a query list for backend parity tests (PostgreSQL vs the rest).

The documents are built directly (no reader), with the parts queries look at: titles,
parties with posts, dates (some missing, some month-precision), telegram numbers,
classifications, precedences, notes, page breaks, persons, places, file numbers and
cross-references. Words come from a small vocabulary so phrases and prefixes recur.
"""

from __future__ import annotations

import random

from despatch.model import (
    ArchivalSource,
    Document,
    DocumentDate,
    DocumentType,
    Note,
    PageBreak,
    Party,
    Reference,
    SourceNote,
    Span,
    TelegramInfo,
)

_VOCABULARY = (
    "taiwan quemoy matsu chiang kai shek moscow soviet union blockade shelling brink of war "
    "the and peking zhōu khrushchev embassy straits offshore islands cease fire talks warsaw "
    "ambassador beam wang ping nan amphibious convoy seventh fleet o'clock 793.00"
)
WORDS: tuple[str, ...] = tuple(_VOCABULARY.split())
POSTS = (
    ("Embassy in the Soviet Union", "Moscow"),
    ("Department of State", "Washington"),
    ("Embassy in the Republic of China", "Taipei"),
    ("Mission at the United Nations", "New York"),
    ("Embassy in Poland", "Warsaw"),
)
PERSONS = ("Khrushchev", "Chiang Kai-shek", "Beam", "Wang Ping-nan", "Dulles")
TYPES = (
    DocumentType.TELEGRAM,
    DocumentType.MEMORANDUM,
    DocumentType.MEMORANDUM_OF_CONVERSATION,
    DocumentType.LETTER,
    DocumentType.EDITORIAL_NOTE,
    DocumentType.DESPATCH,
)


def _sentence(rnd: random.Random, n: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def make_corpus(n: int = 240, seed: int = 4) -> list[Document]:
    """``n`` seeded documents in three volumes."""
    rnd = random.Random(seed)
    docs: list[Document] = []
    for i in range(n):
        volume = f"frus1958-60v{17 + i % 3}"
        number = str(i // 3 + 1)
        paragraphs = [_sentence(rnd, rnd.randint(4, 40)) for _ in range(rnd.randint(1, 4))]
        text = "\n\n".join(paragraphs)
        cut = len(paragraphs[0]) + 2 if len(paragraphs) > 1 else 0
        first = 200 + i
        pages = [PageBreak(page=str(first), offset=0)]
        if cut:
            pages.append(PageBreak(page=str(first + 1), offset=cut))
        s, r = rnd.choice(POSTS), rnd.choice(POSTS)
        roll = rnd.random()
        if roll < 0.8:
            value = f"19{rnd.randint(55, 61)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            date = DocumentDate(value=value, precision="day")
        elif roll < 0.9:
            date = DocumentDate(value=f"1958-{rnd.randint(1, 12):02d}", precision="month")
        else:
            date = DocumentDate()
        person = rnd.choice(PERSONS)
        span_at = text.find(" ")
        telegram = None
        if rnd.random() < 0.6:
            telegram = TelegramInfo(
                serial=str(rnd.randint(1, 900)),
                classification=rnd.choice(["Secret", "Top Secret", "Confidential", None]),
                precedence=rnd.choice([None, "Niact", "Priority"]),
            )
        file_number = f"793.{rnd.randint(0, 9)}0/{rnd.randint(1, 12)}–{rnd.randint(1, 28)}58"
        target = f"frus1958-60v{17 + (i + 1) % 3}/d{(i + 1) // 3 + 1}"
        docs.append(
            Document(
                id=f"{volume}/d{number}",
                volume=volume,
                number=number,
                title=_sentence(rnd, rnd.randint(3, 8)).title(),
                type=rnd.choice(TYPES),
                sender=[Party(name=s[0], place=s[1], kind="post")],
                recipient=[Party(name=r[0], place=r[1], kind="post")],
                place=s[1],
                date=date,
                text=text,
                pages=pages,
                first_page=str(first),
                sequence=i // 3,
                telegram=telegram,
                source_note=SourceNote(
                    text=f"Source: Department of State, Central Files, {file_number}.",
                    sources=[ArchivalSource(text=file_number, file_number=file_number)],
                ),
                notes=[Note(n="1", text=_sentence(rnd, 10), page=str(first))]
                if rnd.random() < 0.5
                else [],
                spans=[Span(start=0, end=max(span_at, 1), kind="person", text=person)],
                references=[Reference(text=f"telegram {i}", kind="telegram", target=target)]
                if i % 4 == 0
                else [],
            )
        )
    return docs


#: Every query form, with the combinations that are easy to get wrong.
QUERIES: tuple[str, ...] = (
    "",
    "taiwan",
    "Taiwan quemoy",
    "quemoy OR matsu",
    "taiwan -quemoy",
    "-taiwan",
    "taiwan NOT (quemoy OR matsu)",
    '"soviet union"',
    '"brink of war"',
    '"brink of"',  # one common gram: the gram alone, no check of the text
    '"of war"',
    '"war of"',
    '"union moscow"',
    "Kai-shek",
    "shek kai",
    "khrush*",
    "Kai-*",
    "793.*",
    "ZHŌ*",
    "o'clock",
    "793.00",
    "zhou",
    "Zhōu",
    "from:Moscow",
    "from:mosc*",
    'from:"Embassy in the Soviet Union"',
    "to:Washington",
    'to:"state washington"',
    "to:(Warsaw OR Taipei)",
    "type:telegram",
    "type:memo*",
    "-type:telegram",
    "date:1958-09..1958-12",
    "date:1958",
    "date:..1957-06",
    "date:1960-01..",
    "-date:1958",
    "year:1958",
    "classification:secret",
    'classification:"top secret"',
    "precedence:niact",
    "volume:frus1958-60v19",
    "number:7",
    "telegram:634",
    "person:Khrushchev",
    'person:"chiang kai"',
    "place:Warsaw",
    "file:793.00",
    "file:793.1*",
    "id:frus1958-60v18/*",
    "id:frus1958-60v17/d1",
    "NOT (taiwan OR matsu) date:..1958",
    "(taiwan OR date:1960) -year:1961",
    "(quemoy OR matsu) (blockade OR shelling) from:Moscow",
    '"cease fire" OR person:beam',
    "-(-taiwan)",
)
