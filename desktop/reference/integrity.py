"""Is a file a usable QuickRef reference database? Plain-words answers, no Qt.

Used when the store opens a database (:mod:`desktop.reference.store`) and when a shared
pack or an imported database is considered (:mod:`desktop.reference.paths`): the same
checks, the same words. A file with the right size, checksum and schema number but
missing tables (hand-made, or cut by a tool that rewrote it) is refused here, before
any query fails half-way through a search.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from desktop.safe_io import NotRegularFileError, echo, open_regular

#: Tables every reader of the reference database relies on (schema.sql makes them).
REQUIRED_TABLES = (
    "meta",
    "sources",
    "code_sets",
    "codes",
    "terms",
    "xrefs",
    "notes",
    "questions",
    "icd_chapters",
    "icd_blocks",
    "synonyms",
    "vocabulary",
    "checklist_templates",
    "checklist_steps",
    "fts_curated",
    "fts_bulk",
)


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a database file (missing, a folder, unreadable, empty), or None.

    The answer completes "The reference database <path> ...".
    """
    try:
        fh = open_regular(path)
    except NotRegularFileError as exc:
        if exc.reason == "does not exist":
            return "is missing"
        if exc.reason.startswith("cannot be read: permission denied"):
            return _permission_words(path)
        return exc.reason
    with fh:
        size = os.fstat(fh.fileno()).st_size
        try:
            fh.read(1)
        except OSError as exc:
            if exc.errno == errno.EISDIR:
                return "is a folder, not a file"
            return f"cannot be read ({exc.strerror or exc})"
    if size == 0:
        return "is empty (0 bytes): a copy or build that did not finish"
    return None


def _permission_words(path: Path) -> str:
    """Which part of ``path`` is closed: the file itself or a folder above it."""
    for parent in reversed(Path(os.path.abspath(path)).parents):
        if parent.is_dir() and not os.access(parent, os.X_OK):
            return (
                f"cannot be read: permission denied (the folder {echo(str(parent))} cannot "
                "be entered by this user)"
            )
    return "cannot be read: permission denied (this user may not read the file)"


def missing_tables(con: sqlite3.Connection) -> list[str]:
    """The :data:`REQUIRED_TABLES` that ``con``'s database lacks."""
    found = {
        str(r[0])
        for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    return [t for t in REQUIRED_TABLES if t not in found]


def schema_problem(con: sqlite3.Connection, expected: int) -> str | None:
    """Why the open database is not a complete QuickRef database of schema ``expected``.

    Raises sqlite3.DatabaseError for a file SQLite cannot read. The answer completes
    "The reference database <path> ...".
    """
    version = int(con.execute("PRAGMA user_version").fetchone()[0])
    if version == 0:
        tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if not tables:
            return "is an empty SQLite file, not a QuickRef database (schema version 0)"
        return "is an SQLite file but not a QuickRef reference database (schema version 0)"
    if version != expected:
        return f"has schema version {version}, this QuickRef needs {expected}"
    missing = missing_tables(con)
    if missing:
        return (
            f"lacks the table{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
            "it is incomplete, not a whole QuickRef database"
        )
    return None
