"""Opening the injection checklist dock from the window (imported on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from desktop.ui.checklist import ChecklistDock

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


def ensure_dock(window: MainWindow) -> tuple[ChecklistDock, bool]:
    """The window's checklist dock, made on first use; (dock, just made)."""
    if window.checklist_dock is not None:
        return window.checklist_dock, False
    # The drug search builds its own engine on its own thread at its first search.
    dock = ChecklistDock(window.checklists, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.code_activated.connect(window.open_code)
    window.checklist_dock = dock
    return dock, True


def open_checklist(window: MainWindow, template_id: str | None) -> None:
    """Show the dock; start ``template_id``, or on first opening resume an unfinished run
    or start the checklist of the code on screen."""
    dock, new = ensure_dock(window)
    dock.show()
    dock.raise_()
    if template_id is None and new and dock.resume_unfinished():
        dock.focus_page()
        return
    if template_id is None and new:
        rec = window.current_record()
        store = window.store
        templates = store.templates_for(rec.code, rec.system) if rec else []
        templates = templates or store.checklist_templates()[:1]
        template_id = templates[0].id if templates else None
    if template_id:
        dock.start(template_id)
    dock.focus_page()  # opening it again brings the focus to it
