"""The one settings store (settings.json in the user data folder), on real files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop import userdirs


def test_write_read_and_unset(user_dir: Path, tmp_path: Path) -> None:
    assert userdirs.read_settings() == {}
    userdirs.write_setting("window/geometry", "AAAA")  # the window's own state: stored as given
    share = tmp_path / "share"
    share.mkdir()
    userdirs.write_setting("shared_data_dir", str(share))
    on_disk = json.loads((user_dir / "settings.json").read_text(encoding="utf-8"))
    assert on_disk == {"shared_data_dir": str(share.resolve()), "window/geometry": "AAAA"}
    assert userdirs.get_setting("shared_data_dir") == str(share.resolve())
    userdirs.write_setting("window/geometry", None)
    assert userdirs.read_settings() == {"shared_data_dir": str(share.resolve())}
    assert sorted(p.name for p in user_dir.iterdir()) == ["settings.json"]  # no temp left


def test_the_shared_folder_is_checked_before_it_is_stored(user_dir: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    for value, words in (
        (str(tmp_path / "nope"), "does not exist"),
        (str(a_file), "not a folder"),
        ("   ", "give a folder"),
        (42, "give a folder"),
    ):
        with pytest.raises(userdirs.SettingError, match=words):
            userdirs.write_setting("shared_data_dir", value)
    assert userdirs.read_settings() == {}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_an_unreadable_shared_folder_is_refused(user_dir: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o000)
    try:
        with pytest.raises(userdirs.SettingError, match="cannot be read"):
            userdirs.write_setting("shared_data_dir", str(locked))
    finally:
        locked.chmod(0o700)


def test_values_that_are_not_json_are_refused(user_dir: Path) -> None:
    with pytest.raises(userdirs.SettingError, match="JSON"):
        userdirs.write_setting("something", {1, 2})


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b"\xff\xfe", b"[" * 200_000 + b"]" * 200_000, b" " * (2 << 20)],
)
def test_a_damaged_settings_file_reads_as_empty(user_dir: Path, content: bytes) -> None:
    user_dir.mkdir(parents=True)
    (user_dir / "settings.json").write_bytes(content)
    assert userdirs.read_settings() == {}
    assert userdirs.shared_data_dir() is None


def test_the_environment_overrides_the_shared_folder_setting(
    user_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    userdirs.write_setting("shared_data_dir", str(share))
    monkeypatch.delenv(userdirs.ENV_SHARED_DATA, raising=False)
    assert userdirs.shared_data_dir() == share.resolve()
    monkeypatch.setenv(userdirs.ENV_SHARED_DATA, str(tmp_path / "other"))
    assert userdirs.shared_data_dir() == tmp_path / "other"
