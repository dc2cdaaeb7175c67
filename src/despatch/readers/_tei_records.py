"""Record objects of the TEI reader, built without re-validating what the reader made.

A document of a generated FRUS-like volume is about fifty model objects (spans,
paragraphs, notes, page breaks, dates ...). Validating each through pydantic's
``__init__`` cost about a fifth of the reader's time, although every value comes from
the reader's own code with the declared type (``str`` from lxml, ``int`` offsets, enum
members, lists it just built). ``construct`` fills the instance the way
``BaseModel.model_construct`` does (defaults, fresh ``default_factory`` values, field
order, ``model_fields_set``) at about a fifth of its cost. The tests check that every
record of the excerpts equals its own validated copy, type for type, and round-trips
through JSON (``tests/readers/test_tei.py``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from despatch.model import Note, PageBreak, Paragraph, Span

M = TypeVar("M", bound=BaseModel)

_set = object.__setattr__
_new = object.__new__
# BaseModel keeps these three in slots: their descriptors set them without __setattr__
_set_fields_set = vars(BaseModel)["__pydantic_fields_set__"].__set__
_set_extra = vars(BaseModel)["__pydantic_extra__"].__set__
_set_private = vars(BaseModel)["__pydantic_private__"].__set__


class _Shape:
    """What ``construct`` needs to know of a model class, worked out once."""

    __slots__ = ("factories", "names", "required", "template")

    def __init__(self, cls: type[BaseModel]) -> None:
        info = cls.model_fields
        self.names = tuple(info)
        # every field in declaration order: its default, or a placeholder to fill
        self.template = {name: f.default for name, f in info.items()}
        self.factories = tuple(
            (name, f.default_factory) for name, f in info.items() if f.default_factory
        )
        self.required = tuple(
            name
            for name, f in info.items()
            if f.default is PydanticUndefined and f.default_factory is None
        )


_SHAPES: dict[type[BaseModel], _Shape] = {}


def construct(cls: type[M], /, **values: Any) -> M:
    """An instance of ``cls`` from trusted, already typed ``values`` (no validation)."""
    shape = _SHAPES.get(cls)
    if shape is None:
        shape = _SHAPES[cls] = _Shape(cls)
    data: dict[str, Any]
    if tuple(values) == shape.names:  # every field, in declaration order: the fast path
        data = values
    else:
        data = shape.template.copy()  # field order kept: update() replaces in place
        data.update(values)
        if len(data) != len(shape.names):
            unknown = sorted(set(values) - set(shape.names))
            raise TypeError(f"{cls.__name__}: unknown fields {unknown}")
        for name in shape.required:
            if name not in values:
                raise TypeError(f"{cls.__name__}: required field {name!r} missing")
        for name, factory in shape.factories:
            if name not in values:
                data[name] = factory()  # type: ignore[call-arg]  # no-argument factories
    return _fill(_new(cls), data, set(values))


def copy(model: M) -> M:
    """A shallow copy of ``model`` (as ``model_copy()``, without its overhead)."""
    m = _new(type(model))
    _set(m, "__dict__", dict(model.__dict__))
    _set_fields_set(m, set(model.__pydantic_fields_set__))
    _set_extra(m, None)
    _set_private(m, None)
    return m


def _fill(m: M, data: dict[str, Any], fields_set: set[str]) -> M:
    _set(m, "__dict__", data)
    _set_fields_set(m, fields_set)
    _set_extra(m, None)
    _set_private(m, None)
    return m


# The most frequent records, with every field given (as ``Model(**all_fields)`` would
# be called): one call, no keyword dict. Each checks at import that the model still has
# exactly these fields, and validates through the model otherwise.
_SPAN = ("start", "end", "kind", "text", "key", "label", "note")
_PARAGRAPH = ("start", "end", "pages", "kind")
_PAGE_BREAK = ("page", "offset", "facs", "note")
_NOTE = ("n", "id", "text", "kind", "anchor", "marker", "page")


def _current(cls: type[BaseModel], names: tuple[str, ...]) -> bool:
    return tuple(cls.model_fields) == names


def span(
    start: int, end: int, kind: str, text: str, key: str | None, label: str | None,
    note: str | None,
) -> Span:  # fmt: skip
    """A ``Span`` (every field)."""
    data = {
        "start": start, "end": end, "kind": kind, "text": text, "key": key, "label": label,
        "note": note,
    }  # fmt: skip
    m = _new(Span)
    _set(m, "__dict__", data)
    _set_fields_set(m, set(_SPAN))
    _set_extra(m, None)
    _set_private(m, None)
    return m


def paragraph(start: int, end: int, pages: list[str], kind: str) -> Paragraph:
    """A ``Paragraph`` (every field)."""
    data = {"start": start, "end": end, "pages": pages, "kind": kind}
    m = _new(Paragraph)
    _set(m, "__dict__", data)
    _set_fields_set(m, set(_PARAGRAPH))
    _set_extra(m, None)
    _set_private(m, None)
    return m


def page_break(page: str, offset: int, facs: str | None, note: str | None) -> PageBreak:
    """A ``PageBreak`` (every field)."""
    data = {"page": page, "offset": offset, "facs": facs, "note": note}
    m = _new(PageBreak)
    _set(m, "__dict__", data)
    _set_fields_set(m, set(_PAGE_BREAK))
    _set_extra(m, None)
    _set_private(m, None)
    return m


def note(
    n: str, id: str | None, text: str, kind: str, anchor: int | None, marker: str | None,
    page: str | None,
) -> Note:  # fmt: skip
    """A ``Note`` (every field)."""
    data = {
        "n": n, "id": id, "text": text, "kind": kind, "anchor": anchor, "marker": marker,
        "page": page,
    }  # fmt: skip
    m = _new(Note)
    _set(m, "__dict__", data)
    _set_fields_set(m, set(_NOTE))
    _set_extra(m, None)
    _set_private(m, None)
    return m


if not _current(Span, _SPAN):  # pragma: no cover - the model changed: stay correct
    span = Span  # type: ignore[assignment]
if not _current(Paragraph, _PARAGRAPH):  # pragma: no cover
    paragraph = Paragraph  # type: ignore[assignment]
if not _current(PageBreak, _PAGE_BREAK):  # pragma: no cover
    page_break = PageBreak  # type: ignore[assignment]
if not _current(Note, _NOTE):  # pragma: no cover
    note = Note  # type: ignore[assignment]
