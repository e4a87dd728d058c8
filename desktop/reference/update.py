"""Yearly code updates: import official files into a new reference database, switch to it.

The flow (shared by ``quickref db import`` and File > Import reference files...):

1. :func:`prepare_import` copies the database in use to a staging file in the user's
   data folder (``<user data>/reference/``), applies the imported files to the copy
   (streamed line by line), seals its checksum, validates it (opens it read-only with
   its checksum verified and runs a search) and computes what changed against the
   database in use. Nothing the app uses is touched; any failure or a cancel (the
   progress callback raises) deletes the staging file and leaves everything as it was.
2. :meth:`StagedUpdate.commit` moves the new file into place under a new name and
   switches to it by replacing a small pointer file (``active.json``) with
   ``os.replace``: the switch is atomic, a reader sees the old or the new database.
   :meth:`StagedUpdate.discard` throws the staged work away.

Formats (one reader module each in :mod:`desktop.reference.importers`):
``icd10cm-order`` and ``icd10cm-xml`` (ICD-10-CM, complete code set), ``hcpcs-fixed``
and ``hcpcs-csv`` (HCPCS Level II, complete code set), ``cpt-licensed`` (AMA
descriptors: stored apart, see :mod:`desktop.reference.licensed`) and ``local-csv``
(the clinic's own additions, docs/local-csv.md). A complete code set marks the codes
of its system that it does not list as deleted (they stay findable), with the
termination date the file gives; an import that would delete more than a tenth of a
code set is refused as a truncated or partial file.

The bundled database is never changed. :func:`use_bundled` goes back to it;
:func:`export_pack` writes the database in use for other workstations (see
:mod:`desktop.reference.paths` for how a shared pack is picked at start).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.reference import checksum, paths
from desktop.reference.importers import (
    cpt_licensed,
    hcpcs_csv,
    hcpcs_fixed,
    icd10cm_index,
    icd10cm_order,
    icd10cm_tabular,
    local_csv,
)
from desktop.reference.importers.common import CodeRow, ImportFileError
from desktop.reference.keys import SCHEMA_VERSION, code_key
from desktop.reference.licensed import LicensedTexts, LicensedWriter, licensed_path

__all__ = [
    "FORMATS",
    "Change",
    "ImportCancelled",
    "ImportFileError",
    "StagedUpdate",
    "UpdateError",
    "compare",
    "detect_format",
    "export_pack",
    "prepare_import",
    "use_bundled",
]

#: format id -> what a person calls it
FORMATS: dict[str, str] = {
    icd10cm_order.FORMAT: "ICD-10-CM order file (CMS, fixed width)",
    "icd10cm-xml": "ICD-10-CM tabular list (CDC, XML)",
    hcpcs_fixed.FORMAT: "HCPCS Level II alpha-numeric file (CMS, fixed width)",
    hcpcs_csv.FORMAT: "HCPCS Level II alpha-numeric file (CSV)",
    cpt_licensed.FORMAT: "CPT descriptors (AMA licensed file)",
    local_csv.FORMAT: "Clinic's own additions (QuickRef local CSV)",
    icd10cm_index.FORMAT: "ICD-10-CM Alphabetic Index (CDC, XML): search terms",
}
FULL_SET_SYSTEM = {
    icd10cm_order.FORMAT: "ICD-10-CM",
    "icd10cm-xml": "ICD-10-CM",
    hcpcs_fixed.FORMAT: "HCPCS",
    hcpcs_csv.FORMAT: "HCPCS",
}
#: A complete code set may delete at most this share of the codes in use (or 50 codes).
MAX_DELETE_SHARE = 0.10
MAX_DELETE_MIN = 50
LOCAL_SOURCE = "local-additions"
CHANGE_KINDS = ("added", "deleted", "retitled")

#: progress(fraction 0..1, message). It may raise (ImportCancelled) to stop the import.
ProgressCallback = Callable[[float, str], None]


class UpdateError(Exception):
    """The update cannot be done. ``str(exc)`` is meant for a person."""


class ImportCancelled(Exception):
    """Raised by a progress callback to stop an import; nothing is changed."""


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


CSV_HEADER = ["change", "system", "code", "old_title", "new_title", "terminated", "replaced_by"]


# ----------------------------------------------------------------------------- detection


def _first_lines(path: Path, n: int = 40) -> list[str]:
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024)
    except OSError as exc:
        raise ImportFileError(path, None, f"cannot be read ({exc.strerror})") from None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    text = head.decode("cp1252", errors="replace")
    return [line.rstrip("\r") for line in text.split("\n")[:n]]


def detect_format(path: Path) -> str:
    """The format id of ``path`` from its first lines; ImportFileError if none fits."""
    path = Path(path)
    if path.is_dir():
        raise ImportFileError(path, None, "is a folder, not a file")
    if not path.is_file():
        raise ImportFileError(path, None, "does not exist")
    if path.stat().st_size == 0:
        raise ImportFileError(path, None, "the file is empty")
    lines = _first_lines(path)
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ImportFileError(path, 1, "the file is empty (only blank lines)")
    stripped = first.lstrip()
    if stripped.startswith("<"):
        if icd10cm_index.looks_like("\n".join(lines)):
            return icd10cm_index.FORMAT
        return "icd10cm-xml"
    if icd10cm_order.looks_like(first):
        return icd10cm_order.FORMAT
    if hcpcs_fixed.looks_like(first):
        return hcpcs_fixed.FORMAT
    if hcpcs_csv.looks_like(first):
        return hcpcs_csv.FORMAT
    if local_csv.looks_like(first):
        return local_csv.FORMAT
    if cpt_licensed.looks_like(lines):
        return cpt_licensed.FORMAT
    raise ImportFileError(
        path,
        1,
        "not a file QuickRef can import. Accepted: " + "; ".join(FORMATS.values()),
    )


# ----------------------------------------------------------------------------- helpers


def reference_dir() -> Path:
    return paths.user_reference_dir()


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_LOCAL_SUFFIX = re.compile(r"\+local\.(\d+)$")


def next_data_version(base: str) -> str:
    """``2026.11.1`` -> ``2026.11.1+local.1`` -> ``2026.11.1+local.2``."""
    m = _LOCAL_SUFFIX.search(base)
    if m:
        return f"{base[: m.start()]}+local.{int(m.group(1)) + 1}"
    return f"{base}+local.1"


class _Apply:
    """Applies imported records to a writable copy of the reference database."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.next_id = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM codes").fetchone()[0])
        con.execute(
            "CREATE TEMP TABLE seen (system TEXT, code TEXT, file TEXT, line INTEGER,"
            " PRIMARY KEY (system, code)) WITHOUT ROWID"
        )
        con.execute(
            "CREATE TEMP TABLE pending_xref (from_system TEXT, from_code TEXT, ord INTEGER,"
            " to_code TEXT, note TEXT)"
        )

    # -- sources and FTS -------------------------------------------------------------

    def add_source(self, sid: str, title: str, publisher: str, url: str, licence: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?)",
            (sid, title, publisher, url, licence),
        )

    def fts_values(self, code_id: int) -> tuple[bool, tuple[str, ...]]:
        """(curated, the values its FTS row holds), computed as the build computes them."""
        row = self.con.execute(
            "SELECT code, code_key, title, description, curated FROM codes WHERE id = ?",
            (code_id,),
        ).fetchone()
        code, key, title, description, curated = row
        terms = [
            str(r[0])
            for r in self.con.execute(
                "SELECT term FROM terms WHERE code_id = ? ORDER BY term", (code_id,)
            )
        ]
        if curated:
            return True, (str(code).lower(), str(title), str(description), " ; ".join(terms))
        inclusion = [
            str(r[0])
            for r in self.con.execute(
                "SELECT text FROM notes WHERE code_id = ? AND kind = 'inclusion_term' ORDER BY ord",
                (code_id,),
            )
        ]
        return False, (str(key).lower(), str(title), " ; ".join(inclusion + terms))

    def fts_insert(self, code_id: int) -> None:
        curated, values = self.fts_values(code_id)
        if curated:
            self.con.execute(
                "INSERT INTO fts_curated (rowid, code, title, description, terms)"
                " VALUES (?,?,?,?,?)",
                (code_id, *values),
            )
        else:
            self.con.execute(
                "INSERT INTO fts_bulk (rowid, code, title, terms) VALUES (?,?,?,?)",
                (code_id, *values),
            )

    def fts_delete(self, code_id: int, before: tuple[bool, tuple[str, ...]]) -> None:
        curated, values = before
        if curated:
            self.con.execute(
                "INSERT INTO fts_curated (fts_curated, rowid, code, title, description, terms)"
                " VALUES ('delete',?,?,?,?,?)",
                (code_id, *values),
            )
        else:
            self.con.execute(
                "INSERT INTO fts_bulk (fts_bulk, rowid, code, title, terms)"
                " VALUES ('delete',?,?,?,?)",
                (code_id, *values),
            )

    def reindex(self, code_id: int, before: tuple[bool, tuple[str, ...]]) -> None:
        """Bring the FTS row of ``code_id`` up to date after its text changed."""
        if self.fts_values(code_id) != before:
            self.fts_delete(code_id, before)
            self.fts_insert(code_id)

    # -- codes -----------------------------------------------------------------------

    def mark_seen(self, path: Path, system: str, code: str, line: int) -> None:
        try:
            self.con.execute("INSERT INTO seen VALUES (?,?,?,?)", (system, code, path.name, line))
        except sqlite3.IntegrityError:
            file, first = self.con.execute(
                "SELECT file, line FROM seen WHERE system = ? AND code = ?", (system, code)
            ).fetchone()
            also = f"line {first}" if file == path.name else f"{file}, line {first}"
            raise ImportFileError(path, line, f"duplicate code {code} (also on {also})") from None

    def lookup(self, system: str, code: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.con.execute(
            "SELECT id, title, status, billable, terminated, effective FROM codes"
            " WHERE system = ? AND code = ?",
            (system, code),
        ).fetchone()
        return row

    def icd_parent_block(self, code: str) -> tuple[str | None, str | None]:
        key = code_key(code)
        for n in range(len(key) - 1, 2, -1):
            parent = icd10cm_order.with_dot(key[:n])
            row = self.con.execute(
                "SELECT code, block FROM codes WHERE system = 'ICD-10-CM' AND code = ?", (parent,)
            ).fetchone()
            if row:
                return str(row[0]), row[1]
        block = self.con.execute(
            "SELECT id FROM icd_blocks WHERE first <= ? AND last >= ? ORDER BY length(id) LIMIT 1",
            (key[:3], key[:3]),
        ).fetchone()
        return None, (str(block[0]) if block else None)

    def code_row(self, path: Path, row: CodeRow, source_id: str) -> None:
        self.mark_seen(path, row.system, row.code, row.line)
        found = self.lookup(row.system, row.code)
        if found is None:
            parent, block = row.parent, row.block
            if row.system == "ICD-10-CM" and row.notes is None:
                parent, block = self.icd_parent_block(row.code)
            code_id = self.next_id
            self.next_id += 1
            self.con.execute(
                "INSERT INTO codes (id, system, code, code_key, kind, title, billable, status,"
                " effective, terminated, parent, block, source_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    code_id,
                    row.system,
                    row.code,
                    code_key(row.code),
                    row.kind,
                    row.title,
                    None if row.billable is None else int(row.billable),
                    row.status,
                    row.effective,
                    row.terminated,
                    parent,
                    block,
                    source_id,
                ),
            )
            if row.notes:
                self.con.executemany(
                    "INSERT INTO notes VALUES (?,?,?,?,?)",
                    [(code_id, i, k, t, source_id) for i, (k, t) in enumerate(row.notes)],
                )
            self.fts_insert(code_id)
        else:
            code_id, title, status, billable, terminated, effective = found
            new_billable = billable if row.billable is None else int(row.billable)
            new_terminated = row.terminated if row.status == "deleted" else None
            if row.status == "deleted" and new_terminated is None:
                new_terminated = terminated
            new_effective = row.effective or effective
            new_status = row.status
            if new_status == "active" and status == "not_for_new_use":
                new_status = status  # a curated judgement the code files do not express
            changed_text = title != row.title
            before = self.fts_values(code_id) if changed_text or row.notes is not None else None
            if (title, status, billable, terminated, effective) != (
                row.title,
                new_status,
                new_billable,
                new_terminated,
                new_effective,
            ):
                self.con.execute(
                    "UPDATE codes SET title = ?, status = ?, billable = ?, terminated = ?,"
                    " effective = ? WHERE id = ?",
                    (row.title, new_status, new_billable, new_terminated, new_effective, code_id),
                )
            if row.notes is not None:
                self._replace_icd_notes(code_id, row, source_id)
            if before is not None:
                self.reindex(code_id, before)
        for i, to_code in enumerate(row.replaced_by):
            self.con.execute(
                "INSERT INTO pending_xref VALUES (?,?,?,?,?)",
                (row.system, row.code, i, to_code, f"replacement given by {path.name}"),
            )

    def _replace_icd_notes(self, code_id: int, row: CodeRow, source_id: str) -> None:
        assert row.notes is not None
        old = self.con.execute(
            "SELECT kind, text FROM notes WHERE code_id = ? ORDER BY ord", (code_id,)
        ).fetchall()
        if tuple(tuple(r) for r in old) == row.notes:
            return
        self.con.execute("DELETE FROM notes WHERE code_id = ?", (code_id,))
        self.con.executemany(
            "INSERT INTO notes VALUES (?,?,?,?,?)",
            [(code_id, i, k, t, source_id) for i, (k, t) in enumerate(row.notes)],
        )
        self.con.execute(
            "UPDATE codes SET parent = ?, block = ? WHERE id = ?", (row.parent, row.block, code_id)
        )

    def delete_absent(self, path: Path, system: str, terminated: str | None) -> int:
        """Mark the codes of ``system`` that no imported file listed as deleted."""
        absent_sql = (
            " FROM codes WHERE system = ? AND status != 'deleted' AND NOT EXISTS"
            " (SELECT 1 FROM temp.seen s WHERE s.system = codes.system AND s.code = codes.code)"
        )
        n = int(self.con.execute("SELECT count(*)" + absent_sql, (system,)).fetchone()[0])
        active = int(
            self.con.execute(
                "SELECT count(*) FROM codes WHERE system = ? AND status != 'deleted'", (system,)
            ).fetchone()[0]
        )
        if n > max(MAX_DELETE_MIN, MAX_DELETE_SHARE * active):
            listed = int(
                self.con.execute(
                    "SELECT count(*) FROM temp.seen WHERE system = ?", (system,)
                ).fetchone()[0]
            )
            raise ImportFileError(
                path,
                None,
                f"lists {listed:,} {system} codes; importing it would delete {n:,} of the "
                f"{active:,} in use. A complete {system} file was expected: is it cut short "
                "or a partial list?",
            )
        self.con.execute(
            "UPDATE codes SET status = 'deleted', terminated = coalesce(terminated, ?)"
            + absent_sql.replace(" FROM codes", ""),
            (terminated, system),
        )
        return n

    def resolve_xrefs(self) -> None:
        rows = self.con.execute(
            "SELECT p.from_system, p.from_code, p.to_code, p.note, f.id, t.id FROM pending_xref p"
            " JOIN codes f ON f.system = p.from_system AND f.code = p.from_code"
            " JOIN codes t ON t.system = p.from_system AND t.code = p.to_code"
            " ORDER BY f.id, p.ord"
        ).fetchall()
        for _s, _f, _t, note, from_id, to_id in rows:
            exists = self.con.execute(
                "SELECT 1 FROM xrefs WHERE from_id = ? AND to_id = ? AND relation = 'use_instead'",
                (from_id, to_id),
            ).fetchone()
            if exists:
                continue
            ord_ = self.con.execute(
                "SELECT coalesce(max(ord), -1) + 1 FROM xrefs WHERE from_id = ?", (from_id,)
            ).fetchone()[0]
            self.con.execute(
                "INSERT INTO xrefs VALUES (?,?,'use_instead',?,?)", (from_id, ord_, to_id, note)
            )

    # -- the clinic's own additions ---------------------------------------------------

    def local(self, path: Path, rec: local_csv.LocalRecord) -> None:
        con = self.con
        if rec.record == "synonym":
            con.execute("INSERT OR IGNORE INTO synonyms VALUES (?,?)", (rec.title, rec.text))
            return
        found = self.lookup(rec.system, rec.code)
        if rec.record in ("code", "drug"):
            self.mark_seen(path, "local:" + rec.system, rec.code, rec.line)
            if found is None:
                if rec.record == "drug" and not rec.title:
                    raise ImportFileError(
                        path, rec.line, f"{rec.code} is a new code: give it a title"
                    )
                code_id = self.next_id
                self.next_id += 1
                con.execute(
                    "INSERT INTO codes (id, system, code, code_key, kind, title, description,"
                    " billable, status, unit_amount, unit, routes, curated, source_id)"
                    " VALUES (?,?,?,?,?,?,?,?, 'active', ?,?,?, 1, ?)",
                    (
                        code_id,
                        rec.system,
                        rec.code,
                        code_key(rec.code),
                        "drug" if rec.record == "drug" else "service",
                        rec.title,
                        rec.text,
                        1,
                        None if rec.amount is None else format(rec.amount.normalize(), "f"),
                        rec.unit,
                        " ".join(rec.routes),
                        LOCAL_SOURCE,
                    ),
                )
                self.fts_insert(code_id)
                return
            code_id = int(found[0])
            before = self.fts_values(code_id)
            if rec.title:
                con.execute("UPDATE codes SET title = ? WHERE id = ?", (rec.title, code_id))
            if rec.text:
                con.execute("UPDATE codes SET description = ? WHERE id = ?", (rec.text, code_id))
            if rec.record == "drug":
                assert rec.amount is not None
                con.execute(
                    "UPDATE codes SET unit_amount = ?, unit = ? WHERE id = ?",
                    (format(rec.amount.normalize(), "f"), rec.unit, code_id),
                )
                if rec.routes:
                    con.execute(
                        "UPDATE codes SET routes = ? WHERE id = ?", (" ".join(rec.routes), code_id)
                    )
            self.reindex(code_id, before)
            return
        if found is None:
            raise ImportFileError(
                path,
                rec.line,
                f"{rec.system} {rec.code} does not exist (add it with a 'code' record first)",
            )
        code_id = int(found[0])
        if rec.record == "note":
            ord_ = con.execute(
                "SELECT coalesce(max(ord), -1) + 1 FROM notes WHERE code_id = ?", (code_id,)
            ).fetchone()[0]
            con.execute(
                "INSERT INTO notes VALUES (?,?,'local',?,?)",
                (code_id, ord_, rec.text, LOCAL_SOURCE),
            )
        elif rec.record == "term":
            before = self.fts_values(code_id)
            con.execute(
                "INSERT OR IGNORE INTO terms VALUES (?,?,?)",
                (code_id, rec.title, _term_key(rec.title)),
            )
            self.reindex(code_id, before)

    # -- finishing ------------------------------------------------------------------

    def rebuild_vocabulary(self) -> None:
        words: dict[str, int] = {}
        for table in ("fts_curated", "fts_bulk"):
            self.con.execute(
                f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, row)"
            )
            for term, doc in self.con.execute(f"SELECT term, doc FROM temp.v_{table}"):
                if _VOCAB_WORD.match(term) and len(term) >= 3:
                    words[term] = words.get(term, 0) + int(doc)
            self.con.execute(f"DROP TABLE temp.v_{table}")
        for (term,) in self.con.execute("SELECT term FROM synonyms"):
            if _VOCAB_WORD.match(term):
                words.setdefault(term, 1)
        self.con.execute("DELETE FROM vocabulary")
        self.con.executemany("INSERT INTO vocabulary VALUES (?,?)", sorted(words.items()))

    def recount(self, releases: dict[str, tuple[str, str]]) -> None:
        """Refresh code_sets: counts for every system, release and source where imported."""
        counts = dict(
            self.con.execute("SELECT system, count(*) FROM codes GROUP BY system").fetchall()
        )
        billable = dict(
            self.con.execute(
                "SELECT system, count(*) FROM codes WHERE billable = 1 GROUP BY system"
            ).fetchall()
        )
        for system, (release, source_id) in releases.items():
            self.con.execute(
                "INSERT OR IGNORE INTO code_sets VALUES (?,?,?,0,0)", (system, release, source_id)
            )
            self.con.execute(
                "UPDATE code_sets SET release = ?, source_id = ? WHERE system = ?",
                (release, source_id, system),
            )
        for system in counts:
            self.con.execute(
                "UPDATE code_sets SET codes = ?, billable = ? WHERE system = ?",
                (counts.get(system, 0), billable.get(system, 0), system),
            )


