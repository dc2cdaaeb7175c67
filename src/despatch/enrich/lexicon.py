"""A fast dictionary matcher: names and terms found in text by one pass over its tokens.

``Lexicon`` maps surface strings ("Chiang Kai-shek", "Khrushchev", "CINCPAC") to
candidate entities. ``scan`` walks the capitalised tokens of a text with one compiled
regex and, at each token, tries only the surfaces filed under that token (longest first)
with ``str.startswith`` — an Aho–Corasick-style scan on tokens that costs about one dict
lookup per capitalised word. Tokens that start very many surfaces ("J", "John") get a
second level keyed by the next capitalised token. Surfaces that start with a lower-case
letter are limited to name particles ("de Gaulle") and one-word terms ("reftel"), found by
a small compiled alternation.

Matching is case-sensitive on purpose: "felt" is not Admiral Felt, "green" is not
Marshall Green.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

Kind = Literal["person", "place", "organization", "term"]

# A capitalised token; joiners keep "Kai-shek", "U.S", "ASD/ISA", "O'Brien" whole.
# (The look-behind comes after the first character so that the regex engine can skip
# ahead to the next capital letter: three times faster than a leading ``\b``.)
_TOKEN = re.compile(r"([A-ZÀ-ÖØ-Þ](?<!\w\w)\w*)(?:[-./&’']\w+)*")
# Lower-case starts worth matching: name particles ("de Gaulle"), found from their first
# capitalised token, and one-word terms ("reftel"), found with ``str.find``.
_PARTICLE = re.compile(r"(?:de|van|von|der|den|du|da|di|la|le|al|el|ibn|bin|ben) (?=[A-Z])")
_LOWER_WORD = re.compile(r"[a-z]{3,}$")
_FANOUT = 12  # more surfaces than this under one token: add the second level


Token = tuple[int, int, str, str]


def tokenize(text: str, keys: AbstractSet[str] | None = None) -> list[Token]:
    """The capitalised tokens of ``text`` as (start, end, token, head before any joiner).

    Computed once per text, so that several lexicons scan it without tokenising again.
    With ``keys`` (the union of the scanning lexicons' ``start_keys``), only the tokens
    that can start a match are kept: about half of them, and ``scan`` looks at no others.
    """
    if keys is None:
        return [(m.start(), m.end(), m.group(0), m.group(1)) for m in _TOKEN.finditer(text)]
    return [
        (m.start(), m.end(), g[0], g[1])
        for m in _TOKEN.finditer(text)
        if (g := m.group(0, 1))[0] in keys or g[1] in keys
    ]


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a surface may name."""

    key: str | None
    kind: Kind
    name: str
    label: str
    tier: int  # lower wins when surfaces of several kinds cover the same text
    first_year: int | None = None
    last_year: int | None = None
    weight: int = 0  # number of FRUS volumes that list the person, for tie-breaks
    is_partial: bool = False  # a surname (or first token) alone, not a full name
    needs_cue: bool = False  # a common word: only with a title before it ("Mr. Green")


@dataclass(slots=True)
class Match:
    """A surface found in a text, with every candidate it may name."""

    start: int
    end: int
    surface: str
    candidates: list[Candidate]


class Lexicon:
    """Surfaces → candidates, with a token index for scanning."""

    def __init__(self) -> None:
        self._surfaces: dict[str, list[Candidate]] = {}
        self._by_first: dict[str, list[str] | dict[str, list[str]]] = {}
        self._back: dict[str, list[tuple[str, int]]] = {}
        self._keys: frozenset[str] = frozenset()
        self._words: set[str] = set()
        self._frozen = False

    def __len__(self) -> int:
        return len(self._surfaces)

    def add(self, surface: str, candidate: Candidate) -> None:
        """Let ``surface`` name ``candidate`` (several candidates make it ambiguous)."""
        surface = " ".join(surface.split())
        if len(surface) < 2:
            return
        cands = self._surfaces.setdefault(surface, [])
        if candidate.key is not None and any(
            c.key == candidate.key and c.kind == candidate.kind for c in cands
        ):
            return
        cands.append(candidate)
        self._frozen = False

    def add_all(self, pairs: Iterable[tuple[str, Candidate]]) -> None:
        """Add many surfaces at once."""
        for surface, cand in pairs:
            self.add(surface, cand)

    def freeze(self) -> Lexicon:
        """Build the token index (``scan`` calls this when surfaces were added)."""
        flat: dict[str, list[str]] = {}
        back: dict[str, list[tuple[str, int]]] = {}
        words: list[str] = []
        for surface in self._surfaces:
            m = _TOKEN.match(surface)
            if m is not None:
                flat.setdefault(m.group(), []).append(surface)
            elif (p := _PARTICLE.match(surface)) is not None:
                cap = _TOKEN.match(surface, p.end())
                if cap is not None:
                    back.setdefault(cap.group(), []).append((surface, p.end()))
            elif _LOWER_WORD.match(surface):
                words.append(surface)
        for entries in back.values():
            entries.sort(key=lambda e: len(e[0]), reverse=True)
        self._back = back
        self._words = {w for w in words if w.endswith("tel")}
        by_first: dict[str, list[str] | dict[str, list[str]]] = {}
        for first, surfaces in flat.items():
            surfaces.sort(key=len, reverse=True)
            if len(surfaces) <= _FANOUT:
                by_first[first] = surfaces
                continue
            nested: dict[str, list[str]] = {}
            for surface in surfaces:
                nxt = _TOKEN.search(surface, len(first))
                nested.setdefault(nxt.group() if nxt else "", []).append(surface)
            single = nested.pop("", [])
            level: dict[str, list[str]] = {k: v + single for k, v in nested.items()}
            level[""] = single
            by_first[first] = level
        self._by_first = by_first
        # every token that can start a match: first tokens, their plurals, particle names
        self._keys = frozenset(by_first) | {k + "s" for k in by_first} | frozenset(back)
        self._frozen = True
        return self

    def start_keys(self) -> frozenset[str]:
        """Every token that can start a match (what ``tokenize(text, keys)`` keeps)."""
        if not self._frozen:
            self.freeze()
        return self._keys

    def candidates(self, surface: str) -> list[Candidate]:
        """The candidates of an exact surface (empty if unknown)."""
        return self._surfaces.get(" ".join(surface.split()), [])

    def scan(self, text: str, tokens: list[Token] | None = None) -> list[Match]:
        """Every non-overlapping surface in ``text``, the longest at each position.

        ``tokens`` (from ``tokenize(text)``) saves the tokenising when several lexicons
        scan the same text.
        """
        if not self._frozen:
            self.freeze()
        out: list[Match] = []
        by_first = self._by_first
        surfaces_of = self._surfaces
        n = len(text)
        back = self._back
        limit = 0
        keys = self._keys
        toks = tokens if tokens is not None else tokenize(text)
        # Most tokens start no surface: drop them in one comprehension (set lookups at C
        # speed) before the loop that does the real work.
        for start, tok_end, tok, head in [t for t in toks if t[2] in keys or t[3] in keys]:
            if start < limit:
                continue
            if back and tok in back:
                got = self._match_back(text, start, back[tok], limit)
                if got is not None:
                    out.append(got)
                    limit = got.end
                    continue
            entry = by_first.get(tok)
            if entry is None:
                if head is not tok and len(head) < len(tok):
                    entry = by_first.get(head)  # "Khrushchev’s", "Kai-shek" → the head
                elif tok[-1] == "s":
                    entry = by_first.get(tok[:-1])  # "ChiComs"
                if entry is None:
                    continue
            if isinstance(entry, dict):
                nxt = _TOKEN.search(text, tok_end, tok_end + 24)
                surfaces = entry.get(nxt.group(), entry[""]) if nxt else entry[""]
            else:
                surfaces = entry
            for surface in surfaces:
                if not text.startswith(surface, start):
                    continue
                end = start + len(surface)
                if end < n and (text[end].isalnum() or text[end] == "_"):
                    # a plural abbreviation ("ChiComs", "Deptels") keeps its "s"
                    if not (
                        text[end] == "s"
                        and (end + 1 == n or not text[end + 1].isalnum())
                        and any(c.kind == "term" for c in surfaces_of[surface])
                    ):
                        continue
                    end += 1
                out.append(Match(start, end, surface, surfaces_of[surface]))
                limit = end
                break
        # One-word lower-case terms are telegraphese ending in "tel" ("reftel", "urtel"):
        # one ``str.find`` for "tel", then the word around it.
        extra: list[Match] = []
        if self._words:
            at = text.find("tel")
            while at >= 0:
                end = at + 3
                if end < n and text[end] == "s" and (end + 1 == n or not text[end + 1].isalnum()):
                    end += 1
                if end == n or not text[end].isalnum():
                    s = at
                    while s > 0 and text[s - 1].isalpha():
                        s -= 1
                    word = text[s:end]
                    surface = word if word in self._words else word[:-1]
                    if s != at and surface in self._words:
                        extra.append(Match(s, end, surface, surfaces_of[surface]))
                at = text.find("tel", at + 3)
        if extra:
            taken = [(x.start, x.end) for x in out]
            out.extend(x for x in extra if not any(x.start < e and s < x.end for s, e in taken))
            out.sort(key=lambda x: (x.start, -(x.end - x.start)))
        return out

    def _match_back(
        self, text: str, start: int, entries: list[tuple[str, int]], limit: int
    ) -> Match | None:
        """A particle name ("de Gaulle") whose capitalised token starts at ``start``."""
        n = len(text)
        for surface, offset in entries:
            at = start - offset
            end = at + len(surface)
            if (
                at >= limit
                and text.startswith(surface, at)
                and (at == 0 or not text[at - 1].isalnum())
                and (end == n or not text[end].isalnum())
            ):
                return Match(at, end, surface, self._surfaces[surface])
        return None


__all__ = ["Candidate", "Kind", "Lexicon", "Match", "Token", "tokenize"]
