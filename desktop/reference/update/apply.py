"""Applying imported files to a writable copy of the reference database.

:class:`Apply` decides what each imported record means for the data (a new code, a
retitled one, one a complete code set no longer lists) and writes it through
:class:`~desktop.reference.writer.ReferenceWriter`, the one writer of the reference
tables. :func:`import_codes` reads one file of a registered format
(:mod:`desktop.reference.importers`) into it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from desktop.reference.currency import release_window
from desktop.reference.importers import (
    cms_mue,
    format_info,
    hcpcs_csv,
    hcpcs_fixed,
    icd10cm_index,
    icd10cm_order,
    icd10cm_tabular,
    local_csv,
    ncci_ptp,
)
from desktop.reference.importers.common import CodeRow, ImportFileError
from desktop.reference.keys import LOCAL_SYSTEM, code_key
from desktop.reference.writer import CodeFields, ReferenceWriter

__all__ = ["LOCAL_SOURCE", "MAX_DELETE_MIN", "MAX_DELETE_SHARE", "Apply", "import_codes"]

#: A complete code set may delete at most this share of the codes in use (or 50 codes).
MAX_DELETE_SHARE = 0.10
MAX_DELETE_MIN = 50
LOCAL_SOURCE = "local-additions"

#: system -> (release, source id) of each code set an import replaced
Releases = dict[str, tuple[str, str]]


class Apply:
    """Applies imported records to a writable copy of the reference database."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.w = ReferenceWriter(con)
        # Bookkeeping of this import (temp tables: not part of the reference data).
        con.execute(
            "CREATE TEMP TABLE seen (system TEXT, code TEXT, file TEXT, line INTEGER,"
            " PRIMARY KEY (system, code)) WITHOUT ROWID"
        )
        con.execute(
            "CREATE TEMP TABLE pending_xref (from_system TEXT, from_code TEXT, ord INTEGER,"
            " to_code TEXT, note TEXT)"
        )

    # -- reading the copy -------------------------------------------------------------

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

    def lookup_any(self, system: str) -> bool:
        """True when the copy holds a code of ``system``."""
        row = self.con.execute("SELECT 1 FROM codes WHERE system = ? LIMIT 1", (system,))
        return row.fetchone() is not None

    def _notes(self, code_id: int) -> tuple[tuple[str, str], ...]:
        rows = self.con.execute(
            "SELECT kind, text FROM notes WHERE code_id = ? ORDER BY ord", (code_id,)
        ).fetchall()
        return tuple((str(k), str(t)) for k, t in rows)

    # -- official code files ----------------------------------------------------------

    def code_row(self, path: Path, row: CodeRow, source_id: str) -> None:
        self.mark_seen(path, row.system, row.code, row.line)
        found = self.lookup(row.system, row.code)
        if found is None:
            parent, block = row.parent, row.block
            if row.system == "ICD-10-CM" and row.notes is None:
                parent, block = self.icd_parent_block(row.code)
            self.w.add_code(
                CodeFields(
                    system=row.system,
                    code=row.code,
                    kind=row.kind,
                    title=row.title,
                    source_id=source_id,
                    billable=row.billable,
                    status=row.status,
                    effective=row.effective,
                    terminated=row.terminated,
                    parent=parent,
                    block=block,
                    notes=tuple((k, t, source_id) for k, t in row.notes or ()),
                )
            )
        else:
            self._update_code(row, found, source_id)
        for i, to_code in enumerate(row.replaced_by):
            self.con.execute(
                "INSERT INTO pending_xref VALUES (?,?,?,?,?)",
                (row.system, row.code, i, to_code, f"replacement given by {path.name}"),
            )

    def _update_code(self, row: CodeRow, found: tuple[Any, ...], source_id: str) -> None:
        code_id, title, status, billable, terminated, effective = found
        new_billable = billable if row.billable is None else int(row.billable)
        new_terminated = row.terminated if row.status == "deleted" else None
        if row.status == "deleted" and new_terminated is None:
            new_terminated = terminated
        new_status = row.status
        if new_status == "active" and status == "not_for_new_use":
            new_status = status  # a curated judgement the code files do not express
        old = (title, status, billable, terminated, effective)
        new = (row.title, new_status, new_billable, new_terminated, row.effective or effective)
        names = ("title", "status", "billable", "terminated", "effective")
        changes: dict[str, object] = {
            k: v for k, o, v in zip(names, old, new, strict=True) if o != v
        }
        notes = None
        if row.notes is not None and self._notes(code_id) != row.notes:
            notes = row.notes
            changes.update(parent=row.parent, block=row.block)
        if changes or notes is not None:
            self.w.update_code(code_id, changes, notes=notes, notes_source=source_id)

    def delete_absent(self, path: Path, system: str, terminated: str | None) -> int:
        """Mark the codes of ``system`` that no imported file listed as deleted."""
        absent = (
            "SELECT count(*) FROM codes WHERE system = ? AND status != 'deleted' AND NOT EXISTS"
            " (SELECT 1 FROM temp.seen s WHERE s.system = codes.system AND s.code = codes.code)"
        )
        n = int(self.con.execute(absent, (system,)).fetchone()[0])
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
        return self.w.delete_unlisted(system, terminated, "temp.seen")

    def resolve_xrefs(self) -> None:
        rows = self.con.execute(
            "SELECT p.note, f.id, t.id FROM pending_xref p"
            " JOIN codes f ON f.system = p.from_system AND f.code = p.from_code"
            " JOIN codes t ON t.system = p.from_system AND t.code = p.to_code"
            " ORDER BY f.id, p.ord"
        ).fetchall()
        for note, from_id, to_id in rows:
            self.w.add_xref(int(from_id), "use_instead", int(to_id), str(note))

    # -- the clinic's own additions ---------------------------------------------------

    def local(self, path: Path, rec: local_csv.LocalRecord) -> None:
        if rec.record == "synonym":
            self.w.add_synonyms([(rec.title, rec.text)])
            return
        found = self.lookup(rec.system, rec.code)
        if rec.record in ("code", "drug"):
            self.mark_seen(path, "local:" + rec.system, rec.code, rec.line)
            if found is None:
                self._local_new(path, rec)
            else:
                self._local_update(int(found[0]), rec)
            return
        if found is None:
            raise ImportFileError(
                path,
                rec.line,
                f"{rec.system} {rec.code} does not exist (add it with a 'code' record first)",
            )
        code_id = int(found[0])
        if rec.record == "note":
            self.w.add_note(code_id, "local", rec.text, LOCAL_SOURCE)
        elif rec.record == "term":
            self.w.update_code(code_id, add_terms=[rec.title])

    def _local_new(self, path: Path, rec: local_csv.LocalRecord) -> None:
        if rec.record == "drug" and not rec.title:
            raise ImportFileError(path, rec.line, f"{rec.code} is a new code: give it a title")
        self.w.add_code(
            CodeFields(
                system=rec.system,
                code=rec.code,
                kind="drug" if rec.record == "drug" else "service",
                title=rec.title,
                source_id=LOCAL_SOURCE,
                description=rec.text,
                billable=True,
                unit_amount=rec.amount,
                unit=rec.unit,
                routes=rec.routes,
                curated=True,
            )
        )

    def _local_update(self, code_id: int, rec: local_csv.LocalRecord) -> None:
        changes: dict[str, object] = {}
        if rec.title:
            changes["title"] = rec.title
        if rec.text:
            changes["description"] = rec.text
        if rec.record == "drug":
            assert rec.amount is not None
            changes.update(unit_amount=rec.amount, unit=rec.unit)
            if rec.routes:
                changes["routes"] = rec.routes
        self.w.update_code(code_id, changes)