_VOCAB_WORD = re.compile(r"^[a-z][a-z]+$")
_TERM_WORD = re.compile(r"[^\W_]+")


def _term_key(text: str) -> str:
    return " ".join(_TERM_WORD.findall(text.lower()))


# ----------------------------------------------------------------------------- the import


@dataclass(frozen=True, slots=True)
class ImportedFile:
    path: Path
    format: str
    records: int
    sha256: str


@dataclass
class StagedUpdate:
    """A validated new reference database (and/or licensed texts), not yet in use."""

    base: Path
    staged_db: Path | None
    changes_db: Path | None
    data_version: str
    files: list[ImportedFile]
    licensed: LicensedWriter | None = None
    licensed_count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    _done: bool = False

    # -- what changed -----------------------------------------------------------------

    def changes(self, limit: int | None = None) -> list[Change]:
        return list(self.iter_changes(limit))

    def iter_changes(self, limit: int | None = None) -> Iterator[Change]:
        if self.changes_db is None:
            return
        con = sqlite3.connect(self.changes_db)
        try:
            sql = "SELECT * FROM changes ORDER BY kind_order, system, code_key"
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            for row in con.execute(sql):
                yield Change(*row[2:])
        finally:
            con.close()

    def export_changes_csv(self, path: Path) -> int:
        """Write what changed to ``path`` (UTF-8 CSV with a header); return the row count."""
        return write_changes_csv(self.iter_changes(), Path(path))

    def summary(self) -> str:
        parts = [f"{self.counts.get(k, 0):,} {k}" for k in CHANGE_KINDS]
        text = ", ".join(parts)
        if self.licensed is not None:
            text += f"; {self.licensed_count:,} licensed CPT descriptors"
        return text

    # -- switch or throw away ----------------------------------------------------------

    def commit(self) -> Path | None:
        """Switch to the new data atomically. Returns the new database (None if only texts)."""
        if self._done:
            raise UpdateError("this import was already switched to or discarded")
        self._done = True
        new_path: Path | None = None
        try:
            if self.licensed is not None:
                self.licensed.commit()
            if self.staged_db is not None:
                new_path = self.staged_db.with_name(
                    f"reference-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.sqlite"
                )
                os.replace(self.staged_db, new_path)
                try:
                    _write_pointer(new_path)
                except BaseException:
                    new_path.unlink(missing_ok=True)
                    raise
        finally:
            self._cleanup_staging()
        if new_path is not None:
            _remove_unused(new_path)
        return new_path

    def discard(self) -> None:
        if self._done:
            return
        self._done = True
        if self.licensed is not None:
            self.licensed.discard()
        if self.staged_db is not None:
            self.staged_db.unlink(missing_ok=True)
        self._cleanup_staging()

    def _cleanup_staging(self) -> None:
        if self.changes_db is not None:
            self.changes_db.unlink(missing_ok=True)
            self.changes_db = None


