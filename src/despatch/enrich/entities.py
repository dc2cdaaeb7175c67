"""People, places, organisations and abbreviations in a document, as ``Span``s.

Two sources of spans:

* what the reader already marked (TEI ``<persName corresp>`` and ``<gloss target>``): kept
  as they are and labelled from the volume's List of Persons / Abbreviations;
* mentions found in the body text and notes by dictionary matching (``lexicon.Lexicon``)
  against, in order of trust: the volume's own lists (from the ``Volume`` record, or the
  bundled lists of the sample volumes), the Lists of Abbreviations table, the gazetteer,
  organisation names taken from abbreviation expansions, and the Office of the Historian's
  people database.

Ambiguity is settled the way an editor would: a full name beats a surname; people not
active in the document's years are dropped; a title before a surname ("Secretary Dulles",
"President Chiang") picks the person whose identification carries it; a surname used
elsewhere in the same document with a full name takes that person ("one sense per
document"); otherwise the person listed in many more volumes, or no key at all (the span
is kept, its label lists the candidates). Surnames that are common English words ("Green",
"Young", "Bush") match only after a title ("Mr. Green").
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from despatch.enrich._wordlists import (
    _COMMON,
    _CUES,
    _FAMILY,
    _GIVEN,
    _HONORIFICS,
    _NAME_TITLES,
    _ORG_WORDS,
    _ORGS,
    _SUFFIXES,
    _TELEGRAPHESE,
    _TERM_STOP,
    _TWO_LETTER_WORDS,
)
from despatch.enrich.authority import Authority, default_authority, volume_years
from despatch.enrich.lexicon import Candidate, Lexicon, Match, tokenize
from despatch.model import AuthorityEntry, Document, Span, Volume

TIER_VOLUME, TIER_TERM, TIER_PLACE, TIER_ORG, TIER_PERSON = 0, 1, 2, 3, 4

_SEP = "\n\x00\n"  # between the body and the notes when they are scanned as one string


# --------------------------------------------------------------------------- name forms


def _strip_title(forenames: str) -> tuple[str, str | None]:
    for t in _NAME_TITLES:
        if forenames.startswith(t + " "):
            return forenames[len(t) + 1 :].strip(), t
        if forenames == t:
            return "", t
    return forenames, None


def name_forms(name: str) -> tuple[list[str], str | None]:
    """The full forms a listed name takes in running text, and its surname.

    ``"Khrushchev, Nikita S."`` → (["Nikita S. Khrushchev", "N. S. Khrushchev",
    "Nikita Khrushchev", "N. Khrushchev"], "Khrushchev"); ``"Chiang Kai-shek,
    Generalissimo"`` → (["Chiang Kai-shek"], "Chiang"); ``"Chou En-lai (Zhou Enlai)"``
    gives both spellings.
    """
    name = " ".join(name.split())
    nick = re.match(r"^([^,()]+), ([^()]+?) \((\w+)\)$", name)
    if nick:
        # "Richardson, William Blaine (Bill)": a nickname, not another name
        forms, surname = name_forms(f"{nick.group(1)}, {nick.group(2)}")
        return [*forms, f"{nick.group(3)} {nick.group(1)}"], surname
    paren = re.match(r"^(.*?)\s*\(([^()]+)\)\s*(,.*)?$", name)
    if paren:
        a, b, rest = paren.group(1), paren.group(2), paren.group(3) or ""
        forms_a, sur_a = name_forms(a + rest)
        forms_b, _ = name_forms(b + rest) if not re.search(r"\d", b) else ([], None)
        return forms_a + [f for f in forms_b if f not in forms_a], sur_a
    if ", " in name:
        surname, rest = name.split(", ", 1)
        parts = [p for p in rest.split(", ") if p]
        forenames = parts[0] if parts else ""
        suffix = next((p for p in parts[1:] if p in _SUFFIXES), None)
        forenames, _title = _strip_title(forenames)
        if " " not in surname and surname.islower():
            return [], None
        if not forenames:
            # "Chiang Kai-shek, Generalissimo": a name in Chinese order with a title
            if " " in surname:
                return [surname], surname.split()[0]
            return [], surname
        words = forenames.split()
        initials = " ".join(w[0] + "." for w in words if w[:1].isalpha())
        forms = [f"{forenames} {surname}", f"{initials} {surname}"]
        if len(words) > 1:
            forms += [f"{words[0]} {surname}", f"{words[0][0]}. {surname}"]
        if suffix:
            forms.append(f"{forenames} {surname}, {suffix}")
        return list(dict.fromkeys(forms)), surname
    stripped, title = _strip_title(name)
    if title and stripped:
        # "Premier Khrushchev", "King Abdullah II": the name without its title
        if " " not in stripped:
            return [], stripped
        return [stripped], None
    words = name.split()
    if len(words) == 1:
        return [], name
    if len(words) == 2 and ("-" in words[1] or (words[1][:1].isupper() and words[0][:1].isupper())):
        # East Asian order ("Chiang Kai-shek", "Mao Zedong"): the family name comes first
        return [name], words[0]
    return [name], None


# --------------------------------------------------------------------------- lexicons


def _person_label(name: str, identification: str) -> str:
    return f"{name}, {identification}" if identification else name


def _volume_lexicon_entries(
    entries: list[AuthorityEntry],
) -> list[tuple[str, Candidate]]:
    pairs: list[tuple[str, Candidate]] = []
    for e in entries:
        if e.kind == "person":
            label = _person_label(e.name, e.description)
            forms, surname = name_forms(e.name)
            for f in forms:
                pairs.append((f, Candidate(e.id, "person", e.name, label, TIER_VOLUME)))
            if surname and len(surname) > 2:
                pairs.append(
                    (
                        surname,
                        Candidate(
                            e.id,
                            "person",
                            e.name,
                            label,
                            TIER_VOLUME,
                            is_partial=True,
                            needs_cue=surname in _COMMON or surname in _FAMILY,
                        ),
                    )
                )
        else:
            term = e.name.strip()
            if not _term_ok(term):
                continue
            pairs.append((term, Candidate(e.id, "term", term, e.description or term, TIER_VOLUME)))
    return pairs


_VOLUME_LEXICONS: dict[tuple[str, ...], Lexicon] = {}
#: Volumes whose matchers and contexts are kept. A context costs 1–2 MB (its lexicon, the
#: set of tokens that start a match) and holds its ``Volume`` record; an ingest worker
#: enriches one file, hence one volume, at a time, so a few are enough, and a larger cap
#: grows a worker's memory with the number of volumes it has seen (measured: +75 MB per
#: worker from 10k to 100k documents with 64).
_VOLUMES_KEPT = 4


def _volume_lexicon_cached(volume_id: str, entries: list[AuthorityEntry]) -> Lexicon:
    # Cheap key: a volume's lists do not change between two documents of one ingest.
    key = (volume_id, str(len(entries)), *(f"{e.id}\t{e.name}" for e in entries[-1:]))
    lex = _VOLUME_LEXICONS.get(key)
    if lex is None:
        if len(_VOLUME_LEXICONS) >= _VOLUMES_KEPT:
            _VOLUME_LEXICONS.clear()
        lex = Lexicon()
        lex.add_all(_volume_lexicon_entries(entries))
        lex = _VOLUME_LEXICONS[key] = lex.freeze()
    return lex


def volume_lexicon(volume: Volume | str | None, authority: Authority | None = None) -> Lexicon:
    """The matcher for a volume's own Lists of Persons and Abbreviations."""
    if isinstance(volume, Volume):
        entries = [*volume.persons, *volume.terms]
        if entries:
            return _volume_lexicon_cached(volume.id, entries)
        volume = volume.id
    auth = authority or default_authority()
    return _volume_lexicon_cached(volume or "", auth.volume_entries(volume))


