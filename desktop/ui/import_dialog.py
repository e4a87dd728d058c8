"""File > Import reference files...: pick files, watch progress, review what changed, switch.

The work (``desktop.reference.update.prepare_import``) runs on a worker thread; the
dialog only shows progress and results. Nothing here touches SQL: it calls update.py.
Cancel during the import stops it (the worker's progress callback raises) and nothing
is changed; Cancel on the review page throws the staged database away.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QThread,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.csvout import CsvWriteError
from desktop.reference import update
from desktop.reference.update import Change, StagedUpdate
from desktop.ui.geometry import remember_geometry

MAX_SHOWN = 5000  # rows in the view; the CSV export has them all
FILE_FILTER = "Code files (*.txt *.csv *.xml);;All files (*)"
_HEADERS = ("Change", "System", "Code", "Title", "Was", "Terminated", "Use instead")


class ChangesModel(QAbstractTableModel):
    """What changed, one row a code: change, system, code, new title, old title, ..."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Change] = []

    def set_changes(self, rows: list[Change]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        c = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            title = c.old_title if c.change == "deleted" else c.new_title
            was = c.old_title if c.change == "retitled" else ""
            values = (c.change, c.system, c.code, title, was, c.terminated or "", c.replaced_by)
            return values[index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(_HEADERS)
        ):
            return _HEADERS[section]
        return None


class _Worker(QObject):
    """Runs prepare_import on its thread; reports through class-level signals."""

    progressed = Signal(int, str)  # percent, message
    succeeded = Signal(object)  # StagedUpdate
    failed = Signal(str, bool)  # message, cancelled

    def __init__(self, files: list[Path], base: Path | None) -> None:
        super().__init__()
        self.files = files
        self.base = base
        self.cancel_requested = threading.Event()

    def _progress(self, fraction: float, message: str) -> None:
        if self.cancel_requested.is_set():
            raise update.ImportCancelled()
        self.progressed.emit(int(fraction * 100), message)

    @Slot()
    def run(self) -> None:
        try:
            staged = update.prepare_import(self.files, base=self.base, progress=self._progress)
        except update.ImportCancelled:
            self.failed.emit("Import cancelled. Nothing was changed.", True)
            return
        except (update.ImportFileError, update.UpdateError, OSError) as exc:
            self.failed.emit(f"{exc}\n\nNothing was changed.", False)
            return
        except Exception as exc:
            self.failed.emit(f"The import failed ({exc}).\n\nNothing was changed.", False)
            return
        if self.cancel_requested.is_set():
            staged.discard()
            self.failed.emit("Import cancelled. Nothing was changed.", True)
            return
        self.succeeded.emit(staged)


class ImportDialog(QDialog):
    """Three pages: files, progress, what changed. ``accepted`` means switched."""

    import_finished = Signal()  # worker done (success, failure or cancel): tests wait on it

    def __init__(self, parent: QWidget | None = None, base: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import reference files")
        self.setAccessibleName("Import reference files")
        self.base = base
        self.staged: StagedUpdate | None = None
        self.switched_to: Path | None = None
        self.last_error = ""
        self._thread: QThread | None = None
        self._worker: _Worker | None = None

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._files_page())
        self.pages.addWidget(self._progress_page())
        self.pages.addWidget(self._changes_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.resize(820, 520)
        remember_geometry(self, "import_dialog")
        self._update_buttons()

    # ------------------------------------------------------------------ pages

    def _files_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(
            "Choose the official code files to import: ICD-10-CM order file or tabular XML, "
            "HCPCS Level II file (fixed width or CSV), licensed CPT descriptors (LONGULT.txt), "
            "or the clinic's own additions (local CSV). A new reference database is built "
            "beside the one in use; you see what changed before switching.",
            page,
        )
        intro.setWordWrap(True)
        self.files_model = QStringListModel(self)
        self.files_view = QListView(page)
        self.files_view.setModel(self.files_model)
        self.files_view.setAccessibleName("Files to import")
        self.files_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton("&Add files…", page)
        self.add_button.setAccessibleName("Add files to import")
        self.remove_button = QPushButton("&Remove", page)
        self.remove_button.setAccessibleName("Remove the selected files")
        self.import_button = QPushButton("&Import", page)
        self.import_button.setAccessibleName("Start the import")
        self.import_button.setDefault(True)
        close = QPushButton("&Close", page)
        close.setAccessibleName("Close without importing")
        self.add_button.clicked.connect(self._choose_files)
        self.remove_button.clicked.connect(self._remove_selected)
        self.import_button.clicked.connect(self.start)
        close.clicked.connect(self.reject)
        self.files_model.rowsInserted.connect(self._update_buttons)
        self.files_model.rowsRemoved.connect(self._update_buttons)
        self.files_model.modelReset.connect(self._update_buttons)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        self.error_label = QLabel(page)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setAccessibleName("Import result")
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.files_view, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        return page

    def _progress_page(self) -> QWidget:
        page = QWidget(self)
        self.progress_label = QLabel("Starting…", page)
        self.progress_label.setAccessibleName("Import step")
        self.progress_bar = QProgressBar(page)
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setAccessibleName("Import progress")
        self.cancel_button = QPushButton("&Cancel", page)
        self.cancel_button.setAccessibleName("Cancel the import")
        self.cancel_button.clicked.connect(self.cancel_import)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _changes_page(self) -> QWidget:
        page = QWidget(self)
        self.summary_label = QLabel(page)
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("What changed, in numbers")
        self.changes_model = ChangesModel(self)
        self.changes_view = QTableView(page)
        self.changes_view.setModel(self.changes_model)
        self.changes_view.setAccessibleName("What changed")
        self.changes_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes_view.setAlternatingRowColors(True)
        self.changes_view.verticalHeader().setVisible(False)
        header = self.changes_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.export_button = QPushButton("&Export CSV…", page)
        self.export_button.setAccessibleName("Export what changed to a CSV file")
        self.export_button.clicked.connect(self._export_csv)
        box = QDialogButtonBox(page)
        self.switch_button = box.addButton("&Switch", QDialogButtonBox.ButtonRole.AcceptRole)
        self.switch_button.setAccessibleName("Switch to the new reference data")
        self.discard_button = box.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.discard_button.setAccessibleName("Cancel: keep the data in use")
        self.switch_button.clicked.connect(self.switch)
        self.discard_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addStretch(1)
        row.addWidget(box)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.changes_view, 1)
        layout.addLayout(row)
        return page

    # ------------------------------------------------------------------ files

    def files(self) -> list[Path]:
        return [Path(p) for p in self.files_model.stringList()]

    def add_files(self, paths: list[Path] | list[str]) -> None:
        current = self.files_model.stringList()
        for p in paths:
            if str(p) not in current:
                current.append(str(p))
        self.files_model.setStringList(current)

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Choose code files to import", "", FILE_FILTER
        )
        if names:
            self.add_files(names)

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.files_view.selectedIndexes()}, reverse=True)
        for r in rows:
            self.files_model.removeRows(r, 1)

    def _update_buttons(self) -> None:
        has = self.files_model.rowCount() > 0
        self.import_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    # ------------------------------------------------------------------ work

    def start(self) -> None:
        files = self.files()
        if not files or self._thread is not None:
            return
        self.error_label.clear()
        self.last_error = ""
        self.progress_bar.setValue(0)
        self.progress_label.setText("Starting…")
        self.cancel_button.setEnabled(True)
        self.pages.setCurrentIndex(1)
        self.cancel_button.setFocus()
        thread = QThread(self)
        worker = _Worker(files, self.base)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progressed.connect(self._on_progress)
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        worker.succeeded.connect(thread.quit)
        worker.failed.connect(thread.quit)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()

    def cancel_import(self) -> None:
        if self._worker is not None:
            self._worker.cancel_requested.set()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling…")

    @Slot(int, str)
    def _on_progress(self, percent: int, message: str) -> None:
        self.progress_bar.setValue(percent)
        if self._worker is not None and not self._worker.cancel_requested.is_set():
            self.progress_label.setText(message)

    @Slot(object)
    def _on_succeeded(self, staged: StagedUpdate) -> None:
        self.staged = staged
        shown = staged.changes(limit=MAX_SHOWN)
        self.changes_model.set_changes(shown)
        self.changes_view.resizeColumnsToContents()
        for column in (3, 4):  # titles: readable width; the tooltip has the whole text
            if self.changes_view.columnWidth(column) > 280:
                self.changes_view.setColumnWidth(column, 280)
        total = sum(staged.counts.values())
        files = ", ".join(f"{f.path.name} ({f.records:,} records)" for f in staged.files)
        text = f"Read {files}.\nWhat changed: {staged.summary()}."
        if total > len(shown):
            text += f" Showing the first {len(shown):,}; Export CSV… writes all {total:,}."
        if staged.data_version:
            text += f"\nNew data version: {staged.data_version}."
        self.summary_label.setText(text)
        self.export_button.setEnabled(total > 0)
        self.pages.setCurrentIndex(2)
        self.switch_button.setFocus()

    @Slot(str, bool)
    def _on_failed(self, message: str, cancelled: bool) -> None:
        self.last_error = message
        self.error_label.setText(message)
        self.pages.setCurrentIndex(0)

    @Slot()
    def _on_thread_finished(self) -> None:
        if self._thread is not None:
            self._thread.deleteLater()
        if self._worker is not None:
            self._worker.deleteLater()
        self._thread = None
        self._worker = None
        self.import_finished.emit()

    def is_running(self) -> bool:
        return self._thread is not None

    # ------------------------------------------------------------------ results

    def export_csv(self, path: Path) -> int:
        assert self.staged is not None
        return self.staged.export_changes_csv(path)

    def _export_csv(self) -> None:
        if self.staged is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Export what changed", "quickref-changes.csv", "CSV files (*.csv)"
        )
        if not name:
            return
        try:
            n = self.export_csv(Path(name))
        except OSError as exc:  # csvout.CsvWriteError says why in words
            why = exc.reason if isinstance(exc, CsvWriteError) else str(exc)
            QMessageBox.warning(self, "Export what changed", f"Could not write {name}: {why}")
            return
        self.summary_label.setText(self.summary_label.text() + f"\nExported {n:,} rows to {name}.")

    def switch(self) -> None:
        if self.staged is None:
            return
        try:
            self.switched_to = self.staged.commit()
        except (OSError, update.UpdateError) as exc:
            QMessageBox.warning(
                self, "Switch", f"Could not switch ({exc}). The data in use is unchanged."
            )
            self.staged.discard()
            self.staged = None
            self.reject()
            return
        self.staged = None
        self.accept()

    def reject(self) -> None:
        if self._worker is not None:
            self.cancel_import()
            return  # the files page shows "cancelled" once the worker stops
        if self.staged is not None:
            self.staged.discard()
            self.staged = None
        super().reject()

    def wait_for_worker(self, timeout_ms: int = 60_000) -> None:
        if self._thread is not None:
            self._thread.wait(timeout_ms)


def run_import_dialog(parent: QWidget | None, store: Any) -> bool:
    """Show the dialog modally; True when the app switched to new data (reopen the store).

    ``store`` is the ReferenceStore in use: the new data is built from its file.
    """
    base = getattr(store, "path", None)
    dialog = ImportDialog(parent, Path(base) if base is not None else None)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.wait_for_worker()
        dialog.deleteLater()
