"""The despatch query language: what a historian types, parsed into a small AST.

Words
    ``Taiwan Quemoy`` finds documents containing both words (AND is the default) in the
    title, the body text, the notes, or the sender and recipient. Case and accents do
    not matter (``Peking`` = ``peking``, ``Zhou`` = ``Zhōu``). A word with inner
    punctuation is searched as a phrase of its parts: ``Kai-shek`` = ``"kai shek"``.
``"exact phrase"``
    The words next to each other, in this order: ``"brink of war"``.
``prefix*``
    Any word starting so: ``Khrushch*`` (one word; at least one letter or digit).
``OR``
    Either side: ``Quemoy OR Matsu``. ``OR`` binds tighter than the implicit AND, so
    ``Taiwan Quemoy OR Matsu`` means Taiwan AND (Quemoy OR Matsu).
``NOT`` / ``-``
    Without: ``Taiwan -Quemoy``, ``Taiwan NOT (Quemoy OR Matsu)``. A query of only
    exclusions finds every document without them.
``AND``
    Allowed for clarity; the same as a space.
``( … )``
    Grouping: ``(Quemoy OR Matsu) (blockade OR shelling)``.

Fields (``field:value``; ``field:"two words"``; ``field:(a OR b)`` applies the field to
each value in the group; fields are case-insensitive):

==================  ==================================================================
``from:Moscow``     the sender: its name or post (``from:"Embassy in the Soviet Union"``)
``to:London``       the recipient or an addressee a telegram also went to
``type:telegram``   the document type: telegram, airgram, despatch, instruction, letter,
                    memorandum, memorandum-of-conversation, editorial-note, … (``type:memo*``)
``date:A..B``       dated from A to B inclusive; A and B are ``1958``, ``1958-09`` or
                    ``1958-09-19``; either end may be left open (``date:1958-09..``,
                    ``date:..1960``); ``date:1958-09`` is the whole month
``year:1958``       dated in that year
``classification:`` ``classification:secret``, ``classification:"top secret"`` (the whole
                    marking: ``secret`` does not match "Top Secret")
``precedence:``     ``precedence:niact``, ``precedence:priority``
``volume:``         ``volume:frus1958-60v19``
``number:110``      the document number in its volume
``telegram:634``    the telegram, despatch or airgram number
``person:``         a person named in the document (``person:Khrushchev``)
``place:``          a place named in it, or where it was written (``place:Warsaw``)
``file:793.00``     an archival file number, whole (``file:793.00/9-1958``) or its
                    decimal class (``file:793.00``); ``file:793*`` for a range
``id:``             the document id, ``id:frus1958-60v19/d110`` (``id:frus1958-60v19/*``)
==================  ==================================================================

An empty query matches every document. Anything malformed raises
``QuerySyntaxError`` with the column of the bad part.

The AST is frozen dataclasses, with no SQL and no search-engine syntax: each backend
translates it (``store/local.py`` to tantivy queries, ``store/postgres.py`` to SQL,
``store/memory.py`` evaluates it in Python); ``render`` turns it back into query text
(``parse_query(render(q)) == q``).
"""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass
from typing import TypeAlias

from despatch.errors import QuerySyntaxError
from despatch.model import DocumentType

# --- fields ---------------------------------------------------------------------------

#: Fields whose values are words of text, matched word by word (like free words).
TEXT_FIELDS: tuple[str, ...] = ("from", "to", "person", "place")
#: Fields whose values are matched whole (case- and dash-insensitive), or by prefix.
KEYWORD_FIELDS: tuple[str, ...] = (
    "type",
    "year",
    "classification",
    "precedence",
    "volume",
    "number",
    "telegram",
    "file",
    "id",
)
#: Fields whose value is a date or a range of dates.
DATE_FIELDS: tuple[str, ...] = ("date",)
#: Every field, in the order the documentation lists them.
FIELDS: tuple[str, ...] = (
    "from",
    "to",
    "type",
    "date",
    "year",
    "classification",
    "precedence",
    "volume",
    "number",
    "telegram",
    "person",
    "place",
    "file",
    "id",
)

OPERATORS: tuple[str, ...] = ("AND", "OR", "NOT")