def write_changes_csv(changes: Iterable[Change], path: Path) -> int:
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_HEADER)
        for c in changes:
            w.writerow(c.as_row())
            n += 1
    os.replace(tmp, path)
    return n


def _write_pointer(db: Path) -> None:
    with sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    con.close()
    pointer = paths.pointer_file()
    tmp = pointer.with_name(pointer.name + f".{uuid.uuid4().hex[:8]}.tmp")
    data = {
        "file": db.name,
        "checksum": meta.get("checksum", ""),
        "data_version": meta.get("data_version", ""),
        "switched": _now(),
    }
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, pointer)


def _remove_unused(keep: Path) -> None:
    """Delete imported databases no longer pointed to (best effort: one may be open)."""
    for p in keep.parent.glob("reference-*.sqlite"):
        if p != keep:
            with contextlib.suppress(OSError):
                p.unlink()


def _remove_stale_staging(folder: Path, max_age_s: float = 24 * 3600) -> None:
    now = time.time()
    for p in folder.glob(".staging-*"):
        try:
            if now - p.stat().st_mtime > max_age_s:
                p.unlink()
        except OSError:
            pass


def prepare_import(
    files: Sequence[Path],
    *,
    base: Path | None = None,
    progress: ProgressCallback | None = None,
) -> StagedUpdate:
    """Build and validate the new data from ``base`` (default: the database in use) + files.

    Raises :class:`ImportFileError` (bad file: names file and line), :class:`UpdateError`,
    or whatever ``progress`` raises (:class:`ImportCancelled`). On any exception nothing is
    left behind and the data in use is untouched.
    """
    files = [Path(f) for f in files]
    if not files:
        raise UpdateError("no files to import")
    report = progress or (lambda fraction, message: None)
    formats = [(f, detect_format(f)) for f in files]
    base = Path(base) if base is not None else paths.default_reference_db()
    if not base.is_file():
        raise UpdateError(f"the reference database in use is missing: {base}")
    folder = reference_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(folder)
    code_files = [(f, fmt) for f, fmt in formats if fmt != cpt_licensed.FORMAT]
    cpt_files = [f for f, fmt in formats if fmt == cpt_licensed.FORMAT]
    token = uuid.uuid4().hex
    staged = folder / f".staging-{token}.sqlite" if code_files else None
    changes_db = folder / f".staging-{token}.changes.sqlite" if code_files else None
    licensed = LicensedWriter(licensed_path(paths.user_data_root())) if cpt_files else None
    sizes = [max(f.stat().st_size, 1) for f in files]
    total = sum(sizes)
    done_before = 0
    update = StagedUpdate(base, staged, changes_db, "", [], licensed)
    try:
        report(0.0, f"Copying {base.name}")
        imported: list[ImportedFile] = []
        releases: dict[str, tuple[str, str]] = {}
        share = 0.75 if code_files else 0.95
        con: sqlite3.Connection | None = None
        if staged is not None:
            shutil.copyfile(base, staged)
            con = sqlite3.connect(staged, isolation_level=None)
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                raise UpdateError(
                    f"the database in use ({base}) has schema version {version}, "
                    f"this QuickRef needs {SCHEMA_VERSION}"
                )
            con.execute("BEGIN")
        try:
            apply = _Apply(con) if con is not None else None
            for (path, fmt), size in zip(formats, sizes, strict=True):
                name = path.name

                def file_progress(
                    done: int, _size: int, _d: int = done_before, _n: str = name
                ) -> None:
                    report(share * (_d + done) / total, f"Reading {_n}")

                report(share * done_before / total, f"Reading {name}")
                if fmt == cpt_licensed.FORMAT:
                    assert licensed is not None
                    n = _import_cpt(path, licensed, file_progress)
                else:
                    assert apply is not None
                    n = _import_codes(apply, path, fmt, file_progress, releases)
                imported.append(ImportedFile(path, fmt, n, checksum.file_sha256(path)))
                done_before += size
            if licensed is not None:
                _finish_licensed(licensed, cpt_files)
                update.licensed_count = licensed.count
            if con is not None and apply is not None and staged is not None:
                report(0.78, "Updating the search index")
                apply.resolve_xrefs()
                apply.rebuild_vocabulary()
                apply.recount(releases)
                update.data_version = _write_meta(con, imported)
                report(0.82, "Checking the search index")
                for table in ("fts_curated", "fts_bulk"):
                    con.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
                con.execute("COMMIT")
                report(0.85, "Compacting")
                con.execute("VACUUM")
        finally:
            if con is not None:
                con.close()
        if staged is not None and changes_db is not None:
            checksum.seal(staged)
            report(0.92, "Validating the new database")
            _validate(staged, imported)
            report(0.96, "Comparing with the data in use")
            update.counts = compare(base, staged, changes_db)
        update.files = imported
        report(1.0, "Ready")
        return update
    except BaseException:
        update.discard()
        raise


