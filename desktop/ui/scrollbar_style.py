"""The results list's scroll bar with its groove drawn once and kept.

Fusion, the style Qt uses on Linux without a desktop theme, fills a scroll bar's groove
with a gradient every time the bar is painted: about 1 ms of the 1.4-2.4 ms the results
list's bar takes (measured offscreen and under X). The bar is painted again whenever the
list's length changes, which is one keystroke in five when typing. The groove depends only
on the bar's size, state and palette, not on where the slider is, so
:class:`KeptGrooveStyle` draws it once into a pixmap and then copies it; the slider and
the arrows are still drawn by the style itself, every time.

Only Fusion is wrapped (:func:`keep_groove`): other styles draw their grooves in their
own ways (native themes, transient bars), and were not measured.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QScrollBar,
    QStyle,
    QStyleOptionComplex,
    QStyleOptionSlider,
    QWidget,
)

#: Grooves kept: one a bar size and state (hovered, focused, disabled) in use.
KEPT_GROOVES = 8
_BAR = QStyle.ComplexControl.CC_ScrollBar
_GROOVE = QStyle.SubControl.SC_ScrollBarGroove


class KeptGrooveStyle(QProxyStyle):
    """A proxy of the style named ``key`` that keeps scroll bar grooves as pictures.

    Attributes:
        grooves_drawn: how many grooves the style itself has drawn (the rest were copies).
    """

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.grooves_drawn = 0
        self._kept: OrderedDict[tuple[Any, ...], QPixmap] = OrderedDict()

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if (
            control != _BAR
            or not isinstance(option, QStyleOptionSlider)
            or not option.subControls & _GROOVE
            or self.styleHint(QStyle.StyleHint.SH_ScrollBar_Transient, option, widget)
        ):
            super().drawComplexControl(control, option, painter, widget)
            return
        groove = self._groove(option, painter, widget)
        painter.drawPixmap(option.rect.topLeft(), groove)
        rest = QStyleOptionSlider(option)
        rest.subControls = option.subControls & ~_GROOVE
        super().drawComplexControl(control, rest, painter, widget)

    def _groove(
        self, option: QStyleOptionSlider, painter: QPainter, widget: QWidget | None
    ) -> QPixmap:
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        size = option.rect.size()
        key = (
            size.width(),
            size.height(),
            ratio,
            option.orientation.value,
            option.state.value,
            option.activeSubControls.value,
            option.palette.cacheKey(),
            option.direction.value,
        )
        pixmap = self._kept.get(key)
        if pixmap is not None:
            self._kept.move_to_end(key)
            return pixmap
        pixmap = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        alone = QStyleOptionSlider(option)
        alone.rect = QRect(0, 0, size.width(), size.height())
        alone.subControls = _GROOVE
        picture = QPainter(pixmap)
        try:
            super().drawComplexControl(_BAR, alone, picture, widget)
        finally:
            picture.end()
        self.grooves_drawn += 1
        self._kept[key] = pixmap
        while len(self._kept) > KEPT_GROOVES:
            self._kept.popitem(last=False)
        return pixmap


def keep_groove(bar: QScrollBar) -> KeptGrooveStyle | None:
    """Give ``bar`` a :class:`KeptGrooveStyle` when the application style is Fusion.

    The style is owned by the bar's parent (it must outlive the bar). Returns the style,
    or None where the application's style is another one (left as it is).
    """
    name = QApplication.style().name()
    if name.casefold() != "fusion":
        return None
    style = KeptGrooveStyle(name)
    style.setParent(bar.parent() or bar)
    bar.setStyle(style)
    return style
