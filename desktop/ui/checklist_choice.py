"""The checklist's answer pages for ``choice`` steps (one button per option) and ``vaccines``
steps (a checkable list of the vaccine products in the data)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListView, QPushButton, QVBoxLayout, QWidget

from desktop.reference.billing.vaccines import vaccine_products
from desktop.reference.store import ChecklistStep, ReferenceStore

BIG_BUTTON_HEIGHT = 40


class ChoicePage(QWidget):
    """One checkable button per option of the current choice step (keys 1-9 pick them)."""

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
                b = QPushButton(f"{label}  ({i})", self)
                b.setCheckable(True)
                b.setMinimumHeight(BIG_BUTTON_HEIGHT)
                b.setAccessibleName(f"Answer: {label}")
                b.clicked.connect(lambda _on=False, val=v: self.chosen.emit(val))
                self._layout.insertWidget(i - 1, b)
                self.buttons.append(b)
        for v, b in zip(self._values, self.buttons, strict=True):
            b.setChecked(v == value)

    def value_for_key(self, digit: int) -> str | None:
        return self._values[digit - 1] if 1 <= digit <= len(self._values) else None


class VaccinesPage(QWidget):
    """The vaccine products, each with a check box; "Record vaccines" saves the ticked ones."""

    recorded = Signal(list)

    def __init__(self, store: ReferenceStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QStandardItemModel(self)
        for r in vaccine_products(store):
            item = QStandardItem(f"{r.code}  {r.title}")
            item.setData(r.code, Qt.ItemDataRole.UserRole)
            item.setCheckable(True)
            item.setEditable(False)
            self.model.appendRow(item)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Vaccine products given (Space ticks one)")
        self.record = QPushButton("Record &vaccines", self)
        self.record.setMinimumHeight(BIG_BUTTON_HEIGHT)
        self.record.setAccessibleName("Record the ticked vaccine products")
        self.record.clicked.connect(lambda: self.recorded.emit(self.checked()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.record)

    def checked(self) -> list[str]:
        out: list[str] = []
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_checked(self, codes: tuple[str, ...]) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            on = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