def _import_codes(
    apply: _Apply,
    path: Path,
    fmt: str,
    progress: Callable[[int, int], None],
    releases: dict[str, tuple[str, str]],
) -> int:
    n = 0
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.name)
    if fmt == icd10cm_index.FORMAT:
        return _import_index(apply, path, progress)
    if fmt == local_csv.FORMAT:
        apply.add_source(
            LOCAL_SOURCE,
            "This clinic's own additions",
            "This clinic",
            "",
            "The clinic's own text",
        )
        for rec in local_csv.read_local_csv(path, progress):
            apply.local(path, rec)
            n += 1
        if apply.con.execute("SELECT 1 FROM codes WHERE system = 'LOCAL' LIMIT 1").fetchone():
            releases["LOCAL"] = (f"clinic additions ({path.name})", LOCAL_SOURCE)
        return n
    system = FULL_SET_SYSTEM[fmt]
    source_id = f"import-{stem}"
    terminated: str | None = None
    rows: Iterator[CodeRow]
    if fmt == icd10cm_order.FORMAT:
        fy = icd10cm_order.fiscal_year(path)
        release = f"FY{fy} ({path.name})" if fy else path.name
        apply.add_source(
            source_id,
            f"ICD-10-CM order file {path.name}",
            "CMS / CDC NCHS",
            "https://www.cms.gov/medicare/coding-billing/icd-10-codes",
            "Public domain (US Government work)",
        )
        terminated = icd10cm_order.termination_date(path)
        rows = icd10cm_order.read_order_file(path, progress)
    elif fmt == "icd10cm-xml":
        try:
            version = icd10cm_tabular.tabular_version(path)
        except icd10cm_tabular.TabularReadError as exc:
            raise ImportFileError(path, None, str(exc).removeprefix(f"{path}: ")) from None
        release = f"FY{version} ({path.name})"
        apply.add_source(
            source_id,
            f"ICD-10-CM tabular list {path.name}",
            "CDC NCHS",
            "https://www.cdc.gov/nchs/icd/icd-10-cm/files.html",
            "Public domain (US Government work)",
        )
        terminated = f"{int(version) - 1}-09-30" if version.isdigit() else None
        rows = _tabular_rows(apply, path, source_id)
    else:
        release = path.name
        apply.add_source(
            source_id,
            f"HCPCS Level II file {path.name}",
            "CMS",
            "https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system",
            "Public domain (US Government work)",
        )
        reader = hcpcs_fixed.read_hcpcs_fixed if fmt == hcpcs_fixed.FORMAT else None
        rows = (reader or hcpcs_csv.read_hcpcs_csv)(path, progress)
    for row in rows:
        apply.code_row(path, row, source_id)
        n += 1
    apply.delete_absent(path, system, terminated)
    releases[system] = (release, source_id)
    return n


