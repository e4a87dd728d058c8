"""Keys and mouse buttons the window handles outside its actions.

The mouse's back and forward buttons walk the history; Ctrl+C with no text selected
copies the code (not an empty selection); Up/Down/PageUp/PageDown in the search field
move in the results and take the focus there; letters typed in the list go on in the
search field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

# Qt (its namespace's enums) is imported where a key or button is looked at: events
# before the first frame pass through this filter too (desktop.ui.qt_values).


def move_keys() -> tuple[int, ...]:
    """Down, Up, PageDown, PageUp: the keys that move from the search into the list."""
    from PySide6.QtCore import Qt

    return (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)


class WindowKeys(QObject):
    """An event filter on the search field, the detail pane and the list's viewport."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def _has_selected_text(self, widget: QObject) -> bool:
        w = self._window
        if widget is w.search_field:
            return w.search_field.hasSelectedText()
        if widget is w.detail:
            return w.detail.textCursor().hasSelection()
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        w = self._window
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            from PySide6.QtCore import Qt

            if event.button() == Qt.MouseButton.BackButton:
                w.back()
                return True
            if event.button() == Qt.MouseButton.ForwardButton:
                w.forward()
                return True
        elif kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Copy) and not self._has_selected_text(
                watched
            ):
                event.ignore()  # the window's Copy action takes it
                return True
        elif (
            kind == QEvent.Type.KeyPress
            and watched is w.search_field
            and isinstance(event, QKeyEvent)
            and not event.modifiers()
            and event.key() in move_keys()
        ):
            from PySide6.QtCore import Qt

            w.enter_results(Qt.Key(event.key()))
            return True
        elif (
            kind == QEvent.Type.KeyPress
            and watched is w.results_view
            and isinstance(event, QKeyEvent)
            and is_typing(event)
        ):
            w.type_in_search(event.text())
            return True
        return False


def is_typing(event: QKeyEvent) -> bool:
    """A printable character typed without Ctrl, Alt or Meta (not Space: it selects)."""
    from PySide6.QtCore import Qt

    blocked = (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    )
    text = event.text()
    return bool(text) and text.isprintable() and text != " " and not event.modifiers() & blocked