def _term_ok(term: str) -> bool:
    """Whether a term of the table is safe to look for in running text."""
    if len(term) < 2 or not term[:1].isalpha() or term in _TERM_STOP:
        return False
    if term.islower():
        return term in _TELEGRAPHESE  # "despatch", "scope", "para" are words, not terms
    if " " in term:
        return sum(ch.isupper() for ch in term) >= 3  # "DEW Line", not "Foreign Relations"
    capitals = sum(ch.isupper() for ch in term)
    if capitals == 1 and term[1:].islower():
        # "Deptel", "Niact", "Tosec" are telegraphese; "Rep", "Sec", "Phil" are words or names
        return len(term) >= 5 and term not in _COMMON
    return not (len(term) == 2 and term in _TWO_LETTER_WORDS)


def build_global_lexicon(auth: Authority) -> Lexicon:
    """The matcher over the terms table, gazetteer, organisations and people database."""
    lex = Lexicon()
    seen_terms: dict[str, str] = {}
    source_rank = {"frus1958-60v19": 0, "frus1958-60v02": 1}
    for t in sorted(auth.terms, key=lambda t: source_rank.get(t.source, 2)):
        if t.term in seen_terms or not _term_ok(t.term):
            continue
        seen_terms[t.term] = t.expansion
        lex.add(t.term, Candidate(f"term:{t.term}", "term", t.term, t.expansion, TIER_TERM))
        org = re.split(r"[;,]", t.expansion)[0].strip()
        if (
            len(org.split()) >= 2
            and org[:1].isupper()
            and _ORG_WORDS.search(org)
            and not org.startswith(("Office of the", "Assistant", "Deputy"))
        ):
            label = f"{t.expansion} ({t.term})"
            lex.add(org, Candidate(f"term:{t.term}", "organization", org, label, TIER_ORG))
    for surface, label in _ORGS:
        lex.add(surface, Candidate(None, "organization", label, label, TIER_ORG))
    for pl in auth.places:
        desc = pl.kind if pl.country in {"", pl.name} else f"{pl.kind}, {pl.country}"
        label = f"{pl.name} ({desc})"
        for surface in (pl.name, *pl.variants):
            if surface.isupper() and surface in seen_terms:
                continue  # "USSR", "PRC": the abbreviation list labels these
            lex.add(surface, Candidate(f"place:{pl.name}", "place", pl.name, label, TIER_PLACE))
    for p in auth.people:
        label = _person_label(p.name, p.identification)
        # one candidate per person for all its full forms (70,000 surfaces share them)
        full = Candidate(
            p.key, "person", p.name, label, TIER_PERSON, p.first_year, p.last_year, p.n_volumes
        )
        surnames: set[str] = set()
        main_words = set(re.findall(r"\w{3,}", p.name))
        for i, name in enumerate((p.name, *p.variants)):
            if i and not main_words & set(re.findall(r"\w{3,}", name)):
                continue  # a variant sharing no name with the person is noise in the source
            forms, surname = name_forms(name)
            for f in forms:
                if len(f) > 3:
                    lex.add(f, full)
            if surname:
                surnames.add(surname)
        if p.n_volumes < 1 and not p.key.startswith("people:extra-"):
            continue  # POCOM-only people: full names only
        partial: dict[bool, Candidate] = {}
        for surname in surnames:
            if len(surname) < 3 or surname in _GIVEN or not surname[:1].isupper():
                continue
            is_word = surname in _COMMON or surname in _FAMILY
            is_word = is_word or surname.lower() in auth.surname_words
            if is_word not in partial:
                partial[is_word] = Candidate(
                    p.key, "person", p.name, label, TIER_PERSON,
                    p.first_year, p.last_year, p.n_volumes,
                    is_partial=True, needs_cue=is_word,
                )  # fmt: skip
            lex.add(surname, partial[is_word])
    return lex.freeze()


