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
