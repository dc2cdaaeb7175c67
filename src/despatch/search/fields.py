"""What of a document is searchable, and how text is cut into words: shared by every backend.

``index_fields(doc)`` gives the values a store indexes for one document, and
``tokenize`` the words of a text; the local (tantivy), PostgreSQL and memory backends all
use them, so a query matches the same documents everywhere. The meaning of each query
field in terms of these values (the reference semantics, which ``store/memory.py``
implements directly):

- free words, phrases and prefixes match the tokens of ``TEXT_SOURCES[None]`` (title,
  body, notes, sender, recipient); ``from:``/``to:``/``person:``/``place:`` match the
  tokens of their own source. A word of several tokens (``Kai-shek``) is a phrase. A
  phrase must match consecutive tokens of one source.
- keyword fields match ``IndexedFields.keywords[field]`` whole (after
  ``normalize_keyword``), or by prefix for ``Prefix``.
- ``date:`` compares ``IndexedFields.date`` (an ISO day) with the range's bounds;
  documents without a date never match ``date:`` or ``year:``.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

from despatch.model import Document, Party
from despatch.search.query import first_day, is_partial_date, normalize_keyword

#: The text sources each text field searches (``None``: free words).
TEXT_SOURCES: Mapping[str | None, tuple[str, ...]] = {
    None: ("title", "body", "notes", "sender", "recipient"),
    "from": ("sender",),
    "to": ("recipient",),
    "person": ("persons",),
    "place": ("places",),
}

#: BM25 weights of the free-text sources: the title and the notes count more than the body.
WEIGHTS: Mapping[str, float] = {
    "title": 3.0,
    "notes": 1.5,
    "body": 1.0,
    "sender": 1.0,
    "recipient": 1.0,
}

#: Words so frequent that a phrase containing one is found through its "common grams"
#: (the word paired with its neighbour: ``of~war``), as Lucene's CommonGrams filter does,
#: rather than by checking the positions of every document that has the bare words.
#: The PostgreSQL backend pairs each of them with any neighbour (``common_grams``); the
#: local index pairs only words that are both common or frequent (``gram_text``).
#: Changing the list changes both indexes' contents.
_COMMON = """a about after all also an and any are as at be been before but by can could did do
    for from had has have he her his i if in into is it its may me more mr my no not of on
    one or our other out said she should so some such than that the their them then there
    these they this to under up upon was we were what when which who will with would you
    your"""
COMMON_WORDS: frozenset[str] = frozenset(_COMMON.split())

#: Joins the two words of a gram; never part of a token.
GRAM_JOIN = "~"
#: Stands between two runs of grams in a gram stream (see ``gram_text``).
GRAM_BREAK = "~"
#: tantivy drops tokens of 40 bytes or more: no gram word is longer than half of that.
GRAM_MAX_BYTES = 40
_GRAM_WORD_MAX = (GRAM_MAX_BYTES - len(GRAM_JOIN)) // 2


def _frequent_words() -> frozenset[str]:
    text = resources.files("despatch").joinpath("data", "frequent-words.txt").read_text("utf-8")
    # Short ASCII words only, so that no gram of two is too long for the index.
    return frozenset(w for w in text.split() if w.isascii() and len(w) <= _GRAM_WORD_MAX)


#: The words the local index makes grams of (``gram_text``): the common words and the most
#: frequent words of FRUS prose (``data/frequent-words.txt``, built from real FRUS
#: volumes by ``scripts/build-frequent-words.py``: ``state``, ``central``, ``files``…).
#: Only pairs of two of them are grams, so the grams' vocabulary stays small (a pair
#: with a rarer word would be a new term in almost every document, and tantivy pays for
#: each new term), while a phrase with a rarer word is quick anyway: its rarest word
#: leads the search.
GRAM_WORDS: frozenset[str] = COMMON_WORDS | _frequent_words()


def common_grams(tokens: Sequence[str]) -> set[str]:
    """The pairs of neighbouring tokens of which at least one is a common word."""
    common = COMMON_WORDS
    return {
        f"{a}{GRAM_JOIN}{b}" for a, b in itertools.pairwise(tokens) if a in common or b in common
    }


def _gram(a: str, b: str) -> str | None:
    if a not in GRAM_WORDS or b not in GRAM_WORDS:
        return None
    return a + GRAM_JOIN + b


def gram_text(text: str) -> str:
    """The gram stream of a text in ``index_text`` form, for a positional index.

    Each pair of neighbouring tokens that are both ``GRAM_WORDS`` gives its gram, in order; a
    run of pairs that are not puts one ``GRAM_BREAK`` between the grams around it. So
    grams stand next to each other in the stream exactly when their pairs do in the
    text, and a phrase whose every pair is a common gram (``phrase_grams``) is the phrase
    of its grams here: the same matches, found from the gram postings instead of the
    frequent words' positions.
    """
    words = GRAM_WORDS  # no gram of two of them is too long for the index
    out: list[str] = []
    in_run = False
    for a, b in itertools.pairwise(text.split()):
        if a in words and b in words:
            out.append(a + GRAM_JOIN + b)
            in_run = True
        elif in_run:
            out.append(GRAM_BREAK)
            in_run = False
    if in_run is False and out:
        out.pop()  # a trailing break
    return " ".join(out)


def phrase_grams(words: Sequence[str]) -> list[str] | None:
    """The grams standing for a phrase of ``words`` (two or more tokens), or ``None``.

    ``None`` unless every neighbouring pair is a gram of ``gram_text``: only then do the
    grams find exactly the phrase's matches.
    """
    if len(words) < 2:
        return None
    grams: list[str] = []
    for a, b in itertools.pairwise(words):
        gram = _gram(a, b)
        if gram is None:
            return None
        grams.append(gram)
    return grams


_TOKEN_RE = re.compile(r"[^\W_]+")
_COMBINING_RE = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_FOLDED: dict[str, str] = {}


def _fold_char(match: re.Match[str]) -> str:
    ch = match.group(0)
    folded = _FOLDED.get(ch)
    if folded is None:
        base = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", ch)).lower()
        if len(base) != 1:
            low = ch.lower()
            base = low[0] if low else ch
        # Whatever replaces ``ch`` must stay one character under ``str.lower``.
        if len(base.lower()) != 1:
            base = ch if len(ch.lower()) == 1 else "_"
        folded = _FOLDED[ch] = base
    return folded


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents (``Zhōu`` → ``zhou``), keeping its length.

    A character whose folded form is not one character is kept (lower-cased when that
    keeps it one character), so offsets into the folded text are offsets into ``text``.
    """
    if not text.isascii():
        text = _NON_ASCII_RE.sub(_fold_char, text)
    return text.lower()


