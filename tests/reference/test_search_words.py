"""The search's vocabulary (desktop/reference/search/words.py) on the real reference data."""

from __future__ import annotations

import pytest

from desktop.reference.search.words import Vocabulary
from desktop.reference.store import ReferenceStore


@pytest.fixture(scope="module")
def words(store: ReferenceStore) -> Vocabulary:
    return Vocabulary(store)


def test_what_is_in_the_data(words: Vocabulary) -> None:
    assert words.found("fracture")  # a word of titles
    assert words.found("fractu")  # the start of one, still being typed
    assert words.found("chf")  # a single-word search term
    assert words.found("im")  # a synonym
    assert not words.found("xqzv")


def test_a_typo_is_corrected_and_a_known_word_is_not(words: Vocabulary) -> None:
    assert words.correct("diabetis") == "diabetes"
    assert words.correct("diabetes") == "diabetes"
    assert words.correct("epipen") == "epipen"  # two edits and another first letter


def test_an_inflection_is_its_stem_not_a_typo(words: Vocabulary) -> None:
    assert words.stem("gums", words.correct("gums")) == "gum"  # never "guns"
    assert words.stem("refused", words.correct("refused")) == "refus"  # refusal
    assert words.bases("fractured") == ["fracture"]


def test_a_common_word_is_commoner_than_a_rare_one(words: Vocabulary) -> None:
    assert words.prefix_freq("injection") > words.prefix_freq("rotavirus") > 0
    assert words.prefix_freq("xqzv") == 0


@pytest.mark.parametrize(
    "typo", ["sure", "rating", "hitus", "coker", "saing", "injecton", "pnuemonia", "ketorolak"]
)
def test_a_one_slip_typo_becomes_the_best_word_one_edit_away(words: Vocabulary, typo: str) -> None:
    """Among all the words one edit away (a swap of two letters is one): a swap first, then
    the same first letter, the commoner word, then A-Z. The corrector had looked only among the
    eight words most like the typo by another measure, and missed better ones ("sure" became
    "sore", not the commoner "surf"; "hitus" "hiatus", two edits, not "hilus")."""
    from rapidfuzz.distance import OSA

    one = [w for w in words.fix_words() if OSA.distance(typo, w) == 1]
    assert one, "the premise: the data has words one edit away"
    expected = min(
        one,
        key=lambda c: (
            1 - (0.5 if sorted(c) == sorted(typo) else 0.0),
            c[0] != typo[0],
            -words.freq.get(c, 0),
            c,
        ),
    )
    assert words.correct(typo) == expected


def test_the_words_one_edit_away_are_all_found_without_comparing_them_all(
    words: Vocabulary,
) -> None:
    """The corrector compares a typo only with the words of its first letter and length
    (give or take one), and looks up the edits at the first letter. On typos of every kind
    of slip, at every position, the first letter among them, it finds exactly the words a
    comparison with every word finds."""
    import random

    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    rnd = random.Random(3)
    everything = words.fix_words()
    sample = rnd.sample([w for w in everything if w.isalpha() and len(w) >= 5], 60)
    letters = "abcdefghijklmnopqrstuvwxyz"
    typos = set()
    for w in sample:
        for i in (0, 1, rnd.randrange(len(w))):  # the first letters, and one anywhere
            typos |= {
                w[:i] + rnd.choice(letters) + w[i + 1 :],  # changed
                w[:i] + rnd.choice(letters) + w[i:],  # added
                w[:i] + w[i + 1 :],  # dropped
                w[:i] + w[i + 1 : i + 2] + w[i : i + 1] + w[i + 2 :],  # swapped
            }
    typos = {t for t in typos if len(t) >= 4 and not words.found(t)}
    assert len(typos) > 300, "the premise: many typos the data does not hold"
    for t in sorted(typos):
        brute = {
            str(m[0])
            for m in process.extract(t, everything, scorer=OSA.distance, score_cutoff=1, limit=None)
        }
        assert set(words._one_edit(t)) == brute - {t}, t


def test_words_run_together_are_split_into_common_words_only(words: Vocabulary) -> None:
    assert words.split("burnout") == ["burn", "out"]  # Z73.0 "Burn-out"
    assert words.split("lowbackpain") == ["low", "back", "pain"]
    assert words.split("shortnessofbreath") == ["shortness", "of", "breath"]
    assert words.split("fracture") is None  # a word
    assert words.split("cystits") is None  # one edit from "cystitis": a typo
    assert words.split("sincoa") is None  # "coa" is no common word
    assert words.split("ofpain") is None  # a small word only between two