def global_lexicon(authority: Authority | None = None) -> Lexicon:
    """The global matcher for ``authority`` (the bundled tables by default), built once."""
    auth = authority or default_authority()
    lex = auth.cache.get("global_lexicon")
    if not isinstance(lex, Lexicon):
        lex = auth.cache["global_lexicon"] = build_global_lexicon(auth)
    return lex


# --------------------------------------------------------------------------- resolution


def _cues_before(text: str, start: int) -> list[str]:
    """The title words right before a name ("State Secretary" before "Dulles"), nearest last.

    Only words that run up to the name count: "Foreign Relations, The" has none.
    """
    window = text[max(0, start - 40) : start]
    cues: list[str] = []
    for w in reversed(window.split(" ")[:-1] if window.endswith(" ") else []):
        w = w.rstrip(".")
        if w not in _CUES:
            break
        cues.append(w)
        if len(cues) == 3:
            break
    return cues


def _era_ok(c: Candidate, year: int | None) -> bool:
    """Whether the person could be named in a document of ``year`` (not before their time)."""
    if year is None or c.first_year is None:
        return True
    return c.first_year - 3 <= year


def _in_era(c: Candidate, year: int | None) -> bool:
    if year is None or c.first_year is None or c.last_year is None:
        return True
    return c.first_year - 3 <= year <= c.last_year + 3


