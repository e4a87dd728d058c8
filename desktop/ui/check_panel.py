"""The "Check lines" panel (Tools menu, Ctrl+Shift+K): the claim check in the window.

Type or paste the lines ("96372, J1885 x4 JZ, 99213-25, D51.0"), pick the payer, press
Check (Ctrl+Enter): the findings are listed errors first; Enter (or a double click) on a
finding opens its first code. The check itself is
:func:`desktop.reference.billing.claim.check_claim`, the same function as
``quickref check``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.reference.billing.claim import ClaimError, ClaimResult, check_claim
from desktop.reference.store import ReferenceDataError, ReferenceStore
from desktop.ui.accessible import announce
from desktop.ui.geometry import remember_geometry

CodeRole = Qt.ItemDataRole.UserRole + 1
SystemRole = Qt.ItemDataRole.UserRole + 2
SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "Note"}


class CheckPanel(QDialog):
    """Lines in, findings out. Non-modal: it stays open beside the window."""

    code_activated = Signal(str, str)  # system, code

    def __init__(self, store: Callable[[], ReferenceStore], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check lines")
        self._store = store
        self.last_result: ClaimResult | None = None
        self.lines = QPlainTextEdit(self)
        self.lines.setPlaceholderText("96372, J1885 x4 JZ, 99213-25, D51.0")
        self.lines.setAccessibleName("Lines to check")
        self.lines.setTabChangesFocus(True)
        self.lines.setMaximumHeight(110)
        self.payer = QComboBox(self)
        self.payer.addItem("Another payer", "other")
        self.payer.addItem("Medicare Part B", "medicare")
        self.payer.setAccessibleName("Payer")
        self.check_button = QPushButton("&Check  (Ctrl+Enter)", self)
        self.check_button.setAccessibleName("Check the lines")
        self.check_button.setDefault(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        # A label keeps its text as its accessible name (a fixed name would hide it).
        self.status.setAccessibleDescription("Check result")
        self.model = QStandardItemModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAccessibleName("Findings; Enter opens the first code")
        form = QFormLayout()
        form.addRow("&Lines:", self.lines)
        form.addRow("&Payer:", self.payer)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.check_button)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.check_button.clicked.connect(self.run_check)
        self.lines.installEventFilter(self)
        self.view.activated.connect(self._activated)
        self.setTabOrder(self.lines, self.payer)
        self.setTabOrder(self.payer, self.check_button)
        self.setTabOrder(self.check_button, self.view)
        self.resize(560, 460)
        remember_geometry(self, "check_panel")  # the size it was left at, if any

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the lines field checks them (Enter alone starts a new line)."""
        if (
            watched is self.lines
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.run_check()
            return True
        return super().eventFilter(watched, event)

    def run_check(self) -> None:
        self.model.clear()
        self.last_result = None
        payer = str(self.payer.currentData())
        try:
            result = check_claim(self._store(), self.lines.toPlainText(), payer=payer)
        except (ClaimError, ReferenceDataError) as exc:
            self.status.setText(str(exc))
            announce(self.status, str(exc), assertive=True)
            return
        self.last_result = result
        counts = {s: sum(1 for f in result.findings if f.severity == s) for s in SEVERITY_WORDS}
        lines = ", ".join(
            x.code
            + (f" x {x.as_dict()['units']}" if x.units != 1 else "")
            + "".join(f"-{m}" for m in x.modifiers)
            for x in result.lines
        )
        self.status.setText(
            f"{len(result.lines)} lines ({lines}): {_count(counts['error'], 'error')}, "
            f"{_count(counts['warning'], 'warning')}, {_count(counts['info'], 'note')}."
            if result.findings
            else f"{len(result.lines)} lines ({lines}): no findings."
        )
        announce(self.status, self.status.text())
        systems = {x.code: x.system for x in result.lines}
        for f in result.findings:
            item = QStandardItem(f"{SEVERITY_WORDS[f.severity]}: {f.message}  [{f.source}]")
            item.setData(f.severity, Qt.ItemDataRole.AccessibleDescriptionRole)
            item.setToolTip(f"Rule {f.rule}; source {f.source}")
            if f.codes:
                item.setData(f.codes[0], CodeRole)
                item.setData(systems.get(f.codes[0], ""), SystemRole)
            self.model.appendRow(item)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def _activated(self, index: QModelIndex) -> None:
        code = index.data(CodeRole)
        if code:
            self.code_activated.emit(str(index.data(SystemRole) or ""), str(code))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
