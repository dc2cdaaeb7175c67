"""The grammar of FRUS source notes, shared by the plain-text and TEI readers.

A source note is the first footnote of most FRUS documents (``Source: Department of
State, Central Files, 793.00/9–1958. Official Use Only; Niact. Transmitted in five
sections. Received at 9:29 p.m. Also sent priority to CINCPAC for POLAD and repeated
priority to USUN, London, Taipei, Warsaw, and Hong Kong.``). It is a sequence of
sentences, each of one of these kinds:

* the archival citation (first sentence): repository, collection, file or lot number,
  box/folder, one or more sources separated by ``;``;
* the security line: classification, precedence and handling separated by ``;``
  (``Secret; Priority; Limit Distribution``);
* ``Transmitted in N sections``; ``Received [in Washington] at 9:29 p.m.``;
  ``Sent at …``;
* addressees: ``Repeated [priority] to …``, ``Also sent [niact] to …``, ``Sent to … and
  repeated to …``, ``Pouched to …``, ``Passed to …``;
* drafting: ``Drafted by … ; cleared by … ; and approved by …``.

Anything else (editorial remarks, "See also Document 114") is kept verbatim in
``SourceNote.unparsed``; nothing is dropped. Addressee roles: ``Also sent to`` /
``Sent to`` name posts the telegram was addressed to for action (``action``);
``Repeated to`` posts got it for information (``repeated``); ``Passed to`` and
``Pouched to`` and ``for information`` posts are ``information``.
"""

from __future__ import annotations

import re

from despatch.model import Addressee, ArchivalSource, Drafting, SourceNote

__all__ = [
    "CLASSIFICATIONS",
    "HANDLING",
    "PRECEDENCES",
    "decimal_file_date",
    "parse_archival",
    "parse_source_note",
    "split_sentences",
]

# Security classifications as FRUS prints them (normalised key -> display form).
CLASSIFICATIONS: dict[str, str] = {
    "top secret": "Top Secret",
    "secret": "Secret",
    "confidential": "Confidential",
    "strictly confidential": "Strictly Confidential",
    "official use only": "Official Use Only",
    "limited official use": "Limited Official Use",
    "restricted": "Restricted",
    "unclassified": "Unclassified",
    "personal and confidential": "Personal and Confidential",
    "secret—eyes only": "Secret",
}
# Transmission precedence, from lowest to highest, with the 1940s–60s variants.
PRECEDENCES: dict[str, str] = {
    "routine": "Routine",
    "priority": "Priority",
    "immediate": "Immediate",
    "operational immediate": "Operational Immediate",
    "niact": "Niact",
    "night action": "Niact",
    "flash": "Flash",
    "emergency": "Emergency",
    "urgent": "Urgent",
    "triple priority": "Triple Priority",
}
# Handling and distribution captions.
HANDLING: dict[str, str] = {
    "eyes only": "Eyes Only",
    "limit distribution": "Limit Distribution",
    "limdis": "Limdis",
    "exdis": "Exdis",
    "nodis": "Nodis",
    "noforn": "Noforn",
    "controlled dissem": "Controlled Dissem",
    "no distribution": "No Distribution",
    "personal": "Personal",
    "presidential handling": "Presidential Handling",
    "cherokee": "Cherokee",
    "roger channel": "Roger Channel",
    "sensitive": "Sensitive",
}

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "gen",
        "adm",
        "amb",
        "lt",
        "col",
        "capt",
        "maj",
        "sgt",
        "cdr",
        "rev",
        "hon",
        "no",
        "nos",
        "vol",
        "vols",
        "p",
        "pp",
        "ibid",
        "op",
        "cit",
        "u.s",
        "u.k",
        "u.n",
        "d.c",
        "n.y",
        "cf",
        "ca",
        "etc",
        "inc",
        "co",
        "corp",
        "dept",
        "fig",
        "ed",
        "eds",
        "ff",
        "sec",
        "esq",
        "messrs",
        "mme",
        "mlle",
        "gov",
        "pres",
        "ltd",
        "art",
        "arts",
        "ch",
        "chap",
        "nr",
    ]
)

