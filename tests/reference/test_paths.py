"""Which reference database is opened, on real files: environment, shared pack,
imported, bundled (the order in paths.py's docstring)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.reference import paths, update
from tests.reference.codefiles import write_order_file

ORDER = [
    ("E53", False, "Deficiency of other B group vitamins"),
    ("E53.8", True, "Deficiency of other specified B group vitamins"),
    ("E53.81", True, "Deficiency of vitamin zetamin"),
    ("Z23", True, "Encounter for immunization"),
]


def _import(tmp_path: Path) -> Path:
    new_db = update.prepare_import(
        [write_order_file(tmp_path / "icd10cm_order_2027.txt", ORDER)]
    ).commit()
    assert new_db is not None
    return new_db


def test_bundled_when_nothing_else_is_there(mini_bundled: Path) -> None:
    choice = paths.reference_choice()
    assert (choice.origin, choice.path) == ("bundled", mini_bundled)
    assert paths.default_reference_db() == mini_bundled


def test_the_environment_wins(
    mini_bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.sqlite"
    monkeypatch.setenv(paths.ENV_REFERENCE_DB, str(other))
    choice = paths.reference_choice()
    assert (choice.origin, choice.path) == ("environment", other)


def test_the_imported_database_the_pointer_names(mini_bundled: Path, tmp_path: Path) -> None:
    new_db = _import(tmp_path)
    assert paths.active_imported_db() == new_db
    assert paths.reference_choice().origin == "imported"
    pointer = json.loads(paths.pointer_file().read_text(encoding="utf-8"))
    assert pointer["file"] == new_db.name


def test_a_pointer_to_a_missing_file_falls_back_to_bundled(
    mini_bundled: Path, tmp_path: Path
) -> None:
    _import(tmp_path).unlink()
    choice = paths.reference_choice()
    assert (choice.origin, choice.path) == ("bundled", mini_bundled)
    assert any("imported" in n for n in choice.notes)


def test_a_valid_shared_pack_wins_over_the_imported_one_and_a_damaged_one_is_skipped(
    mini_bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = tmp_path / "share"
    pack = update.export_pack(share, mini_bundled)
    _import(tmp_path)
    monkeypatch.setenv("QUICKREF_SHARED_DATA", str(share))
    choice = paths.reference_choice()
    assert (choice.origin, choice.path) == ("shared", pack.db)

    raw = bytearray(pack.db.read_bytes())
    raw[100] ^= 0xFF
    pack.db.write_bytes(bytes(raw))
    results = dict(paths.shared_packs(share))
    assert isinstance(results[pack.metadata], str)  # why it is not used
    assert paths.reference_choice().origin == "imported"
