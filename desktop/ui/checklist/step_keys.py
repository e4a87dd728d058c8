"""The keys of the step list: Space ticks, Y/N answer, 1-9 pick an answer, Enter goes
to the step's control, Tab to what to do before "Why this step?"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from desktop.ui.checklist.dock import ChecklistDock


def handle_step_key(dock: ChecklistDock, key: int) -> bool:
    """Act on ``key`` pressed (without modifiers) in the step list; True if it was used."""
    step = dock.current_step()
    if key == Qt.Key.Key_Space:
        dock.toggle_current()
        return True
    if step is None:
        return False
    if step.kind == "yes_no" and key in (Qt.Key.Key_Y, Qt.Key.Key_N):
        dock.answer_current(key == Qt.Key.Key_Y)
        return True
    if step.kind == "choice" and Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
        value = dock.choice_page.value_for_key(key - int(Qt.Key.Key_0))
        if value is not None:
            dock.choose_current(value)
        return True
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        if step.kind == "drug_dose":
            dock.drug_editor.search.setFocus()
        elif step.kind in ("yes_no", "choice", "vaccines"):
            dock.toggle_current()
        return True
    if key == Qt.Key.Key_Tab:
        # What to do for this step comes before "Why this step?".
        dock.step_panel.first_control(step).setFocus(Qt.FocusReason.TabFocusReason)
        return True
    return False