def _choose(
    m: Match, text: str, year: int | None, discourse: Counter[str]
) -> tuple[Candidate | None, list[Candidate]]:
    """The candidate a match names, or (None, remaining candidates) when undecided."""
    if len(m.candidates) == 1:
        only = m.candidates[0]
        if only.kind != "person" or (
            not only.is_partial and not only.needs_cue and _era_ok(only, year)
        ):
            return only, m.candidates  # a place, term or full name with one meaning
    # A surname already used with a full name in this document names that person, whatever
    # list it comes from ("Chen Cheng" … "Chen" is not the volume's Chen Yi).
    known = (
        {c.key for c in m.candidates if c.is_partial and c.key in discourse} if discourse else set()
    )
    if len(known) == 1:
        key = known.pop()
        return next(c for c in m.candidates if c.key == key), m.candidates
    best_tier = min(c.tier for c in m.candidates)
    cands = [c for c in m.candidates if c.tier == best_tier]
    cues = _cues_before(text, m.start) if any(c.kind == "person" for c in cands) else []
    if cues and any(c.needs_cue for c in cands):
        # A common word after a title: "Mr. Green" always, "Secretary French" only if
        # the person was a secretary.
        honorific = any(cue in _HONORIFICS for cue in cues)
        roles = [re.compile(rf"\b{cue.lower()}\b") for cue in cues if cue not in _HONORIFICS]
        if m.surface in _COMMON:
            roles = []  # "Secretary French would": an everyday word wants "Mr." before it
        cands = [
            c
            for c in cands
            if not c.needs_cue or honorific or any(r.search(c.label.lower()) for r in roles)
        ]
    else:
        cands = [c for c in cands if not c.needs_cue]
    kept = [c for c in cands if _era_ok(c, year)]
    if kept or any(c.is_partial for c in cands):
        cands = kept
    current = [c for c in cands if _in_era(c, year)]
    if current and len(current) < len(cands):
        cands = current  # the people of the document's own years first
    if not cands:
        return None, []
    if len(cands) == 1 or len({(c.kind, c.name) for c in cands}) == 1:
        return cands[0], cands
    if cues:
        # Narrow by each title word, the nearest first ("State Secretary Dulles": Secretary).
        narrowed = cands
        for cue in cues:
            if cue in _HONORIFICS:
                continue
            pattern = re.compile(rf"\b{re.escape(cue.lower())}\b")
            hits = [c for c in narrowed if pattern.search(c.label.lower())]
            if len(hits) == 1:
                return hits[0], cands
            if hits:
                narrowed = hits
    in_discourse = [c for c in cands if c.key is not None and c.key in discourse]
    if len(in_discourse) == 1:
        return in_discourse[0], cands
    return None, cands


def _decide(cands: list[Candidate], discourse: Counter[str]) -> Candidate | None:
    known = sorted(
        (c for c in cands if c.key is not None and c.key in discourse),
        key=lambda c: -discourse[c.key or ""],
    )
    if known:
        return known[0]
    ranked = sorted(cands, key=lambda c: -c.weight)
    if ranked and (len(ranked) == 1 or ranked[0].weight >= 2 * max(ranked[1].weight, 1)):
        return ranked[0]
    return None


