"""The record model: one typed shape for every document of the diplomatic-documents genre.

Words used throughout despatch, defined once here:

document
    One numbered item of a documentary edition (a telegram, memorandum, letter ...), or an
    attachment ("inclosure") of one, or an editorial note. Its ``id`` is stable and citable:
    ``<volume>/d<n>`` when the volume is known (``frus1958-60v19/d110``), attachments
    ``<volume>/d<n>-<k>`` as history.state.gov numbers them.
sender / recipient
    The parties as the heading gives them (``Embassy in the Soviet Union``,
    ``Department of State``), each with the post or place it stands for (``Moscow``,
    ``Washington``) where that is known.
signer
    A person who signed the document (``Davis``), from its signature line.
dated
    The document's own date (``Document.date``), chosen from all the ``DateEvidence``
    found for it: the dateline first, then notes, then the file number, which is the date
    the document was filed under and so weaker evidence.
serial
    The originator's running number: the telegram number (``634``), despatch number
    (``No. 435``) or airgram number. Kept as text, as printed.
body text
    ``Document.text``: the paragraphs joined by blank lines (``"\\n\\n"``). Every offset
    in a record (paragraphs, page breaks, note anchors, spans, references, embedded
    documents) is a character offset into that string, unless the object names a note
    (``note`` field), in which case it is an offset into that note's text.
page
    A page of the printed edition, as printed (``"232"``, ``"XXI"``). ``PageBreak(page,
    offset)`` says page ``page`` starts at ``offset``; the document's first page is the
    page in force at its first character.

All models serialize to and from JSON losslessly (``to_json`` / ``from_json``).
"""

from __future__ import annotations

import bisect
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class DocumentType(StrEnum):
    """The genre of a document, derived from its heading (or its text, for old volumes)."""

    TELEGRAM = "telegram"
    CABLEGRAM = "cablegram"
    AIRGRAM = "airgram"
    DESPATCH = "despatch"
    INSTRUCTION = "instruction"
    LETTER = "letter"
    MEMORANDUM = "memorandum"
    MEMORANDUM_OF_CONVERSATION = "memorandum-of-conversation"
    NOTE = "note"
    EDITORIAL_NOTE = "editorial-note"
    MINUTES = "minutes"
    REPORT = "report"
    INTELLIGENCE_ESTIMATE = "intelligence-estimate"
    PAPER = "paper"
    MESSAGE = "message"
    STATEMENT = "statement"
    TRANSCRIPT = "transcript"
    CORRESPONDENCE = "correspondence"
    ATTACHMENT = "attachment"
    CHAPTER_HEADNOTE = "chapter-headnote"
    OTHER = "other"


class Confidence(StrEnum):
    """How sure a piece of evidence is."""

    CERTAIN = "certain"  # stated by the document itself (dateline, encoded @when)
    PROBABLE = "probable"  # stated nearby (a note, a file number agreeing with a note)
    INFERRED = "inferred"  # worked out (file-number suffix alone, the text)
    UNCERTAIN = "uncertain"  # conflicting or approximate


class DateSource(StrEnum):
    """Where a date came from."""

    DATELINE = "dateline"
    ENCODED = "encoded"  # a machine-readable date in the source (TEI @when, front matter)
    FILE_NUMBER = "file-number"
    NOTE = "note"
    HEADING = "heading"
    TEXT = "text"
    FRONT_MATTER = "front-matter"


class DateEvidence(_Model):
    """One date found for a document, with its origin and weight.

    ``value`` is ISO 8601 at the precision known: ``1958``, ``1958-09``, ``1958-09-19``,
    ``1958-09-19T20:00`` (local time at the place, no zone, as the volumes print it) or
    with a zone when the source gives one.
    """

    value: str
    source: DateSource
    text: str = ""  # the words it was read from, verbatim
    confidence: Confidence = Confidence.PROBABLE
    note: str | None = None  # the note id it came from, for DateSource.NOTE
    role: Literal["document", "sent", "received", "filed", "mentioned", "range"] = "document"


