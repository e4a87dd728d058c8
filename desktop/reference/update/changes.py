"""What an import changes: the diff of two reference databases, and its CSV export."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.csvout import write_csv_file
from desktop.fileio import sqlite_uri

__all__ = ["CHANGE_KINDS", "CSV_HEADER", "Change", "compare", "read_changes", "write_changes_csv"]

CHANGE_KINDS = ("added", "deleted", "retitled")
CSV_HEADER = ["change", "system", "code", "old_title", "new_title", "terminated", "replaced_by"]


@dataclass(frozen=True, slots=True)
class Change:
    change: str  # added | deleted | retitled
    system: str
    code: str
    old_title: str
    new_title: str
    terminated: str | None = None
    replaced_by: str = ""  # codes to use instead, space separated

    def as_row(self) -> list[str]:
        return [
            self.change,
            self.system,
            self.code,
            self.old_title,
            self.new_title,
            self.terminated or "",
            self.replaced_by,
        ]


def compare(old: Path, new: Path, out: Path) -> dict[str, int]:
    """Write the changes from ``old`` to ``new`` into the SQLite file ``out``; count them."""
    out.unlink(missing_ok=True)
    con = sqlite3.connect(out)
    try:
        con.execute(
            "CREATE TABLE changes (kind_order INTEGER, code_key TEXT, change TEXT, system TEXT,"
            " code TEXT, old_title TEXT, new_title TEXT, terminated TEXT, replaced_by TEXT)"
        )
        # ATTACH takes the URI as a bound value: no quoting of the path in SQL text.
        con.execute("ATTACH ? AS o", (sqlite_uri(old, immutable=True),))
        con.execute("ATTACH ? AS n", (sqlite_uri(new, immutable=True),))
        replaced = (
            "(SELECT group_concat(t.code, ' ') FROM n.xrefs x JOIN n.codes t ON t.id = x.to_id"
            " WHERE x.from_id = nc.id AND x.relation = 'use_instead')"
        )
        con.execute(
            "INSERT INTO changes SELECT 0, nc.code_key, 'added', nc.system, nc.code, '',"
            " nc.title, NULL, '' FROM n.codes nc LEFT JOIN o.codes oc"
            " ON oc.system = nc.system AND oc.code = nc.code"
            " WHERE nc.status != 'deleted' AND (oc.id IS NULL OR oc.status = 'deleted')"
        )
        con.execute(
            "INSERT INTO changes SELECT 1, nc.code_key, 'deleted', nc.system, nc.code, oc.title,"
            f" nc.title, nc.terminated, coalesce({replaced}, '') FROM n.codes nc"
            " JOIN o.codes oc ON oc.system = nc.system AND oc.code = nc.code"
            " WHERE nc.status = 'deleted' AND oc.status != 'deleted'"
        )
        con.execute(
            "INSERT INTO changes SELECT 2, nc.code_key, 'retitled', nc.system, nc.code, oc.title,"
            " nc.title, NULL, '' FROM n.codes nc"
            " JOIN o.codes oc ON oc.system = nc.system AND oc.code = nc.code"
            " WHERE oc.title != nc.title"
        )
        con.commit()
        counts = {k: 0 for k in CHANGE_KINDS}
        counts.update(
            {
                str(k): int(v)
                for k, v in con.execute("SELECT change, count(*) FROM changes GROUP BY 1")
            }
        )
        con.execute("CREATE INDEX changes_order ON changes (kind_order, system, code_key)")
        con.commit()
        return counts
    finally:
        con.close()


def read_changes(changes_db: Path, limit: int | None = None) -> Iterator[Change]:
    """The changes :func:`compare` wrote, in order (added, deleted, retitled; by code)."""
    con = sqlite3.connect(changes_db)
    try:
        sql = "SELECT * FROM changes ORDER BY kind_order, system, code_key"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        for row in con.execute(sql):
            yield Change(*row[2:])
    finally:
        con.close()


def write_changes_csv(changes: Iterable[Change], path: Path) -> int:
    """Write ``changes`` to ``path`` (UTF-8 CSV with a header, formula-safe); the count.

    Raises :class:`desktop.csvout.CsvWriteError` (an OSError) when ``path`` is a folder
    or its folder does not exist; nothing is left behind.
    """
    return write_csv_file(path, CSV_HEADER, (c.as_row() for c in changes))
