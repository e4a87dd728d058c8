"""Which database is in use, and packs for other workstations.

The pointer file (``active.json`` in the user's reference folder) names the imported
database in use; :func:`write_pointer` replaces it atomically, so a reader sees the
old or the new database. :func:`use_bundled` goes back to the bundled database.
:func:`export_pack` writes the database in use for other workstations (see
:mod:`desktop.reference.paths` for how a shared pack is picked at start).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop.fileio import atomic_path, atomic_write_text, remove_stale, sqlite_uri
from desktop.reference import checksum, paths
from desktop.reference.update.errors import UpdateError

__all__ = [
    "PackInfo",
    "export_pack",
    "now_utc",
    "remove_stale_partials",
    "remove_unused",
    "use_bundled",
    "write_pointer",
]


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_pointer(db: Path) -> None:
    """Make ``db`` (an imported database in the user's reference folder) the one in use."""
    con = sqlite3.connect(sqlite_uri(db, immutable=True), uri=True)
    try:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    finally:
        con.close()
    data = {
        "file": db.name,
        "checksum": meta.get("checksum", ""),
        "data_version": meta.get("data_version", ""),
        "switched": now_utc(),
    }
    atomic_write_text(paths.pointer_file(), json.dumps(data, indent=2))


def remove_unused(keep: Path) -> None:
    """Delete imported databases no longer pointed to (best effort: one may be open)."""
    for p in keep.parent.glob("reference-*.sqlite"):
        if p != keep:
            with contextlib.suppress(OSError):
                p.unlink()


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


#: A pack's partial copy older than this was left by an export that was killed.
STALE_PARTIAL_S = 3600.0


def remove_stale_partials(folder: Path, max_age_s: float = STALE_PARTIAL_S) -> list[Path]:
    """Delete partial pack copies a killed export left in the share; return them.

    Another workstation may be exporting to the same share right now, so only copies
    untouched for ``max_age_s`` are removed (a copy of the database takes seconds).
    """
    return remove_stale(folder, ".quickref-*.partial.*", max_age_s)


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
    last, so a workstation never picks up a half-written pack. On any failure (a full
    disk, a folder that cannot be written) the files written so far are removed: the
    share is left as it was.
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
    remove_stale_partials(folder)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    safe_version = re.sub(r"[^A-Za-z0-9.+-]+", "-", info.data_version) or "unknown"
    stem = f"quickref-{safe_version}-{stamp}"
    db = folder / f"{stem}.sqlite"
    sha_file = folder / f"{stem}.sqlite.sha256"
    meta_path = folder / f"{stem}.json"
    written: list[Path] = []
    try:
        with atomic_path(db, prefix=f".{stem}.sqlite.partial.") as part:
            shutil.copyfile(source, part)
            sha = checksum.file_sha256(part)
        written.append(db)
        atomic_write_text(sha_file, f"{sha}  {db.name}\n")
        written.append(sha_file)
        meta = {
            "format": paths.PACK_FORMAT,
            "file": db.name,
            "sha256": sha,
            "size": db.stat().st_size,
            "checksum": info.checksum,
            "schema_version": info.schema_version,
            "data_version": info.data_version,
            "created": now_utc(),
            "code_sets": {c.system: c.release for c in info.code_sets},
        }
        atomic_write_text(meta_path, json.dumps(meta, indent=2, sort_keys=True))
    except BaseException:
        for p in written:
            with contextlib.suppress(OSError):
                p.unlink()
        raise
    return PackInfo(db, meta_path, sha, info.data_version)
