"""The words of the reference data: what a typed word is, before it is searched.

A word is in the data (a word of a title, a prefix of one, a synonym or a search term), an
inflection of one ("refused", "fractured"), or a typo to correct; a group of words is as
common as the rows that hold it. The search engine (:mod:`desktop.reference.search.engine`)
asks; this module only knows words. No Qt.
"""

from __future__ import annotations

import bisect
import itertools

from desktop.reference.search.ranking import Group
from desktop.reference.store import ReferenceStore

# Endings tried, longest stem first, on a word found nowhere before it is taken as a typo.
_INFLECTIONS = ("d", "s", "ed", "es", "ly", "ing", "ings")
# Small words a run-together phrase may have between two words ("shortnessofbreath").
_SMALL_WORDS = frozenset(("of", "in", "on", "to", "and", "or", "at", "by"))
# How many rows a three-letter part of a run-together word is in, at least ("sincoa" is
# not "sin coa"; "burnout" is "burn out").
_COMMON_PART = 20


def _edits(a: str, b: str) -> int:
    """Edits between two words (a swap of two letters is one)."""
    from rapidfuzz.distance import OSA  # loaded already by the correction that asks

    return int(OSA.distance(a, b))


class Vocabulary:
    """The vocabulary, word frequencies, synonyms and single-word terms of one reference
    database (loaded once, on the first search)."""

    def __init__(self, store: ReferenceStore) -> None:
        self.synonyms = store.synonyms()
        rows = store.query("SELECT word, freq FROM vocabulary ORDER BY word")
        self.words = [str(r[0]) for r in rows]
        self.word_set = set(self.words)
        self.freq_sums = list(itertools.accumulate(int(r[1]) for r in rows))
        self.freq = {str(r[0]): int(r[1]) for r in rows}
        # Single-word search terms (abbreviations, brand names): matched whole, never
        # as a prefix of other words.
        self.known = {
            str(r[0])
            for r in store.query(
                "SELECT DISTINCT term_key FROM terms WHERE term_key NOT LIKE '% %'"
            )
        } | {k for k in self.synonyms if " " not in k}
        self._fixes: list[str] | None = None  # what a typo may become (made on the first)
        self._by_start: dict[tuple[str, int], list[str]] | None = None
        self._by_rest: dict[str, list[str]] = {}
        self._fix_set: set[str] = set()
        self._commonest: dict[tuple[str, int], tuple[str, ...]] = {}

    def bases(self, w: str) -> list[str]:
        """The word an inflection comes from, where the data has it: "fractured" is also
        "fracture", "sprained" "sprain", "swelling" "swell" (titles name the condition)."""
        if len(w) < 6 or w in self.known or not w.isalpha():
            return []
        if w.endswith("ed"):
            found = [b for b in (w[:-1], w[:-2]) if b in self.word_set]
        elif w.endswith("ing"):
            found = [b for b in (w[:-3] + "e", w[:-3]) if b in self.word_set]
        else:
            return []
        return found[:1]

    def stem(self, w: str, corrected: str) -> str | None:
        """A word found nowhere whose stem begins words of the data -> that stem.

        "refused" is in no title, but "refus" begins "refusal": the word is an inflection,
        not a typo, and is searched as the prefix its stem makes (never "reduced"). A
        plural whose singular is a word is always that ("gums": "gum", never "guns"); any
        other ending gives way to a correction one edit away ("diabetis": "diabetes").
        """
        if len(w) < 4 or not w.isalpha() or self.found(w):
            return None
        if w.endswith("s") and not w.endswith(("ss", "is", "us")) and w[:-1] in self.word_set:
            return w[:-1]
        stems = [w[: -len(x)] for x in _INFLECTIONS if w.endswith(x)]
        # "strained": "strain", a word, never "sprained".
        word = next((t for t in stems if len(t) >= 4 and t in self.word_set), None)
        if word is not None or (corrected != w and _edits(w, corrected) < 2):
            return word
        return next((t for t in stems if len(t) >= 5 and self.prefix_freq(t) > 0), None)

    def found(self, w: str) -> bool:
        """The word as typed is in the data: a word, a prefix of one, a synonym or a term."""
        return (
            w in self.word_set or w in self.synonyms or w in self.known or self.prefix_freq(w) > 0
        )

    def split(self, w: str) -> list[str] | None:
        """A word found nowhere that is words run together ("backpain", "lowbackpain",
        "shortnessofbreath") -> those words; None when it is not.

        Each part is a word of the data of four letters or more, or a common one of three
        (a small word such as "of" only between two); of several ways, the one whose
        rarest part is commonest. A word one edit from a word of the data is a typo, not
        words run together ("cystits": "cystitis", not "cyst its"); so is one whose parts
        are rare ("sincoa").
        """
        if len(w) < 6 or not w.isalpha() or not w.isascii() or self.found(w):
            return None
        if self._one_edit(w):
            return None
        freq = self.freq

        def whole(part: str) -> int:
            f = freq.get(part, 0) if len(part) >= 3 else 0
            return f if len(part) >= 4 or f >= _COMMON_PART else 0

        best: tuple[int, list[str]] | None = None
        for i in range(3, len(w) - 2):
            a, b = w[:i], w[i:]
            fa = whole(a)
            if not fa:
                continue
            ways = [[a, b]] if whole(b) else []
            for j in range(i + 1, len(w) - 2):  # three parts ("low back pain")
                mid, c = w[i:j], w[j:]
                if (whole(mid) or mid in _SMALL_WORDS) and whole(c):
                    ways.append([a, mid, c])
            for parts in ways:
                rarest = min(whole(p) or fa for p in parts)
                if best is None or rarest > best[0]:
                    best = (rarest, parts)
        return best[1] if best else None

    def correct(self, w: str) -> str:
        """A word found nowhere (not a word, prefix, synonym or term) -> its nearest word."""
        if len(w) < 4 or not w.isalpha() or not w.isascii() or self.found(w):
            return w
        from rapidfuzz import fuzz, process  # only for typos: off the start-up path
        from rapidfuzz.distance import OSA

        def key(c: str) -> tuple[float, bool, int, str]:
            # Fewest edits (a swap of two letters is one; a swap scores below another
            # one-letter slip), the same first letter, the commoner word, then A-Z.
            return (
                OSA.distance(w, c) - (0.5 if sorted(c) == sorted(w) else 0.0),
                c[0] != w[0],
                -self.freq.get(c, 0),
                c,
            )

        # Most typos are one slip: the words one edit away come first.
        one = self._one_edit(w)
        if one:
            return min(one, key=key)
        near = process.extract(w, self.fix_words(), scorer=fuzz.ratio, limit=8, score_cutoff=70)
        if not near:
            return w
        best = min((str(n[0]) for n in near), key=key)
        edits = OSA.distance(w, best)
        if edits > 1 and best[0] != w[0]:
            return w  # two edits and another first letter: a guess ("epipen": "pipe")
        return best if edits <= max(2, len(w) // 4) else w

    def _one_edit(self, w: str) -> list[str]:
        """The words one edit (a letter changed, added or dropped, or two swapped) from ``w``.

        An edit that keeps the first letter leaves a word of the same first letter and a
        length within one: only those (a sixtieth of the list) are compared. One that
        changes it is at the start, and spells the word's other letters: looked up.
        """
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if self._by_start is None:
            by: dict[tuple[str, int], list[str]] = {}
            rest: dict[str, list[str]] = {}
            for word in self.fix_words():
                by.setdefault((word[0], len(word)), []).append(word)
                rest.setdefault(word[1:], []).append(word)
            self._by_start, self._by_rest = by, rest
        by, rest = self._by_start, self._by_rest
        n = len(w)
        near = [*by.get((w[0], n - 1), ()), *by.get((w[0], n), ()), *by.get((w[0], n + 1), ())]
        found = {
            str(m[0])
            for m in process.extract(w, near, scorer=OSA.distance, score_cutoff=1, limit=None)
        }
        # The first letter changed (X + w[1:]), added (X + w), dropped or swapped.
        found.update(c for c in rest.get(w[1:], ()) if len(c) == n)
        found.update(rest.get(w, ()))
        found.update(c for c in (w[1:], w[1] + w[0] + w[2:]) if c in self._fix_set)
        found.discard(w)
        return sorted(found)

    def fix_words(self) -> list[str]:
        """What a typo may be corrected to: the words of the data, and the single-word terms
        and brand names ("solumedrol" for Solu-Medrol), which are in no title."""
        if self._fixes is None:
            extra = {k for k in self.known if k.isalpha() and len(k) >= 4}
            self._fix_set = self.word_set | extra
            self._fixes = sorted(self._fix_set)
        return self._fixes

    def commonest(self, prefix: str, n: int) -> tuple[str, ...]:
        """The ``n`` commonest words that start with ``prefix`` (kept per prefix)."""
        hit = self._commonest.get((prefix, n))
        if hit is None:
            lo = bisect.bisect_left(self.words, prefix)
            hi = bisect.bisect_left(self.words, prefix + "\uffff")
            ranked = sorted(self.words[lo:hi], key=lambda w: (-self.freq[w], w))
            hit = self._commonest[(prefix, n)] = tuple(ranked[:n])
        return hit

    def prefix_freq(self, w: str) -> int:
        lo = bisect.bisect_left(self.words, w)
        hi = bisect.bisect_left(self.words, w + "\uffff")
        if hi <= lo:
            return 0
        return self.freq_sums[hi - 1] - (self.freq_sums[lo - 1] if lo else 0)

    def group_freq(self, g: Group, prefix: bool) -> int:
        total = 0
        for alt in g.alts:
            # Words with digits ("dm2", "b12") are not in the vocabulary: assume they exist.
            # Nor are words under three letters ("in", "of"): a phrase is judged by its
            # other words ("uti in pregnancy" by "uti" and "pregnancy"), or else by them.
            judged = [t for t in alt if len(t) >= 3 or not t.isalpha()] or alt
            total += min((self.freq.get(t, int(not t.isalpha())) for t in judged), default=0)
        if prefix and g.prefix:
            total += self.prefix_freq(g.prefix)
        return total