def _merge(matches_by_lexicon: list[list[Match]]) -> list[Match]:
    """One non-overlapping list: longest first; equal spans pool their candidates.

    The matches are not changed (their candidate lists are the lexicons' own); pooling
    builds a new ``Match``.
    """
    lists = [matches for matches in matches_by_lexicon if matches]
    if not lists:
        return []
    if len(lists) == 1:
        return lists[0]  # one lexicon's scan is already ordered and non-overlapping
    # Each list is ordered by (start, longest first): a stable sort of their concatenation
    # is a merge, and puts equal spans side by side in lexicon order.
    out: list[Match] = []
    limit = -1
    last: Match | None = None
    for m in sorted([m for matches in lists for m in matches], key=_span_order):
        if last is not None and m.start == last.start and m.end == last.end:
            last = out[-1] = Match(m.start, m.end, last.surface, [*last.candidates, *m.candidates])
        elif m.start >= limit:
            out.append(m)
            last = m
            limit = m.end
    return out


def _span_order(m: Match) -> tuple[int, int]:
    return (m.start, m.start - m.end)


def document_year(doc: Document) -> int | None:
    """The year a document was written, from its date, date evidence or volume."""
    for value in (doc.date.value, doc.date.not_before, *(d.value for d in doc.dates)):
        if value and value[:4].isdigit():
            return int(value[:4])
    for src in doc.archival:
        if src.file_date and src.file_date[:4].isdigit():
            return int(src.file_date[:4])
    if doc.volume:
        years = volume_years(doc.volume)
        if years:
            return (years[0] + years[1]) // 2
    return None


class _VolumeContext:
    """What every document of one volume needs: the lists' entries, lexicons, start keys."""

    __slots__ = ("auth", "entries", "keys", "lexicons", "sizes", "vlex", "volume")

    def __init__(self, volume: Volume | None, volume_id: str | None, auth: Authority) -> None:
        self.volume = volume  # held, so that its id() is not reused while cached
        self.auth = auth
        self.sizes = (len(volume.persons), len(volume.terms)) if volume else (0, 0)
        entries: dict[str, AuthorityEntry] = {}
        for e in (volume.persons + volume.terms) if volume else []:
            entries[e.id] = e
        for e in auth.volume_entries(volume.id if volume else volume_id):
            entries.setdefault(e.id, e)
        self.entries = entries
        self.vlex = volume_lexicon(volume or volume_id, auth)
        self.lexicons = [lex for lex in (self.vlex, global_lexicon(auth)) if len(lex)]
        self.keys: frozenset[str] = frozenset().union(*(x.start_keys() for x in self.lexicons))


_CONTEXTS: dict[tuple[int, int, str | None], _VolumeContext] = {}


def _volume_context(
    volume: Volume | None, volume_id: str | None, auth: Authority
) -> _VolumeContext:
    """The cached context of a volume (a file's documents share one ``Volume`` record)."""
    key = (id(volume), id(auth), None if volume is not None else volume_id)
    ctx = _CONTEXTS.get(key)
    if (
        ctx is None
        or ctx.volume is not volume
        or ctx.auth is not auth
        or (volume is not None and ctx.sizes != (len(volume.persons), len(volume.terms)))
    ):
        if len(_CONTEXTS) >= _VOLUMES_KEPT:
            _CONTEXTS.clear()
        ctx = _CONTEXTS[key] = _VolumeContext(volume, volume_id, auth)
    return ctx


def find_entities(
    doc: Document,
    *,
    volume: Volume | None = None,
    authority: Authority | None = None,
) -> list[Span]:
    """Entity spans in the body text and notes of ``doc`` (new ones only, not the reader's).

    Spans overlapping a span the reader already marked are left out.
    """
    auth = authority or default_authority()
    return _find_entities(doc, doc.spans, _volume_context(volume, doc.volume, auth))


