"""Qt list models for the checklist dock: the steps of a run, and drug search results.

Thin adapters over :mod:`desktop.records.checklist`: the run object holds the state and
writes it; these models only present it. Ticking through the model calls back into the
dock (``set_toggle_handler``), which writes first and refreshes after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from desktop.records.checklist import ChecklistRun
from desktop.records.history import local_time
from desktop.reference.store import ChecklistStep, CodeSummary

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

KeyRole = Qt.ItemDataRole.UserRole + 1
WhyRole = Qt.ItemDataRole.UserRole + 2
RequiredRole = Qt.ItemDataRole.UserRole + 3
KindRole = Qt.ItemDataRole.UserRole + 4
DoneRole = Qt.ItemDataRole.UserRole + 5
StatusRole = Qt.ItemDataRole.UserRole + 6


def sentence(text: str) -> str:
    """``text`` ending in one full stop, question or exclamation mark (never "?.")."""
    text = text.strip()
    return text if text.endswith((".", "?", "!", ":")) else f"{text}."


def step_status(run: ChecklistRun, step: ChecklistStep) -> str:
    """The second line of a step: required or optional, then its state, in words."""
    need = "Required" if step.required else "Optional"
    value = run.value(step.key)
    if value is None:
        todo = {
            "tick": "to do",
            "yes_no": "answer yes or no",
            "drug_dose": "pick drug and dose",
            "choice": "choose an answer (1, 2, ...)",
            "vaccines": "choose the vaccine(s)",
        }
        return f"{need} · {todo.get(step.kind, 'to do')}"
    at = local_time(run.done_at(step.key) or "")[-5:]
    if step.kind == "yes_no":
        stop = " · STOP, see the message" if value == step.stop_answer else ""
        return f"{need} · answered {value.capitalize()} at {at}{stop}"
    if step.kind == "choice":
        return f"{need} · {dict(step.options).get(value, value)} · {at}"
    if step.kind == "vaccines":
        return f"{need} · {value} · {at}"
    if step.kind == "drug_dose" and run.drug is not None:
        return f"{need} · {run.drug.text} · {at}"
    return f"{need} · done at {at}"


class ChecklistModel(QAbstractListModel):
    """The steps of one run, in order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._run: ChecklistRun | None = None
        self._toggle: Callable[[str, bool], bool] | None = None

    def set_toggle_handler(self, handler: Callable[[str, bool], bool]) -> None:
        """``handler(key, checked) -> saved``: called when a tick box is clicked."""
        self._toggle = handler

    @property
    def run(self) -> ChecklistRun | None:
        return self._run

    def set_run(self, run: ChecklistRun | None) -> None:
        self.beginResetModel()
        self._run = run
        self.endResetModel()

    def refresh(self) -> None:
        if self._run is not None and self._run.steps:
            self.dataChanged.emit(self.index(0), self.index(len(self._run.steps) - 1))

    def step_at(self, row: int) -> ChecklistStep | None:
        if self._run is None or not 0 <= row < len(self._run.steps):
            return None
        return self._run.steps[row]

    def row_of(self, key: str) -> int:
        if self._run is not None:
            for i, s in enumerate(self._run.steps):
                if s.key == key:
                    return i
        return -1

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: Index = _ROOT) -> int:
        if parent.isValid() or self._run is None:
            return 0
        return len(self._run.steps)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        step = self.step_at(index.row())
        if step is not None and step.kind == "tick" and self._run and self._run.is_open:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        step = self.step_at(index.row()) if index.isValid() else None
        if step is None or self._run is None:
            return None
        run = self._run
        n = index.row() + 1
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{n}. {step.label}\n{step_status(run, step)}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if run.is_done(step.key) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return step.why
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Step {n} of {len(run.steps)}: {sentence(step.label)} {step_status(run, step)}"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setPointSizeF(font.pointSizeF() * 1.1)
            font.setItalic(not step.required)
            return font
        if role == KeyRole:
            return step.key
        if role == WhyRole:
            return step.why
        if role == RequiredRole:
            return step.required
        if role == KindRole:
            return step.kind
        if role == DoneRole:
            return run.is_done(step.key)
        if role == StatusRole:
            return step_status(run, step)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        step = self.step_at(index.row()) if index.isValid() else None
        if role != Qt.ItemDataRole.CheckStateRole or step is None or step.kind != "tick":
            return False
        if self._toggle is None:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if value is not None else False
        if not self._toggle(step.key, checked):
            return False
        self.dataChanged.emit(index, index)
        return True


class DrugResultsModel(QAbstractListModel):
    """HCPCS drug codes found by the search (only those with a billing unit)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[CodeSummary] = []

    def set_results(self, items: list[CodeSummary]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def summary(self, row: int) -> CodeSummary | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.summary(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{item.code}  {item.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.title
        if role == KeyRole:
            return item.code
        return None