#: The language in brief, for help screens: (what you type, what it finds).
SYNTAX_HELP: tuple[tuple[str, str], ...] = (
    ("Taiwan Quemoy", "both words (AND is the default)"),
    ("Kai-shek", 'a phrase of its parts: "kai shek"'),
    ('"brink of war"', "the words together, in this order"),
    ("Khrushch*", "any word starting so"),
    ("Quemoy OR Matsu", "either (a b OR c = a AND (b OR c))"),
    ("-Quemoy, NOT Quemoy", "without"),
    ("(a OR b) c", "grouping"),
)
#: Each field with an example and what it matches.
FIELD_HELP: dict[str, tuple[str, str]] = {
    "from": ("from:Moscow", "the sender, by name or post"),
    "to": ("to:London", "the recipient, or a post also sent to"),
    "type": ("type:telegram", "despatch, memorandum, letter, … (memo*)"),
    "date": ("date:1958-09..1958-10", "dated in range (1958, 1958-09, ..1960)"),
    "year": ("year:1958", "dated in that year"),
    "classification": ('classification:"top secret"', "the whole marking"),
    "precedence": ("precedence:niact", "the precedence"),
    "volume": ("volume:frus1958-60v19", "documents of a volume"),
    "number": ("number:110", "the document number in its volume"),
    "telegram": ("telegram:634", "the telegram or despatch number"),
    "person": ("person:Khrushchev", "a person named in it"),
    "place": ("place:Warsaw", "a place named in it, or written at"),
    "file": ("file:793.00", "an archival file number or its class"),
    "id": ("id:frus1958-60v19/d110", "one document (or id:frus1958-60v19/*)"),
}


# --- the AST --------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A single word (``Taiwan``), or a field's single value (``from:Moscow``).

    ``field`` is ``None`` for free text. A word with inner punctuation (``Kai-shek``)
    matches as a phrase of its parts in text fields.
    """

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Words that must appear together, in order (``"brink of war"``)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Prefix:
    """Any word (or keyword value) that starts with ``text`` (``Khrushch*``)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class DateRange:
    """Documents dated from ``start`` to ``end`` inclusive (``date:1958-09..1958-10``).

    ``start`` and ``end`` are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as typed, or
    ``None`` for an open end. ``bounds()`` gives the first and last day.
    """

    start: str | None
    end: str | None

    def bounds(self) -> tuple[str | None, str | None]:
        """The first and the last ISO day the range covers (``None`` when open)."""
        lo = first_day(self.start) if self.start is not None else None
        hi = last_day(self.end) if self.end is not None else None
        return lo, hi


@dataclass(frozen=True)
class Not:
    """Documents that do not match ``operand``."""

    operand: Node


@dataclass(frozen=True)
class And:
    """Documents matching every operand (two or more, none of them an ``And``)."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Documents matching any operand (two or more, none of them an ``Or``)."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class MatchAll:
    """Every document (the empty query)."""


Node: TypeAlias = Word | Phrase | Prefix | DateRange | Not | And | Or | MatchAll
#: A parsed query is its root node.
Query: TypeAlias = Node

# --- dates ----------------------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _date_parts(value: str) -> tuple[int, int | None, int | None] | None:
    m = _DATE_RE.match(value)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        assert month is not None
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
    if year < 1:
        return None
    return year, month, day


def is_partial_date(value: str) -> bool:
    """Whether ``value`` is a valid ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    return _date_parts(value) is not None


def first_day(value: str) -> str:
    """The first ISO day of a partial date: ``1958-09`` → ``1958-09-01``."""
    parts = _date_parts(value)
    if parts is None:
        raise ValueError(f"not a date: {value!r}")
    year, month, day = parts
    return f"{year:04d}-{month or 1:02d}-{day or 1:02d}"


def last_day(value: str) -> str:
    """The last ISO day of a partial date: ``1958-09`` → ``1958-09-30``."""
    parts = _date_parts(value)
    if parts is None:
        raise ValueError(f"not a date: {value!r}")
    year, month, day = parts
    month = month or 12
    day = day or calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d}-{day:02d}"


