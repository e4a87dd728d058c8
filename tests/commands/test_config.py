"""``quickref config``: the settings store from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import userdirs
from desktop.cli import main


def test_set_get_list_unset(
    user_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(userdirs.ENV_SHARED_DATA, raising=False)
    share = tmp_path / "clinic share"
    share.mkdir()
    assert main(["config", "get", "shared_data_dir"]) == 1
    assert "not set" in capsys.readouterr().err
    assert main(["config", "set", "shared_data_dir", str(share)]) == 0
    assert str(share) in capsys.readouterr().out
    assert main(["config", "get", "shared_data_dir"]) == 0
    assert capsys.readouterr().out.strip() == str(share.resolve())
    assert userdirs.shared_data_dir() == share.resolve()
    assert main(["config", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["settings"] == {"shared_data_dir": str(share.resolve())}
    assert main(["config", "list"]) == 0
    assert "shared_data_dir = " + str(share.resolve()) in capsys.readouterr().out
    assert main(["config", "unset", "shared_data_dir"]) == 0
    assert userdirs.read_settings() == {}


def test_bad_values_and_unknown_keys_are_refused_and_change_nothing(
    user_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "set", "shared_data_dir", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "not changed" in err
    assert main(["config", "set", "colour", "red"]) == 1
    assert "unknown setting 'colour'" in capsys.readouterr().err
    assert not (user_dir / "settings.json").exists()


def test_the_installed_command_runs(user_dir: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "config", "set", "shared_data_dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert userdirs.get_setting("shared_data_dir") == str(tmp_path.resolve())
