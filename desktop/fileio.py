"""Writing files so that a reader never sees half of one, and naming files to SQLite.

:func:`atomic_write` is the one way QuickRef replaces a file: it writes a temporary
file in the same folder, flushes it to disk, then ``os.replace``-s it over the target
(atomic on every platform we support), and removes the temporary file if anything
fails. :func:`sqlite_uri` builds a ``file:`` URI with the path escaped, so a folder
named ``a#b``, ``what?`` or ``100%`` is opened as itself.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import quote

__all__ = ["atomic_path", "atomic_write", "atomic_write_text", "fsync_file", "sqlite_uri"]


def sqlite_uri(path: Path | str, *, mode: str = "ro", immutable: bool = False) -> str:
    """``file:`` URI for ``path`` (made absolute, every special character escaped)."""
    uri = f"file:{quote(str(Path(path).resolve()))}?mode={mode}"
    return uri + "&immutable=1" if immutable else uri


@contextlib.contextmanager
def atomic_path(target: Path | str, *, prefix: str | None = None) -> Iterator[Path]:
    """A temporary path next to ``target`` (not yet created); on success it replaces it.

    For writers that need a path (a copy, SQLite). The caller creates and writes the
    file (with the usual permissions: the umask applies); this fsyncs it,
    ``os.replace``-s it over ``target``, and deletes it on any exception.
    """
    target = Path(target)
    tmp = target.with_name(f"{prefix or f'.{target.name}.'}{os.urandom(6).hex()}.tmp")
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_write(
    target: Path | str, *, encoding: str = "utf-8", newline: str | None = None
) -> Iterator[IO[str]]:
    """A text file open for writing next to ``target``; it replaces ``target`` on success."""
    with atomic_path(target) as tmp, tmp.open("w", encoding=encoding, newline=newline) as fh:
        yield fh


def atomic_write_text(target: Path | str, text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``target`` with ``text`` atomically."""
    with atomic_write(target, encoding=encoding) as fh:
        fh.write(text)


def fsync_file(path: Path) -> None:
    """Flush ``path``'s bytes to disk (before it is renamed into use)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows needs write access
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale(folder: Path, pattern: str, max_age_s: float) -> list[Path]:
    """Delete the files in ``folder`` matching ``pattern`` untouched for ``max_age_s``
    (what a killed build or copy left; a younger one may be in progress); return them."""
    now = time.time()
    removed: list[Path] = []
    for p in folder.glob(pattern):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime > max_age_s:
                p.unlink()
                removed.append(p)
    return removed