def _find_entities(doc: Document, reader_spans: list[Span], ctx: _VolumeContext) -> list[Span]:
    """``find_entities`` with the reader's (labelled) spans given apart from ``doc``."""
    lexicons = ctx.lexicons
    year = document_year(doc)
    parts: list[tuple[str | None, str]] = [(None, doc.text)]
    parts += [(note.id or note.n, note.text) for note in doc.notes]
    # One string for the body and every note: one tokenising and one scan per lexicon
    # instead of one per note. No surface contains the separator, so none crosses it.
    bases: list[int] = []
    pos = 0
    for _key, text in parts:
        bases.append(pos)
        pos += len(text) + len(_SEP)
    joined = _SEP.join(text for _key, text in parts)
    taken: dict[str | None, tuple[list[int], list[int]]] = {}
    for sp in sorted(reader_spans, key=lambda x: x.start):
        starts, ends = taken.setdefault(sp.note, ([], []))
        starts.append(sp.start)
        ends.append(sp.end)

    tokens = tokenize(joined, ctx.keys)
    found: list[tuple[int, Match]] = []
    for m in _merge([lex.scan(joined, tokens) for lex in lexicons]):
        i = bisect.bisect_right(bases, m.start) - 1
        start, end = m.start - bases[i], m.end - bases[i]
        spans_here = taken.get(parts[i][0])
        if spans_here is not None:
            j = bisect.bisect_left(spans_here[0], end) - 1
            if j >= 0 and spans_here[1][j] > start:
                continue  # the reader marked this stretch already
        found.append((i, m))

    discourse: Counter[str] = Counter(s.key for s in reader_spans if s.key)
    decided: list[tuple[int, Match, Candidate | None, list[Candidate]]] = []
    for i, m in found:
        chosen, cands = _choose(m, joined, year, discourse)
        if chosen is not None and chosen.key and not chosen.is_partial:
            discourse[chosen.key] += 1
        decided.append((i, m, chosen, cands))
    for _i, _m, chosen, _c in decided:
        if chosen is not None and chosen.key and chosen.is_partial:
            discourse[chosen.key] += 1

    spans: list[Span] = []
    for i, m, chosen, cands in decided:
        if chosen is None:
            if not cands:
                continue
            chosen = _decide(cands, discourse)
        key: str | None = None
        if chosen is None:
            names = "; ".join(dict.fromkeys(c.name for c in cands[:3]))
            kind = cands[0].kind
            label = f"{m.surface}: one of {names}" + ("; …" if len(cands) > 3 else "")
        else:
            kind, key, label = chosen.kind, chosen.key, chosen.label
        note, text = parts[i]
        start, end = m.start - bases[i], m.end - bases[i]
        spans.append(
            Span(start=start, end=end, kind=kind, text=text[start:end], key=key, label=label,
                 note=note)
        )  # fmt: skip
    return spans


def label_spans(
    doc: Document, *, volume: Volume | None = None, authority: Authority | None = None
) -> list[Span]:
    """The reader's spans, each labelled from the volume's lists when it has a key.

    Keys keep the form ``p_KNS1`` (a leading ``#`` is dropped). Spans without a key
    (``<persName>`` with no ``@corresp``) are labelled when their text names exactly one
    person of the volume's list.
    """
    auth = authority or default_authority()
    return _label_spans(doc, _volume_context(volume, doc.volume, auth))


def _label_spans(doc: Document, ctx: _VolumeContext) -> list[Span]:
    entries = ctx.entries
    vlex = ctx.vlex
    out: list[Span] = []
    for s in doc.spans:
        key = s.key.lstrip("#") if s.key else None
        label = s.label
        if key and not label:
            entry = entries.get(key)
            if entry is not None:
                label = (
                    _person_label(entry.name, entry.description)
                    if entry.kind == "person"
                    else entry.description
                )
        elif key is None and not label and s.kind in {"person", "term"}:
            cands = [c for c in vlex.candidates(s.text) if c.kind == s.kind]
            if len({c.key for c in cands}) == 1:
                key, label = cands[0].key, cands[0].label
        if key != s.key or label != s.label:
            s = s.model_copy(update={"key": key, "label": label})
        out.append(s)
    return out


def enrich_entities(
    doc: Document, *, volume: Volume | None = None, authority: Authority | None = None
) -> Document:
    """``doc`` with the reader's spans labelled and the mentions found added, in order."""
    ctx = _volume_context(volume, doc.volume, authority or default_authority())
    labelled = _label_spans(doc, ctx)
    found = _find_entities(doc, labelled, ctx)
    spans = sorted(labelled + found, key=lambda s: (s.note or "", s.start, s.end))
    return doc.model_copy(update={"spans": spans})


__all__ = [
    "build_global_lexicon",
    "document_year",
    "enrich_entities",
    "find_entities",
    "global_lexicon",
    "label_spans",
    "name_forms",
    "volume_lexicon",
]