class DocumentDate(_Model):
    """The document's date as despatch settles it.

    ``value`` has day precision or better when known (``1958-09-19`` or
    ``1958-09-19T20:00``); ``not_before``/``not_after`` bound it when only a range is
    known. ``is_undated`` marks documents the edition prints as undated.
    """

    value: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    precision: Literal["minute", "day", "month", "year", "range", "unknown"] = "unknown"
    source: DateSource | None = None
    confidence: Confidence = Confidence.UNCERTAIN
    is_undated: bool = False

    @property
    def day(self) -> str | None:
        """The ``YYYY-MM-DD`` part of ``value``, if it has one."""
        if self.value and len(self.value) >= 10:
            return self.value[:10]
        return None


class Party(_Model):
    """A sender or recipient as given, with the post/place and kind it stands for."""

    name: str  # as printed: "Embassy in the Soviet Union", "Mr. Conger"
    place: str | None = None  # "Moscow", "Washington"
    kind: Literal["post", "office", "person", "government", "organization", "unknown"] = "unknown"
    entity: str | None = None  # an authority key, e.g. "p_KNS1"


class Addressee(_Model):
    """A post a telegram went to, beside the main recipient."""

    name: str  # "USUN", "CINCPAC"
    role: Literal["action", "information", "repeated"] = "information"
    precedence: str | None = None  # "priority"
    qualifier: str | None = None  # "for POLAD"


class TelegramInfo(_Model):
    """What the transmission adds to a telegram (or airgram, cablegram)."""

    serial: str | None = None  # "634"
    classification: str | None = None  # normalised, title case: "Official Use Only"
    precedence: str | None = None  # normalised: "Niact", "Priority"
    handling: list[str] = Field(default_factory=list)  # "Eyes Only", "Limdis", "Exdis" ...
    sections: int | None = None
    sent: str | None = None  # verbatim time sent, e.g. "9 p.m."
    received: str | None = None  # verbatim, e.g. "9:29 p.m."
    received_at: str | None = None  # ISO when the date is known: "1958-09-19T21:29"
    addressees: list[Addressee] = Field(default_factory=list)


class ArchivalSource(_Model):
    """Where the original is kept, as the source note gives it."""

    text: str  # the citation verbatim
    repository: str | None = None  # "Department of State", "Eisenhower Library"
    collection: str | None = None  # "Central Files", "Whitman File, International Series"
    file_number: str | None = None  # "793.00/9–1958"
    file_date: str | None = None  # ISO date read from the decimal file suffix: "1958-09-19"
    lot: str | None = None  # "66 D 110"
    box: str | None = None
    folder: str | None = None
    series: str | None = None


class Drafting(_Model):
    """Who drafted, cleared and approved a document (from "Drafted by … ; cleared by …")."""

    drafted_by: list[str] = Field(default_factory=list)
    cleared_by: list[str] = Field(default_factory=list)
    approved_by: list[str] = Field(default_factory=list)
    drafted_on: str | None = None


class SourceNote(_Model):
    """The parsed source note: every recognised part as fields, the rest verbatim."""

    text: str
    sources: list[ArchivalSource] = Field(default_factory=list)
    classification: str | None = None
    precedence: str | None = None
    handling: list[str] = Field(default_factory=list)
    sections: int | None = None
    sent: str | None = None
    received: str | None = None
    addressees: list[Addressee] = Field(default_factory=list)
    drafting: Drafting | None = None
    unparsed: list[str] = Field(default_factory=list)  # sentences kept verbatim


class PageBreak(_Model):
    """Page ``page`` of the printed edition starts at ``offset`` of the body text."""

    page: str
    offset: int
    facs: str | None = None  # the facsimile image id, from TEI @facs
    note: str | None = None  # set when the break falls inside a note's text


