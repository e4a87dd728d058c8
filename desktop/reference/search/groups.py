"""The words typed, as the groups a search matches: phrases kept together, shorthands
and synonyms as alternatives, typos corrected, the last word a prefix while it is typed.

:func:`word_groups` makes them for :mod:`desktop.reference.search.engine`;
:func:`meant_phrase` spells a query's shorthands out, for an exact term match. No Qt.
"""

from __future__ import annotations

from desktop.reference.keys import term_key
from desktop.reference.search.query import STOP_WORDS, ParsedQuery, words_of
from desktop.reference.search.ranking import Group
from desktop.reference.search.words import Vocabulary

__all__ = ["meant_phrase", "word_groups"]


def word_groups(
    parsed: ParsedQuery, vocabulary: Vocabulary, drug_words: set[str]
) -> tuple[list[Group], str | None]:
    """The words that matter as groups of alternatives; phrases kept together."""
    split = _split_run_together(parsed, vocabulary)
    words = parsed.all_words
    groups: list[Group] = []
    changed = False
    typed: list[str] = []
    # A bare number with a drug named ("toradol 60", "promethazine 25") is a dose with
    # no unit: a tie-break, never a word to match ("25" found etanercept, 25 mg).
    dose_number = parsed.dose is None and any(
        w in drug_words for w in (*parsed.words, "".join(parsed.words))
    )
    # An age ("tdap 11 year old", "flu vaccine 6 months", "over 65") says who the patient
    # is, not what a code is: its words only break ties ("11" had found the Moderna
    # vaccine "through 11 years" before Tdap).
    ages = _patient_words(words, parsed.words)
    i = 0
    while i < len(words) and len(groups) < 8:
        took = 0
        for n in (3, 2):
            chunk = words[i : i + n]
            if len(chunk) < n:
                continue
            spaced, joined = " ".join(chunk), "".join(chunk)
            for k in (spaced, joined):
                if k in vocabulary.synonyms:
                    alts = [tuple(chunk), (joined,)] + [
                        tuple(words_of(m)) for m in vocabulary.synonyms[k]
                    ]
                    groups.append(Group(tuple(chunk), _dedupe(alts), None, literal=2))
                    typed.append(spaced)
                    took = n
                    break
            if took:
                break
        if took:
            i += took
            continue
        w = words[i]
        i += 1
        if w not in parsed.words:
            continue
        if (dose_number and w.isdigit() and len(parsed.words) > 1) or (i - 1) in ages:
            parsed.weak.append(w)
            continue
        fixed = vocabulary.correct(w)
        stem = vocabulary.stem(w, fixed)
        if stem is not None:
            fixed = stem
        elif fixed != w:
            changed = True
        typed.append(fixed)
        alts = [(fixed,)]
        literal = 1
        stands_for = list(vocabulary.synonyms.get(fixed, []))
        if len(fixed) > 4 and fixed.endswith("s") and fixed not in vocabulary.known:
            # "injections" is "injection" as typed, and what that stands for.
            one = fixed[:-1]
            alts.append((one,))
            literal = 2
            stands_for += vocabulary.synonyms.get(one, [])
        alts += [tuple(words_of(m)) for m in stands_for]
        alts += [(b,) for b in vocabulary.bases(fixed)]
        prefix = None
        alone = len(parsed.words) == 1  # a first letter or two, still being typed
        last = i >= len(words)
        # A whole word is a prefix only while it may still be being typed (the last).
        typing = last or fixed not in vocabulary.word_set
        if (
            (len(fixed) >= 3 or alone)
            and typing
            and fixed not in vocabulary.known
            and not fixed.isdigit()
        ):
            prefix = fixed
        groups.append(Group((fixed,), _dedupe(alts), prefix, literal))
    if not groups and parsed.words:  # only stop words typed: search them as they are
        groups = [Group((w,), [(w,)], None) for w in parsed.words[:4]]
    return groups, _searched_for(typed, changed, parsed.all_words, split)


def _searched_for(typed: list[str], changed: bool, words: list[str], split: bool) -> str | None:
    """What to say the search was for: the words with typos corrected, or, with only
    spaces put in, the query as typed with them ("shortness of breath"); else None."""
    if changed:
        return " ".join(typed)
    return " ".join(words) if split else None


def _split_run_together(parsed: ParsedQuery, vocabulary: Vocabulary) -> bool:
    """Words typed without the spaces between them ("backpain", "shortnessofbreath") are
    searched as the words they run together; True when one was."""
    split = {w: parts for w in parsed.words if (parts := vocabulary.split(w))}
    if not split:
        return False
    parsed.words = [p for w in parsed.words for p in split.get(w, [w]) if p not in STOP_WORDS]
    parsed.all_words = [p for w in parsed.all_words for p in split.get(w, [w])]
    return True


def _dedupe(alts: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [a for a in dict.fromkeys(alts) if a]


# ("pediatric" stays a word: the pediatric-dose products are what "pediatric vaccine" asks.)
_AGE_GROUPS = frozenset("adult adults senior seniors elderly".split())
_AGE_UNITS = frozenset("year years yr yrs yo month months mo mos old".split())
_AGE_BEFORE = frozenset("age ages aged over under".split())


def _patient_words(words: list[str], meaningful: list[str]) -> set[int]:
    """The positions of the words that say who the patient is, not what the code is: an
    age among two other words or more, and an age group among other words ("tdap adult":
    Tdap, not every vaccine with "adult dose" in its title)."""
    out = _age_words(words) if len(meaningful) > 2 else set()
    if any(len(w) >= 3 and w not in _AGE_GROUPS for w in meaningful):
        out |= {n for n, w in enumerate(words) if w in _AGE_GROUPS}
    return out


def _age_words(words: list[str]) -> set[int]:
    """The positions of an age's words: a number with a unit after it ("11 year old",
    "6 months") or "age", "over", "under" before it ("over 65")."""
    out: set[int] = set()
    for n, w in enumerate(words):
        if not w.isdigit() or len(w) > 3:
            continue
        after = n + 1
        if after < len(words) and words[after] in _AGE_UNITS:
            out.add(n)
            while after < len(words) and words[after] in _AGE_UNITS:
                out.add(after)
                after += 1
        elif n > 0 and words[n - 1] in _AGE_BEFORE:
            out |= {n - 1, n}
    return out


def meant_phrase(groups: list[Group], words: list[str] | None = None) -> str:
    """The words typed with a shorthand of one meaning spelled out: "hep b vaccine" is then
    exactly the term "hepatitis b vaccine". Only among other words (alone, a shorthand
    already finds what it means), and only a shorthand for a phrase ("hep b", "hepb":
    "hepatitis b"); one of several meanings ("tdap") is left as typed. With ``words`` (all
    the words typed), the small words between the groups are kept: "hep a and b vaccine"
    is the term "hepatitis a and b vaccine". "" when nothing was spelled out."""
    if len(groups) < 2:
        return ""
    out: list[str] = []
    spelled = False

    def say(g: Group) -> None:
        nonlocal spelled
        if len(g.alts) == g.literal + 1 and len(g.alts[g.literal]) >= 2:
            out.extend(g.alts[g.literal])
            spelled = True
        else:
            out.extend(g.words)

    if words is None:
        for g in groups:
            say(g)
    else:
        i = n = 0
        while i < len(words):
            size = len(groups[n].words) if n < len(groups) else 0
            if size and tuple(words[i : i + size]) == groups[n].words:
                say(groups[n])
                i += size
                n += 1
            else:  # a small word, or a word the groups changed (a typo): as typed
                out.append(words[i])
                i += 1
    return term_key(" ".join(out)) if spelled else ""
