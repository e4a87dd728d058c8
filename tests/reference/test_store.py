"""ReferenceStore on the real built database (the mini build: curated data + tiny ICD)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.reference.keys import SCHEMA_VERSION, SYSTEMS
from desktop.reference.store import ReferenceDataError, ReferenceStore


def test_records_summaries_and_info(mini_db: Path) -> None:
    with ReferenceStore(mini_db, verify=True) as store:
        rec = store.get("96372")
        assert rec is not None and rec.system == "CPT" and rec.title
        assert store.get("e53.8") is not None  # case and dot do not matter to look-ups
        assert store.get("NOPE9") is None
        drug = store.get("J3420")
        assert drug is not None and drug.billing_unit is not None
        assert drug.billing_unit.unit in ("mg", "mcg", "g", "units", "mL")
        [summary] = store.summaries([rec.summary.id])
        assert summary.code == "96372"
        info = store.info()
        assert info.schema_version == SCHEMA_VERSION
        assert [c.system for c in info.code_sets] == sorted(SYSTEMS)
        assert all(c.codes > 0 for c in info.code_sets)
        counts = dict(store.query("SELECT system, count(*) FROM codes GROUP BY system"))
        assert {c.system: c.codes for c in info.code_sets} == counts
        assert {s.id for s in info.sources} >= {rec.source.id}


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="missing"):
        ReferenceStore(tmp_path / "nope.sqlite")


def test_verify_finds_a_changed_byte(mini_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(mini_db, copy)
    con = sqlite3.connect(copy)
    con.execute("UPDATE codes SET title = title || '!' WHERE code = '96372'")
    con.commit()
    con.close()
    with ReferenceStore(copy) as store:  # opens: the bytes are not checked unless asked
        assert store.get("96372") is not None
    with pytest.raises(ReferenceDataError):
        ReferenceStore(copy, verify=True)


def test_another_schema_version_is_refused(mini_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(mini_db, copy)
    con = sqlite3.connect(copy)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(ReferenceDataError, match="schema"):
        ReferenceStore(copy)


def test_file_check_reads_the_checksum_now_and_hashes_later_without_the_store(
    reference_db: Path, tmp_path: Path
) -> None:
    """The window hashes the file on a thread just after its first paint; by then the
    store may be closed (a window closed at once), so the check must not need it."""
    good = ReferenceStore(reference_db)
    check = good.file_check()
    good.close()
    check()  # no database access: works on a closed store

    copy = tmp_path / "reference.sqlite"
    shutil.copyfile(reference_db, copy)
    store = ReferenceStore(copy)
    check = store.file_check()
    store.close()
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    copy.write_bytes(bytes(data))
    with pytest.raises(ReferenceDataError, match="checksum"):
        check()
