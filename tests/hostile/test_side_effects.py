"""Privacy and side effects: folder modes, Qt's settings file, the self-test's integrity check."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from tests.hostile.conftest import Runner

DIALOG = r"""
import os
from PySide6.QtWidgets import QFileDialog
from desktop.ui.app import application

app = application()
d = QFileDialog(None, "Export", os.environ["HOME"])
d.setOption(QFileDialog.Option.DontUseNativeDialog, True)
d.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
d.selectFile(os.path.join(os.environ["HOME"], "history-smith.csv"))
d.show()
app.processEvents()
d.accept()
app.processEvents()
del d
app.processEvents()
"""


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_file_dialog_settings_stay_in_the_data_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    data = home / "data"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUICKREF_", "XDG_"))}
    env.update(HOME=str(home), QUICKREF_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", DIALOG], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    outside = {p for p in _files(home) if data not in p.parents}
    outside = {p for p in outside if ".cache" not in p.parts}  # fontconfig's cache
    assert outside == set(), outside
    assert any(p.name == "QtProject.conf" for p in _files(data))  # Qt did save: in here


def test_new_data_folder_is_private_and_an_existing_one_keeps_its_mode(
    run: Runner, env: dict[str, str], mini_db: Path
) -> None:
    folder = Path(env["QUICKREF_DATA_DIR"])
    assert run("--db", str(mini_db), "show", "96372").code == 0
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0  # created 0700
    folder.chmod(0o500)
    try:
        assert run("--db", str(mini_db), "show", "96372").code == 0
        assert stat.S_IMODE(folder.stat().st_mode) == 0o500  # left alone
    finally:
        folder.chmod(0o700)


def test_user_store_leaves_an_existing_folder_mode_alone(tmp_path: Path) -> None:
    from desktop.records.store import UserStore

    folder = tmp_path / "data"
    folder.mkdir(mode=0o750)
    folder.chmod(0o750)
    UserStore(folder / "user.sqlite").close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    fresh = tmp_path / "fresh" / "data"
    UserStore(fresh / "user.sqlite").close()
    assert stat.S_IMODE(fresh.stat().st_mode) & 0o077 == 0


def test_user_sqlite_that_is_a_folder_has_its_own_message(tmp_path: Path) -> None:
    import pytest

    from desktop.records.store import UserDataError, UserStore

    (tmp_path / "user.sqlite").mkdir()
    with pytest.raises(UserDataError, match="is a folder, not a file"):
        UserStore(tmp_path / "user.sqlite")


def _damage_table(db: Path, table: str) -> None:
    """Overwrite the root page of ``table`` (one the self-test does not read) with junk."""
    con = sqlite3.connect(db)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xa5" * page_size)


def test_self_test_fails_on_a_malformed_user_database(
    env: dict[str, str], mini_db: Path, tmp_path: Path
) -> None:
    from desktop.records.store import UserStore

    folder = Path(env["QUICKREF_DATA_DIR"])
    UserStore(folder / "user.sqlite").close()
    _damage_table(folder / "user.sqlite", "checklist_events")
    proc = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--db", str(mini_db), "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "damaged" in proc.stdout or "malformed" in proc.stdout, proc.stdout
