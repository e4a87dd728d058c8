"""The user's own data: pinned codes, recently viewed codes, checklist runs.

One SQLite file per user in the per-user data folder (``$QUICKREF_DATA_DIR`` or the
platform's user data dir), never beside the bundled reference database. WAL mode,
schema migrations by ``PRAGMA user_version``, file readable by the user only where the
platform allows. Nothing here identifies a patient: there is no field for it.

Failures become :class:`UserDataError` with a message for a person (locked by another
window, disk full, damaged file); a failed write is rolled back, so nothing already
saved is lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from desktop.userdirs import user_data_dir

USER_DB_NAME = "user.sqlite"
MAX_RECENTS = 50

# Each entry migrates the schema from version i to i + 1. Append, never edit.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE pins (
        system    TEXT NOT NULL,
        code      TEXT NOT NULL,
        pinned_at TEXT NOT NULL,
        position  INTEGER NOT NULL,
        PRIMARY KEY (system, code)
    );
    CREATE TABLE recents (
        system    TEXT NOT NULL,
        code      TEXT NOT NULL,
        viewed_at TEXT NOT NULL,
        PRIMARY KEY (system, code)
    );
    """,
    # Checklist runs: one row a run, one row a step's current state, and an append-only
    # log of every change with its time. No patient identifiers: there is no column for one.
    """
    CREATE TABLE checklist_runs (
        id             INTEGER PRIMARY KEY,
        template_id    TEXT NOT NULL,
        template_title TEXT NOT NULL,
        code_system    TEXT NOT NULL,
        code           TEXT NOT NULL,
        origin_template TEXT NOT NULL,
        switched_from  INTEGER REFERENCES checklist_runs(id),
        status         TEXT NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'completed', 'switched', 'abandoned')),
        started_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        completed_at   TEXT,
        drug_code      TEXT,
        dose_amount    TEXT,
        dose_unit      TEXT,
        drug_units     INTEGER,
        single_dose    INTEGER,
        discarded_amount TEXT,
        separate_em    INTEGER,
        billing_json   TEXT
    );
    CREATE INDEX checklist_runs_status ON checklist_runs (status, updated_at);
    CREATE TABLE checklist_steps_done (
        run_id   INTEGER NOT NULL REFERENCES checklist_runs(id),
        step_key TEXT NOT NULL,
        value    TEXT NOT NULL,
        at       TEXT NOT NULL,
        PRIMARY KEY (run_id, step_key)
    );
    CREATE TABLE checklist_events (
        id       INTEGER PRIMARY KEY,
        run_id   INTEGER NOT NULL REFERENCES checklist_runs(id),
        at       TEXT NOT NULL,
        action   TEXT NOT NULL,
        step_key TEXT,
        value    TEXT
    );
    CREATE INDEX checklist_events_run ON checklist_events (run_id, id);
    """,
]


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class UserDataError(Exception):
    """The user database cannot be read or written. ``str(exc)`` is meant for a person."""


def _explain(exc: sqlite3.Error, path: Path) -> UserDataError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        msg = (
            f"Your QuickRef data ({path}) is in use by another QuickRef window. "
            "Close the other window and try again; nothing was lost."
        )
    elif "full" in text or "disk i/o" in text:
        msg = (
            f"The disk holding your QuickRef data ({path.parent}) is full or failing. "
            "Free some space and try again; what was saved before is kept."
        )
    elif "readonly" in text or "read-only" in text or "unable to open" in text:
        msg = f"Your QuickRef data folder ({path.parent}) cannot be written to ({exc})."
    elif "not a database" in text or "malformed" in text:
        msg = (
            f"Your QuickRef data file ({path}) is damaged ({exc}). Move it aside to start "
            "afresh; the reference data is not affected."
        )
    else:
        msg = f"Your QuickRef data ({path}) could not be used: {exc}."
    return UserDataError(msg)


class SavedCode(NamedTuple):
    system: str
    code: str
    at: str


