"""Import a later quarter of the CMS practitioner MUE table into a staged database.

Called by the update flow (``quickref db import``, File > Import reference files) with a
writable copy of the reference database, inside its transaction: every MUE row is
replaced by the file's rows and the table's window (its quarter) is recorded in ``meta``.
A bad file raises :class:`ImportFileError` before anything is committed, so the data in
use never changes.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from desktop.reference.currency import release_window
from desktop.reference.importers import cms_mue
from desktop.reference.importers.common import ImportFileError, ProgressFn
from desktop.reference.keys import code_key

__all__ = ["import_mue"]


def import_mue(con: sqlite3.Connection, path: Path, progress: ProgressFn | None = None) -> int:
    """Replace the ``mue`` table with the rows of ``path``; the number of rows read."""
    path = Path(path)
    effective, through = release_window("MUE", "", path.name)
    if effective is None:
        raise ImportFileError(
            path,
            None,
            "the file name does not say which quarter it is: keep CMS's name "
            "(..._Eff_MM-DD-YYYY.csv)",
        )
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.name)
    source_id = f"import-{stem}"
    con.execute(
        "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?)",
        (
            source_id,
            f"CMS NCCI Medically Unlikely Edits, practitioner services ({path.name})",
            "Centers for Medicare & Medicaid Services",
            "https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/"
            "medicare-ncci-medically-unlikely-edits",
            "Public domain (US government work)",
        ),
    )
    con.execute("DELETE FROM mue")
    n = 0
    for row in cms_mue.read_mue(path, progress):
        con.execute(
            "INSERT INTO mue VALUES (?,?,?,?,?,?,?)",
            (
                code_key(row.code),
                row.code,
                row.units,
                row.indicator,
                row.rationale,
                effective,
                source_id,
            ),
        )
        n += 1
    con.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?,?)",
        [
            ("mue_effective_from", effective),
            ("mue_effective_through", through or ""),
            ("mue_source", source_id),
        ],
    )
    return n
