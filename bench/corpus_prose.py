"""Prose for generated documents: Zipfian word draws from a lexicon that keeps growing.

Tokens come from two streams. About 91% are drawn, by their real frequencies, from the
3,681 words of the bundled FRUS texts (``bench/data/words.tsv.gz``). The rest are drawn by
rank from an unbounded lexicon of generated words with a Zipf–Mandelbrot (Pareto) tail,
so the number of distinct words grows with the corpus like Heaps' law (V ≈ K·n^β, β ≈ 0.5)
instead of saturating: 10k documents and 1M documents have genuinely different
vocabularies. Word ``r`` of the lexicon depends only on the seed and ``r``, so the first
10k documents of a 1M corpus are the 10k corpus.

A paragraph is a list of segments: plain ``str`` words, or tuples the renderers turn into
markup (see ``corpus_render``).
"""

from __future__ import annotations

import gzip
import random
from array import array
from operator import itemgetter
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

HEAD_SHARE = 0.91  # share of tokens from the real-word table
TAIL_Q = 1500.0  # Zipf–Mandelbrot offset of the generated lexicon
TAIL_INV_ALPHA = 1.0 / 0.95  # Pareto tail index 0.95 → Heaps β ≈ 0.5
_TAIL_TABLE = 200_000
_POOL = 65_536

_ONSETS = (
    "b",
    "br",
    "c",
    "ch",
    "cl",
    "cr",
    "d",
    "dr",
    "f",
    "fl",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "pr",
    "qu",
    "r",
    "s",
    "sh",
    "sk",
    "sl",
    "st",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "z",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "ie")
_CODAS = ("", "", "", "n", "r", "s", "l", "m", "nt", "st", "rd", "ck", "x", "ng")
_ENDINGS = ("", "", "", "ation", "ment", "ing", "ed", "ity", "ist", "al", "ous", "ive", "ism")


def _load_words() -> tuple[list[str], list[int]]:
    with gzip.open(DATA / "words.tsv.gz", "rt", encoding="utf-8") as fh:
        rows = [ln.split("\t") for ln in fh.read().splitlines()[1:]]
    return [w for w, _ in rows], [int(c) for _, c in rows]


class Lexicon:
    """Draws words for one seed: a real-word head and a generated, growing tail."""

    def __init__(self, seed: int) -> None:
        self.head, counts = _load_words()
        # 65,536 slots, each word holding slots in proportion to its count (at least one): a
        # uniform 16-bit index into the pool is a frequency-weighted draw, and
        # ``randbytes`` + ``array`` + ``itemgetter`` make n of them in C.
        total = sum(counts)
        slots = [max(1, int(c * _POOL / total)) for c in counts]
        slots[0] += _POOL - sum(slots)
        self.pool = [w for w, k in zip(self.head, slots, strict=True) for _ in range(k)]
        self.seed = seed
        self._tail: dict[int, str] = {}
        self._table: list[str] = [self._make(r) for r in range(2000)]

    def _make(self, r: int) -> str:
        h = r * 0x9E3779B97F4A7C15 + self.seed * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB
        h &= 0xFFFFFFFFFFFFFFFF
        h ^= h >> 31
        parts = []
        for _ in range(1 + (h & 1) + ((h >> 1) & (h >> 2) & 1 if r > 500 else 0)):
            h >>= 2
            parts.append(_ONSETS[h % 34])
            h //= 34
            parts.append(_VOWELS[h % 10])
            h //= 10
            parts.append(_CODAS[h % 14])
            h //= 14
        if parts[-1] == "" or h & 3 == 0:
            parts.append(_ENDINGS[(h >> 2) % 13])
        return "".join(parts)

    def tail_word(self, r: int) -> str:
        """Generated word of rank ``r`` (deterministic for the seed)."""
        if r < len(self._table):
            return self._table[r]
        if r < _TAIL_TABLE:
            while len(self._table) <= r:
                self._table.extend(
                    self._make(i) for i in range(len(self._table), len(self._table) + 4096)
                )
            return self._table[r]
        word = self._tail.get(r)
        if word is None:
            word = self._tail[r] = self._make(r)
        return word

    def draw_tail(self, rng: random.Random) -> str:
        return self.tail_word(int(TAIL_Q * (rng.random() ** -TAIL_INV_ALPHA - 1.0)))

    def tokens(self, rng: random.Random, n: int, topic: list[str]) -> list[str]:
        """``n`` words: head draws, with tail words and topic words mixed in."""
        if n == 1:
            toks = [self.pool[rng.getrandbits(16)]]
        else:
            toks = list(itemgetter(*array("H", rng.randbytes(2 * n)))(self.pool))
        rnd = rng.random
        tail = int(n * (1.0 - HEAD_SHARE) + rnd())
        for _ in range(tail):
            toks[int(rnd() * n)] = self.draw_tail(rng)
        for _ in range(n // 14):
            toks[int(rnd() * n)] = topic[int(rnd() * len(topic))]
        return toks

    def topic(self, rng: random.Random) -> list[str]:
        """Words one volume keeps coming back to."""
        head = [self.head[rng.randrange(150, len(self.head))] for _ in range(40)]
        return head + [self.draw_tail(rng) for _ in range(25)]


# Sentence openers of the genre; {P} person, {C} city, {T} term, {N} number, {D} date.
OPENERS: tuple[str, ...] = (
    "{P} said that",
    "In conversation with {P} this afternoon I said that",
    "{P} called on me today at his request and stated that",
    "Reference {T} {N}.",
    "Your {N}.",
    "The Secretary asked {P} whether",
    "We have been informed by the Foreign Ministry that",
    "Officials in {C} believe that",
    "Department concurs in your recommendation that",
    "Embassy believes",
    "I told {P} that",
    "According to {P},",
    "It was agreed that",
    "The President said that",
    "{P} remarked that",
    "With reference to your telegram of {D},",
    "The Ambassador pointed out that",
    "Following is text of {P}’s note of {D}:",
    "As reported in {T} {N},",
    "{P} expressed the view that",
    "Press reports from {C} indicate that",
    "Comment:",
)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
