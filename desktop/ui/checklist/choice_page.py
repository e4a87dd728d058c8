"""The answer page of a ``choice`` step: one checkable button per option (keys 1-9 pick
one)."""

from __future__ import annotations

import textwrap

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from desktop.reference.store import ChecklistStep
from desktop.ui.accessible import make_radio
from desktop.ui.checklist.drug_editor import BIG_BUTTON_HEIGHT

# A long answer goes on more lines, so the page never widens the dock (a stacked page's
# width is that of its widest page, whichever is shown).
BUTTON_CHARS = 36


class ChoicePage(QWidget):
    """One checkable button per option of the current choice step (keys 1-9 pick them).

    Signals:
        chosen(str): the value of the option picked.
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QPushButton] = []
        self._values: list[str] = []
        self._layout.addStretch(1)

    def set_step(self, step: ChecklistStep, value: str | None) -> None:
        if [v for v, _ in step.options] != self._values:
            for b in self.buttons:
                self._layout.removeWidget(b)
                b.deleteLater()
            self.buttons = []
            self._values = [v for v, _ in step.options]
            for i, (v, label) in enumerate(step.options, 1):
                b = QPushButton(textwrap.fill(f"{label}  ({i})", BUTTON_CHARS), self)
                b.setCheckable(True)
                b.setMinimumHeight(BIG_BUTTON_HEIGHT)
                b.setAccessibleName(f"Answer: {label}")
                make_radio(b)  # one answer of several: read as radio buttons
                b.clicked.connect(lambda _on=False, val=v: self.chosen.emit(val))
                self._layout.insertWidget(i - 1, b)
                self.buttons.append(b)
        for v, b in zip(self._values, self.buttons, strict=True):
            b.setChecked(v == value)

    def value_for_key(self, digit: int) -> str | None:
        return self._values[digit - 1] if 1 <= digit <= len(self._values) else None
