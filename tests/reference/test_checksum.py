"""The checksum a reference database carries inside itself, on real files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from desktop.reference import checksum
from desktop.reference.store import ReferenceStore


def test_file_sha256_is_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    data = bytes(range(256)) * (checksum.CHUNK // 256 + 3)  # more than one chunk
    path.write_bytes(data)
    assert checksum.file_sha256(path) == hashlib.sha256(data).hexdigest()


def test_seal_then_verify_and_any_changed_byte_is_found(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"head " * 1000 + checksum.PLACEHOLDER.encode() + b" tail" * 1000)
    value = checksum.seal(path)
    assert value.startswith(checksum.PREFIX) and len(value) == len(checksum.PLACEHOLDER)
    assert value.encode() in path.read_bytes()
    checksum.verify(path, value)
    for offset in (0, 2500, path.stat().st_size - 1):
        damaged = tmp_path / f"damaged-{offset}.bin"
        shutil.copyfile(path, damaged)
        raw = bytearray(damaged.read_bytes())
        raw[offset] ^= 0x01
        damaged.write_bytes(bytes(raw))
        with pytest.raises(checksum.ChecksumError):
            checksum.verify(damaged, value)


def test_a_missing_or_doubled_marker_is_refused(tmp_path: Path) -> None:
    none = tmp_path / "none.bin"
    none.write_bytes(b"no marker here")
    with pytest.raises(checksum.ChecksumError, match="0 times"):
        checksum.seal(none)
    two = tmp_path / "two.bin"
    two.write_bytes(checksum.PLACEHOLDER.encode() * 2)
    with pytest.raises(checksum.ChecksumError, match="2 times"):
        checksum.seal(two)
    with pytest.raises(checksum.ChecksumError, match="malformed"):
        checksum.verify(none, "md5:abc")


def test_the_built_database_verifies_and_a_changed_copy_does_not(
    mini_db: Path, tmp_path: Path
) -> None:
    with ReferenceStore(mini_db) as store:
        stored = store.meta()["checksum"]
    checksum.verify(mini_db, stored)
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(mini_db, copy)
    raw = bytearray(copy.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    copy.write_bytes(bytes(raw))
    with pytest.raises(checksum.ChecksumError):
        checksum.verify(copy, stored)