class Paragraph(_Model):
    """A block of the body text: ``text[start:end]``, on printed pages ``pages``."""

    start: int
    end: int
    pages: list[str] = Field(default_factory=list)
    kind: Literal[
        "p",
        "opener",
        "salutation",
        "closer",
        "signed",
        "dateline",
        "list",
        "table",
        "quote",
        "label",
        "postscript",
    ] = "p"


class Note(_Model):
    """A footnote. ``anchor`` is the offset in the body text its marker stood at."""

    n: str  # the number as printed in the notes block ("1") or @n in TEI ("0")
    id: str | None = None  # "d110fn1"
    text: str
    kind: Literal["source", "editorial", "author", "other"] = "editorial"
    anchor: int | None = None  # None: the note is attached to the heading
    marker: str | None = None  # the marker as found in the text ("0" for note 1 in the seed)
    page: str | None = None  # the printed page the anchor sits on


class Span(_Model):
    """A stretch of text that names an entity (person, place, organisation, term)."""

    start: int
    end: int
    kind: Literal["person", "place", "organization", "term", "date", "other"]
    text: str
    key: str | None = None  # authority key: "p_KNS1", "t_CPR1", or a people.tsv id
    label: str | None = None  # identity to show: "Khrushchev, Nikita S., Chairman ..."
    note: str | None = None  # note id when the span is in a note's text


class Reference(_Model):
    """A citation of another document, volume or archival file in the text or notes."""

    text: str  # as printed: "telegram 631 from Moscow, September 19"
    kind: Literal[
        "document",
        "telegram",
        "despatch",
        "airgram",
        "letter",
        "memorandum",
        "volume",
        "file",
        "ibid",
        "page",
        "external",
        "other",
    ] = "other"
    start: int | None = None
    end: int | None = None
    note: str | None = None  # note id when the reference is in a note's text
    target: str | None = None  # a document id, when resolved: "frus1958-60v19/d109"
    target_volume: str | None = None  # "frus1943CairoTehran"
    target_page: str | None = None
    serial: str | None = None  # "631"
    place: str | None = None  # "Moscow"
    date: str | None = None  # ISO when known
    is_resolved: bool = False
    destination: str | None = None  # "Taipei" in "telegram 245 to Taipei"
    source: str | None = None  # archive/collection cited: "Department of State, Central Files"
    file_number: str | None = None  # "793.00/9–2058" for kind "file" (and inherited by ibid)


class EmbeddedDocument(_Model):
    """A document quoted inside another (the letter a telegram carries)."""

    kind: DocumentType = DocumentType.LETTER
    author: str | None = None
    addressee: str | None = None
    salutation: str | None = None
    date: str | None = None
    start: int
    end: int
    signed: str | None = None  # "(signed) N. Khrushchev"
    replies_to: str | None = None  # "letter of September 12"


class RecordWarning(_Model):
    """Something a reader could not interpret, kept on the record instead of dropped."""

    code: str  # "footnote-markers-offset", "unparsed-source-note", ...
    message: str
    line: int | None = None


