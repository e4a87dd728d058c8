"""History of completed checklists: a table, Export CSV…, Print… and Save as PDF….

Printing uses Qt's print support: the history as an HTML table in a QTextDocument,
sent to the chosen printer or to a QPrinter in PDF mode. Files are written by
:mod:`desktop.records.history` (CSV) or by Qt (PDF); failures show in the status line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.records.history import (
    COLUMNS,
    HistoryEntry,
    HistoryError,
    completed_runs,
    export_csv,
    history_html,
)
from desktop.records.store import UserDataError, UserStore
from desktop.ui.geometry import remember_geometry

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        e = self.entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = e.cells()
            return values[index.column()] if 0 <= index.column() < len(values) else None
        return None


class HistoryDialog(QDialog):
    """Completed runs, newest first. Not modal: the checklist stays usable."""

    def __init__(self, user: UserStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Checklist history")
        self.setAccessibleName("Checklist history")
        self.user = user
        self.model = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Completed checklists")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("History status")
        self.csv_button = QPushButton("&Export CSV…", self)
        self.csv_button.setAccessibleName("Export the history as a CSV file")
        self.csv_button.clicked.connect(self.ask_export_csv)
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setAccessibleName("Print the history")
        self.print_button.clicked.connect(self.ask_print)
        self.pdf_button = QPushButton("Save as P&DF…", self)
        self.pdf_button.setAccessibleName("Save the history as a PDF file")
        self.pdf_button.clicked.connect(self.ask_save_pdf)
        self.close_button = QPushButton("Close", self)
        self.close_button.setAccessibleName("Close the history")
        self.close_button.clicked.connect(self.close)
        row = QHBoxLayout()
        for b in (self.csv_button, self.print_button, self.pdf_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.resize(760, 420)
        remember_geometry(self, "history_dialog")
        self.reload()

    def reload(self) -> None:
        try:
            entries = completed_runs(self.user)
        except UserDataError as exc:
            self.status.setText(str(exc))
            return
        self.model.set_entries(entries)
        n = len(entries)
        self.status.setText(
            f"{n} completed checklist{'s' if n != 1 else ''}. No patient information is recorded."
        )
        for b in (self.csv_button, self.print_button, self.pdf_button):
            b.setEnabled(n > 0)

    # ------------------------------------------------------------------ files

    def export_csv(self, path: Path) -> bool:
        try:
            n = export_csv(self.user, Path(path))
        except (HistoryError, UserDataError) as exc:
            self.status.setText(str(exc))
            return False
        self.status.setText(f"Exported {n} checklist{'s' if n != 1 else ''} to {path}.")
        return True

    def document(self) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setHtml(history_html(self.model.entries))
        return doc

    def print_to(self, printer: QPrinter) -> None:
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        self.document().print_(printer)

    def save_pdf(self, path: Path) -> bool:
        path = Path(path)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        printer.setOutputFileName(str(path))
        self.print_to(printer)
        if not path.is_file() or path.stat().st_size == 0:
            self.status.setText(f"Could not write {path}: check the folder and the free space.")
            return False
        self.status.setText(f"Saved {path}.")
        return True

    # ------------------------------------------------------------------ dialogs

    def ask_export_csv(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export checklist history", "quickref-history.csv", "CSV files (*.csv)"
        )
        if name:
            self.export_csv(Path(name))

    def ask_save_pdf(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save checklist history as PDF", "quickref-history.pdf", "PDF files (*.pdf)"
        )
        if name:
            self.save_pdf(Path(name))

    def ask_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)
            self.status.setText("Sent to the printer.")