# --- the lexer ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "lparen", "rparen", "and", "or", "not", "minus", "field"
    text: str
    column: int  # 1-based


_FIELD_RE = re.compile(r"^([A-Za-z]+):")
_SPECIAL = set('()"')


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    n = len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        col = i + 1
        if c == "(":
            tokens.append(_Token("lparen", c, col))
            i += 1
        elif c == ")":
            tokens.append(_Token("rparen", c, col))
            i += 1
        elif c == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(
                    "this phrase has no closing quote; add a '\"' at its end",
                    query=query,
                    column=col,
                )
            tokens.append(_Token("phrase", query[i + 1 : end], col))
            i = end + 1
        elif c == "-" and i + 1 < n and not query[i + 1].isspace():
            tokens.append(_Token("minus", c, col))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _SPECIAL:
                j += 1
            text = query[i:j]
            m = _FIELD_RE.match(text)
            if m:
                tokens.append(_Token("field", m.group(1), col))
                rest = text[m.end() :]
                if rest:
                    tokens.append(_Token("word", rest, col + m.end()))
                elif j < n and query[j] in '"(':
                    pass  # the value is the phrase or group that follows
                else:
                    raise QuerySyntaxError(
                        f"'{m.group(1)}:' needs a value, e.g. {_example(m.group(1).lower())}",
                        query=query,
                        column=col,
                    )
            elif text in OPERATORS:
                tokens.append(_Token(text.lower(), text, col))
            elif text == "-":
                raise QuerySyntaxError(
                    "'-' must stand right before the word it excludes, e.g. -Quemoy",
                    query=query,
                    column=col,
                )
            else:
                tokens.append(_Token("word", text, col))
            i = j
    return tokens


def _example(field: str) -> str:
    return {
        "from": "from:Moscow",
        "to": 'to:"Department of State"',
        "type": "type:telegram",
        "date": "date:1958-09-01..1958-10-31",
        "year": "year:1958",
        "classification": 'classification:"top secret"',
        "precedence": "precedence:niact",
        "volume": "volume:frus1958-60v19",
        "number": "number:110",
        "telegram": "telegram:634",
        "person": "person:Khrushchev",
        "place": "place:Warsaw",
        "file": "file:793.00",
        "id": "id:frus1958-60v19/d110",
    }.get(field, f"{field}:value")


