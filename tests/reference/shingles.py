"""Word shingles for the CPT wording test: normalised 7-word runs and their SHA-256 hashes.

Text is lower-cased, every run of characters that are not letters or digits becomes one
space, and the words are joined by single spaces. ``shingles(text)`` is every run of
:data:`SIZE` consecutive words. Only the hashes of a descriptor's shingles are stored
(tests/reference/data/cpt_descriptor_shingles.json): no AMA text is kept in the repo.
"""

from __future__ import annotations

import hashlib
import re

SIZE = 7
_NON_WORD = re.compile(r"[^0-9a-z]+")


def words(text: str) -> list[str]:
    return _NON_WORD.sub(" ", text.lower()).split()


def shingles(text: str, size: int = SIZE) -> list[str]:
    w = words(text)
    return [" ".join(w[i : i + size]) for i in range(len(w) - size + 1)]


def digest(shingle: str) -> str:
    return hashlib.sha256(shingle.encode("utf-8")).hexdigest()
