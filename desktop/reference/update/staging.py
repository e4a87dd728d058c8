"""Staging an import: copy the database in use, apply the files, validate, switch or discard.

:func:`prepare_import` copies the database in use to a staging file in the user's
reference folder, applies the imported files to the copy through
:mod:`desktop.reference.update.apply` (streamed line by line), seals its checksum,
validates it and computes what changed. :meth:`StagedUpdate.commit` switches to it
atomically; :meth:`StagedUpdate.discard` throws it away.

Each import holds a lock file (``.staging-<token>.lock``) for as long as it lives. The
next import removes every ``.staging-*`` file whose lock nobody holds: what an import
killed half-way (kill -9, a power cut) left behind, however recent.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from desktop.fileio import fsync_file
from desktop.reference import checksum, paths
from desktop.reference.currency import release_window
from desktop.reference.importers import cpt_licensed, detect_format
from desktop.reference.importers.common import ImportFileError
from desktop.reference.keys import SCHEMA_VERSION
from desktop.reference.licensed import LicensedTexts, LicensedWriter, licensed_path
from desktop.reference.update.apply import Apply, Releases, import_codes
from desktop.reference.update.changes import (
    CHANGE_KINDS,
    Change,
    compare,
    read_changes,
    write_changes_csv,
)
from desktop.reference.update.errors import ProgressCallback, UpdateError
from desktop.reference.update.packs import now_utc, remove_unused, write_pointer
from desktop.reference.writer import ReferenceWriter

__all__ = [
    "ImportedFile",
    "StagedUpdate",
    "next_data_version",
    "prepare_import",
    "reference_dir",
    "remove_stale_staging",
]

STAGING_PREFIX = ".staging-"
_TOKEN = re.compile(r"^\.staging-([0-9a-f]{32})")


def reference_dir() -> Path:
    return paths.user_reference_dir()


_LOCAL_SUFFIX = re.compile(r"\+local\.(\d+)$")


def next_data_version(base: str) -> str:
    """``2026.11.1`` -> ``2026.11.1+local.1`` -> ``2026.11.1+local.2``."""
    m = _LOCAL_SUFFIX.search(base)
    if m:
        return f"{base[: m.start()]}+local.{int(m.group(1)) + 1}"
    return f"{base}+local.1"


# ----------------------------------------------------------------------------- staging locks


def _try_lock(fh: IO[bytes]) -> bool:
    """Take an exclusive lock on ``fh`` without waiting; False if another process holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class StagingLock:
    """Held by a running import: tells the next import its staging files are in use."""

    def __init__(self, folder: Path, token: str) -> None:
        self.path = folder / f"{STAGING_PREFIX}{token}.lock"
        self._fh: IO[bytes] | None = self.path.open("wb")
        if not _try_lock(self._fh):  # a fresh uuid: nobody else can hold it
            self.release()
            raise UpdateError(f"cannot lock {self.path}")

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
            self._fh = None
            self.path.unlink(missing_ok=True)


def _held(lock: Path) -> bool:
    """True when a live import holds ``lock``."""
    try:
        with lock.open("r+b") as fh:  # never creates it
            return not _try_lock(fh)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: leave its files alone


def remove_stale_staging(*folders: Path) -> list[Path]:
    """Delete the ``.staging-*`` files no running import holds a lock for; return them."""
    locks = folders[0] if folders else reference_dir()
    removed: list[Path] = []
    for folder in folders or (locks,):
        if not folder.is_dir():
            continue
        for p in sorted(folder.glob(STAGING_PREFIX + "*")):
            m = _TOKEN.match(p.name)
            if p.suffix == ".lock" or (m and _held(locks / f"{STAGING_PREFIX}{m.group(1)}.lock")):
                continue
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    for lock in sorted(locks.glob(STAGING_PREFIX + "*.lock")) if locks.is_dir() else []:
        if not _held(lock):
            with contextlib.suppress(OSError):
                lock.unlink()
                removed.append(lock)
    return removed


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
    lock: StagingLock | None = None
    _done: bool = False

    # -- what changed -----------------------------------------------------------------

    def changes(self, limit: int | None = None) -> list[Change]:
        return list(self.iter_changes(limit))

    def iter_changes(self, limit: int | None = None) -> Iterator[Change]:
        if self.changes_db is None:
            return iter(())
        return read_changes(self.changes_db, limit)

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
                fsync_file(self.staged_db)  # written with synchronous=OFF
                os.replace(self.staged_db, new_path)
                try:
                    write_pointer(new_path)
                except BaseException:
                    new_path.unlink(missing_ok=True)
                    raise
        finally:
            self._cleanup_staging()
        if new_path is not None:
            remove_unused(new_path)
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
        if self.lock is not None:
            self.lock.release()
            self.lock = None


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
    licensed_target = licensed_path(paths.user_data_root())
    remove_stale_staging(folder, licensed_target.parent)
    code_files = [(f, fmt) for f, fmt in formats if fmt != cpt_licensed.FORMAT]
    cpt_files = [f for f, fmt in formats if fmt == cpt_licensed.FORMAT]
    token = uuid.uuid4().hex
    lock = StagingLock(folder, token)
    staged = folder / f"{STAGING_PREFIX}{token}.sqlite" if code_files else None
    changes_db = folder / f"{STAGING_PREFIX}{token}.changes.sqlite" if code_files else None
    update = StagedUpdate(base, staged, changes_db, "", [], None, lock=lock)
    try:
        if cpt_files:
            update.licensed = LicensedWriter(licensed_target, token=token)
        _run(update, formats, code_files, cpt_files, report)
        return update
    except BaseException:
        update.discard()
        raise


