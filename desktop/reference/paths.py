"""Where the reference data lives: the bundled database, imported ones, shared packs.

Code never looks at ``sys._MEIPASS``: the PyInstaller spec copies ``desktop/data`` to
the same relative place, so the path below holds in a source tree, an installed
package and the frozen bundle alike.

Which database the app opens (:func:`default_reference_db`), first that applies:

1. ``$QUICKREF_REFERENCE_DB`` (tests, scripts);
2. the newest valid pack in the clinic's shared folder, if one is configured
   (``$QUICKREF_SHARED_DATA`` or the ``shared_data_dir`` setting): IT's clinic-wide
   update wins over what one workstation imported. Valid means its metadata JSON is
   a small regular file that parses, its SHA-256 and the checksum the database carries
   match, its schema is this app's and every table is there, its data version is not
   in the future, and — when the clinic's public key is configured — its ``.json.sig``
   verifies (:mod:`desktop.reference.pack_signature`). Newest means highest data
   version, then latest file time (a time in the future counts as none); the pack's
   own ``created`` is never used. Hashes are cached by file identity
   (:mod:`desktop.reference.verify_cache`). A missing share or a refused pack is
   skipped, with a note saying why;
3. the database imported on this workstation (``quickref db import``), named by the
   pointer file ``<user data>/reference/active.json``, if it is there and matches;
4. the bundled database.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from desktop import safe_io, userdirs
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
    """(schema version, meta) of a complete QuickRef database, else None."""
    from desktop.reference import integrity

    if integrity.file_problem(db) is not None:
        return None
    try:
        uri = f"file:{quote(str(db.resolve()))}?mode=ro&immutable=1"
        con = sqlite3.connect(uri, uri=True)
        try:
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            if integrity.missing_tables(con):
                return None
            meta = {str(k): str(v) for k, v in con.execute("SELECT key, value FROM meta")}
        finally:
            con.close()
    except (sqlite3.Error, OSError):
        return None
    return version, meta


def active_imported_db() -> Path | None:
    """The imported database the pointer file names, if it is there, whole and matches."""
    try:
        data = safe_io.load_json(pointer_file())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("file"), str):
        return None
    db = user_reference_dir() / Path(data["file"]).name
    found = _read_meta(db)
    if found is None:
        return None
    version, meta = found
    if version != _schema_version() or meta.get("checksum") != data.get("checksum"):
        return None
    return db


class SharedPack(NamedTuple):
    db: Path
    data_version: str
    created: str  # what the pack says of itself: shown, never used to choose
    metadata: Path | None = None
    signed_by: str = ""  # the key's fingerprint when a signature was required and valid
    file_time_ns: int = 0  # the later of the database's and the metadata's mtime

    def describe(self) -> str:
        """One line for About and ``db info``."""
        name = self.metadata.name if self.metadata is not None else self.db.name
        signed = f", signed ({self.signed_by})" if self.signed_by else ", unsigned"
        return f"{name}: data version {self.data_version}{signed}"


#: How far a file time or data version may lie ahead of this machine's clock.
FUTURE_SLACK_S = 31 * 24 * 3600
MAX_PACKS = 64  # metadata files considered in one shared folder
_VERSION = re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,4})(?:\+local\.(\d{1,6}))?$", re.ASCII)


def version_key(data_version: str) -> tuple[int, int, int, int] | None:
    """``2026.11.1+local.2`` -> (2026, 11, 1, 2); None for anything else."""
    m = _VERSION.match(data_version)
    if m is None:
        return None
    year, month, n, local = m.groups()
    return int(year), int(month), int(n), int(local or 0)


def _in_future(year: int, month: int, now: float) -> bool:
    import datetime as dt

    limit = dt.datetime.fromtimestamp(now + FUTURE_SLACK_S, dt.UTC)
    return (year, month) > (limit.year, limit.month)


def _identity(path: Path) -> tuple[int, ...]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1,)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _pack_key_config() -> tuple[object, str]:
    """(the configured public key or None, or the reason it is unusable; its origin)."""
    from desktop.reference import pack_signature

    try:
        key = pack_signature.configured_key()
    except pack_signature.SignatureError as exc:
        return None, str(exc)
    return key, ""


def _check_pack(meta_path: Path, key: object = None) -> SharedPack | str:
    """A valid pack, or why it is not (cached while none of its files change)."""
    from desktop.reference import pack_signature

    sig = pack_signature.signature_path(meta_path)
    try:
        raw = safe_io.read_bounded(meta_path, safe_io.JSON_MAX_BYTES)
        data = safe_io.loads_json(raw)
        name = str(data.get("file", "")) if isinstance(data, dict) else ""
    except (OSError, ValueError):
        name = ""
    db = meta_path.parent / Path(name).name if name else meta_path
    ids = (_identity(meta_path), _identity(db), _identity(sig))
    return _check_pack_cached(meta_path, ids, key)


# One check after another, each with its own message, in the order a pack is trusted.
@functools.lru_cache(maxsize=MAX_PACKS)
def _check_pack_cached(  # noqa: C901
    meta_path: Path, _ids: tuple[tuple[int, ...], ...], key: object
) -> SharedPack | str:
    from desktop.reference import pack_signature, verify_cache

    label = safe_io.echo(meta_path.name)
    try:
        raw = safe_io.read_bounded(meta_path, safe_io.JSON_MAX_BYTES)
        meta = safe_io.loads_json(raw, where=label)
    except safe_io.NotRegularFileError as exc:
        return f"{label}: {exc.reason}"
    except (OSError, ValueError) as exc:
        return f"{label}: unreadable metadata ({safe_io.echo(exc, 160)})"
    if not isinstance(meta, dict) or meta.get("format") != PACK_FORMAT:
        return f"{label}: not a QuickRef pack"
    signed_by = ""
    if isinstance(key, pack_signature.PublicKey):
        try:
            pack_signature.verify(raw, meta_path, key)
        except pack_signature.SignatureError as exc:
            return f"{label}: {exc}"
        signed_by = key.fingerprint
    db = meta_path.parent / Path(str(meta.get("file", ""))).name
    dbl = safe_io.echo(db.name)
    try:
        st = safe_io.check_regular(db)
    except safe_io.NotRegularFileError as exc:
        if exc.reason == "does not exist":
            return f"{label}: its database {dbl} is missing"
        return f"{label}: its database {dbl} {exc.reason}"
    if meta.get("schema_version") != _schema_version():
        shown = safe_io.echo(meta.get("schema_version"), 20)
        return f"{dbl}: schema {shown}, this QuickRef needs {_schema_version()}"
    if st.st_size != meta.get("size"):
        return f"{dbl}: size differs from its metadata (damaged or still copying)"
    found = _read_meta(db)
    if found is None or found[0] != _schema_version():
        return f"{dbl}: not a readable, complete QuickRef database (missing tables?)"
    db_meta = found[1]
    stored = db_meta.get("checksum", "")
    if stored != meta.get("checksum"):
        return f"{dbl}: its checksum differs from its metadata (damaged)"
    try:
        sha = verify_cache.cached(db, "sha256", lambda: checksum.file_sha256(db))
        if sha != meta.get("sha256"):
            return f"{dbl}: SHA-256 differs from its metadata (damaged)"

        def inner() -> str:
            checksum.verify(db, stored)
            return stored

        verify_cache.cached(db, "checksum", inner, expected=stored)
    except (checksum.ChecksumError, OSError) as exc:
        return f"{dbl}: {safe_io.echo(exc)}"
    version = db_meta.get("data_version", "")
    vkey = version_key(version)
    if vkey is None:
        return f"{dbl}: data version {safe_io.echo(version, 40)!r} is not in the YYYY.MM.N form"
    if str(meta.get("data_version", version)) != version:
        return f"{dbl}: its metadata names another data version than the database carries"
    if _in_future(vkey[0], vkey[1], time.time()):
        return f"{dbl}: data version {version} lies in the future: not trusted"
    try:
        file_time = max(os.stat(db).st_mtime_ns, os.stat(meta_path).st_mtime_ns)
    except OSError as exc:
        return f"{dbl}: {safe_io.echo(exc)}"
    created = safe_io.echo(meta.get("created", ""), 40)
    return SharedPack(db, version, created, meta_path, signed_by, file_time)


def check_pack(meta_path: Path) -> SharedPack | str:
    """Every check a workstation makes on a pack, except its signature."""
    return _check_pack(Path(meta_path), None)


def _rank(pack: SharedPack, now_ns: int) -> tuple[tuple[int, int, int, int], int, str]:
    """Newest first by what cannot lie: data version, then file time (a future time is 0)."""
    vkey = version_key(pack.data_version) or (0, 0, 0, 0)
    t = pack.file_time_ns if pack.file_time_ns <= now_ns + FUTURE_SLACK_S * 10**9 else 0
    return vkey, t, pack.db.name


def shared_packs(folder: Path) -> list[tuple[Path, SharedPack | str]]:
    """Every pack's metadata in ``folder``, newest first, with its check result.

    Valid packs come first, newest first (:func:`_rank`); then the refused ones with why.
    A pack's own ``created`` field is never used to choose.
    """
    try:
        metas = sorted(folder.glob("quickref-*.json"), reverse=True)[:MAX_PACKS]
    except OSError:
        return []
    key, key_problem = _pack_key_config()
    if key_problem:
        why = f"no shared pack is used: the clinic's public key is unusable ({key_problem})"
        return [(m, f"{safe_io.echo(m.name)}: {why}") for m in metas]
    results = [(m, _check_pack(m, key)) for m in metas]
    now_ns = time.time_ns()
    good = [(m, r) for m, r in results if isinstance(r, SharedPack)]
    good.sort(key=lambda t: _rank(t[1], now_ns), reverse=True)
    bad = [(m, r) for m, r in results if not isinstance(r, SharedPack)]
    return [*good, *bad]


class ReferenceChoice(NamedTuple):
    path: Path
    origin: str  # environment | shared | imported | bundled
    notes: tuple[str, ...]  # why other candidates were passed over
    pack: SharedPack | None = None  # the shared pack in use (origin "shared")


def reference_choice() -> ReferenceChoice:
    """Which database to open and why (see the module docstring for the order)."""
    override = os.environ.get(ENV_REFERENCE_DB)
    if override:
        return ReferenceChoice(Path(override), "environment", ())
    notes: list[str] = []
    shared = userdirs.shared_data_dir()
    if shared is not None:
        where = safe_io.echo(str(shared))
        if not shared.is_dir():
            notes.append(f"shared folder {where} is not reachable; using this workstation's data")
        else:
            results = shared_packs(shared)
            notes.extend(f"skipped pack: {r}" for _m, r in results if isinstance(r, str))
            for _meta, result in results:
                if isinstance(result, SharedPack):
                    return ReferenceChoice(result.db, "shared", tuple(notes), result)
            if not results:
                notes.append(f"no pack in shared folder {where}")
            else:
                notes.append("no usable pack in the shared folder; using this workstation's data")
    imported = active_imported_db()
    if imported is not None:
        return ReferenceChoice(imported, "imported", tuple(notes))
    if pointer_file().exists():
        notes.append("the imported database is missing or damaged; using the bundled one")
    return ReferenceChoice(bundled_reference_db(), "bundled", tuple(notes))


def default_reference_db() -> Path:
    """The database to open (see :func:`reference_choice`)."""
    return reference_choice().path