_SENTENCE_END = re.compile(r"[.!?]+[”’\"')\]]*(?=\s+|$)")
_SOURCE_PREFIX = re.compile(r"^\s*(?:\d+\.\s+)?Source(?:s)?:\s*", re.IGNORECASE)
_DECIMAL_FILE = re.compile(
    # 793.00/9–1958, 793.5/9-2158, 740.00119 Control (Germany)/9–2848, 611.93/9–1958
    r"\b\d{2,3}(?:\.\d+[A-Za-z]*)*(?:/\d+)?(?:[A-Z]{1,3})?"
    r"(?:\s[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)?(?:\s\([A-Z][A-Za-z .]+\))?)?"
    r"/\s?(\d{1,2})\s?[–-]\s?(\d{3,4})\b"
)
_SUBJECT_FILE = re.compile(
    r"^(?:[A-Z]{2,6}(?:\s\d+(?:[–-]\d+)*)?\s[A-Z][A-Z0-9]*(?:[–-][A-Z0-9]+)*(?:\s[A-Z]{2,})?)$"
)
_LOT = re.compile(r"\bLot\s+(\d+\s*[A-Z]\s*\d+)\b")
_BOX = re.compile(r"\bBox(?:es)?\s+([\w–-]+(?:[,–-]\s*\d+)*)", re.IGNORECASE)
_FOLDER = re.compile(r"\bFolder\s+(.+)$", re.IGNORECASE)
_RECORD_GROUP = re.compile(r"^RG\s+\d+\w*$")
_SECTIONS = re.compile(r"^Transmitted\s+in\s+(\w+)\s+(?:sections|parts)\b", re.IGNORECASE)
_TIME = r"(\d{1,2}(?:[:.]\d{2})?\s*(?:a\.\s?m\.|p\.\s?m\.|a\.m|p\.m)|noon|midnight)"
_RECEIVED = re.compile(r"^Received(?:\s+in\s+[A-Z][\w .]*?)?(?:\s+at)?\s+(.+?)\.?$", re.IGNORECASE)
_AMPM_END = re.compile(r"[ap]\.\s?m$")
_SENT_AT = re.compile(r"^Sent\s+at\s+(.+?)\.?$", re.IGNORECASE)
_TIME_RE = re.compile(_TIME, re.IGNORECASE)
_PREC_WORDS = r"(?:operational\s+immediate|priority|niact|immediate|flash|routine|emergency)"
_ADDRESSEE_CLAUSE = re.compile(
    rf"(?P<verb>also\s+sent|sent|repeated|passed|pouched|repeated\s+for\s+information|"
    rf"also\s+repeated|also\s+passed)"
    rf"(?:\s+(?P<prec1>{_PREC_WORDS}))?"
    rf"(?:\s+(?:for\s+information\s+)?to|\s+info)\s+"
    rf"(?P<list>.+?)"
    rf"(?:\s+(?P<prec2>{_PREC_WORDS}))?"
    rf"(?=\s*(?:;|,)?\s*(?:and\s+)?(?:also\s+sent|also\s+repeated|repeated|passed|pouched)\b|$)",
    re.IGNORECASE,
)
_ADDRESSEE_START = re.compile(
    r"^(?:also\s+sent|sent|repeated|passed|pouched|also\s+repeated|also\s+passed)\b",
    re.IGNORECASE,
)
_DRAFT_VERB = re.compile(
    r"(?:^|[;,]?\s+(?:and\s+)?)(?P<verb>drafted|cleared\s+and\s+approved|cleared|approved)"
    r"(?:\s+in\s+draft)?\s+by\s+",
    re.IGNORECASE,
)
_DRAFT_START = re.compile(r"^(?:drafted|cleared|approved)\b.*\bby\b", re.IGNORECASE)
_ON_DATE = re.compile(
    r"\s+on\s+((?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+\d{1,2}(?:,\s*\d{4})?)\b(.*)$"
)
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
# the only characters split_sentences acts on: it jumps from one to the next
_SENTENCE_CHARS = re.compile(r"[“()”.!?]")
_SECURITY_SPLIT = re.compile(r"\s*[;—]\s*")
_TITLE_WORDS = re.compile(
    r"^(?:Officer|Director|Deputy|Assistant|Acting|Chief|Special|Secretary|Under|Counselor|"
    r"Adviser|Advisor|Head|Member|Executive|Legal|Ambassador|Minister|Chairman|"
    r"the\s|of\s|in\s)"
)


