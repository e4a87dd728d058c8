"""The answer page of a ``vaccines`` step: a checkable list of the vaccine products in
the data, and a button to record the ticked ones."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListView, QPushButton, QVBoxLayout, QWidget

from desktop.reference.billing.vaccines import vaccine_products
from desktop.reference.store import ReferenceStore
from desktop.ui.checklist.drug_editor import BIG_BUTTON_HEIGHT


class VaccinesPage(QWidget):
    """The vaccine products, each with a check box; "Record vaccines" saves the ticked ones.

    Signals:
        recorded(list): the codes of the ticked products.
    """

    recorded = Signal(list)

    def __init__(self, store: ReferenceStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QStandardItemModel(self)
        for r in vaccine_products(store):
            item = QStandardItem(f"{r.code}  {r.title}")
            item.setData(r.code, Qt.ItemDataRole.UserRole)
            item.setToolTip(f"{r.code}  {r.title}")
            item.setCheckable(True)
            item.setEditable(False)
            self.model.appendRow(item)
        self.view = QListView(self)
        self.view.setModel(self.model)
        # Long product names wrap: the list never widens the dock.
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