# ----------------------------------------------------------------------------- one file


def import_codes(
    apply: Apply,
    path: Path,
    fmt: str,
    progress: Callable[[int, int], None],
    releases: Releases,
) -> int:
    """Apply the file ``path`` of format ``fmt``; the number of records read."""
    info = format_info(fmt)
    if fmt == cms_mue.FORMAT:
        return import_mue(apply, path, progress)
    if fmt == ncci_ptp.FORMAT:
        return import_ptp(apply, path, progress)
    if fmt == icd10cm_index.FORMAT:
        return import_index(apply, path, progress)
    if fmt == local_csv.FORMAT:
        apply.w.add_source(LOCAL_SOURCE, "This clinic's own additions", *_credit(fmt))
        n = 0
        for rec in local_csv.read_local_csv(path, progress):
            apply.local(path, rec)
            n += 1
        if apply.lookup_any(LOCAL_SYSTEM):
            releases[LOCAL_SYSTEM] = (f"clinic additions ({path.name})", LOCAL_SOURCE)
        return n
    system = info.completes
    assert system is not None, f"{fmt} is not a complete code set"
    source_id = "import-" + re.sub(r"[^A-Za-z0-9._-]+", "-", path.name)
    rows: Iterator[CodeRow]
    if fmt == icd10cm_order.FORMAT:
        fy = icd10cm_order.fiscal_year(path)
        release = f"FY{fy} ({path.name})" if fy else path.name
        title = f"ICD-10-CM order file {path.name}"
        terminated = icd10cm_order.termination_date(path)
        rows = icd10cm_order.read_order_file(path, progress)
    elif fmt == icd10cm_tabular.FORMAT:
        try:
            version = icd10cm_tabular.tabular_version(path)
        except icd10cm_tabular.TabularReadError as exc:
            raise ImportFileError(path, None, str(exc).removeprefix(f"{path}: ")) from None
        release = f"FY{version} ({path.name})"
        title = f"ICD-10-CM tabular list {path.name}"
        terminated = f"{int(version) - 1}-09-30" if version.isdigit() else None
        rows = _tabular_rows(apply, path)
    else:
        release = path.name
        title = f"HCPCS Level II file {path.name}"
        terminated = None
        reader = hcpcs_fixed.read_hcpcs_fixed if fmt == hcpcs_fixed.FORMAT else None
        rows = (reader or hcpcs_csv.read_hcpcs_csv)(path, progress)
    apply.w.add_source(source_id, title, *_credit(fmt))
    n = 0
    for row in rows:
        apply.code_row(path, row, source_id)
        n += 1
    apply.delete_absent(path, system, terminated)
    releases[system] = (release, source_id)
    return n