def split_sentences(text: str) -> list[str]:
    """Split note text into sentences, respecting abbreviations, initials and quotations."""
    sentences: list[str] = []
    start = 0
    depth = 0  # inside “…” or (…)
    i = 0
    n = len(text)
    while i < n:
        jump = _SENTENCE_CHARS.search(text, i)
        if jump is None:
            break
        i = jump.start()
        ch = text[i]
        if ch in "“(":
            depth += 1
        elif ch in "”)" and depth:
            depth -= 1
            if depth == 0 and i > 0 and text[i - 1] in ".!?":
                # A quotation or parenthesis that ends a sentence: “Go. Now.” Then …
                nxt = i + 1
                while nxt < n and text[nxt].isspace():
                    nxt += 1
                if nxt > i + 1 and nxt < n and _starts_sentence(text[nxt]):
                    piece = text[start : i + 1].strip()
                    if piece:
                        sentences.append(piece)
                    start = nxt
                    i = nxt
                    continue
        elif ch in ".!?" and depth == 0:
            m = _SENTENCE_END.match(text, i)
            if m is not None:
                end = m.end()
                nxt = end
                while nxt < n and text[nxt].isspace():
                    nxt += 1
                if nxt >= n or (_starts_sentence(text[nxt]) and not _is_abbreviation(text, i)):
                    piece = text[start:end].strip()
                    if piece:
                        sentences.append(piece)
                    start = nxt
                    i = nxt
                    continue
        i += 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _starts_sentence(ch: str) -> bool:
    return ch.isupper() or ch.isdigit() or ch in '“"(['


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial."""
    j = dot
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in '(“"':
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "Josiah W. Bennett"
    return word.rstrip(".") in _ABBREVIATIONS or word in _ABBREVIATIONS


def decimal_file_date(file_number: str) -> str | None:
    """ISO date of a State Department decimal file suffix: ``793.00/9–1958`` → ``1958-09-19``.

    The suffix is month, then day and two-digit year run together (``9–1958`` is
    9/19/58). The decimal system was used from 1910 to early 1963, so the century is 19.
    """
    m = _DECIMAL_FILE.search(file_number)
    if m is None:
        return None
    month = int(m.group(1))
    rest = m.group(2)
    day, year = int(rest[:-2]), int(rest[-2:])
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(month, 1900 + year)):
        return None
    return f"19{year:02d}-{month:02d}-{day:02d}"


def _days_in_month(month: int, year: int) -> int:
    if month == 2:
        return 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_archival(citation: str) -> list[ArchivalSource]:
    """Parse the archival citation sentence into one ``ArchivalSource`` per source."""
    citation = citation.strip().rstrip(".").strip()
    if not citation:
        return []
    return [_parse_one_source(part.strip()) for part in _split_sources(citation) if part.strip()]


def _split_sources(citation: str) -> list[str]:
    if "(" not in citation and "“" not in citation:
        return citation.split(";")  # nothing nested: every semicolon splits
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(citation):
        if ch in "(“":
            depth += 1
        elif ch in ")”" and depth:
            depth -= 1
        elif ch == ";" and depth == 0:
            parts.append(citation[start:i])
            start = i + 1
    parts.append(citation[start:])
    return parts


def _split_commas(text: str) -> list[str]:
    if "(" not in text and "“" not in text:  # nothing nested: every comma splits
        return [p for p in (part.strip() for part in text.split(",")) if p]
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in "(“":
            depth += 1
        elif ch in ")”" and depth:
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _parse_one_source(text: str) -> ArchivalSource:
    # the fields found, made into the record in one call at the end (setting attributes
    # of a model one by one costs as much as making it each time)
    found: dict[str, str | None] = {}
    # "Taipei Embassy Files: FRC 68 A 5159" -> treat the colon like a comma.
    pieces = _split_commas(text.replace(": ", ", "))
    if not pieces:
        return ArchivalSource(text=text)
    found["repository"] = pieces[0]
    collection: list[str] = []
    rest: list[str] = []
    for piece in pieces[1:]:
        if found.get("file_number") is None and _DECIMAL_FILE.search(piece):
            found["file_number"] = piece
            found["file_date"] = decimal_file_date(piece)
        elif found.get("lot") is None and (m := _LOT.search(piece)):
            found["lot"] = m.group(1)
        elif found.get("box") is None and (m := _BOX.match(piece)):
            found["box"] = m.group(1)
        elif found.get("folder") is None and (m := _FOLDER.match(piece)):
            found["folder"] = m.group(1)
        elif found.get("series") is None and _RECORD_GROUP.match(piece):
            found["series"] = piece
        elif (
            found.get("file_number") is None
            and found.get("lot") is None
            and collection
            and _SUBJECT_FILE.match(piece)
        ):
            found["file_number"] = piece  # subject-numeric file, 1963–: "POL 16 CHICOM"
        elif (
            found.get("file_number") is None
            and found.get("lot") is None
            and found.get("box") is None
            and not rest
        ):
            collection.append(piece)
        else:
            rest.append(piece)
    if collection:
        found["collection"] = ", ".join(collection)
    return ArchivalSource(text=text, **found)


_SECURITY_CACHE: dict[str, tuple[str | None, str | None, tuple[str, ...]] | None] = {}


def _classify_security(sentence: str) -> tuple[str | None, str | None, list[str]] | None:
    """Read a security line; None when the sentence is not one."""
    # the same few captions ("Secret; Priority.") recur in every volume: read each once
    try:
        known = _SECURITY_CACHE[sentence]
    except KeyError:
        if len(_SECURITY_CACHE) > 2_048:
            _SECURITY_CACHE.clear()
        found = _read_security(sentence)
        known = _SECURITY_CACHE[sentence] = (
            None if found is None else (found[0], found[1], tuple(found[2]))
        )
    return None if known is None else (known[0], known[1], list(known[2]))


def _read_security(sentence: str) -> tuple[str | None, str | None, list[str]] | None:
    body = sentence.strip().rstrip(".").strip()
    if not body or len(body) > 120:
        return None
    parts = [p.strip() for p in _SECURITY_SPLIT.split(body) if p.strip()]
    classification: str | None = None
    precedence: str | None = None
    handling: list[str] = []
    unknown: list[str] = []
    for part in parts:
        key = " ".join(part.lower().split())
        if key in CLASSIFICATIONS and classification is None:
            classification = CLASSIFICATIONS[key]
        elif key in PRECEDENCES and precedence is None:
            precedence = PRECEDENCES[key]
        elif key in HANDLING:
            handling.append(HANDLING[key])
        elif key.startswith("eyes only") or key.startswith("for ") or key.endswith(" only"):
            handling.append(part)
        else:
            unknown.append(part)
    if classification is None and precedence is None and not handling:
        return None
    if unknown:
        # A known caption followed by short unknown captions ("Secret; Cherokee; Exdis"):
        # keep them as handling; long unknown parts mean this is prose, not a caption line.
        if any(len(u.split()) > 4 for u in unknown):
            return None
        handling.extend(unknown)
    return classification, precedence, handling


def _parse_addressees(sentence: str) -> list[Addressee] | None:
    body = sentence.strip().rstrip(".").strip()
    if not _ADDRESSEE_START.match(body):
        return None
    found: list[Addressee] = []
    pos = 0
    for m in _ADDRESSEE_CLAUSE.finditer(body):
        if body[pos : m.start()].strip(" ,;") not in ("", "and"):
            return None
        pos = m.end()
        verb = " ".join(m.group("verb").lower().split())
        if verb in ("also sent", "sent"):
            role = "action"
        elif verb in ("repeated", "also repeated"):
            role = "repeated"
        else:
            role = "information"
        prec = m.group("prec1") or m.group("prec2")
        names = _split_list(m.group("list"))
        if any(len(name.split()) > 6 for name in names):
            return None  # prose ("Sent to Herter with a covering note …"), not a list
        for name in names:
            qualifier = None
            q = re.match(r"^(.+?)\s+(for\s+.+)$", name)
            if q is not None:
                name, qualifier = q.group(1), q.group(2)
            found.append(
                Addressee(
                    name=name,
                    role=role,
                    precedence=" ".join(prec.lower().split()) if prec else None,
                    qualifier=qualifier,
                )
            )
    if not found or body[pos:].strip(" ,;"):
        return None
    return found


def _split_list(text: str) -> list[str]:
    return [p.strip() for p in _LIST_SPLIT.split(text.strip()) if p and p.strip()]


def _split_names(text: str) -> list[str]:
    """Split "A, Title of X, and B" into names, keeping appositive titles with the name."""
    names: list[str] = []
    for chunk in re.split(r",?\s+and\s+(?!approved|cleared)", text):
        chunk = chunk.strip(" ,;")
        if chunk.lower().startswith("in draft by "):
            chunk = chunk[12:]
        if not chunk:
            continue
        pieces = [p.strip() for p in chunk.split(",") if p.strip()]
        if len(pieces) > 1 and all(_TITLE_WORDS.match(p) for p in pieces[1:]):
            names.append(chunk)
        elif len(pieces) > 1 and not all(_TITLE_WORDS.match(p) for p in pieces[1:]):
            merged: list[str] = []
            for p in pieces:
                if merged and _TITLE_WORDS.match(p):
                    merged[-1] = f"{merged[-1]}, {p}"
                else:
                    merged.append(p)
            names.extend(merged)
        else:
            names.append(chunk)
    return names


def _parse_drafting(sentence: str, drafting: Drafting | None) -> Drafting | None:
    body = sentence.strip().rstrip(".").strip()
    if not _DRAFT_START.match(body):
        return None
    matches = list(_DRAFT_VERB.finditer(body))
    if not matches or matches[0].start() != 0:
        return None
    result = drafting or Drafting()
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(body)
        segment = body[m.end() : end].strip(" ,;")
        on = _ON_DATE.search(segment)
        if on is not None:
            if m.group("verb").lower() == "drafted" and result.drafted_on is None:
                result.drafted_on = on.group(1)
            segment = (segment[: on.start()] + on.group(2)).strip(" ,;")
        names = _split_names(segment)
        verb = " ".join(m.group("verb").lower().split())
        if verb == "drafted":
            result.drafted_by.extend(names)
        elif verb == "cleared":
            result.cleared_by.extend(names)
        elif verb == "approved":
            result.approved_by.extend(names)
        else:  # cleared and approved
            result.cleared_by.extend(names)
            result.approved_by.extend(names)
    return result


def _time_text(value: str) -> str:
    """The time as printed, with the full stop of "p.m." that the sentence split took."""
    value = value.strip()
    if _AMPM_END.search(value):
        value += "."
    return value


def _number(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def parse_source_note(text: str) -> SourceNote:
    """Parse a FRUS source note into fields; unrecognised sentences are kept verbatim.

    ``text`` may start with ``Source:`` (and a note number, ``1. Source: …``); a note
    without that prefix is read the same way, with its first sentence taken as the
    citation only when it looks like one.
    """
    note = SourceNote(text=text.strip())
    body = text.strip()
    prefix = _SOURCE_PREFIX.match(body)
    has_prefix = prefix is not None
    if prefix is not None:
        body = body[prefix.end() :]
    sentences = split_sentences(body)
    if not sentences:
        return note
    first = True
    for sentence in sentences:
        if first:
            first = False
            if (has_prefix or _looks_like_citation(sentence)) and _classify_security(
                sentence
            ) is None:
                note.sources.extend(parse_archival(sentence))
                continue
        if _read_sentence(sentence, note):
            continue
        note.unparsed.append(sentence)
    return note


def _looks_like_citation(sentence: str) -> bool:
    return bool(
        _DECIMAL_FILE.search(sentence)
        or _LOT.search(sentence)
        or re.match(r"^(?:Department of State|National Archives|[A-Z]\w+ Library)\b", sentence)
    )


def _read_sentence(sentence: str, note: SourceNote) -> bool:
    """Fill ``note`` from one sentence; False when the sentence is of no known kind."""
    security = _classify_security(sentence)
    if security is not None:
        classification, precedence, handling = security
        if classification and note.classification is None:
            note.classification = classification
        if precedence and note.precedence is None:
            note.precedence = precedence
        note.handling.extend(h for h in handling if h not in note.handling)
        return True
    stripped = sentence.strip()
    m = _SECTIONS.match(stripped)
    if m is not None and (count := _number(m.group(1))) is not None:
        note.sections = count
        return True
    m = _RECEIVED.match(stripped)
    if m is not None and _TIME_RE.search(m.group(1)):
        note.received = _time_text(m.group(1))
        return True
    m = _SENT_AT.match(stripped)
    if m is not None and _TIME_RE.search(m.group(1)):
        note.sent = _time_text(m.group(1))
        return True
    addressees = _parse_addressees(stripped)
    if addressees is not None:
        note.addressees.extend(addressees)
        return True
    drafting = _parse_drafting(stripped, note.drafting)
    if drafting is not None:
        note.drafting = drafting
        return True
    return False
