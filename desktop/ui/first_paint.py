"""Work that waits until the window's first frame is on screen.

Start-up does only what the first frame needs; the rest (the search's word lists, the
checksum of the reference file, the application icon, filters on the views' inner
widgets) runs just after that frame, while a person is still looking at it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

#: If the widget is never painted (a window started minimised), run anyway after this.
FALLBACK_MS = 1500


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None], fallback_ms: int | None) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        if fallback_ms is not None:
            QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._then is not None and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._fire)  # once this frame is done
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            then()


def after_first_paint(
    widget: QWidget, then: Callable[[], None], fallback_ms: int | None = FALLBACK_MS
) -> None:
    """Call ``then`` once, just after ``widget`` is first painted (or after
    ``fallback_ms`` if it never is; None: only after a paint). Nothing is called if
    ``widget`` is deleted first."""
    _FirstPaint(widget, then, fallback_ms)
