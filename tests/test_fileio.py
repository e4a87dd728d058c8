"""Atomic replacement and escaped SQLite URIs, on real files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.fileio import atomic_path, atomic_write, atomic_write_text, sqlite_uri


def test_atomic_write_replaces_and_a_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    atomic_write_text(target, "one")
    assert target.read_text(encoding="utf-8") == "one"
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("half of two")
        raise RuntimeError("disk pulled out")
    assert target.read_text(encoding="utf-8") == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]  # no temp left


def test_atomic_path_for_writers_that_need_a_path(tmp_path: Path) -> None:
    target = tmp_path / "db.sqlite"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and not tmp.exists()
        con = sqlite3.connect(tmp)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
        assert not target.exists()  # not before the block ends
    assert sqlite3.connect(target).execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert [p.name for p in tmp_path.iterdir()] == ["db.sqlite"]


@pytest.mark.parametrize("name", ["a#b", "what?mode=rwc", "100%25", "sp ace", "quo'te"])
def test_sqlite_uri_opens_exactly_the_named_file(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    folder.mkdir()
    db = folder / "x.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (v)")
    con.execute("INSERT INTO t VALUES ('here')")
    con.commit()
    con.close()
    ro = sqlite3.connect(sqlite_uri(db, immutable=True), uri=True)
    assert ro.execute("SELECT v FROM t").fetchone() == ("here",)
    with pytest.raises(sqlite3.OperationalError):
        ro.execute("INSERT INTO t VALUES ('no')")  # read-only as asked
    ro.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_remove_stale_takes_only_old_matching_files(tmp_path: Path) -> None:
    import os
    import time

    from desktop.fileio import remove_stale

    old, young, other = (tmp_path / n for n in (".x.partial.1", ".x.partial.2", "keep.old"))
    for p in (old, young, other):
        p.write_text("x")
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    os.utime(other, (hour_ago, hour_ago))
    assert remove_stale(tmp_path, ".x.partial.*", 3600) == [old]
    assert not old.exists() and young.exists() and other.exists()
