"""File > Settings: where this workstation finds the clinic's shared reference packs.

Writes ``shared_data_dir`` in the user folder's ``settings.json`` (the same setting
``quickref`` reads; ``$QUICKREF_SHARED_DATA`` still overrides it, and the dialog says so).
A folder that does not exist is refused with a message; nothing is written then.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.geometry import remember_geometry
from desktop.userdirs import ENV_SHARED_DATA, read_settings, write_setting

SHARED_KEY = "shared_data_dir"


class SettingsDialog(QDialog):
    """Set or clear the shared folder of reference packs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("QuickRef settings")
        self.setAccessibleName("QuickRef settings")
        value = read_settings().get(SHARED_KEY)
        self.shared = QLineEdit(value if isinstance(value, str) else "", self)
        self.shared.setAccessibleName("Shared folder of reference packs")
        self.shared.setPlaceholderText("None: this workstation uses its own data")
        self.shared.setClearButtonEnabled(True)
        browse = QPushButton("&Browse…", self)
        browse.setAccessibleName("Choose the shared folder")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.shared, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Shared folder:", row)
        label = form.labelForField(row)
        if isinstance(label, QLabel):
            label.setBuddy(self.shared)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Settings message")
        override = os.environ.get(ENV_SHARED_DATA)
        if override:
            self.message.setText(
                f"{ENV_SHARED_DATA} is set ({override}): it is used instead of this setting."
            )
        else:
            self.message.setText(
                "QuickRef uses the newest valid pack in this folder, read-only. "
                "Leave it empty to use this workstation's own data."
            )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for role in (QDialogButtonBox.StandardButton.Save, QDialogButtonBox.StandardButton.Cancel):
            button = buttons.button(role)
            button.setAccessibleName(button.text().replace("&", ""))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        fm = self.fontMetrics()
        self.resize(fm.averageCharWidth() * 80, self.sizeHint().height())
        remember_geometry(self, "settings_dialog")

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Shared folder of reference packs", self.shared.text()
        )
        if folder:
            self.shared.setText(folder)

    def accept(self) -> None:
        text = self.shared.text().strip()
        if text and not Path(text).expanduser().is_dir():
            self.message.setText(f"There is no folder {text}. Nothing was changed.")
            return
        try:
            write_setting(SHARED_KEY, str(Path(text).expanduser()) if text else None)
        except ValueError as exc:  # a setting the store refuses (it says why)
            self.message.setText(f"Not saved: {exc}. Nothing was changed.")
            return
        except OSError as exc:
            self.message.setText(f"The setting could not be saved: {exc}")
            return
        super().accept()
