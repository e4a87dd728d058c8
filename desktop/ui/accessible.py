"""Small accessibility helpers shared by the window's parts (issue 15).

- :func:`announce`: say a change out loud (Qt 6.8+ ``QAccessibleAnnouncementEvent``, the
  AT-SPI ``object:announcement`` event Orca speaks), for what a sighted user sees change
  elsewhere on screen: results count, units, progress, lines to bill, errors.
- :func:`make_radio`: expose a checkable button of an exclusive group as a radio button
  (Qt exposes a checkable tool button as an independent check box).
- :func:`name_clear_button`: name a line edit's own clear button.
"""

# PySide's stubs say childAt() and the like never return None; Qt's C++ API does.
# mypy: disable-error-code="override"

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleInterface,
    QAccessibleStateChangeEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAccessibleWidget,
    QLineEdit,
    QWidget,
)

RADIO_PROPERTY = "quickrefRadio"


def announce(source: QObject, message: str, *, assertive: bool = False) -> None:
    """Have screen readers say ``message`` (politely, after what they are saying, unless
    ``assertive``: errors). Nothing happens when no assistive technology is listening."""
    message = " ".join(message.split())
    if not message or not QAccessible.isActive():
        return
    event = QAccessibleAnnouncementEvent(source, message)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if assertive
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)


def item_check_changed(view: QAbstractItemView, row: int) -> None:
    """Tell readers a list row's tick changed (Qt's item views do not say so)."""
    if not QAccessible.isActive():
        return
    iface = QAccessible.queryAccessibleInterface(view)
    cell = iface.child(row) if iface is not None else None
    if cell is None:
        return
    changed = QAccessible.State()
    changed.checked = True
    QAccessible.updateAccessibility(QAccessibleStateChangeEvent(cell, changed))


def plain_text(text: str) -> str:
    """A label's rich text as words (what a reader should say)."""
    if "<" not in text:
        return text
    from PySide6.QtGui import QTextDocument  # not needed for the window's first frame

    doc = QTextDocument()
    doc.setHtml(text.replace("<br>", " ").replace("<li>", " "))
    return " ".join(doc.toPlainText().split())


class Announcer(QObject):
    """Announces only the last of a burst (results as each key is typed, units as a
    dose is typed): a polite reader would otherwise say every stale count in turn."""

    SETTLE_MS = 400

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SETTLE_MS)
        self._timer.timeout.connect(self._say)
        self._pending: tuple[QObject, str] | None = None

    def say(self, source: QObject, message: str) -> None:
        if not QAccessible.isActive():
            return
        self._pending = (source, message)
        self._timer.start()

    def busy(self) -> bool:
        """Whether an announcement is waiting for the burst to settle."""
        return self._timer.isActive()

    def _say(self) -> None:
        if self._pending is not None:
            source, message = self._pending
            self._pending = None
            announce(source, message)


class RadioButtonAccessible(QAccessibleWidget):
    """A checkable button read as one of a group of radio buttons."""

    def __init__(self, button: QAbstractButton) -> None:
        super().__init__(button, QAccessible.Role.RadioButton)
        self.button = button

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.RadioButton

    def text(self, t: QAccessible.Text) -> str:
        if t == QAccessible.Text.Name:
            return self.button.accessibleName() or self.button.text().replace("&", "")
        return super().text(t)

    def state(self) -> QAccessible.State:
        state = super().state()
        state.checkable = True
        state.checked = self.button.isChecked()
        return state

    def actionNames(self) -> list[str]:
        return [QAccessibleWidget.pressAction(), *super().actionNames()]

    def doAction(self, name: str) -> None:
        if name == QAccessibleWidget.pressAction():
            self.button.click()
        else:
            super().doAction(name)


def make_radio(button: QAbstractButton) -> None:
    """Expose ``button`` (checkable, in an exclusive group) as a radio button."""
    _install()
    button.setProperty(RADIO_PROPERTY, True)


def name_clear_button(field: QLineEdit, name: str) -> None:
    """Name the clear button Qt adds to ``field`` (setClearButtonEnabled)."""
    for button in field.findChildren(QAbstractButton):
        if not button.accessibleName():
            button.setAccessibleName(name)


_installed = False
# The interfaces made here, kept alive while their button lives (Qt's cache deletes them).
_alive: dict[int, RadioButtonAccessible] = {}


def _install() -> None:
    global _installed
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True


def _factory(_class_name: str, obj: QObject) -> QAccessibleInterface | None:
    if isinstance(obj, QAbstractButton) and obj.property(RADIO_PROPERTY):
        key = id(obj)
        iface = _alive[key] = RadioButtonAccessible(obj)
        obj.destroyed.connect(lambda *_: _alive.pop(key, None))
        return iface
    return None


def focus_visibly(widget: QWidget) -> None:
    """Focus ``widget`` if it is on screen (never send the focus somewhere unseen)."""
    if widget.isVisible() and widget.isEnabled():
        widget.setFocus()
