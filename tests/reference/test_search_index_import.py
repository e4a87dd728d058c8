"""The ICD-10-CM Alphabetic Index importer, on files generated in CDC's published layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.reference import update
from desktop.reference.importers import icd10cm_index
from desktop.reference.importers.common import ImportFileError
from desktop.reference.search import SearchEngine
from desktop.reference.store import ReferenceStore

INDEX = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.index>
  <version>2026</version>
  <title>ICD-10-CM INDEX TO DISEASES and INJURIES</title>
  <letter>
    <title>D</title>
    <mainTerm>
      <title>Deficiency, deficient</title>
      <term level="1">
        <title>vitamin <nemod>(multiple) NOS</nemod></title>
        <code>E56.9</code>
        <term level="2">
          <title>B (complex) NEC</title>
          <code>E53.9</code>
          <term level="3"><title>zorbalamin</title><code>E53.8</code></term>
        </term>
      </term>
    </mainTerm>
    <mainTerm><title>Defect</title><seeAlso>Anomaly</seeAlso></mainTerm>
  </letter>
  <letter>
    <title>V</title>
    <mainTerm>
      <title>Vaccination <nemod>(prophylactic)</nemod></title>
      <term level="1"><title>encounter for</title><code>Z23</code></term>
      <term level="1"><title>delayed</title><see>Delay, vaccination</see></term>
    </mainTerm>
  </letter>
</ICD10CM.index>
"""


def _write(tmp_path: Path, text: str, name: str = "icd10cm-index-2026.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_join_their_levels_without_nonessential_modifiers(tmp_path: Path) -> None:
    entries = list(icd10cm_index.read_index(_write(tmp_path, INDEX)))
    assert [(e.term, e.code) for e in entries] == [
        ("Deficiency, deficient, vitamin", "E56.9"),
        ("Deficiency, deficient, vitamin, B (complex) NEC", "E53.9"),
        ("Deficiency, deficient, vitamin, B (complex) NEC, zorbalamin", "E53.8"),
        ("Vaccination, encounter for", "Z23"),
    ]


def test_the_format_is_recognised(tmp_path: Path) -> None:
    assert update.detect_format(_write(tmp_path, INDEX)) == icd10cm_index.FORMAT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
         "<ICD10CM.index><letter><mainTerm><title>&b;</title><code>Z23</code></mainTerm>"
         "</letter></ICD10CM.index>", "document type declaration"),
        ("<ICD10CM.tabular></ICD10CM.tabular>", "expected <ICD10CM.index>"),
        ("<ICD10CM.index><letter><mainTerm><title>x</title>", "not well-formed"),
        ("<ICD10CM.index>" + "<term><title>t</title>" * 20 + "</term>" * 20 + "</ICD10CM.index>",
         "nested deeper"),
        ("<ICD10CM.index><mainTerm><title>" + "y" * 500 + "</title></mainTerm></ICD10CM.index>",
         "longer than"),
        ("<ICD10CM.index><mainTerm><title>x</title><see>y</see></mainTerm></ICD10CM.index>",
         "no index entries"),
    ],
)  # fmt: skip
def test_hostile_and_broken_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        list(icd10cm_index.read_index(_write(tmp_path, text)))


def test_imported_index_terms_become_search_terms(mini_bundled: Path, tmp_path: Path) -> None:
    staged = update.prepare_import([_write(tmp_path, INDEX)])
    staged.commit()
    with ReferenceStore() as store:
        engine = SearchEngine(store)
        top = engine.search("zorbalamin").results[0]
        assert top.code == "E53.8"
        assert top.matched is not None and "zorbalamin" in top.matched
        z23 = store.get("Z23")
        assert z23 is not None and "Vaccination, encounter for" in z23.terms