def _import_index(apply: _Apply, path: Path, progress: Callable[[int, int], None]) -> int:
    """Alphabetic Index entries become search terms of the codes they name."""
    by_code: dict[str, list[str]] = {}
    for entry in icd10cm_index.read_index(path, progress):
        by_code.setdefault(entry.code, []).append(entry.term)
    n = 0
    for code, terms in by_code.items():
        row = apply.con.execute(
            "SELECT id FROM codes WHERE system = 'ICD-10-CM' AND code = ?", (code,)
        ).fetchone()
        if row is None:
            continue
        before = apply.fts_values(int(row[0]))
        apply.con.executemany(
            "INSERT OR IGNORE INTO terms VALUES (?,?,?)",
            [(int(row[0]), t, _term_key(t)) for t in terms],
        )
        apply.reindex(int(row[0]), before)
        n += len(terms)
    return n


def _tabular_rows(apply: _Apply, path: Path, source_id: str) -> Iterator[CodeRow]:
    """ICD-10-CM tabular XML as CodeRows; chapters and blocks are written as they come."""

    def on_chapter(c: icd10cm_tabular.IcdChapter) -> None:
        apply.con.execute("INSERT OR REPLACE INTO icd_chapters VALUES (?,?)", (c.number, c.title))

    def on_block(b: icd10cm_tabular.IcdBlock) -> None:
        apply.con.execute(
            "INSERT OR REPLACE INTO icd_blocks VALUES (?,?,?,?,?)",
            (b.id, b.first, b.last, b.title, b.chapter),
        )

    n = 0
    try:
        for rec in icd10cm_tabular.read_tabular(path, on_block=on_block, on_chapter=on_chapter):
            n += 1
            yield CodeRow(
                system="ICD-10-CM",
                code=rec.code,
                title=rec.title,
                line=n,
                billable=rec.billable,
                kind="category" if rec.parent is None else "code",
                parent=rec.parent,
                block=rec.block,
                notes=rec.notes,
            )
    except icd10cm_tabular.TabularReadError as exc:
        raise ImportFileError(path, None, str(exc).removeprefix(f"{path}: ")) from None
    if n == 0:
        raise ImportFileError(path, None, "no codes in the file")