class UserStore:
    """The per-user database. One connection, used from one thread at a time."""

    def __init__(self, path: Path | None = None, *, timeout: float = 2.0) -> None:
        self.path = path or user_data_dir() / USER_DB_NAME
        self._lock = threading.RLock()
        try:
            if not self.path.parent.is_dir():  # a new folder is private; an existing one
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # keeps its mode
            if self.path.is_dir():
                raise UserDataError(
                    f"Your QuickRef data file {self.path} is a folder, not a file. Move it "
                    "aside (or set QUICKREF_DATA_DIR to another folder); nothing was changed."
                )
            new = not self.path.exists()
            self._con = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            if new:
                with contextlib.suppress(OSError):
                    os.chmod(self.path, 0o600)
            self._con.execute("PRAGMA journal_mode=WAL")
            self._con.execute("PRAGMA synchronous=FULL")  # a tick survives a power cut
            self._con.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except OSError as exc:
            raise UserDataError(
                f"Your QuickRef data folder ({self.path.parent}) cannot be used: {exc}"
            ) from None
        except sqlite3.Error as exc:
            raise _explain(exc, self.path) from None

    # ------------------------------------------------------------------ plumbing

    @property
    def schema_version(self) -> int:
        return int(self._con.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise UserDataError(
                f"Your QuickRef data ({self.path}) was written by a newer QuickRef "
                f"(schema {version}); update QuickRef to use it."
            )
        for target, sql in enumerate(MIGRATIONS[version:], start=version + 1):
            self._con.execute("BEGIN IMMEDIATE")
            try:
                for statement in sql.split(";"):
                    if statement.strip():
                        self._con.execute(statement)
                self._con.execute(f"PRAGMA user_version = {target}")
                self._con.execute("COMMIT")
            except BaseException:
                self._con.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all or nothing. Errors become :class:`UserDataError`."""
        with self._lock:
            try:
                self._con.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _explain(exc, self.path) from None
            try:
                yield self._con
                self._con.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self._con.execute("ROLLBACK")
                raise _explain(exc, self.path) from None
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._con.execute("ROLLBACK")
                raise

    def read(self, fn: Callable[[sqlite3.Connection], object]) -> object:
        with self._lock:
            try:
                return fn(self._con)
            except sqlite3.Error as exc:
                raise _explain(exc, self.path) from None

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            try:
                return self._con.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise _explain(exc, self.path) from None

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def __enter__(self) -> UserStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ pins

    def pins(self) -> list[SavedCode]:
        return [
            SavedCode(str(s), str(c), str(t))
            for s, c, t in self.rows("SELECT system, code, pinned_at FROM pins ORDER BY position")
        ]

    def is_pinned(self, system: str, code: str) -> bool:
        return bool(self.rows("SELECT 1 FROM pins WHERE system = ? AND code = ?", (system, code)))

    def pin(self, system: str, code: str) -> None:
        with self.transaction() as con:
            pos = con.execute("SELECT coalesce(max(position), -1) + 1 FROM pins").fetchone()[0]
            con.execute(
                "INSERT OR IGNORE INTO pins VALUES (?,?,?,?)", (system, code, now_iso(), pos)
            )

    def unpin(self, system: str, code: str) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM pins WHERE system = ? AND code = ?", (system, code))

    # ------------------------------------------------------------------ recents

    def recents(self, limit: int = 20) -> list[SavedCode]:
        return [
            SavedCode(str(s), str(c), str(t))
            for s, c, t in self.rows(
                "SELECT system, code, viewed_at FROM recents ORDER BY viewed_at DESC, rowid DESC"
                " LIMIT ?",
                (limit,),
            )
        ]

    def add_recent(self, system: str, code: str) -> None:
        with self.transaction() as con:
            con.execute(
                "INSERT INTO recents VALUES (?,?,?) ON CONFLICT (system, code)"
                " DO UPDATE SET viewed_at = excluded.viewed_at",
                (system, code, now_iso()),
            )
            con.execute(
                "DELETE FROM recents WHERE rowid NOT IN"
                " (SELECT rowid FROM recents ORDER BY viewed_at DESC, rowid DESC LIMIT ?)",
                (MAX_RECENTS,),
            )
