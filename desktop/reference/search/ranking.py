"""How well a row answers the words typed, and the order results are shown in.

Each word that matters is a :class:`Group` of alternatives (the word, its synonyms, a
prefix). A row's texts (title, search terms, inclusion terms, our description) are
checked group by group. The order, most important first:

1. active before deleted, always;
2. rows matching more of the groups before rows matching fewer;
3. an exact title or term match (the words typed are a term of the row, or its title
   without "unspecified" and its like; "X NOS" is "X"), on a billable code: a header
   named exactly lends it to the billable codes under it, which follow the rows exact on
   their own texts;
4. how well the groups matched: a whole word beats a prefix, a title or term beats an
   inclusion term, which beats our description;
5. the code set the query names ("dx", "cpt", a dose asks for a drug);
6. billable codes before their headers;
7. the "unspecified" code when the words give no detail;
8. curated injection content at a tie, a vaccine of fewer components first; then bm25
   order.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from desktop.reference.search.query import words_of
from desktop.reference.store import CodeSummary

# Words a default code's title adds that a person does not type.
_DEFAULT_WORDS = frozenset(
    "unspecified uncomplicated organism nos site not specified of the and or type".split()
)
_UNSPECIFIED = frozenset(("unspecified", "nos"))
# The words of ICD-10-CM's 7th character "A" (initial encounter, for active treatment):
# the one a person means who names an injury ("wrist sprain"), so not counted as words
# the query did not ask for; "subsequent encounter" and "sequela" still are.
_INITIAL_WORDS = frozenset(("initial", "encounter", "for", "closed"))
#: The most a group can score on one text: the words as typed (1.0) in a text of weight
#: 1.0 (no text weighs more).
BEST_HIT = 1.0
#: What a word stands for, its words all there in another order (see _GroupTest).
SCATTERED_HIT = 0.8
#: Taken off a row whose title names a typed word only after "without".
NEGATED_PENALTY = 0.9


@dataclass(frozen=True, slots=True)
class Group:
    """One word that matters (or a phrase), as alternatives token sequences."""

    words: tuple[str, ...]
    alts: list[tuple[str, ...]]
    prefix: str | None  # also matches words starting with this
    literal: int = 1  # the first alternatives are what was typed; the rest stand for it


@dataclass(frozen=True, slots=True)
class Text:
    weight: float
    tokens: tuple[str, ...]
    token_set: frozenset[str]
    label: str | None  # what to show as "matched" (None: the title itself)
    key: str
    title: bool
    joined: frozenset[str]  # adjacent words written as one ("solu medrol" -> "solumedrol")
    spaced: str  # " a b c": phrases and prefixes are looked for in it
    dkey: str  # the key an exact match is judged on (a title without "unspecified")
    # Worked out once a text (the rows are kept between searches), not once a search:
    unspecified: bool  # a title naming the "unspecified" (default) code (titles only)
    plain: frozenset[str]  # a title's words a person types, not "unspecified", "of", ...
    #   (its words only, not two words joined: those would count a long title twice)
    negated: frozenset[str]  # a title's words only after "without" ("without angina")
    inherited: bool  # a header's text, lent to the billable codes under it

    @classmethod
    def of(
        cls,
        weight: float,
        text: str,
        label: str | None,
        *,
        title: bool = False,
        inherited: bool = False,
    ) -> Text:
        if not 0 < weight <= BEST_HIT:  # Scorer.score stops at BEST_HIT
            raise ValueError(f"a text's weight is in (0, {BEST_HIT}], not {weight}")
        tokens = tuple(words_of(text))
        joined = frozenset(a + b for a, b in itertools.pairwise(tokens))
        key = " ".join(tokens)
        if title:
            dkey = " ".join(t for t in tokens if t not in _DEFAULT_WORDS)
        elif tokens[-1:] == ("nos",):  # "Allergic reaction NOS" is "allergic reaction"
            dkey = " ".join(tokens[:-1])
        else:
            dkey = key
        token_set = frozenset(tokens) | joined
        return cls(
            weight,
            tokens,
            token_set,
            label,
            key,
            title,
            joined,
            f" {key} ",
            dkey,
            title and _is_default(tokens),
            frozenset(tokens) - _DEFAULT_WORDS - _INITIAL_WORDS if title else frozenset(),
            _negated(tokens) if title else frozenset(),
            inherited,
        )


def _negated(tokens: tuple[str, ...]) -> frozenset[str]:
    """The words a title names only to rule them out: after "without", up to a "with"
    ("Atherosclerotic heart disease of native coronary artery without angina pectoris")."""
    if "without" not in tokens:
        return frozenset()
    said: set[str] = set()
    ruled_out: set[str] = set()
    out = False
    for t in tokens:
        if t in ("with", "without"):
            out = t == "without"
        elif out:
            ruled_out.add(t)
        else:
            said.add(t)
    return frozenset(ruled_out - said)


@dataclass(slots=True)
class Candidate:
    summary: CodeSummary
    texts: list[Text]
    order: int  # bm25 order among the full-text matches (0 for curated rows)
    tail: bool = False  # beyond the rows scored in full: kept in bm25 order, after them
    # A vaccine product's diseases (its components): at a tie, the single vaccine answers a
    # disease's name before the combinations that include it ("hep b": not Twinrix first).
    spread: int = 1


@dataclass(slots=True)
class Scored:
    candidate: Candidate
    matched_groups: int
    quality: float
    exact: bool
    label: str | None
    unspecified: bool
    match: str
    extra: int = 0  # title words the query did not ask for (a narrower code has more)
    other_drug: bool = False  # a drug row without the drug the query names
    covered: int = 0  # typed words the matched groups stand for
    lent: bool = False  # exact only as a code under a header named exactly


def _nearly(key: str, typed: set[str]) -> bool:
    """The typed words are the key with its last word still being typed ("headach")."""
    for k in typed:
        near = key.startswith(k) and len(k) >= 4 and 0 < len(key) - len(k) <= 3
        if near and " " not in key[len(k) :]:
            return True
    return False


def scattered(g: Group) -> list[tuple[str, ...]]:
    """What the group's words stand for that also match with their words in any order:
    phrases of three words or more ("urinary tract infection" is also "infection of
    urinary tract"). Two-word ones are nearly always written as they are ("heart
    failure"), and their words alone would crowd the rows the typed word finds."""
    return [a for a in g.alts[g.literal :] if len(a) >= 3]


class _GroupTest:
    """A group made ready for checking many texts: 1.0 for the words as typed, 0.9 for
    what they stand for, 0.8 for all the words of what they stand for in another order
    ("uti": "infection of urinary tract"), 0.7 for a prefix (a word still being typed),
    else 0."""

    __slots__ = ("firsts", "levels", "prefix", "scattered")

    def __init__(self, g: Group) -> None:
        def words_and_phrases(
            alts: list[tuple[str, ...]],
        ) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
            words = frozenset(a[0] for a in alts if len(a) == 1)
            phrases = tuple((a[0], " " + " ".join(a) + " ") for a in alts if len(a) > 1)
            return words, phrases

        # The literal alternatives (as typed) come first in a group, then what they stand
        # for: the first level that matches decides the score.
        self.levels = (
            (BEST_HIT, *words_and_phrases(g.alts[: g.literal])),
            (0.9, *words_and_phrases(g.alts[g.literal :])),
        )
        self.prefix = " " + g.prefix if g.prefix else None
        # ICD-10-CM titles often turn a phrase round ("Infection of urinary tract"): what
        # a word stands for also matches with all its words, in any order.
        self.scattered = tuple((a[0], frozenset(a)) for a in scattered(g))
        # Every word an alternative starts with: most texts have none of them.
        self.firsts = frozenset(a[0] for a in g.alts if a)

    def hits(self, t: Text) -> float:
        tokens = t.token_set
        if not self.firsts.isdisjoint(tokens):
            for level, words, phrases in self.levels:
                if not words.isdisjoint(tokens):
                    return level
                for first, phrase in phrases:
                    if first in tokens and phrase in t.spaced:
                        return level
            for first, words in self.scattered:
                if first in tokens and words <= tokens:
                    return SCATTERED_HIT
        if self.prefix is not None and self.prefix in t.spaced:
            return 0.7
        return 0.0


class Scorer:
    """Scores the candidates of one search (what depends only on the query is worked
    out once here, not once a row)."""

    def __init__(
        self,
        groups: list[Group],
        exact_keys: set[str],
        weak: list[str],
        drug_groups: list[int] | None = None,
    ) -> None:
        self.tests = [_GroupTest(g) for g in groups]
        # How many typed words each group stands for ("std exposure": 2, "visit": 1).
        self.sizes = [max(1, len(g.words)) for g in groups]
        # The groups that name a drug: a drug row matching none of them is another drug.
        self.drug_groups = frozenset(drug_groups or ())
        # Each group's words, to tell a title that rules them out ("without angina")
        # unless the query itself says "without".
        self.group_words = [frozenset(w for alt in g.alts for w in alt) for g in groups]
        self.says_without = any(w in ("without", "wo") for w in weak)
        self.exact_keys = exact_keys
        self.weak = weak
        self.typed = frozenset(w for g in groups for alt in g.alts for w in alt)
        self.prefixes = tuple(g.prefix for g in groups if g.prefix)
        # The lengths a key can have to be "nearly" a typed one (see _nearly): most texts
        # are ruled out by their length, without the call.
        self.near_lengths = frozenset(
            len(k) + d for k in exact_keys if len(k) >= 4 for d in (1, 2, 3)
        )

    def score(self, c: Candidate) -> Scored:  # noqa: C901 - one pass, kept together
        if c.tail:
            return Scored(c, 1, 0.0, False, None, False, "text")
        matched = 0
        quality = 0.0
        label_votes: dict[str, float] = {}
        title_covers = True
        texts = c.texts
        named = False
        covered = 0
        for n, test in enumerate(self.tests):
            best = 0.0
            best_label: str | None = None
            title_hit = 0.0
            title_seen = False
            firsts, prefix = test.firsts, test.prefix
            for t in texts:
                # The quick "no" (most texts hold none of the group's words) before the call.
                if firsts.isdisjoint(t.token_set) and (prefix is None or prefix not in t.spaced):
                    h = 0.0
                else:
                    h = test.hits(t) * t.weight
                if t.title:
                    title_hit = h
                    title_seen = True
                if h > best:
                    best, best_label = h, t.label
                if best >= BEST_HIT and title_seen:
                    break  # no later text can score higher or change the title's hit
            if best > 0:
                matched += 1
                quality += best
                named = named or n in self.drug_groups
                covered += self.sizes[n]
                if best_label is not None and title_hit < best:
                    label_votes[best_label] = label_votes.get(best_label, 0.0) + best
            # A title with what a word stands for only turned round ("infection of
            # urinary tract" for "uti") does not say why the row matched: the term does.
            if title_hit == 0 or title_hit == SCATTERED_HIT:
                title_covers = False
        exact_keys = self.exact_keys
        exact = False
        lent = False
        nos = False
        label = None
        near_lengths = self.near_lengths
        for t in texts:  # the row's own texts come before what a header lends it
            dkey = t.dkey
            if (
                dkey in exact_keys
                or t.key in exact_keys
                or (len(dkey) in near_lengths and _nearly(dkey, exact_keys))
            ):
                exact = True
                lent = t.inherited
                # "Mumps NOS" (B26.9): the code for the words with nothing more said
                nos = not t.title and not t.inherited and dkey != t.key and dkey in exact_keys
                if not t.title and t.label:
                    label = t.label
                break
        if label is None and label_votes and not title_covers:
            label = max(label_votes.items(), key=lambda kv: kv[1])[0]
        title = texts[0] if texts and texts[0].title else next((t for t in texts if t.title), None)
        extra = 0
        unspecified = False
        if title is not None:
            if self.weak:
                quality += 0.1 * sum(1 for w in self.weak if w in title.token_set)
            if title.negated and not self.says_without:
                # "cad with angina": a title "... without angina pectoris" is not it.
                quality -= NEGATED_PENALTY * sum(
                    1 for words in self.group_words if not words.isdisjoint(title.negated)
                )
            unspecified = title.unspecified or nos
            if not nos:
                rest = title.plain - self.typed
                prefixes = self.prefixes
                extra = len(rest)
                if prefixes:  # a word still being typed may be one of them
                    extra -= sum(1 for w in rest if w.startswith(prefixes))
        kind = "term" if exact and label else ("text" if matched else "prefix")
        other_drug = bool(self.drug_groups) and not named and c.summary.kind == "drug"
        return Scored(
            c, matched, quality, exact, label, unspecified, kind, extra, other_drug, covered, lent
        )


def _is_default(tokens: tuple[str, ...]) -> bool:
    """An "unspecified" (or NOS) code: the word qualifies the condition itself, not a
    complication named after "with" ("Opioid dependence with unspecified ... disorder")."""
    head = tokens[: tokens.index("with")] if "with" in tokens else tokens
    return bool(set(head) & _UNSPECIFIED)


def lend_exactness(scored: list[Scored]) -> None:
    """A header named exactly ("whooping cough": A37) is not billable: the billable codes
    under it (an ICD-10-CM code begins with its headers' codes) that match the words as
    well as it does answer exactly too, after the rows that are the words themselves
    ("migraine": G43.909, its term, first). A code whose title rules a word out ("Vomiting
    without nausea") matches less well, and is lent nothing."""
    named = [
        (s.candidate.summary.code, s.quality)
        for s in scored
        if s.exact
        and s.candidate.summary.billable is False
        and s.candidate.summary.system == "ICD-10-CM"
    ]
    if not named:
        return
    for s in scored:
        row = s.candidate.summary
        if not s.exact and row.billable and row.system == "ICD-10-CM":
            s.exact = s.lent = any(
                row.code.startswith(code) and round(s.quality, 2) >= round(quality, 2)
                for code, quality in named
            )


def rank(scored: list[Scored], intent: str | None) -> list[Scored]:
    def key(s: Scored) -> tuple[object, ...]:
        summary = s.candidate.summary
        return (
            summary.status != "active",
            s.candidate.tail,
            s.other_drug,
            -s.matched_groups,
            -s.covered,
            # An exact match on a header (not billable) does not put it before billable
            # codes of the same words: "sprain ankle" is S93.409A before S93.4.
            not (s.exact and summary.billable is not False),
            s.lent,
            -round(s.quality, 2),
            intent is not None and summary.system != intent,
            summary.billable is False,
            s.extra if intent == "ICD-10-CM" or summary.system == "ICD-10-CM" else 0,
            not s.unspecified,
            not summary.curated,
            s.candidate.spread,
            s.candidate.order,
            summary.code,
        )

    return sorted(scored, key=key)
