"""A checksum the reference database carries inside itself.

The build writes ``meta.checksum`` as a fixed placeholder, closes the file, hashes
every byte of it and writes the hash over the placeholder (same length, so the SQLite
record stays valid). To verify, put the placeholder back in a copy of the bytes and
hash again. Any changed byte anywhere in the file is detected.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PREFIX = "sha256:"
PLACEHOLDER = PREFIX + "0" * 64


class ChecksumError(ValueError):
    """The file's bytes do not match the checksum it carries."""


def _digest(data: bytes) -> str:
    return PREFIX + hashlib.sha256(data).hexdigest()


def seal(path: Path) -> str:
    """Replace the placeholder in ``path`` by the file's checksum; return it."""
    data = path.read_bytes()
    marker = PLACEHOLDER.encode()
    if data.count(marker) != 1:
        raise ChecksumError(f"{path}: checksum placeholder not found exactly once")
    value = _digest(data)
    with path.open("r+b") as fh:
        fh.seek(data.index(marker))
        fh.write(value.encode())
    return value


def verify(path: Path, stored: str) -> None:
    """Raise :class:`ChecksumError` unless ``path`` matches ``stored``."""
    data = path.read_bytes()
    token = stored.encode()
    if not stored.startswith(PREFIX) or len(stored) != len(PLACEHOLDER) or data.count(token) != 1:
        raise ChecksumError(f"{path}: the stored checksum is missing or malformed")
    if _digest(data.replace(token, PLACEHOLDER.encode())) != stored:
        raise ChecksumError(f"{path}: the file does not match its checksum (damaged or altered)")