class Document(_Model):
    """One document of a documentary edition, as a structured record."""

    id: str
    edition: str = "frus"
    volume: str | None = None  # "frus1958-60v19"
    number: str | None = None  # "110", as printed; None for unnumbered documents
    title: str = ""  # the heading without its number and notes
    heading: str = ""  # the heading as printed, number included
    type: DocumentType = DocumentType.OTHER
    subtype: str | None = None

    sender: list[Party] = Field(default_factory=list)
    recipient: list[Party] = Field(default_factory=list)
    signers: list[str] = Field(default_factory=list)

    place: str | None = None  # the dateline place
    dateline: str | None = None  # the dateline verbatim
    date: DocumentDate = Field(default_factory=DocumentDate)
    dates: list[DateEvidence] = Field(default_factory=list)

    telegram: TelegramInfo | None = None
    source_note: SourceNote | None = None
    archival: list[ArchivalSource] = Field(default_factory=list)
    drafting: Drafting | None = None

    text: str = ""
    paragraphs: list[Paragraph] = Field(default_factory=list)
    pages: list[PageBreak] = Field(default_factory=list)
    first_page: str | None = None
    last_page: str | None = None
    closer: str | None = None  # the closing/signature block verbatim

    notes: list[Note] = Field(default_factory=list)
    embedded: list[EmbeddedDocument] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)

    parent: str | None = None  # the covering document of an attachment
    attachments: list[str] = Field(default_factory=list)
    division: list[str] = Field(default_factory=list)  # ["comp1", "ch2"]: where it sits
    sequence: int | None = None  # order in the volume (0-based)

    warnings: list[RecordWarning] = Field(default_factory=list)
    origin: str | None = None  # the file it was read from
    reader: str | None = None  # "plaintext", "tei", "markdown"

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialize the record to JSON (lossless)."""
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, data: str | bytes) -> Document:
        """Read a record back from ``to_json`` output."""
        return cls.model_validate_json(data)

    def page_at(self, offset: int) -> str | None:
        """The printed page in force at ``offset`` of the body text."""
        body_breaks = [b for b in self.pages if b.note is None]
        offsets = [b.offset for b in body_breaks]
        i = bisect.bisect_right(offsets, offset) - 1
        if i >= 0:
            return body_breaks[i].page
        return self.first_page

    def paragraph_texts(self) -> list[str]:
        """The text of each paragraph, in order."""
        return [self.text[p.start : p.end] for p in self.paragraphs]

    def note(self, n: str) -> Note | None:
        """The note numbered ``n`` (as printed), if any."""
        return next((note for note in self.notes if note.n == n), None)


class AuthorityEntry(_Model):
    """A person or term of a volume's front matter (List of Persons / Abbreviations)."""

    id: str  # "p_KNS1", "t_Niact1"
    kind: Literal["person", "term", "place", "organization"]
    name: str  # "Khrushchev, Nikita S." / "Niact"
    description: str = ""  # identification or expansion
    volume: str | None = None


class Division(_Model):
    """A compilation, chapter or section of a volume, with its documents in order."""

    id: str
    type: str  # "compilation", "chapter", "section"
    title: str
    parent: str | None = None
    documents: list[str] = Field(default_factory=list)  # document ids
    date_min: str | None = None
    date_max: str | None = None


class Volume(_Model):
    """A volume of a documentary edition, with its front-matter authority lists."""

    id: str  # "frus1958-60v19"
    edition: str = "frus"
    title: str = ""  # complete title
    sub_series: str | None = None  # "1958–1960"
    volume_number: str | None = None  # "XIX"
    volume_title: str | None = None  # "China"
    editors: list[str] = Field(default_factory=list)
    publisher: str | None = None
    published_year: str | None = None
    divisions: list[Division] = Field(default_factory=list)
    persons: list[AuthorityEntry] = Field(default_factory=list)
    terms: list[AuthorityEntry] = Field(default_factory=list)
    origin: str | None = None

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialize the volume record to JSON (lossless)."""
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, data: str | bytes) -> Volume:
        """Read a volume record back from ``to_json`` output."""
        return cls.model_validate_json(data)


Record = Document | Volume

__all__ = [
    "SCHEMA_VERSION",
    "Addressee",
    "ArchivalSource",
    "AuthorityEntry",
    "Confidence",
    "DateEvidence",
    "DateSource",
    "Division",
    "Document",
    "DocumentDate",
    "DocumentType",
    "Drafting",
    "EmbeddedDocument",
    "Note",
    "PageBreak",
    "Paragraph",
    "Party",
    "Record",
    "RecordWarning",
    "Reference",
    "SourceNote",
    "Span",
    "TelegramInfo",
    "Volume",
]
