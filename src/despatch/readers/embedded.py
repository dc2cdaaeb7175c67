"""Documents quoted inside a document: the letter a telegram carries.

A telegram often transmits the text of a letter or message: an introducing sentence
(``Following is text of Khrushchev’s reply to President’s letter of September 12``), an
opening quotation mark with a salutation (``“Mr. President, …`` or ``“My dear Mr.
President:``), the letter over one or more paragraphs (American style: only the first
paragraph opens the quotation), and a closing quotation mark, often after a ``(signed)``
line. ``find_embedded`` reads that shape from the body text; it never guesses a letter
where no quotation with a salutation opens.
"""

from __future__ import annotations

import re

from despatch.model import DocumentType, EmbeddedDocument

__all__ = ["find_embedded"]

_SALUTATION = re.compile(
    r"“(?P<sal>(?:My\s+dear|Dear)\s+[^,:“”\n]{1,60}?|(?:Mr\.|Mrs\.|Madam|Madame|Sir|"
    r"Your\s+(?:Excellency|Majesty|Highness)|Excellency|Monsieur|Herr|Señor|Dear\s+Sir)"
    r"(?:\s+[A-Z][\w.’'-]*){0,4})\s*[,:]"
)
_SIGNED = re.compile(r"\((?:signed|sgd\.?|Signed)\)\s*(?P<name>[^”\n()]{1,80}?)\.?\s*”")
_INTRO = re.compile(
    r"(?:text|texts|translation)\s+of\s+(?:the\s+)?(?:following\s+)?"
    r"(?P<author>[A-Z][\w.’' -]{1,60}?)(?:’s|'s)\s+"
    r"(?P<kind>reply|letter|message|note|answer|communication|statement|aide-mémoire)"
    r"(?:\s+to\s+(?:the\s+)?(?P<addressee>[A-Z][\w.’' -]{1,60}?)(?:’s|'s)\s+"
    r"(?P<what>letter|message|note|communication)\s+of\s+(?P<of>[A-Z][a-z]+\.?\s+\d{1,2}"
    r"(?:,\s*\d{4})?))?",
)
_KINDS = {
    "letter": DocumentType.LETTER,
    "reply": DocumentType.LETTER,
    "answer": DocumentType.LETTER,
    "message": DocumentType.MESSAGE,
    "communication": DocumentType.MESSAGE,
    "note": DocumentType.NOTE,
    "aide-mémoire": DocumentType.NOTE,
    "statement": DocumentType.STATEMENT,
}
_QUOTES = re.compile("[“”]")
_MARKS = frozenset('“”"')
_NAME_LINE = re.compile(r"^(?:[A-Z]\.\s?)*[A-Z][a-z’'-]+(?:\s(?:[A-Z]\.\s?)*[A-Z][a-z’'-]+){0,3}$")
_INTRO_TO_FROM = re.compile(
    r"(?P<kind>letter|message|note)\s+(?:to|for)\s+(?P<addressee>[A-Z][\w.’' -]{1,60}?)\s+"
    r"from\s+(?P<author>[A-Z][\w.’' -]{1,60}?)\s*[:.]"
)
_TITLES = ("President", "Secretary", "Prime Minister", "Chairman", "Premier", "King", "Queen")


def _closing_quote(text: str, open_at: int) -> int | None:
    """Offset just after the ” that closes the “ at ``open_at`` (nested pairs balance)."""
    depth = 0
    for m in _QUOTES.finditer(text, open_at):
        if m.group() == "“":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return None


def _person(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip()
    if name.startswith(_TITLES):
        return f"the {name}"
    return name


def find_embedded(text: str, paragraphs: list[tuple[int, int]]) -> list[EmbeddedDocument]:
    """Letters and messages quoted in ``text``, each with its span and parts.

    ``paragraphs`` are the ``(start, end)`` offsets of the paragraphs; a quoted document
    opens at (or after the introducing sentence of) a paragraph. When the closing mark is
    missing or misprinted (FRUS 1964–68 vol. XXX d3 closes its letter with “), the letter
    ends at the first later paragraph that ends with a quotation mark.
    """
    paragraph_starts = [start for start, _end in paragraphs]
    found: list[EmbeddedDocument] = []
    if "“" not in text:
        return found
    taken_until = -1
    for para_start in paragraph_starts:
        if para_start < taken_until:
            continue
        window = text[para_start : para_start + 400]
        m = _SALUTATION.search(window)
        if m is None:
            continue
        open_at = para_start + m.start()
        # The quotation must open the paragraph or follow its introducing sentence.
        lead = text[para_start:open_at]
        if lead and not re.search(r"[.:]\s*$", lead):
            continue
        close = _closing_quote(text, open_at)
        if close is None:
            close = next(
                (e for s, e in paragraphs if s > open_at and text[s:e].rstrip()[-1:] in _MARKS),
                None,
            )
        if close is None or close - open_at < 40:
            continue
        body = text[open_at:close]
        signed_m = None
        for sm in _SIGNED.finditer(body):
            signed_m = sm
        signed = None
        author = None
        if signed_m is not None:
            signed = f"(signed) {signed_m.group('name').strip()}"
            author = signed_m.group("name").strip()
        else:
            last = body.rsplit("\n\n", 1)[-1].rstrip('“”" .')
            if _NAME_LINE.match(last):
                signed = last  # the letter's own signature line: "Lyndon B. Johnson"
                author = last
        intro_text = text[max(0, para_start - 600) : open_at]
        intro = None
        for im in _INTRO.finditer(intro_text):
            intro = im
        kind = DocumentType.LETTER
        addressee: str | None = None
        replies_to = None
        if intro is None:
            for im in _INTRO_TO_FROM.finditer(intro_text):
                intro = im
            if intro is not None:
                author = intro.group("author").strip()
                addressee = intro.group("addressee").strip()
                kind = _KINDS.get(intro.group("kind").lower(), DocumentType.LETTER)
        elif intro is not None:
            author = intro.group("author").strip() or author
            kind = _KINDS.get(intro.group("kind").lower(), DocumentType.LETTER)
            if intro.group("addressee"):
                addressee = _person(intro.group("addressee"))
                replies_to = f"{intro.group('what')} of {intro.group('of')}"
        salutation = " ".join(m.group("sal").split())
        if addressee is None:
            sal = re.sub(r"^(?:My\s+dear|Dear)\s+", "", salutation)
            if sal.startswith(("Mr. ", "Madam ")) and sal.split(" ", 1)[1].startswith(_TITLES):
                addressee = f"the {sal.split(' ', 1)[1]}"
        found.append(
            EmbeddedDocument(
                kind=kind,
                author=author,
                addressee=addressee,
                salutation=salutation,
                start=open_at,
                end=close,
                signed=signed,
                replies_to=replies_to,
            )
        )
        taken_until = close
    return found
