"""The per-user database: location, migrations, pins, recents, clear failures."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from desktop.records.store import MIGRATIONS, UserDataError, UserStore, user_data_dir


def test_location_follows_env(user_dir: Path) -> None:
    assert user_data_dir() == user_dir
    with UserStore() as store:
        assert store.path == user_dir / "user.sqlite"
        assert store.schema_version == len(MIGRATIONS)
    assert (user_dir / "user.sqlite").exists()


def test_wal_and_private_permissions(user_dir: Path) -> None:
    with UserStore() as store:
        mode = store.read(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0])
        assert mode == "wal"
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(user_dir / "user.sqlite").st_mode) == 0o600
        assert stat.S_IMODE(os.stat(user_dir).st_mode) == 0o700


def test_pins_survive_reopen(user_dir: Path) -> None:
    with UserStore() as store:
        store.pin("CPT", "96372")
        store.pin("HCPCS", "J3420")
        store.pin("CPT", "96372")  # twice is once
        store.unpin("HCPCS", "J3420")
        store.pin("HCPCS", "J1885")
    with UserStore() as store:
        assert [(p.system, p.code) for p in store.pins()] == [("CPT", "96372"), ("HCPCS", "J1885")]
        assert store.is_pinned("CPT", "96372") and not store.is_pinned("HCPCS", "J3420")


def test_recents_newest_first_and_capped(user_dir: Path) -> None:
    with UserStore() as store:
        for i in range(60):
            store.add_recent("ICD-10-CM", f"Z{i:02d}")
        store.add_recent("ICD-10-CM", "Z05")
        recents = store.recents(limit=100)
        assert recents[0].code == "Z05"
        assert len(recents) == 50
        assert len({r.code for r in recents}) == 50


def test_newer_schema_is_refused(user_dir: Path) -> None:
    user_dir.mkdir(parents=True)
    con = sqlite3.connect(user_dir / "user.sqlite")
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    con.close()
    with pytest.raises(UserDataError, match="newer QuickRef"):
        UserStore()


def test_damaged_file_is_explained(user_dir: Path) -> None:
    user_dir.mkdir(parents=True)
    (user_dir / "user.sqlite").write_bytes(b"garbage" * 1000)
    with pytest.raises(UserDataError, match="damaged"):
        UserStore()


def test_locked_by_another_writer(user_dir: Path) -> None:
    with UserStore() as store:
        other = sqlite3.connect(user_dir / "user.sqlite", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            slow = UserStore(timeout=0.1)
            with pytest.raises(UserDataError, match="another QuickRef window"):
                slow.pin("CPT", "96372")
            slow.close()
        finally:
            other.execute("ROLLBACK")
            other.close()
        store.pin("CPT", "96372")
        assert store.is_pinned("CPT", "96372")