def _import_cpt(path: Path, licensed: LicensedWriter, progress: Callable[[int, int], None]) -> int:
    reader = cpt_licensed.CptFile(path, progress)
    n = 0
    for row in reader:
        if not licensed.add("CPT", row.code, row.text):
            raise ImportFileError(path, row.line, f"duplicate code {row.code}")
        n += 1
    meta = {"source_file": path.name}
    if reader.header:
        meta["notice"] = " ".join(reader.header)
    licensed.con.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", sorted(meta.items()))
    return n


def _finish_licensed(licensed: LicensedWriter, files: list[Path]) -> None:
    old = LicensedTexts(licensed.target)
    try:
        keep: list[tuple[str, str, str]] = []
        if old:
            keep = [
                (str(s), str(c), str(t))
                for s, c, t in old._query("SELECT system, code, text FROM texts")
            ]
    finally:
        old.close()
    licensed.finish({"files": ", ".join(f.name for f in files)}, keep)


def _write_meta(con: sqlite3.Connection, files: list[ImportedFile]) -> str:
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    base_version = str(meta.get("data_version", ""))
    version = next_data_version(base_version)
    previous = json.loads(meta.get("imported_files", "[]") or "[]")
    entries = previous + [
        {"file": f.path.name, "format": f.format, "records": f.records, "sha256": f.sha256}
        for f in files
    ]
    new = {
        "data_version": version,
        "base_data_version": meta.get("base_data_version", base_version),
        "import_time": _now(),
        "imported_files": json.dumps(entries, sort_keys=True),
        "checksum": checksum.PLACEHOLDER,
    }
    con.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", sorted(new.items()))
    return version


