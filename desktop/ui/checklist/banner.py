"""The checklist's message strip ("Stop", "Not saved", "Resumed"), kind said in words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

# Kinds that stop the user: drawn in the palette's highlight colours, so they stand out
# in a light and a dark scheme alike (the tooltip colours turn grey in some dark ones).
URGENT = frozenset({"Stop", "Not saved", "Not completed", "Could not start"})


class Banner(QFrame):
    """A message strip with an optional action button.

    Signals:
        action_triggered(str): the action id of the pressed button.
    """

    action_triggered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setLineWidth(2)
        self.setAutoFillBackground(True)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName("Checklist message")
        self.kind = ""
        self._action = ""
        self.button = QPushButton(self)
        self.button.hide()
        self.button.clicked.connect(lambda: self.action_triggered.emit(self._action))
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.setToolTip("Dismiss message")
        self.close_button.clicked.connect(self.clear)
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._set_roles(urgent=False)
        self.hide()

    def _set_roles(self, *, urgent: bool) -> None:
        back = QPalette.ColorRole.Highlight if urgent else QPalette.ColorRole.ToolTipBase
        fore = QPalette.ColorRole.HighlightedText if urgent else QPalette.ColorRole.ToolTipText
        self.setBackgroundRole(back)
        self.setForegroundRole(fore)
        self.label.setForegroundRole(fore)

    def show_message(self, kind: str, text: str, action: str = "", action_text: str = "") -> None:
        self.kind = kind
        self._set_roles(urgent=kind in URGENT)
        self.label.setText(f"<b>{kind}:</b> {text}" if kind else text)
        self._action = action
        self.button.setVisible(bool(action))
        self.button.setText(action_text)
        self.button.setAccessibleName(action_text.replace("&", ""))
        self.show()

    def text(self) -> str:
        return self.label.text()

    def clear(self) -> None:
        self.label.clear()
        self.kind = ""
        self._action = ""
        self.hide()
