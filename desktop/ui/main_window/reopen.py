"""Switching the open window to the reference data now in use (after an import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from desktop.reference.store import ReferenceDataError

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

STATUS_MS = 5000


def reopen_reference(window: MainWindow) -> bool:
    """Reopen the session's data and refresh every part that read the old data.

    On failure nothing changes and a message says why (False).
    """
    try:
        store = window.session.reopen()
    except ReferenceDataError as exc:
        QMessageBox.warning(window, "Reference data", f"{exc}\nThe data in use is unchanged.")
        return False
    window.search.set_engine(lambda: window.session.engine)
    dock = window.checklist_dock
    if dock is not None:  # it reads templates from the old data
        window.removeDockWidget(dock)
        dock.shutdown()
        dock.deleteLater()
        window.checklist_dock = None
    window.forget_about_dialog()
    window.refresh_data_label()
    window.rerun_search()
    rec = window.current_record()
    if rec is not None:
        window.show_code(rec.system, rec.code)
    window.statusBar().showMessage(
        f"Now using reference data {store.meta().get('data_version', '')}", STATUS_MS
    )
    return True