def _validate(db: Path, files: list[ImportedFile]) -> None:
    from desktop.reference.search import SearchEngine
    from desktop.reference.store import ReferenceDataError, ReferenceStore

    try:
        with ReferenceStore(db) as store:
            try:
                checksum.verify(db, store.meta().get("checksum", ""))
            except checksum.ChecksumError as exc:
                raise UpdateError(f"the new database did not validate: {exc}") from None
            engine = SearchEngine(store)
            engine.search("injection")
            engine.search("E53.8")
            if not store.query("SELECT 1 FROM codes WHERE status = 'active' LIMIT 1"):
                raise UpdateError("the new database has no active codes")
            if store.query("PRAGMA quick_check")[0][0] != "ok":
                raise UpdateError("the new database failed SQLite's check")
    except ReferenceDataError as exc:
        raise UpdateError(f"the new database did not validate: {exc}") from None


# ----------------------------------------------------------------------------- what changed


def compare(old: Path, new: Path, out: Path) -> dict[str, int]:
    """Write the changes from ``old`` to ``new`` into the SQLite file ``out``; count them."""
    out.unlink(missing_ok=True)
    con = sqlite3.connect(out)
    try:
        con.execute(
            "CREATE TABLE changes (kind_order INTEGER, code_key TEXT, change TEXT, system TEXT,"
            " code TEXT, old_title TEXT, new_title TEXT, terminated TEXT, replaced_by TEXT)"
        )
        con.execute(f"ATTACH 'file:{_uri(old)}?mode=ro&immutable=1' AS o")
        con.execute(f"ATTACH 'file:{_uri(new)}?mode=ro&immutable=1' AS n")
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


