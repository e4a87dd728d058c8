"""Licensed CPT descriptor texts, kept in the user's data folder and never bundled.

A clinic that holds an AMA CPT licence imports its ``LONGULT.txt`` (or a plain
code-tab-descriptor file); the texts land in ``<user data>/licensed/cpt.sqlite``. The
window shows them beside QuickRef's own plain-language descriptions, marked as licensed
text with the notice from the file's header. Nothing here ever writes into the
reference database, and the packs made by ``quickref db export-pack`` do not carry it.

Writing goes to a new file that replaces the old one with ``os.replace``, so a failed
import leaves the texts in use as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from desktop.fileio import fsync_file
from desktop.userdirs import user_data_dir

LICENSED_DIR = "licensed"
CPT_FILE = "cpt.sqlite"
DEFAULT_NOTICE = "CPT® descriptors © American Medical Association. Used under the clinic's licence."

_SCHEMA = """
CREATE TABLE texts (
    system TEXT NOT NULL,
    code   TEXT NOT NULL,
    text   TEXT NOT NULL,
    PRIMARY KEY (system, code)
) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""


def licensed_path(base: Path | None = None) -> Path:
    return (base or user_data_dir()) / LICENSED_DIR / CPT_FILE


class LicensedTexts:
    """Read access to the imported licensed texts; empty when none were imported."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or licensed_path()
        self._lock = threading.Lock()
        self._con: sqlite3.Connection | None = None
        if self.path.is_file():
            try:
                uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
                con = sqlite3.connect(uri, uri=True, check_same_thread=False)
                con.execute("SELECT 1 FROM texts LIMIT 1").fetchall()
                self._con = con
            except sqlite3.DatabaseError:
                self._con = None  # a damaged file reads as "no licensed texts"

    def __bool__(self) -> bool:
        return self._con is not None

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> LicensedTexts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        if self._con is None:
            return []
        try:
            with self._lock:
                return self._con.execute(sql, params).fetchall()
        except sqlite3.DatabaseError:
            return []

    def get(self, code: str, system: str = "CPT") -> str | None:
        """The licensed descriptor of ``code``, or None."""
        rows = self._query(
            "SELECT text FROM texts WHERE system = ? AND code = ?", (system, code.strip().upper())
        )
        return str(rows[0][0]) if rows else None

    def text_for(self, system: str, code: str) -> str | None:
        """``licensed_text(system, code)`` provider for the detail view."""
        return self.get(code, system)

    def meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._query("SELECT key, value FROM meta")}

    def notice(self) -> str:
        """The licence notice to show beside the texts (from the file's header)."""
        return self.meta().get("notice") or DEFAULT_NOTICE

    def count(self) -> int:
        rows = self._query("SELECT count(*) FROM texts")
        return int(str(rows[0][0])) if rows else 0


class LicensedWriter:
    """Stage a new licensed-text file beside the one in use; ``commit`` swaps it in."""

    def __init__(self, target: Path | None = None, *, token: str | None = None) -> None:
        self.target = target or licensed_path()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        # ``token``: the import's, so its staging lock covers this file too.
        self.staged = self.target.with_name(f".staging-{token or uuid.uuid4().hex}.sqlite")
        self.con = sqlite3.connect(self.staged, isolation_level=None)
        self.con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        self.con.execute("BEGIN")
        self.count = 0

    def add(self, system: str, code: str, text: str) -> bool:
        """Add one text; False when the code is already in this import (a duplicate)."""
        try:
            self.con.execute("INSERT INTO texts VALUES (?,?,?)", (system, code, text))
        except sqlite3.IntegrityError:
            return False
        self.count += 1
        return True

    def has(self, system: str, code: str) -> bool:
        return (
            self.con.execute(
                "SELECT 1 FROM texts WHERE system = ? AND code = ?", (system, code)
            ).fetchone()
            is not None
        )

    def set_meta(self, meta: dict[str, str]) -> None:
        """Set metadata of the staged file (the licence notice, the file it came from)."""
        self.con.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", sorted(meta.items()))

    def finish(self, meta: dict[str, str], keep_from: Iterable[tuple[str, str, str]] = ()) -> None:
        """Write ``meta``; texts in ``keep_from`` not imported this time are kept."""
        for system, code, text in keep_from:
            self.con.execute("INSERT OR IGNORE INTO texts VALUES (?,?,?)", (system, code, text))
        meta = {**meta, "imported": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        self.con.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", sorted(meta.items()))
        self.con.execute("COMMIT")
        self.con.close()

    def commit(self) -> Path:
        fsync_file(self.staged)  # written with synchronous=OFF
        os.replace(self.staged, self.target)
        return self.target

    def discard(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.con.close()
        self.staged.unlink(missing_ok=True)
