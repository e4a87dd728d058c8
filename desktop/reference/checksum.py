"""A checksum the reference database carries inside itself.

The build writes ``meta.checksum`` as a fixed placeholder, closes the file, hashes
every byte of it and writes the hash over the placeholder (same length, so the SQLite
record stays valid). To verify, hash the file again with the placeholder in place of
the stored value. Any changed byte anywhere in the file is detected. Files are read in
chunks, so memory stays flat whatever the file's size.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import _Hash

PREFIX = "sha256:"
PLACEHOLDER = PREFIX + "0" * 64
CHUNK = 1 << 18  # bytes read at a time


class ChecksumError(ValueError):
    """The file's bytes do not match the checksum it carries."""


def _sha256() -> _Hash:
    """A new SHA-256 hash. hashlib loads OpenSSL: only when a file is hashed, not at
    every start."""
    import hashlib

    return hashlib.sha256()


def file_sha256(path: Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    h = _sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _find_once(path: Path, token: bytes) -> int:
    """Offset of the only occurrence of ``token`` in ``path``, else ChecksumError."""
    found: list[int] = []
    overlap = len(token) - 1
    pos = 0
    tail = b""
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            buf = tail + block
            start = 0
            while (i := buf.find(token, start)) >= 0:
                found.append(pos - len(tail) + i)
                start = i + 1
            tail = buf[-overlap:]
            pos += len(block)
    if len(found) != 1:
        raise ChecksumError(f"{path}: checksum marker found {len(found)} times, not once")
    return found[0]


def seal(path: Path) -> str:
    """Replace the placeholder in ``path`` by the file's checksum; return it."""
    offset = _find_once(path, PLACEHOLDER.encode())
    value = PREFIX + file_sha256(path)
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(value.encode())
    return value


def verify(path: Path, stored: str) -> None:
    """Raise :class:`ChecksumError` unless ``path`` matches ``stored``."""
    malformed = ChecksumError(f"{path}: the stored checksum is missing or malformed")
    if not stored.startswith(PREFIX) or len(stored) != len(PLACEHOLDER):
        raise malformed
    try:
        offset = _find_once(path, stored.encode())
    except ChecksumError:
        raise malformed from None
    h = _sha256()
    with path.open("rb") as fh:
        remaining = offset
        while remaining > 0:
            block = fh.read(min(CHUNK, remaining))
            if not block:
                break
            h.update(block)
            remaining -= len(block)
        h.update(PLACEHOLDER.encode())
        fh.seek(offset + len(stored))
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    if PREFIX + h.hexdigest() != stored:
        raise ChecksumError(f"{path}: the file does not match its checksum (damaged or altered)")