def tokenize(text: str) -> list[str]:
    """The words of ``text`` as every backend indexes them.

    Runs of letters and digits, lower-cased, accents removed: ``"Kai-shek’s"`` →
    ``["kai", "shek", "s"]``.
    """
    return normalize_text(text).split()


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """The tokens of ``text`` with their start and end offsets in ``text``."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(fold(text))]


def normalize_text(text: str) -> str:
    """``text`` as single-space-separated tokens: ``" ".join(tokenize(text))``."""
    return " ".join(index_text(text).split())


# Lower-case ASCII letters and digits stay; every other byte becomes a space.
_ASCII_TOKENS = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256)
)


class _NotAscii(Exception):
    """A token character with no ASCII fold (``æ``, ``ß``, Greek ...): take the slow path."""


_RUN_FOLD: dict[str, str] = {}


def _fold_run(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeEncodeError)
    run = exc.object[exc.start : exc.end]
    out = _RUN_FOLD.get(run)
    if out is None:
        chars = []
        for ch in run:
            folded = fold(ch)
            if not _TOKEN_RE.fullmatch(folded):
                chars.append(" ")
            elif folded.isascii():
                chars.append(folded)
            else:
                raise _NotAscii(ch)
        out = "".join(chars)
        if len(_RUN_FOLD) < 10_000:
            _RUN_FOLD[run] = out
    return out, exc.end


codecs.register_error("despatch-tokens", _fold_run)


def index_text(text: str) -> str:
    """``text`` as its tokens separated by runs of spaces (for whitespace tokenizers).

    The same tokens as ``tokenize``, without building them one by one: this is on the
    ingest hot path (a C-level encode and byte translation for text whose letters fold
    to ASCII, the regex otherwise).
    """
    try:
        data = text.encode("ascii", "despatch-tokens")
    except _NotAscii:
        return " ".join(_TOKEN_RE.findall(fold(text)))
    return data.translate(_ASCII_TOKENS).decode("ascii")


@dataclass(frozen=True)
class IndexedFields:
    """The searchable values of one document (see the module docstring for their use)."""

    id: str
    title: str
    body: str
    notes: str  # every note's text, joined by blank lines
    sender: str  # names and posts of the senders, one per line
    recipient: str  # names and posts of the recipients and addressees, one per line
    persons: str  # persons named (span text, authority label, signers), one per line
    places: str  # places named and the dateline place, one per line
    type: str
    date: str | None  # ISO day used for date ranges and date order
    year: int | None
    classification: str | None  # as printed (normalised title case): "Top Secret"
    precedence: str | None  # "Niact"
    volume: str | None
    number: str | None
    telegram: str | None  # the serial: "634"
    files: tuple[str, ...]  # archival file numbers as printed: "793.00/9–1958"
    sender_names: tuple[str, ...]  # facet values
    recipient_names: tuple[str, ...]
    sequence: int | None
    page_offsets: tuple[tuple[str, int], ...]  # (page, offset) of each body page break
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def text(self, source: str) -> str:
        """The text of a text source by name (``title``, ``body``, ``sender`` ...)."""
        value = getattr(self, source)
        assert isinstance(value, str)
        return value

    def facets(self) -> dict[str, tuple[str, ...]]:
        """The facet values of the document, by facet name (see ``store.base.FACET_FIELDS``)."""
        return {
            "type": (self.type,),
            "year": (str(self.year),) if self.year is not None else (),
            "sender": self.sender_names,
            "recipient": self.recipient_names,
            "classification": (self.classification,) if self.classification else (),
            "precedence": (self.precedence,) if self.precedence else (),
            "volume": (self.volume,) if self.volume else (),
        }


def document_day(doc: Document) -> str | None:
    """The ISO day a document sorts and range-matches by.

    Its dated day when known; for a month- or year-precision date, the first day of that
    month or year; for a range, its first day; otherwise ``None``.
    """
    d = doc.date
    if d.day:
        return d.day if is_partial_date(d.day) else None
    for value in (d.value, d.not_before):
        if value:
            head = value[:10]
            for candidate in (head, head[:7], head[:4]):
                if is_partial_date(candidate):
                    return first_day(candidate)
    return None


def _lines(values: Iterable[str | None]) -> str:
    seen: list[str] = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return "\n".join(seen)


def _party_lines(parties: Iterable[Party]) -> list[str | None]:
    out: list[str | None] = []
    for p in parties:
        out.append(p.name)
        out.append(p.place)
    return out


def _file_keywords(files: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for f in files:
        key = normalize_keyword(f)
        for value in (key, key.split("/", 1)[0].strip()):
            if value and value not in out:
                out.append(value)
    return tuple(out)


def index_fields(doc: Document) -> IndexedFields:
    """The values a store indexes for ``doc`` (the same for every backend)."""
    telegram = doc.telegram
    note = doc.source_note
    classification = (telegram.classification if telegram else None) or (
        note.classification if note else None
    )
    precedence = (telegram.precedence if telegram else None) or (note.precedence if note else None)
    serial = telegram.serial if telegram else None
    files: list[str] = []
    for src in [*doc.archival, *(note.sources if note else [])]:
        if src.file_number and src.file_number not in files:
            files.append(src.file_number)
    persons = _lines(
        [
            *(s.text for s in doc.spans if s.kind == "person"),
            *(s.label for s in doc.spans if s.kind == "person"),
            *doc.signers,
        ]
    )
    places = _lines(
        [
            doc.place,
            *(s.text for s in doc.spans if s.kind == "place"),
            *(s.label for s in doc.spans if s.kind == "place"),
        ]
    )
    addressees = [a.name for a in telegram.addressees] if telegram else []
    day = document_day(doc)
    year = int(day[:4]) if day else None
    sender_names = tuple(dict.fromkeys(p.name for p in doc.sender if p.name))
    recipient_names = tuple(dict.fromkeys(p.name for p in doc.recipient if p.name))
    keywords: dict[str, tuple[str, ...]] = {
        "type": (doc.type.value,),
        "year": (str(year),) if year is not None else (),
        "classification": (normalize_keyword(classification),) if classification else (),
        "precedence": (normalize_keyword(precedence),) if precedence else (),
        "volume": (normalize_keyword(doc.volume),) if doc.volume else (),
        "number": (normalize_keyword(doc.number),) if doc.number else (),
        "telegram": (normalize_keyword(serial),) if serial else (),
        "file": _file_keywords(files),
        "id": (normalize_keyword(doc.id),),
    }
    return IndexedFields(
        id=doc.id,
        title=doc.title or doc.heading,
        body=doc.text,
        notes="\n\n".join(n.text for n in doc.notes),
        sender=_lines(_party_lines(doc.sender)),
        recipient=_lines([*_party_lines(doc.recipient), *addressees]),
        persons=persons,
        places=places,
        type=doc.type.value,
        date=day,
        year=year,
        classification=classification,
        precedence=precedence,
        volume=doc.volume,
        number=doc.number,
        telegram=serial,
        files=tuple(files),
        sender_names=sender_names,
        recipient_names=recipient_names,
        sequence=doc.sequence,
        page_offsets=tuple((b.page, b.offset) for b in doc.pages if b.note is None),
        keywords=keywords,
    )


__all__ = [
    "COMMON_WORDS",
    "GRAM_BREAK",
    "GRAM_JOIN",
    "GRAM_WORDS",
    "TEXT_SOURCES",
    "WEIGHTS",
    "IndexedFields",
    "common_grams",
    "document_day",
    "fold",
    "gram_text",
    "index_fields",
    "index_text",
    "normalize_text",
    "phrase_grams",
    "token_spans",
    "tokenize",
]
