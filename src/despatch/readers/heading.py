"""What a FRUS heading says: document number, type, sender and recipient.

Shared by the plain-text and TEI readers. Headings in the editions take these shapes:

* ``110. Telegram From the Embassy in the Soviet Union to the Department of State`` (the
  1950s–80s form: number, type, ``From`` sender ``to`` recipient);
* ``7. Memorandum From Robert W. Komer of the National Security Council Staff to
  President Johnson``; ``106. Memorandum by the Regional Planning Adviser … (Green)``;
  ``105. Memorandum of Conversation``; ``114. Editorial Note``;
* ``The Ambassador in the Soviet Union (Smith) to the Secretary of State`` (1940s);
* ``Mr. Conger to Mr. Hay.`` (19th century: no type, no number in the heading; the
  dateline and ``No. 435.`` line say it is a despatch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from despatch.model import DocumentType, Party, SourceNote, TelegramInfo
from despatch.readers.posts import place_of_post

__all__ = [
    "HeadingParts",
    "correspondence_type",
    "document_type",
    "parties",
    "split_heading",
    "telegram_info",
    "telegram_serial",
]

# Longest first: "Memorandum of Conversation" before "Memorandum".
_TYPES: list[tuple[re.Pattern[str], DocumentType]] = [
    (re.compile(p, re.IGNORECASE), t)
    for p, t in [
        (r"^editorial note\b", DocumentType.EDITORIAL_NOTE),
        (r"^(?:memorandum|memoranda) of (?:a )?(?:conversation|conference|meeting|discussion)",
         DocumentType.MEMORANDUM_OF_CONVERSATION),
        (r"^(?:minutes|summary minutes|notes) of\b", DocumentType.MINUTES),
        (r"^minutes\b", DocumentType.MINUTES),
        (r"^(?:special |national |special national |)intelligence estimate\b",
         DocumentType.INTELLIGENCE_ESTIMATE),
        (r"^(?:special )?national intelligence estimate\b", DocumentType.INTELLIGENCE_ESTIMATE),
        (r"^(?:circular |joint (?:state[-–]defense )?|)(?:telegram|cable)\b",
         DocumentType.TELEGRAM),
        (r"^(?:circular )?cablegram\b", DocumentType.CABLEGRAM),
        (r"^(?:circular )?airgram\b", DocumentType.AIRGRAM),
        (r"^(?:circular )?despatch\b|^dispatch\b", DocumentType.DESPATCH),
        (r"^(?:circular )?instruction\b", DocumentType.INSTRUCTION),
        (r"^(?:personal |informal |)letter\b", DocumentType.LETTER),
        (r"^(?:action |information |briefing |)memorandum\b", DocumentType.MEMORANDUM),
        (r"^(?:diplomatic |aide[- ]m[ée]moire|note verbale|)note\b", DocumentType.NOTE),
        (r"^aide[- ]m[ée]moire\b", DocumentType.NOTE),
        (r"^(?:\w+ )?report\b", DocumentType.REPORT),
        (r"^(?:\w+ )?(?:paper|study|analysis)\b", DocumentType.PAPER),
        (r"^(?:oral |)message\b", DocumentType.MESSAGE),
        (r"^(?:joint |press |)statement\b|^(?:joint )?communiqu[ée]\b", DocumentType.STATEMENT),
        (r"^transcript\b", DocumentType.TRANSCRIPT),
        (r"^(?:the )?(?:chapter|compilation) (?:head ?note|summary)",
         DocumentType.CHAPTER_HEADNOTE),
    ]
]  # fmt: skip

_HEADING = re.compile(r"^\s*(?P<number>\d{1,4}[A-Za-z]?)\.\s+(?P<title>\S.*?)\s*$")
_GLUED_MARKER = re.compile(r"(?<=[A-Za-z.)\]’”\"'?!])(?P<marker>\d{1,2})\s*$")
_SPACED_MARKER = re.compile(r"(?<=[A-Za-z.)\]’”\"'?!])\s(?P<marker>\d{1,2})\s*$")
_SERIAL = re.compile(
    r"^\s*(?:(?:Telegram|Tel\.|Cable|Cablegram|Airgram|Circular|Despatch|Dispatch)\s+)?"
    r"(?:No\.\s*)?(?P<serial>[A-Z]?-?\d{1,5}[A-Z]?)\.(?:\]|\s+(?=[A-Z“\"(\d])|$)"
)
_PERSON_PREFIX = re.compile(
    r"^(?:Mr|Mrs|Miss|Ms|Dr|Sir|Lord|Lady|Count|Baron|Prince|Princess|Marquis|Señor|"
    r"Senhor|Monsieur|Herr|General|Admiral|President|Premier|Chairman|Emperor|King|Queen)\b\.?",
)
_PAREN_NAME = re.compile(r"\(([^()]+)\)\s*$")
_OFFICE_WORDS = re.compile(
    r"\b(?:Department|Office|Bureau|Council|Staff|Board|Agency|Command|Chiefs|Ministry|"
    r"Government|Delegation|Mission|Embassy|Legation|Consulate|White House|Commission)\b"
)
_POST = re.compile(
    r"^(?:Embassy|Legation|Consulate(?:[- ]General)?|Mission|Embassy Office|Consular Section|"
    r"Delegation|Office)\b"
)
# " to " inside a title ("Ambassador to the Soviet Union") must not split sender/recipient.
_TO_SPLIT = re.compile(r"\s+to\s+")
_TITLE_BEFORE_TO = re.compile(
    r"(?:Ambassador|Representative|Delegate|Delegation|Mission|Minister|Envoy|Assistant|"
    r"Adviser|Advisor|Counselor|Liaison|Attaché|Chargé|Consul|Secretary|Commissioner|"
    r"Observer|Deputy|Aide|Emissary|Successor|Reply|Response|Annex|Enclosure|Appendix)$"
)
_FROM = re.compile(r"\bFrom\s+", re.IGNORECASE)
_BY = re.compile(r"\b(?:by|Prepared by|Prepared in)\s+", re.IGNORECASE)
_NAMED_PERSON = re.compile(r"^[A-Z][a-z]+ (?:[A-Z]\. ?)+[A-Z][a-z’'-]+\b")
# Officials in Washington named by office alone ("the Secretary of State").
_OFFICIAL = re.compile(
    r"^(?:Acting )?(?:Secretary of State|Under Secretary of State|President|Vice President|"
    r"Secretary of Defense|Secretary of the Treasury|Attorney General)$"
)
_ROLE_PLACE = re.compile(
    r"^(?:the\s+)?(?:Ambassador|Chargé(?: d’Affaires| d'Affaires)?|Minister|Consul General|"
    r"Consul|Counselor of Embassy|Acting Chargé)\s+(?P<prep>in|at|to)\s+(?P<where>.+?)"
    r"(?:\s*\([^()]*\))?$"
)


@dataclass(frozen=True, slots=True)
class HeadingParts:
    """A heading line split: ``110. Telegram From …State0`` → number, title, marker."""

    number: str | None
    title: str
    marker: str | None


def split_heading(line: str, *, allow_spaced_marker: bool = False) -> HeadingParts:
    """Split a heading into its document number, title, and a trailing footnote marker.

    The marker is the digit glued to the last word or punctuation (``State0``); with
    ``allow_spaced_marker`` a lone digit after a space counts too (``State 0``, as TEI
    renders a note inside ``<head>``). Digits glued to digits (``13–64``) never do.
    """
    text = " ".join(line.split())
    number = None
    m = _HEADING.match(text)
    if m is not None:
        number = m.group("number")
        text = m.group("title")
    marker = None
    mm = _GLUED_MARKER.search(text)
    if mm is None and allow_spaced_marker:
        mm = _SPACED_MARKER.search(text)
    if mm is not None:
        marker = mm.group("marker")
        text = text[: mm.start()].rstrip()
    return HeadingParts(number=number, title=text, marker=marker)


def document_type(heading_or_title: str) -> DocumentType:
    """The document type a heading names (its number may be included)."""
    title = " ".join(heading_or_title.split())
    m = _HEADING.match(title)
    if m is not None:
        title = m.group("title")
    for rx, kind in _TYPES:
        if rx.search(title):
            return kind
    if _split_to(title) is not None:
        return DocumentType.CORRESPONDENCE  # "Mr. Conger to Mr. Hay."
    return DocumentType.OTHER


def correspondence_type(dateline: str | None, *, has_despatch_number: bool) -> DocumentType:
    """Refine a 19th-century "Mr. A to Mr. B." heading by its dateline.

    A numbered letter from a legation or consulate to the Department is a despatch; one
    from the Department of State to a post is an instruction; otherwise correspondence.
    """
    text = (dateline or "").lower()
    if text.startswith("department of state"):
        return DocumentType.INSTRUCTION
    if has_despatch_number or text.startswith(("legation", "embassy", "consulate")):
        return DocumentType.DESPATCH
    return DocumentType.CORRESPONDENCE


def _split_to(text: str) -> tuple[str, str] | None:
    """Split "X to Y" at the " to " that is not part of a title; None if there is none."""
    depth_ok = [m for m in _TO_SPLIT.finditer(text) if text[: m.start()].count("(") ==
                text[: m.start()].count(")")]  # fmt: skip
    for m in depth_ok:
        left = text[: m.start()].rstrip(" ,")
        if _TITLE_BEFORE_TO.search(left) and not left.endswith(")"):
            continue
        right = text[m.end() :].strip()
        if left and right:
            return left, right
    return None


def _strip_type(title: str) -> str:
    for rx, _kind in _TYPES:
        m = rx.search(title)
        if m is not None:
            return title[m.end() :].strip()
    return title


def _party(name: str) -> Party:
    name = name.strip().rstrip(".").strip()
    bare = name[4:] if name.lower().startswith("the ") else name
    place = place_of_post(bare)
    role = _ROLE_PLACE.match(bare)
    if role is not None and place is None:
        prefix = "Embassy in " if role.group("prep") != "at" else "Consulate at "
        place = place_of_post(prefix + role.group("where"))
    if _POST.match(bare):
        return Party(name=bare, place=place, kind="post")
    if _PERSON_PREFIX.match(bare) or _PAREN_NAME.search(bare) or _NAMED_PERSON.match(bare):
        return Party(name=bare, place=place, kind="person")
    if _OFFICIAL.match(bare):
        return Party(name=bare, place=place or "Washington", kind="person")
    if bare in ("Department of State", "Department", "White House") or (
        _OFFICE_WORDS.search(bare) and not _PAREN_NAME.search(bare)
    ):
        kind = "office"
        if "Government" in bare:
            kind = "government"
        return Party(name=bare, place=place, kind=kind)
    return Party(name=bare, place=place, kind="office" if place else "unknown")


def parties(title: str) -> tuple[list[Party], list[Party]]:
    """Sender(s) and recipient(s) named by a heading (number and type may be included).

    ``Telegram From the Embassy in the Soviet Union to the Department of State`` gives
    ``[Embassy in the Soviet Union (Moscow)]``, ``[Department of State (Washington)]``;
    ``Mr. Conger to Mr. Hay.`` gives the two persons; ``Memorandum by X`` gives a sender
    only; ``Memorandum of Conversation`` and ``Editorial Note`` give none.
    """
    text = " ".join(title.split()).rstrip(".")
    m = _HEADING.match(text)
    if m is not None:
        text = m.group("title")
    kind = document_type(text)
    if kind in (DocumentType.EDITORIAL_NOTE, DocumentType.MEMORANDUM_OF_CONVERSATION):
        return [], []
    rest = _strip_type(text) if kind is not DocumentType.CORRESPONDENCE else text
    fm = _FROM.match(rest)
    if fm is not None:
        rest = rest[fm.end() :]
    else:
        bm = _BY.match(rest)
        if bm is not None:
            rest = rest[bm.end() :]
            split = _split_to(rest)
            if split is None:
                return _party_list(rest), []
        elif kind is not DocumentType.CORRESPONDENCE and not rest:
            return [], []
        elif re.match(r"^(?:for|on|of|prepared)\b", rest, re.IGNORECASE):
            # "Memorandum for the Record", "Paper Prepared in …": no correspondents.
            return [], []
    split = _split_to(rest)
    if split is None:
        return (_party_list(rest), []) if fm is not None else ([], [])
    sender, recipient = split
    return _party_list(sender), _party_list(recipient)


def _party_list(text: str) -> list[Party]:
    """One party, or several joined by "and" when each looks like a post/person."""
    text = text.strip()
    if not text:
        return []
    pieces = re.split(r"\s+and\s+(?=the\s+(?:Embassy|Legation|Consulate|Mission)|Mr\.)", text)
    return [_party(p) for p in pieces if p.strip()]


def telegram_serial(first_paragraph: str) -> str | None:
    """The telegram (or despatch) number that opens a first paragraph: ``634.`` → ``634``.

    Call it on the first paragraph of a telegram: there a number such as ``1958.`` is the
    telegram's number, not a year.
    """
    m = _SERIAL.match(first_paragraph)
    if m is None:
        return None
    serial = m.group("serial")
    return serial


def telegram_info(source_note: SourceNote | None, serial: str | None) -> TelegramInfo:
    """Telegram metadata from a parsed source note and the serial from the text."""
    if source_note is None:
        return TelegramInfo(serial=serial)
    return TelegramInfo(  # one call: each attribute set afterwards costs as much again
        serial=serial,
        classification=source_note.classification,
        precedence=source_note.precedence,
        handling=list(source_note.handling),
        sections=source_note.sections,
        sent=source_note.sent,
        received=source_note.received,
        addressees=[a.model_copy() for a in source_note.addressees],
    )