# --- the parser -----------------------------------------------------------------------


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _lex(query)
        self.pos = 0

    def error(self, message: str, column: int | None = None) -> QuerySyntaxError:
        if column is None:
            tok = self.peek()
            column = tok.column if tok is not None else len(self.query) + 1
        return QuerySyntaxError(message, query=self.query, column=max(column, 1))

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node:
        if not self.tokens:
            return MatchAll()
        node = self.and_expr(None)
        tok = self.peek()
        if tok is not None:
            if tok.kind == "rparen":
                raise self.error("this ')' has no matching '('", tok.column)
            raise self.error(f"unexpected {tok.text!r}", tok.column)
        return node

    def _starts_operand(self, tok: _Token | None) -> bool:
        return tok is not None and tok.kind in {"word", "phrase", "lparen", "not", "minus", "field"}

    def and_expr(self, field: str | None) -> Node:
        operands: list[Node] = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind == "rparen":
                break
            if tok.kind == "and":
                if not operands:
                    raise self.error("'AND' needs a term before it", tok.column)
                self.take()
                if not self._starts_operand(self.peek()):
                    raise self.error("'AND' needs a term after it", tok.column)
                continue
            if tok.kind == "or":
                raise self.error("'OR' needs a term on both sides", tok.column)
            operands.append(self.or_expr(field))
        flat: list[Node] = []
        for op in operands:
            flat.extend(op.operands if isinstance(op, And) else (op,))
        if len(flat) == 1:
            return flat[0]
        return And(tuple(flat))

    def or_expr(self, field: str | None) -> Node:
        operands = [self.unary(field)]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.take()
            if not self._starts_operand(self.peek()):
                raise self.error("'OR' needs a term on both sides", tok.column)
            operands.append(self.unary(field))
        if len(operands) == 1:
            return operands[0]
        flat: list[Node] = []
        for op in operands:
            flat.extend(op.operands if isinstance(op, Or) else (op,))
        return Or(tuple(flat))

    def unary(self, field: str | None) -> Node:
        tok = self.peek()
        assert tok is not None
        if tok.kind in {"not", "minus"}:
            self.take()
            if not self._starts_operand(self.peek()):
                name = "NOT" if tok.kind == "not" else "-"
                raise self.error(f"'{name}' needs a term after it", tok.column)
            return Not(self.unary(field))
        return self.primary(field)

    def primary(self, field: str | None) -> Node:
        tok = self.take()
        if tok.kind == "lparen":
            if (nxt := self.peek()) is not None and nxt.kind == "rparen":
                raise self.error("empty parentheses; put a term inside or remove them", tok.column)
            node = self.and_expr(field)
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise self.error("this '(' is never closed; add a ')'", tok.column)
            self.take()
            return node
        if tok.kind == "field":
            name = tok.text.lower()
            if name not in FIELDS:
                raise self.error(_unknown_field_message(tok.text), tok.column)
            value = self.peek()
            assert value is not None  # the lexer guarantees a value follows
            if value.kind == "lparen":
                if name in DATE_FIELDS:
                    raise self.error(
                        f"'{name}:' takes one date or range, e.g. {_example(name)}", value.column
                    )
                return self.primary(name)
            self.take()
            return self.value(name, value)
        if tok.kind in {"word", "phrase"}:
            return self.value(field, tok)
        raise self.error(f"unexpected {tok.text!r}", tok.column)

    def value(self, field: str | None, tok: _Token) -> Node:
        if tok.kind == "phrase":
            text = tok.text.strip()
            if not text:
                raise self.error("empty phrase; put words between the quotes", tok.column)
            if field in DATE_FIELDS:
                return self.date_value(text, tok.column)
            self.check_value(field, text, tok.column)
            return Phrase(" ".join(text.split()), field)
        text = tok.text
        if field in DATE_FIELDS:
            return self.date_value(text, tok.column)
        if text.endswith("*"):
            stem = text.rstrip("*")
            if not stem or not _has_alnum(stem):
                raise self.error(
                    "a prefix needs at least one letter or digit before '*', e.g. Khrushch*",
                    tok.column,
                )
            if (field is None or field in TEXT_FIELDS) and len(_words(stem)) != 1:
                raise self.error(
                    f"prefix {text!r} must be a single word (no inner punctuation)",
                    tok.column,
                )
            if field == "type":
                self.check_type_prefix(stem, tok.column)
            return Prefix(stem, field)
        if "*" in text:
            raise self.error("'*' is allowed only at the end of a word (prefix*)", tok.column)
        self.check_value(field, text, tok.column)
        return Word(text, field)

    def check_value(self, field: str | None, text: str, column: int) -> None:
        if (field is None or field in TEXT_FIELDS) and not _has_alnum(text):
            raise self.error(
                f"{text!r} has no letters or digits to search for; remove it or quote it",
                column,
            )
        if field == "year" and not re.fullmatch(r"\d{4}", text):
            raise self.error(
                f"year {text!r} is not a year; write four digits, e.g. year:1958 "
                "(for a span use date:1958..1960)",
                column,
            )
        if field == "type":
            key = normalize_keyword(text)
            if key not in _TYPE_VALUES:
                hint = difflib.get_close_matches(key, _TYPE_VALUES, n=1)
                did = f" (did you mean type:{hint[0]}?)" if hint else ""
                raise self.error(
                    f"unknown type {text!r}{did}; types are {', '.join(_TYPE_VALUES)}", column
                )

    def check_type_prefix(self, stem: str, column: int) -> None:
        key = normalize_keyword(stem)
        if not any(t.startswith(key) for t in _TYPE_VALUES):
            raise self.error(
                f"no type starts with {stem!r}; types are {', '.join(_TYPE_VALUES)}", column
            )

    def date_value(self, text: str, column: int) -> DateRange:
        end_column = column
        if ".." in text:
            start_text, _, end_text = text.partition("..")
            end_column = column + len(start_text) + 2
            if ".." in end_text:
                raise self.error(f"date range {text!r} has more than one '..'", column)
            start = start_text or None
            end = end_text or None
            if start is None and end is None:
                raise self.error(
                    "a date range needs at least one end, e.g. date:1958-09.. or date:..1960",
                    column,
                )
        else:
            start = end = text
        for part, part_column in ((start, column), (end, end_column)):
            if part is not None and not is_partial_date(part):
                raise self.error(
                    f"{part!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD "
                    f"(e.g. {_example('date')})",
                    part_column,
                )
        if start is not None and end is not None and first_day(start) > last_day(end):
            raise self.error(f"date range {text!r} ends before it starts", column)
        return DateRange(start, end)