def _uri(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(Path(path).resolve()))


# ----------------------------------------------------------------------------- switching


def use_bundled() -> Path:
    """Stop using an imported database (the bundled one is used again); return it."""
    pointer = paths.pointer_file()
    pointer.unlink(missing_ok=True)
    folder = pointer.parent
    if folder.is_dir():
        for p in folder.glob("reference-*.sqlite"):
            with contextlib.suppress(OSError):
                p.unlink()
    return paths.bundled_reference_db()


# ----------------------------------------------------------------------------- packs


@dataclass(frozen=True, slots=True)
class PackInfo:
    db: Path
    metadata: Path
    sha256: str
    data_version: str


def export_pack(folder: Path, source: Path | None = None) -> PackInfo:
    """Write the database in use (or ``source``) with its checksum and metadata to ``folder``.

    Files: ``quickref-<data version>-<time>.sqlite``, ``.sqlite.sha256`` (``sha256sum -c``
    format) and ``.json`` (what paths.py checks before using a pack). The JSON is written
    last, so a workstation never picks up a half-written pack.
    """
    from desktop.reference.store import ReferenceDataError, ReferenceStore

    source = Path(source) if source is not None else paths.default_reference_db()
    try:
        with ReferenceStore(source, verify=True) as store:
            info = store.info()
    except ReferenceDataError as exc:
        raise UpdateError(f"the database in use cannot be exported: {exc}") from None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    safe_version = re.sub(r"[^A-Za-z0-9.+-]+", "-", info.data_version) or "unknown"
    stem = f"quickref-{safe_version}-{stamp}"
    db = folder / f"{stem}.sqlite"
    part = folder / f".{stem}.sqlite.partial"
    shutil.copyfile(source, part)
    sha = checksum.file_sha256(part)
    os.replace(part, db)
    (folder / f"{stem}.sqlite.sha256").write_text(f"{sha}  {db.name}\n", encoding="utf-8")
    meta = {
        "format": paths.PACK_FORMAT,
        "file": db.name,
        "sha256": sha,
        "size": db.stat().st_size,
        "checksum": info.checksum,
        "schema_version": info.schema_version,
        "data_version": info.data_version,
        "created": _now(),
        "code_sets": {c.system: c.release for c in info.code_sets},
    }
    meta_path = folder / f"{stem}.json"
    tmp = folder / f".{stem}.json.tmp"
    tmp.write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, meta_path)
    return PackInfo(db, meta_path, sha, info.data_version)
