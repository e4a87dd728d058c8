"""Where the reference data lives: the bundled database, imported ones, shared packs.

Code never looks at ``sys._MEIPASS``: the PyInstaller spec copies ``desktop/data`` to
the same relative place, so the path below holds in a source tree, an installed
package and the frozen bundle alike.

Which database the app opens (:func:`default_reference_db`), first that applies:

1. ``$QUICKREF_REFERENCE_DB`` (tests, scripts);
2. the newest valid pack in the clinic's shared folder, if one is configured
   (``$QUICKREF_SHARED_DATA`` or the ``shared_data_dir`` setting): IT's clinic-wide
   update wins over what one workstation imported. Valid means its metadata JSON
   parses, its SHA-256 and the checksum the database carries match, and its schema is
   this app's. A missing share or a damaged pack is skipped;
3. the database imported on this workstation (``quickref db import``), named by the
   pointer file ``<user data>/reference/active.json``, if it is there and matches;
4. the bundled database.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from desktop import userdirs
from desktop.reference import checksum

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REFERENCE_DB_NAME = "reference.sqlite"
ENV_REFERENCE_DB = "QUICKREF_REFERENCE_DB"
USER_REFERENCE_DIR = "reference"
POINTER_NAME = "active.json"
PACK_FORMAT = "quickref-reference-pack-1"


def bundled_reference_db() -> Path:
    """The database shipped with the application (built into ``desktop/data``)."""
    return PACKAGE_DIR / "data" / REFERENCE_DB_NAME


def bundled_data_dir() -> Path:
    """The reviewed TOML sources (``resources/data`` in the source tree)."""
    return PACKAGE_DIR.parent / "resources" / "data"


def user_data_root() -> Path:
    return userdirs.user_data_dir()


def user_reference_dir() -> Path:
    """Where imported reference databases live: ``<user data>/reference``."""
    return user_data_root() / USER_REFERENCE_DIR


def pointer_file() -> Path:
    return user_reference_dir() / POINTER_NAME


def _schema_version() -> int:
    from desktop.reference.keys import SCHEMA_VERSION

    return SCHEMA_VERSION


def _read_meta(db: Path) -> tuple[int, dict[str, str]] | None:
    try:
        uri = f"file:{quote(str(db.resolve()))}?mode=ro&immutable=1"
        con = sqlite3.connect(uri, uri=True)
        try:
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            meta = {str(k): str(v) for k, v in con.execute("SELECT key, value FROM meta")}
        finally:
            con.close()
    except (sqlite3.Error, OSError):
        return None
    return version, meta


def active_imported_db() -> Path | None:
    """The imported database the pointer file names, if it is there and matches."""
    try:
        data = json.loads(pointer_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("file"), str):
        return None
    db = user_reference_dir() / Path(data["file"]).name
    if not db.is_file():
        return None
    found = _read_meta(db)
    if found is None:
        return None
    version, meta = found
    if version != _schema_version() or meta.get("checksum") != data.get("checksum"):
        return None
    return db


@dataclass(frozen=True, slots=True)
class SharedPack:
    db: Path
    data_version: str
    created: str


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


def _check_pack(meta_path: Path) -> SharedPack | str:
    """A valid pack, or why it is not (cached while neither file changes)."""
    try:
        name = Path(str(json.loads(meta_path.read_text(encoding="utf-8")).get("file", ""))).name
    except (OSError, ValueError, AttributeError):
        name = ""
    db_key = _stat_key(meta_path.parent / name) if name else (0, -1)
    return _check_pack_cached(meta_path, _stat_key(meta_path), db_key)


@functools.lru_cache(maxsize=16)
def _check_pack_cached(
    meta_path: Path, _meta_key: tuple[int, int], _db_key: tuple[int, int]
) -> SharedPack | str:
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"{meta_path.name}: unreadable metadata ({exc})"
    if not isinstance(meta, dict) or meta.get("format") != PACK_FORMAT:
        return f"{meta_path.name}: not a QuickRef pack"
    db = meta_path.parent / Path(str(meta.get("file", ""))).name
    if not db.is_file():
        return f"{meta_path.name}: its database {db.name} is missing"
    if meta.get("schema_version") != _schema_version():
        return f"{db.name}: schema {meta.get('schema_version')}, this QuickRef needs another"
    if db.stat().st_size != meta.get("size"):
        return f"{db.name}: size differs from its metadata (damaged or still copying)"

    try:
        checksum.verify(db, str(meta.get("checksum", "")))
    except (checksum.ChecksumError, OSError) as exc:
        return f"{db.name}: {exc}"
    import hashlib

    h = hashlib.sha256()
    with db.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    if h.hexdigest() != meta.get("sha256"):
        return f"{db.name}: SHA-256 differs from its metadata (damaged)"
    found = _read_meta(db)
    if found is None or found[0] != _schema_version():
        return f"{db.name}: not a readable QuickRef database"
    return SharedPack(db, str(meta.get("data_version", "")), str(meta.get("created", "")))


def shared_packs(folder: Path) -> list[tuple[Path, SharedPack | str]]:
    """Every pack's metadata in ``folder``, newest first, with its check result."""
    out: list[tuple[str, Path, SharedPack | str]] = []
    try:
        metas = list(folder.glob("quickref-*.json"))
    except OSError:
        return []
    for m in metas:
        try:
            created = str(json.loads(m.read_text(encoding="utf-8")).get("created", ""))
        except (OSError, ValueError, AttributeError):
            created = ""
        out.append((created, m, _check_pack(m)))
    out.sort(key=lambda t: (t[0], t[1].name), reverse=True)
    return [(m, r) for _c, m, r in out]


@dataclass(frozen=True, slots=True)
class ReferenceChoice:
    path: Path
    origin: str  # environment | shared | imported | bundled
    notes: tuple[str, ...]  # why other candidates were passed over


def reference_choice() -> ReferenceChoice:
    """Which database to open and why (see the module docstring for the order)."""
    override = os.environ.get(ENV_REFERENCE_DB)
    if override:
        return ReferenceChoice(Path(override), "environment", ())
    notes: list[str] = []
    shared = userdirs.shared_data_dir()
    if shared is not None:
        if not shared.is_dir():
            notes.append(f"shared folder {shared} is not reachable; using this workstation's data")
        else:
            skipped: list[str] = []
            for _meta, result in shared_packs(shared):
                if isinstance(result, SharedPack):
                    notes.extend(f"skipped damaged pack: {s}" for s in skipped)
                    return ReferenceChoice(result.db, "shared", tuple(notes))
                skipped.append(result)
            notes.extend(f"skipped damaged pack: {s}" for s in skipped)
            if not skipped:
                notes.append(f"no pack in shared folder {shared}")
    imported = active_imported_db()
    if imported is not None:
        return ReferenceChoice(imported, "imported", tuple(notes))
    if pointer_file().exists():
        notes.append("the imported database is missing or damaged; using the bundled one")
    return ReferenceChoice(bundled_reference_db(), "bundled", tuple(notes))


def default_reference_db() -> Path:
    """The database to open (see :func:`reference_choice`)."""
    return reference_choice().path