_TYPE_VALUES: tuple[str, ...] = tuple(t.value for t in DocumentType)


def _unknown_field_message(name: str) -> str:
    hint = difflib.get_close_matches(name.lower(), FIELDS, n=1)
    did = f" (did you mean '{hint[0]}:'?)" if hint else ""
    return (
        f"unknown field '{name}:'{did}; fields are {', '.join(FIELDS)} "
        f"(put the word in quotes to search for it as text)"
    )


_WORD_RE = re.compile(r"[^\W_]+")


def _has_alnum(text: str) -> bool:
    return _WORD_RE.search(text) is not None


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def normalize_keyword(value: str) -> str:
    """The form keyword values are compared in: lower case, one space, ASCII dashes."""
    value = re.sub(r"[\u2010-\u2015\u2212]", "-", value)
    return " ".join(value.lower().split())


def parse_query(text: str) -> Query:
    """Parse query-language ``text`` into its AST; raises ``QuerySyntaxError``."""
    return _Parser(text).parse()


# --- rendering ------------------------------------------------------------------------


def _render_value(node: Word | Phrase | Prefix) -> str:
    if isinstance(node, Phrase):
        return f'"{node.text}"'
    if isinstance(node, Prefix):
        return f"{node.text}*"
    return node.text


def _render(node: Node, *, in_and: bool) -> str:
    if isinstance(node, MatchAll):
        return ""
    if isinstance(node, Word | Phrase | Prefix):
        value = _render_value(node)
        return f"{node.field}:{value}" if node.field else value
    if isinstance(node, DateRange):
        if node.start is not None and node.start == node.end:
            return f"date:{node.start}"
        return f"date:{node.start or ''}..{node.end or ''}"
    if isinstance(node, Not):
        inner = _render(node.operand, in_and=False)
        if isinstance(node.operand, And | Or):
            return f"-({inner})"
        return f"-{inner}"
    if isinstance(node, Or):
        parts = []
        for op in node.operands:
            s = _render(op, in_and=False)
            parts.append(f"({s})" if isinstance(op, And | Or) else s)
        return " OR ".join(parts)
    if isinstance(node, And):
        parts = []
        for op in node.operands:
            s = _render(op, in_and=True)
            parts.append(f"({s})" if isinstance(op, And) else s)
        return " ".join(parts)
    raise TypeError(f"not a query node: {node!r}")


def render(query: Query) -> str:
    """Query-language text for an AST; ``parse_query(render(q)) == q``."""
    return _render(query, in_and=False)


def positive_terms(query: Query) -> list[Word | Phrase | Prefix]:
    """The free-text words, phrases and prefixes a match must or may contain.

    Terms under a ``Not`` are left out; snippets highlight these.
    """
    out: list[Word | Phrase | Prefix] = []

    def walk(node: Node) -> None:
        if isinstance(node, Word | Phrase | Prefix):
            if node.field is None:
                out.append(node)
        elif isinstance(node, And | Or):
            for op in node.operands:
                walk(op)

    walk(query)
    return out


__all__ = [
    "DATE_FIELDS",
    "FIELDS",
    "FIELD_HELP",
    "KEYWORD_FIELDS",
    "SYNTAX_HELP",
    "TEXT_FIELDS",
    "And",
    "DateRange",
    "MatchAll",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Prefix",
    "Query",
    "QuerySyntaxError",
    "Word",
    "first_day",
    "is_partial_date",
    "last_day",
    "normalize_keyword",
    "parse_query",
    "positive_terms",
    "render",
]
