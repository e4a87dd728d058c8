"""Remember which database files were verified, so a check is paid once per file.

Verifying the checksum of the reference database reads every byte (~30 MB): fine once,
too slow for every ``quickref units`` call. A file is verified once per identity —
(size, mtime_ns, ctime_ns, inode, device); any write to the file changes its mtime or
ctime, and ctime cannot be set back by a user — and the result is remembered in the
user folder's ``verified.json``. The same cache holds a shared pack's SHA-256, so a
pack is hashed at most once per identity, not at every start.

The cache only ever saves work: a missing, damaged or hostile cache file is ignored
(and rewritten), a cache that cannot be written (read-only folder) is skipped, and an
entry is used only when the stored value it vouches for is the one asked about.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

from desktop import safe_io, userdirs

CACHE_NAME = "verified.json"
FORMAT = "quickref-verified-1"
MAX_ENTRIES = 64
MAX_CACHE_BYTES = 256 * 1024

_lock = threading.Lock()
_memory: dict[str, dict[str, object]] = {}  # this process: survives a failed write


def cache_path() -> Path:
    return userdirs.user_data_dir() / CACHE_NAME


def identity(path: Path) -> list[int]:
    """The file identity a verification holds for (raises OSError)."""
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _key(path: Path, what: str) -> str:
    return f"{what}:{os.path.realpath(path)}"


def _load() -> dict[str, dict[str, object]]:
    try:
        data = safe_io.load_json(cache_path(), max_bytes=MAX_CACHE_BYTES, max_depth=4)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {str(k): v for k, v in entries.items() if isinstance(v, dict)}


def _save(entries: dict[str, dict[str, object]]) -> None:
    path = cache_path()
    items = sorted(entries.items(), key=lambda kv: str(kv[1].get("at", "")))[-MAX_ENTRIES:]
    body = json.dumps({"format": FORMAT, "entries": dict(items)}, indent=1, sort_keys=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def lookup(path: Path, what: str, expected: str | None = None) -> str | None:
    """The value remembered for ``path`` as it is now, or None.

    With ``expected``, a remembered value is returned only when it equals it (a
    checksum verified once vouches only for that checksum).
    """
    try:
        ident = identity(path)
    except OSError:
        return None
    key = _key(path, what)
    with _lock:
        entry = _memory.get(key) or _load().get(key)
    if entry is None or entry.get("id") != ident:
        return None
    value = entry.get("value")
    if not isinstance(value, str) or (expected is not None and value != expected):
        return None
    return value


def remember(path: Path, what: str, value: str, ident: list[int]) -> None:
    """Remember ``value`` for ``path`` with the identity it had when it was computed."""
    import time

    key = _key(path, what)
    entry: dict[str, object] = {"id": ident, "value": value, "at": f"{time.time():.6f}"}
    with _lock:
        _memory[key] = entry
        entries = _load()
        entries[key] = entry
        _save(entries)


def cached(path: Path, what: str, compute: Callable[[], str], expected: str | None = None) -> str:
    """``compute()`` (which reads ``path``) unless its result for this identity is known.

    The identity is taken before computing: a file changed while it was read gets a new
    identity and is computed again next time.
    """
    known = lookup(path, what, expected)
    if known is not None:
        return known
    ident = identity(path)
    value = compute()
    if identity(path) == ident:
        remember(path, what, value, ident)
    return value


def forget_memory() -> None:
    """Drop what this process remembers (tests)."""
    with _lock:
        _memory.clear()
