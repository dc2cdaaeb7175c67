"""The query language: parsing, rendering, errors, and the round trip property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from despatch.errors import QuerySyntaxError
from despatch.search.query import (
    FIELDS,
    KEYWORD_FIELDS,
    TEXT_FIELDS,
    And,
    DateRange,
    MatchAll,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    first_day,
    last_day,
    parse_query,
    positive_terms,
    render,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", MatchAll()),
        ("   ", MatchAll()),
        ("Taiwan", Word("Taiwan")),
        ("Taiwan Quemoy", And((Word("Taiwan"), Word("Quemoy")))),
        ("Taiwan AND Quemoy", And((Word("Taiwan"), Word("Quemoy")))),
        ("Quemoy OR Matsu", Or((Word("Quemoy"), Word("Matsu")))),
        (
            "Taiwan Quemoy OR Matsu",
            And((Word("Taiwan"), Or((Word("Quemoy"), Word("Matsu"))))),
        ),
        ("a OR b OR c", Or((Word("a"), Word("b"), Word("c")))),
        ("(a OR b) OR c", Or((Word("a"), Word("b"), Word("c")))),
        ("(a b) c", And((Word("a"), Word("b"), Word("c")))),
        ("-Quemoy", Not(Word("Quemoy"))),
        ("Taiwan NOT Quemoy", And((Word("Taiwan"), Not(Word("Quemoy"))))),
        ("NOT (a OR b)", Not(Or((Word("a"), Word("b"))))),
        ("Kai-shek", Word("Kai-shek")),
        ('"brink of war"', Phrase("brink of war")),
        ('"  brink   of war "', Phrase("brink of war")),
        ("Khrushch*", Prefix("Khrushch")),
        ("from:Moscow", Word("Moscow", "from")),
        ("FROM:Moscow", Word("Moscow", "from")),
        ('to:"Department of State"', Phrase("Department of State", "to")),
        ("type:telegram", Word("telegram", "type")),
        ("type:memo*", Prefix("memo", "type")),
        ("date:1958-09-01..1958-10-31", DateRange("1958-09-01", "1958-10-31")),
        ("date:1958-09..", DateRange("1958-09", None)),
        ("date:..1960", DateRange(None, "1960")),
        ("date:1958", DateRange("1958", "1958")),
        ("year:1958", Word("1958", "year")),
        ('classification:"top secret"', Phrase("top secret", "classification")),
        ("precedence:niact", Word("niact", "precedence")),
        ("volume:frus1958-60v19", Word("frus1958-60v19", "volume")),
        ("number:110", Word("110", "number")),
        ("telegram:634", Word("634", "telegram")),
        ("person:Khrushchev", Word("Khrushchev", "person")),
        ("place:Warsaw", Word("Warsaw", "place")),
        ("file:793.00", Word("793.00", "file")),
        ("id:frus1958-60v19/d110", Word("frus1958-60v19/d110", "id")),
        ("id:frus1958-60v19/*", Prefix("frus1958-60v19/", "id")),
        (
            "from:(Moscow OR Peking)",
            Or((Word("Moscow", "from"), Word("Peking", "from"))),
        ),
        ("11:30", Word("11:30")),
        (
            "Chiang Kai-shek from:Moscow date:1958-09-01..1958-10-31",
            And(
                (
                    Word("Chiang"),
                    Word("Kai-shek"),
                    Word("Moscow", "from"),
                    DateRange("1958-09-01", "1958-10-31"),
                )
            ),
        ),
    ],
)
def test_parse(text: str, expected: Node) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("form:Moscow", 1, "unknown field 'form:' (did you mean 'from:'?); fields are from, to"),
        ("Taiwan sender:Moscow", 8, "unknown field 'sender:'"),
        ('Taiwan "brink of', 8, "no closing quote"),
        ("(Quemoy OR Matsu", 1, "never closed"),
        ("Quemoy)", 7, "no matching '('"),
        ("Quemoy OR", 8, "'OR' needs a term on both sides"),
        ("OR Quemoy", 1, "'OR' needs a term on both sides"),
        ("AND Quemoy", 1, "'AND' needs a term before it"),
        ("Quemoy NOT", 8, "'NOT' needs a term after it"),
        ("Quemoy -", 8, "'-' must stand right before"),
        ("()", 1, "empty parentheses"),
        ('""', 1, "empty phrase"),
        ("from:", 1, "'from:' needs a value"),
        ("date:1958-13", 6, "'1958-13' is not a date"),
        ("date:1958-02-30", 6, "'1958-02-30' is not a date"),
        ("date:1958..1957-13", 12, "'1957-13' is not a date"),
        ("date:1960..1958", 6, "ends before it starts"),
        ("date:..", 6, "needs at least one end"),
        ("date:(1958 OR 1959)", 6, "takes one date or range"),
        ("year:58", 6, "is not a year"),
        ("type:telegrm", 6, "did you mean type:telegram?"),
        ("type:zz*", 6, "no type starts with"),
        ("*", 1, "a prefix needs at least one letter"),
        ("Kai-sh*", 1, "must be a single word"),
        ("a*b", 1, "only at the end"),
        ("&", 1, "no letters or digits"),
    ],
)
def test_syntax_errors_point_at_the_bad_part(text: str, column: int, fragment: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(text)
    assert info.value.column == column
    assert info.value.query == text
    assert fragment in str(info.value)
    assert f"(at column {column})" in str(info.value)


def test_date_bounds() -> None:
    assert DateRange("1958-09", "1958-10").bounds() == ("1958-09-01", "1958-10-31")
    assert DateRange(None, "1960").bounds() == (None, "1960-12-31")
    assert DateRange("1960-02", None).bounds() == ("1960-02-01", None)
    assert first_day("1958") == "1958-01-01"
    assert last_day("1960-02") == "1960-02-29"


def test_render_examples() -> None:
    q = "Taiwan (Quemoy OR Matsu) -blockade from:Moscow date:1958-09..1958-10"
    assert render(parse_query(q)) == (
        "Taiwan Quemoy OR Matsu -blockade from:Moscow date:1958-09..1958-10"
    )
    assert render(parse_query("(a b) OR c")) == "(a b) OR c"
    assert render(parse_query("NOT (a b)")) == "-(a b)"
    assert render(parse_query("date:1958")) == "date:1958"


def test_positive_terms_skip_negations_and_fields() -> None:
    q = parse_query('Taiwan "brink of war" Khrushch* -Quemoy from:Moscow')
    assert positive_terms(q) == [Word("Taiwan"), Phrase("brink of war"), Prefix("Khrushch")]


# --- the round trip property ----------------------------------------------------------

_letters = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNÖéō0123456789")
_inner = st.sampled_from("abcxyzÖ019-.'/’")
_word_text = st.builds(
    lambda first, rest: first + rest, _letters, st.text(_inner, max_size=8)
).filter(lambda s: s not in {"AND", "OR", "NOT"} and not s.endswith("-"))
_single_word = st.text(_letters, min_size=1, max_size=8).filter(
    lambda s: s not in {"AND", "OR", "NOT"}
)
_phrase_text = st.lists(_word_text, min_size=1, max_size=4).map(" ".join)
_date = st.one_of(
    st.integers(1850, 2020).map(str),
    st.tuples(st.integers(1850, 2020), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(st.integers(1850, 2020), st.integers(1, 12), st.integers(1, 28)).map(
        lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"
    ),
)


@st.composite
def _date_range(draw: st.DrawFn) -> DateRange:
    a = draw(st.one_of(st.none(), _date))
    b = draw(_date) if a is None else draw(st.one_of(st.none(), _date, st.just(a)))
    if a is not None and b is not None and first_day(a) > last_day(b):
        a, b = b, a
    if a is not None and b is not None and first_day(a) > last_day(b):
        b = None
    return DateRange(a, b)


_text_field = st.sampled_from([None, *TEXT_FIELDS])
_kw_field = st.sampled_from([f for f in KEYWORD_FIELDS if f not in {"type", "year"}])

_leaf = st.one_of(
    st.builds(Word, _word_text, _text_field),
    st.builds(Phrase, _phrase_text, _text_field),
    st.builds(Prefix, _single_word, _text_field),
    st.builds(Word, _word_text, _kw_field),
    st.builds(Phrase, _phrase_text, _kw_field),
    st.builds(Prefix, _word_text, _kw_field),
    st.builds(Word, st.sampled_from(["telegram", "memorandum", "editorial-note"]), st.just("type")),
    st.builds(Word, st.integers(1850, 2020).map(str), st.just("year")),
    _date_range(),
)


def _and(ops: list[Node]) -> Node:
    flat: list[Node] = []
    for op in ops:
        flat.extend(op.operands if isinstance(op, And) else [op])
    return And(tuple(flat))


def _or(ops: list[Node]) -> Node:
    flat: list[Node] = []
    for op in ops:
        flat.extend(op.operands if isinstance(op, Or) else [op])
    return Or(tuple(flat))


_node = st.recursive(
    _leaf,
    lambda children: st.one_of(
        st.builds(Not, children),
        st.lists(children, min_size=2, max_size=4).map(_and),
        st.lists(children, min_size=2, max_size=4).map(_or),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(_node)
def test_render_then_parse_gives_back_the_ast(ast: Node) -> None:
    assert parse_query(render(ast)) == ast


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab :()"-*ORNTDfrom.9'), max_size=30))
def test_any_text_parses_or_raises_query_syntax_error(text: str) -> None:
    try:
        ast = parse_query(text)
    except QuerySyntaxError as exc:
        assert 1 <= exc.column <= len(text) + 1
    else:
        assert parse_query(render(ast)) == ast


def test_every_field_is_documented() -> None:
    import despatch.search.query as module

    assert module.__doc__ is not None
    for name in FIELDS:
        assert f"``{name}:" in module.__doc__


def test_help_covers_every_field() -> None:
    from despatch.search.query import FIELD_HELP

    assert list(FIELD_HELP) == list(FIELDS)
    for name, (example, _) in FIELD_HELP.items():
        parse_query(example)
        assert example.startswith(f"{name}:")


def test_gram_text_keeps_grams_adjacent_only_when_their_pairs_are() -> None:
    from despatch.search.fields import GRAM_WORDS, gram_text, phrase_grams

    # "brink" is neither common nor frequent: no gram pairs it, one break stands for it
    assert "brink" not in GRAM_WORDS and {"war", "soviet", "union"} <= GRAM_WORDS
    assert gram_text("the brink of war") == "of~war"
    assert gram_text("of the brink of war") == "of~the ~ of~war"
    assert gram_text("of the soviet union and peace") == (
        "of~the the~soviet soviet~union union~and and~peace"
    )
    assert gram_text("department of state central files") == (
        "department~of of~state state~central central~files"
    )
    assert gram_text("brink kinmen") == ""
    assert gram_text("of " + "x" * 40) == ""  # too long for tantivy's 40-byte token limit
    assert phrase_grams(["of", "the"]) == ["of~the"]
    assert phrase_grams(["central", "files"]) == ["central~files"]
    assert phrase_grams(["the", "brink"]) is None
    assert phrase_grams(["war"]) is None
