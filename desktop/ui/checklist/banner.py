"""The checklist's message strip ("Stop", "Not saved", "Resumed"), kind said in words."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QWidget,
)

from desktop.ui import colours
from desktop.ui.accessible import announce, plain_text

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
        self.label.setAccessibleDescription("Checklist message")
        self.kind = ""
        self._action = ""
        self.button = QPushButton(self)
        self.button.setAccessibleName("Message action")  # renamed with each message
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
        """Urgent messages in the selection colours, others in the tooltip ones: both
        pairs read at 4.5:1 or better (:mod:`desktop.ui.colours`)."""
        self._urgent = urgent
        base = QApplication.palette(self)
        fore, back = (colours.selected if urgent else colours.banner)(base)
        palette = QPalette(base)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Window, back)
            palette.setColor(group, QPalette.ColorRole.WindowText, fore)
        self.setPalette(palette)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setForegroundRole(QPalette.ColorRole.WindowText)
        self.label.setForegroundRole(QPalette.ColorRole.WindowText)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._set_roles(urgent=self._urgent)

    def show_message(self, kind: str, text: str, action: str = "", action_text: str = "") -> None:
        self.kind = kind
        self._set_roles(urgent=kind in URGENT)
        self.label.setText(f"<b>{kind}:</b> {text}" if kind else text)
        self._action = action
        self.button.setVisible(bool(action))
        self.button.setText(action_text)
        self.button.setAccessibleName(action_text.replace("&", "") or "Message action")
        self.show()
        # Said at once, whatever has the focus: errors and stops are urgent.
        announce(self, plain_text(self.label.text()), assertive=kind in URGENT)

    def text(self) -> str:
        return self.label.text()

    def clear(self) -> None:
        self.label.clear()
        self.kind = ""
        self._action = ""
        self.hide()
