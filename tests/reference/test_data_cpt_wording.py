"""CPT titles and descriptions are our own words: no 7-word run of the AMA descriptor.

The descriptors are not in the repository: tests/reference/data/cpt_descriptor_shingles.json
holds only SHA-256 hashes of each descriptor's normalised 7-word shingles, made once from
the public quotations named in the file (see tests/reference/shingles.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.reference.store import ReferenceStore
from tests.reference.shingles import SIZE, digest, shingles

HASHES = Path(__file__).with_name("data") / "cpt_descriptor_shingles.json"


def _table() -> dict[str, set[str]]:
    data = json.loads(HASHES.read_text(encoding="utf-8"))
    assert data["size"] == SIZE
    return {code: set(entry["hashes"]) for code, entry in data["codes"].items()}


def _copied(text: str, hashes: set[str]) -> list[str]:
    return [s for s in shingles(text) if digest(s) in hashes]


def test_the_hash_table_covers_the_codes_the_issue_names() -> None:
    table = _table()
    for code in ("96379", "96373", "90471", "90460", "25", "96372", "99213", "95115"):
        assert table.get(code), code
    # The check itself finds a copy: a descriptor-like run built from our own data.
    sample = "therapeutic prophylactic or diagnostic injection specify substance or drug"
    assert _copied(sample, table["96372"])


@pytest.mark.parametrize("code", sorted(_table()))
def test_no_cpt_text_repeats_seven_words_of_its_descriptor(
    store: ReferenceStore, code: str
) -> None:
    rec = store.get(code, "CPT")
    if rec is None:
        pytest.skip(f"{code} is not in the data")
    hashes = _table()[code]
    for field, text in (("title", rec.title), ("description", rec.description)):
        copied = _copied(text, hashes)
        assert not copied, f"CPT {code} {field} repeats the descriptor: {copied[:3]}"
