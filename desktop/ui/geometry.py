"""Window and dialog geometry kept in the one settings file (``settings.json``).

:func:`remember_geometry` is the one helper every window and dialog uses: it restores
the saved geometry before the widget is first shown and saves it whenever the widget
is hidden or closed. Qt's opaque state (geometry, dock and splitter state) is stored as
base64 text under ``"<kind>/<name>"`` keys, read and written through
:mod:`desktop.userdirs`; an unreadable value is ignored and the widget keeps its size.
"""

from __future__ import annotations

import base64
import binascii

from PySide6.QtCore import QByteArray, QEvent, QObject
from PySide6.QtWidgets import QWidget

from desktop.userdirs import read_settings, write_setting


def read_state(key: str) -> QByteArray | None:
    """The saved state under ``key``, or None when missing or unreadable."""
    value = read_settings().get(key)
    if not isinstance(value, str) or not value:
        return None
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    return QByteArray(raw) if raw else None


def write_state(key: str, state: QByteArray) -> None:
    """Save ``state`` under ``key`` as base64 text (an empty state removes the key)."""
    raw = bytes(state.data())
    write_setting(key, base64.b64encode(raw).decode("ascii") if raw else None)


def restore_geometry(widget: QWidget, name: str) -> bool:
    """Restore ``widget``'s saved geometry; False if none was saved (or it was unusable)."""
    state = read_state(f"geometry/{name}")
    return state is not None and widget.restoreGeometry(state)


def save_geometry(widget: QWidget, name: str) -> None:
    write_state(f"geometry/{name}", widget.saveGeometry())


class _GeometryKeeper(QObject):
    """Saves the window's geometry whenever it is hidden (closing hides it too)."""

    def __init__(self, widget: QWidget, name: str) -> None:
        super().__init__(widget)
        self._name = name
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Hide
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and not event.spontaneous()  # minimising is not closing
        ):
            save_geometry(watched, self._name)
        return False


def remember_geometry(widget: QWidget, name: str) -> bool:
    """Keep ``widget``'s size and position across sessions under ``name``.

    Call it before the first show: the saved geometry is restored at once (True), or
    the widget keeps the size it has (False).
    """
    _GeometryKeeper(widget, name)
    return restore_geometry(widget, name)
