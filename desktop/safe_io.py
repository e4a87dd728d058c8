"""Reading files a user or a shared folder hands us, without hanging, crashing or flooding.

No Qt, no dependency on the rest of QuickRef: ``userdirs``, ``reference/`` and the CLI
all use it.

* :func:`open_regular` opens a path for reading only if it is a regular file. A FIFO
  (which would block the open), a device (``/dev/zero`` never ends), ``/dev/stdin``, a
  folder or a ``/proc`` / ``/sys`` file (sizes that lie) is refused with a message that
  says what it is. The file is opened non-blocking and checked with ``fstat`` on the
  open descriptor, so a path swapped between the check and the open cannot slip through.
* :func:`load_json` reads a small JSON file with a bound on its size and nesting depth
  (a 200,000-deep document would otherwise raise RecursionError).
* :func:`echo` is what a message may show of a user's input: at most ~200 characters,
  control characters and escape sequences written as escapes.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "JSON_MAX_BYTES",
    "JSON_MAX_DEPTH",
    "NotRegularFileError",
    "UnsafeJSONError",
    "check_regular",
    "echo",
    "load_json",
    "open_regular",
    "read_bounded",
]

JSON_MAX_BYTES = 1 << 20  # settings, pointers and pack metadata are a few hundred bytes
JSON_MAX_DEPTH = 32
ECHO_LIMIT = 200
_SYSTEM_TREES = ("/proc", "/sys", "/dev")


class NotRegularFileError(OSError):
    """The path exists (or not) but is not a regular file we may read.

    ``reason`` is the plain words: "is a folder", "is not a regular file (a FIFO)", ...
    ``str(exc)`` is "<path>: <reason>".
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{echo(str(path))}: {reason}")

    def __str__(self) -> str:
        return f"{echo(str(self.path))}: {self.reason}"


class UnsafeJSONError(ValueError):
    """A JSON file too large or too deeply nested to read."""


def echo(text: object, limit: int = ECHO_LIMIT) -> str:
    """``text`` as a message may show it: escaped control characters, at most ``limit``."""
    s = str(text)
    cut = len(s) > limit
    s = s[:limit]
    out = []
    for ch in s:
        code = ord(ch)
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        elif ch in _BIDI:
            # Right-to-left overrides can make a message read differently from what it says.
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    result = "".join(out)
    if cut:
        result += f"... ({len(str(text)):,} characters)"
    return result


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is not a regular file (it is a pipe/FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is not a regular file (it is a device)"
    if stat.S_ISSOCK(mode):
        return "is not a regular file (it is a socket)"
    return "is not a regular file"


def _in_system_tree(path: Path) -> bool:
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    return any(real == top or real.startswith(top + "/") for top in _SYSTEM_TREES)


def _explain_os_error(path: Path, exc: OSError) -> NotRegularFileError:
    if isinstance(exc, FileNotFoundError):
        return NotRegularFileError(path, "does not exist")
    if isinstance(exc, PermissionError):
        return NotRegularFileError(
            path, "cannot be read: permission denied (the file or a folder above it)"
        )
    if isinstance(exc, NotADirectoryError):
        return NotRegularFileError(path, "does not exist (a part of the path is a file)")
    return NotRegularFileError(path, f"cannot be read ({exc.strerror or exc})")


def check_regular(path: Path | str) -> os.stat_result:
    """``os.stat`` of ``path`` if it is a regular file we may read; else NotRegularFileError.

    Never opens the file, so it cannot block on a FIFO.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        if isinstance(exc, ValueError):  # an embedded NUL
            raise NotRegularFileError(path, "is not a valid path") from None
        raise _explain_os_error(path, exc) from None
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFileError(path, _kind(st.st_mode))
    if _in_system_tree(path):
        raise NotRegularFileError(path, "is a system file (/proc, /sys or /dev), not a data file")
    return st


def open_regular(path: Path | str) -> BinaryIO:
    """Open ``path`` for binary reading if it is a regular file (see the module docs)."""
    path = Path(path)
    check_regular(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _explain_os_error(path, exc) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(path, _kind(st.st_mode))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (else UnsafeJSONError)."""
    with open_regular(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise UnsafeJSONError(f"{echo(str(path))}: larger than {limit:,} bytes")
    return data


def json_depth_ok(text: str, max_depth: int = JSON_MAX_DEPTH) -> bool:
    """True when no array/object in ``text`` nests deeper than ``max_depth`` (strings skipped)."""
    depth = 0
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def loads_json(
    data: bytes | str, *, where: str = "JSON", max_depth: int = JSON_MAX_DEPTH
) -> object:
    """``json.loads`` that refuses documents nested deeper than ``max_depth``."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise UnsafeJSONError(f"{where}: not UTF-8 text ({exc.reason})") from None
    if not json_depth_ok(text, max_depth):
        raise UnsafeJSONError(f"{where}: nested more than {max_depth} levels deep")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UnsafeJSONError(f"{where}: not valid JSON ({echo(exc, 120)})") from None


def load_json(
    path: Path | str, *, max_bytes: int = JSON_MAX_BYTES, max_depth: int = JSON_MAX_DEPTH
) -> object:
    """A small JSON file, read safely. Raises OSError (NotRegularFileError) or
    UnsafeJSONError (a ValueError) with a message naming the file."""
    where = echo(str(path))
    return loads_json(read_bounded(path, max_bytes), where=where, max_depth=max_depth)
