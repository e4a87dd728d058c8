"""Damaged, incomplete and odd reference databases: exit 2 with an accurate message."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.hostile.conftest import HANG_TIMEOUT, Runner, Unprivileged, reseal


def _flip_in_record(db: Path, code: bytes) -> None:
    """Change one byte of the title stored just after ``code`` in the codes table."""
    data = bytearray(db.read_bytes())
    start = data.find(code)
    while start >= 0:
        window = data[start : start + 200]
        if b"eftriaxone" in window:
            i = start + window.index(b"eftriaxone")
            data[i] ^= 0x01
            db.write_bytes(bytes(data))
            return
        start = data.find(code, start + 1)
    raise AssertionError("J0696's record not found")


def test_one_changed_byte_in_j0696_gives_exit_2_and_no_answer(run: Runner, db_copy: Path) -> None:
    assert run("--db", str(db_copy), "units", "J0696", "1", "g").code == 0
    _flip_in_record(db_copy, b"J0696")
    r = run("--db", str(db_copy), "units", "J0696", "1", "g")
    assert r.code == 2 and r.out == ""
    assert "checksum" in r.err and "use-bundled" in r.err


def test_verification_is_remembered_and_a_changed_file_is_verified_again(
    run: Runner, db_copy: Path, env: dict[str, str]
) -> None:
    assert run("--db", str(db_copy), "show", "J0696").code == 0
    cache = Path(env["QUICKREF_DATA_DIR"]) / "verified.json"
    assert cache.is_file() and str(db_copy.resolve()) in cache.read_text()
    st = db_copy.stat()
    _flip_in_record(db_copy, b"J0696")
    os.utime(db_copy, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size and mtime: ctime moved
    assert run("--db", str(db_copy), "show", "J0696").code == 2


@pytest.mark.parametrize(
    "content", ["{not json", "[" * 200_000, '{"format": "quickref-verified-1", "entries": 5}']
)
def test_a_damaged_verification_cache_is_ignored(
    run: Runner, db_copy: Path, env: dict[str, str], content: str
) -> None:
    folder = Path(env["QUICKREF_DATA_DIR"])
    folder.mkdir()
    (folder / "verified.json").write_text(content)
    r = run("--db", str(db_copy), "units", "J0696", "1", "g", timeout=HANG_TIMEOUT * 4)
    assert r.code == 0 and "J0696 x 4" in r.out


def test_db_with_missing_tables_is_refused_naming_them(run: Runner, db_copy: Path) -> None:
    con = sqlite3.connect(db_copy)
    con.execute("DROP TABLE synonyms")
    con.commit()
    con.close()
    reseal(db_copy)  # right checksum and schema number, but incomplete
    r = run("--db", str(db_copy), "search", "toradol")
    assert r.code == 2 and "synonyms" in r.err and "incomplete" in r.err


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir() or p, "is a folder"),
        (lambda p: _write(p, b""), "is empty"),
        (lambda p: _schema0(p), "not a QuickRef reference database (schema version 0)"),
        (lambda p: _write(p, b"hello, not a database" * 100), "damaged or not"),
        (lambda p: _fifo(p), "pipe/FIFO"),
        (lambda p: p.symlink_to("/dev/zero") or p, "is not a regular file (it is a device)"),
        (lambda p: Path("/dev/stdin"), "not a regular file"),
        (lambda p: Path("/proc/self/status"), "system file"),
        (lambda p: p, "is missing"),
    ],
    ids=["folder", "empty", "schema0", "garbage", "fifo", "dev-zero", "stdin", "proc", "missing"],
)
def test_each_odd_db_path_has_its_own_message(
    run: Runner, tmp_path: Path, make: object, words: str
) -> None:
    path = make(tmp_path / "reference.sqlite")  # type: ignore[operator]
    r = run("--db", str(path), "show", "96372", timeout=HANG_TIMEOUT)
    assert r.code == 2 and words in r.err, r.err
    assert r.out == ""


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _schema0(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE other (x)")
    con.commit()
    con.close()
    return path


def _reachable_copy(unprivileged: Unprivileged, mini_db: Path) -> Path:
    folder = unprivileged.folder / "copy"
    folder.mkdir(mode=0o755)
    db = folder / "reference.sqlite"
    shutil.copyfile(mini_db, db)
    db.chmod(0o644)
    return db


def test_db_in_a_folder_that_cannot_be_entered(unprivileged: Unprivileged, mini_db: Path) -> None:
    db = _reachable_copy(unprivileged, mini_db)
    assert unprivileged.run("--db", str(db), "show", "96372").code == 0  # reachable: it works
    db.parent.chmod(0o000)
    r = unprivileged.run("--db", str(db), "show", "96372")
    assert r.code == 2 and "cannot be entered" in r.err


def test_unreadable_db(unprivileged: Unprivileged, mini_db: Path) -> None:
    db = _reachable_copy(unprivileged, mini_db)
    db.chmod(0o000)
    r = unprivileged.run("--db", str(db), "show", "96372")
    assert r.code == 2 and "permission denied" in r.err


def test_db_info_verifies_and_names_no_pack(run: Runner, db_copy: Path) -> None:
    import json

    r = run("--db", str(db_copy), "db", "info", "--json")
    assert r.code == 0
    info = json.loads(r.out)
    assert info["checksum_ok"] is True and info["pack"] is None
