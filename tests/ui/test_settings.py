"""One settings store: geometry of every window and dialog in settings.json; the
Settings dialog sets the shared folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop.ui.geometry import read_state, remember_geometry, write_state
from desktop.ui.main_window.actions import ACTIONS
from desktop.ui.settings_dialog import SettingsDialog
from desktop.userdirs import read_settings, shared_data_dir


def test_a_dialog_comes_back_at_its_size(user_dir: Path, qtbot: QtBot) -> None:
    first = QDialog()
    qtbot.addWidget(first)
    assert remember_geometry(first, "test_dialog") is False  # nothing saved yet
    first.resize(QSize(432, 321))
    first.show()
    qtbot.waitExposed(first)
    first.close()
    saved = json.loads((user_dir / "settings.json").read_text(encoding="utf-8"))
    assert isinstance(saved["geometry/test_dialog"], str)  # base64 text
    again = QDialog()
    qtbot.addWidget(again)
    assert remember_geometry(again, "test_dialog") is True
    assert again.size() == QSize(432, 321)


def test_unreadable_state_is_ignored(user_dir: Path) -> None:
    (user_dir).mkdir(parents=True, exist_ok=True)
    (user_dir / "settings.json").write_text('{"geometry/x": "not base64!"}', encoding="utf-8")
    assert read_state("geometry/x") is None
    from PySide6.QtCore import QByteArray

    write_state("state/y", QByteArray(b"\x00\x01"))
    state = read_state("state/y")
    assert state is not None and bytes(state.data()) == b"\x00\x01"


def test_settings_dialog_sets_and_clears_the_shared_folder(
    user_dir: Path, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUICKREF_SHARED_DATA", raising=False)
    share = tmp_path / "share"
    share.mkdir()
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.shared.setText(str(tmp_path / "missing"))
    dialog.accept()
    assert "There is no folder" in dialog.message.text()
    assert "shared_data_dir" not in read_settings()
    dialog.shared.setText(str(share))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert shared_data_dir() == share
    again = SettingsDialog()
    qtbot.addWidget(again)
    assert again.shared.text() == str(share)
    again.shared.clear()
    again.accept()
    assert shared_data_dir() is None


def test_every_action_has_text_and_no_two_share_a_key() -> None:
    from PySide6.QtGui import QKeySequence

    keys = [QKeySequence(k).toString() for spec in ACTIONS.values() for k in spec.keys]
    assert len(keys) == len(set(keys))
    assert all(spec.text for spec in ACTIONS.values())
