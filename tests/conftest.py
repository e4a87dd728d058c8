"""Shared fixtures: one real reference database, built once per run into a temp folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nothing a test runs writes into the real user folder (the CLI caches verifications there).
os.environ.setdefault("QUICKREF_DATA_DIR", tempfile.mkdtemp(prefix="quickref-test-data-"))

from desktop.reference.build import build
from desktop.reference.search import SearchEngine
from desktop.reference.store import ReferenceStore

MINI_TABULAR = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2026</version>
  <chapter>
    <name>4</name>
    <desc>Endocrine, nutritional and metabolic diseases (E00-E89)</desc>
    <sectionIndex><sectionRef first="E50" last="E64" id="E50-E64">Other nutritional deficiencies</sectionRef></sectionIndex>
    <section id="E50-E64">
      <desc>Other nutritional deficiencies (E50-E64)</desc>
      <diag>
        <name>E53</name>
        <desc>Deficiency of other B group vitamins</desc>
        <diag><name>E53.8</name><desc>Deficiency of other specified B group vitamins</desc>
          <inclusionTerm><note>Cyanocobalamin deficiency</note></inclusionTerm>
        </diag>
        <diag><name>E53.9</name><desc>Vitamin B deficiency, unspecified</desc></diag>
      </diag>
    </section>
  </chapter>
  <chapter>
    <name>21</name>
    <desc>Factors influencing health status and contact with health services (Z00-Z99)</desc>
    <sectionIndex><sectionRef first="Z20" last="Z29" id="Z20-Z29">Persons with potential health hazards</sectionRef></sectionIndex>
    <section id="Z20-Z29">
      <desc>Persons with potential health hazards related to communicable diseases (Z20-Z29)</desc>
      <diag><name>Z23</name><desc>Encounter for immunization</desc></diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real reference database (full ICD-10-CM), built by the real builder."""
    path = tmp_path_factory.mktemp("refdb") / "reference.sqlite"
    build(path)
    return path


@pytest.fixture(scope="session")
def store(reference_db: Path) -> Iterator[ReferenceStore]:
    with ReferenceStore(reference_db) as s:
        yield s


@pytest.fixture(scope="session")
def engine(store: ReferenceStore) -> SearchEngine:
    return SearchEngine(store)


@pytest.fixture
def mini_tabular(tmp_path: Path) -> Path:
    """A tiny ICD-10-CM tabular file in the official layout, for fast builds."""
    path = tmp_path / "mini_tabular.xml"
    path.write_text(MINI_TABULAR, encoding="utf-8")
    return path


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh per-user data folder (pins, recents, checklist runs)."""
    path = tmp_path / "user"
    monkeypatch.setenv("QUICKREF_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def mini_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real builder on the curated sources and the tiny ICD-10-CM file: builds fast."""
    folder = tmp_path_factory.mktemp("minidb")
    xml = folder / "mini.xml"
    xml.write_text(MINI_TABULAR, encoding="utf-8")
    return build(folder / "reference.sqlite", icd_xml=xml).path


@pytest.fixture
def mini_bundled(user_dir: Path, monkeypatch: pytest.MonkeyPatch, mini_db: Path) -> Iterator[Path]:
    """A fresh user folder, no overrides, and the mini database as the 'bundled' one.

    Fails the test if anything changed the bundled database.
    """
    from desktop.reference import paths

    monkeypatch.delenv("QUICKREF_REFERENCE_DB", raising=False)
    monkeypatch.delenv("QUICKREF_SHARED_DATA", raising=False)
    monkeypatch.setattr(paths, "bundled_reference_db", lambda: mini_db)
    before = mini_db.read_bytes()
    yield mini_db
    assert mini_db.read_bytes() == before, "the bundled database must never change"