def import_mue(apply: Apply, path: Path, progress: Callable[[int, int], None]) -> int:
    """Replace the MUE table with a later quarter of CMS's practitioner table."""
    effective, through = release_window("MUE", "", path.name)
    if effective is None:
        raise ImportFileError(
            path,
            None,
            "the file name does not say which quarter it is: keep CMS's name "
            "(..._Eff_MM-DD-YYYY.csv)",
        )
    source_id = "import-" + re.sub(r"[^A-Za-z0-9._-]+", "-", path.name)
    apply.w.add_source(
        source_id,
        f"CMS NCCI Medically Unlikely Edits, practitioner services ({path.name})",
        *_credit(cms_mue.FORMAT),
    )
    return apply.w.replace_mue(cms_mue.read_mue(path, progress), effective, through, source_id)


def import_ptp(apply: Apply, path: Path, progress: Callable[[int, int], None]) -> int:
    """Keep the file's NCCI PTP edits whose two codes are in the data; how many were kept."""
    known = apply.w.code_keys(("CPT", "HCPCS"))
    kept = 0
    for e in ncci_ptp.read_ptp(path, progress):
        if e.column1 in known and e.column2 in known:
            apply.w.add_ptp_edit(
                e.column1, e.column2, e.effective, e.deleted, e.modifier, e.rationale
            )
            kept += 1
    return kept


def import_index(apply: Apply, path: Path, progress: Callable[[int, int], None]) -> int:
    """CDC Alphabetic Index entries become search terms of the ICD-10-CM codes they name."""
    by_code: dict[str, list[str]] = {}
    for entry in icd10cm_index.read_index(path, progress):
        by_code.setdefault(entry.code, []).append(entry.term)
    n = 0
    for code, terms in by_code.items():
        found = apply.lookup("ICD-10-CM", code)
        if found is None:
            continue
        apply.w.update_code(int(found[0]), add_terms=terms)
        n += len(terms)
    return n


def _credit(fmt: str) -> tuple[str, str, str]:
    """(publisher, url, licence) the format declares."""
    info = format_info(fmt)
    return info.publisher, info.url, info.licence


def _tabular_rows(apply: Apply, path: Path) -> Iterator[CodeRow]:
    """ICD-10-CM tabular XML as CodeRows; chapters and blocks are written as they come."""

    def on_chapter(c: icd10cm_tabular.IcdChapter) -> None:
        apply.w.add_chapter(c.number, c.title)

    def on_block(b: icd10cm_tabular.IcdBlock) -> None:
        apply.w.add_block(b.id, b.first, b.last, b.title, b.chapter)

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