def _run(
    update: StagedUpdate,
    formats: list[tuple[Path, str]],
    code_files: list[tuple[Path, str]],
    cpt_files: list[Path],
    report: ProgressCallback,
) -> None:
    base, staged, licensed = update.base, update.staged_db, update.licensed
    sizes = [max(f.stat().st_size, 1) for f, _fmt in formats]
    total = sum(sizes)
    done_before = 0
    report(0.0, f"Copying {base.name}")
    imported: list[ImportedFile] = []
    releases: Releases = {}
    share = 0.75 if code_files else 0.95
    con: sqlite3.Connection | None = None
    if staged is not None:
        shutil.copyfile(base, staged)
        con = sqlite3.connect(staged, isolation_level=None)
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            con.close()
            raise UpdateError(
                f"the database in use ({base}) has schema version {version}, "
                f"this QuickRef needs {SCHEMA_VERSION}"
            )
        con.execute("BEGIN")
    try:
        apply = Apply(con) if con is not None else None
        for (path, fmt), size in zip(formats, sizes, strict=True):
            name = path.name

            def file_progress(done: int, _size: int, _d: int = done_before, _n: str = name) -> None:
                report(share * (_d + done) / total, f"Reading {_n}")

            report(share * done_before / total, f"Reading {name}")
            if fmt == cpt_licensed.FORMAT:
                assert licensed is not None
                n = _import_cpt(path, licensed, file_progress)
            else:
                assert apply is not None
                n = import_codes(apply, path, fmt, file_progress, releases)
            imported.append(ImportedFile(path, fmt, n, checksum.file_sha256(path)))
            done_before += size
        if licensed is not None:
            _finish_licensed(licensed, cpt_files)
            update.licensed_count = licensed.count
        if con is not None and apply is not None:
            report(0.78, "Updating the search index")
            apply.resolve_xrefs()
            apply.w.rebuild_vocabulary()
            apply.w.set_code_sets(
                {s: (r, src, *release_window(s, r, r)) for s, (r, src) in releases.items()}
            )
            update.data_version = _write_meta(apply.w, imported)
            report(0.82, "Checking the search index")
            apply.w.check_fts()
            con.execute("COMMIT")
            report(0.85, "Compacting")
            con.execute("VACUUM")
    finally:
        if con is not None:
            con.close()
    if staged is not None and update.changes_db is not None:
        checksum.seal(staged)
        report(0.92, "Validating the new database")
        _validate(staged)
        report(0.96, "Comparing with the data in use")
        update.counts = compare(base, staged, update.changes_db)
    update.files = imported
    report(1.0, "Ready")


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
    licensed.set_meta(meta)
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


def _write_meta(w: ReferenceWriter, files: list[ImportedFile]) -> str:
    meta = w.meta()
    base_version = str(meta.get("data_version", ""))
    version = next_data_version(base_version)
    previous = json.loads(meta.get("imported_files", "[]") or "[]")
    entries = previous + [
        {"file": f.path.name, "format": f.format, "records": f.records, "sha256": f.sha256}
        for f in files
    ]
    w.write_meta(
        {
            "data_version": version,
            "base_data_version": meta.get("base_data_version", base_version),
            "import_time": now_utc(),
            "imported_files": json.dumps(entries, sort_keys=True),
            "checksum": checksum.PLACEHOLDER,
        }
    )
    return version


def _validate(db: Path) -> None:
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
