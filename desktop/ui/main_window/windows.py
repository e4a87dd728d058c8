"""The window's other windows (history, settings, About, resuming a checklist) and what a
screen reader hears when a search answers; kept apart so the window module stays a layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.records.store import UserDataError

if TYPE_CHECKING:
    from desktop.reference.search import SearchResponse
    from desktop.ui.about_dialog import AboutDialog
    from desktop.ui.main_window import MainWindow

STATUS_MS = 5000


def answer_words(response: SearchResponse, count: int, notice: str, near: list[str]) -> str:
    """What a screen reader says when an answer arrives: the count, or the notice."""
    if not count:
        return f"{notice} {', '.join(near)}".strip()
    found = f"{count} result{'' if count == 1 else 's'}"
    return f"{notice} {found}" if response.corrected or response.other_modifiers else found


def offer_resume(window: MainWindow) -> bool:
    """Open an unfinished checklist with progress (after a crash or power cut), resumed."""
    from desktop.records.checklist import ChecklistError

    try:
        run = window.checklists.unfinished()
    except (UserDataError, ChecklistError) as exc:
        window.statusBar().showMessage(f"Unfinished checklists not read: {exc}", STATUS_MS)
        return False
    if run is None or run.done_count == 0 or window.checklist_dock is not None:
        return False
    window.open_checklist(None)
    return True


def show_history(window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    from desktop.ui.history_dialog import HistoryDialog

    dialog = HistoryDialog(window.user, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()


def show_settings(window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def show_about(window: MainWindow) -> AboutDialog:
    from desktop.ui.about_dialog import AboutDialog

    if window._about is None:
        window._about = AboutDialog(window.store, window)
    about = window._about
    if about.isVisible():
        about.raise_()
        about.activateWindow()
    about.show()
    return about
