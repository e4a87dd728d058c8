"""Paints one result row: code and system, title, and word badges for its status.

Every colour comes from ``option.palette``, so the light and dark schemes both work;
every mark is a word (``billable``, ``not billable``, ``deleted``, ``pinned``), so no
meaning is carried by colour alone. What matched (an abbreviation such as "chf") leads
the title line; a typed dose shows its billing units ("30 mg = 2 units") on the first.

A row is drawn once into a pixmap and kept (:class:`_RowCache`): typing one more letter
mostly shows rows that were on screen a key ago, and a kept row is one ``drawPixmap``
instead of five text layouts. The key is everything the picture depends on (the row's
contents, heading, size, state, palette, font and pixel ratio), so a pin, a selection,
a theme or a font change draws afresh. Within a new row, the words most rows repeat (the
code system's name, the badges) are copied from pictures drawn once (:class:`_Stamps`).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect, QSize
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QWidget

from desktop.ui import colours
from desktop.ui.qt_values import ALIGN_CENTER, ALIGN_LEFT, ALIGN_VCENTER
from desktop.ui.results_model import ResultRow, ResultsModel

if TYPE_CHECKING:  # QStyle's enums take ~13 ms to make, Qt's 30-45: not before a row is drawn
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

_Index = QModelIndex | QPersistentModelIndex
PAD = 6
# Plain ints: Qt flag arithmetic in Python costs a few microseconds a row and paint.
_LEFT = ALIGN_VCENTER | ALIGN_LEFT
_CENTER = ALIGN_CENTER
_BASE = QPalette.ColorRole.Base


@functools.cache
def _style() -> tuple[QStyle.PrimitiveElement, QStyle.StateFlag, QStyle.StateFlag]:
    """The row panel, the selected and the hovered state (made when a row is first drawn)."""
    from PySide6.QtWidgets import QStyle

    return (
        QStyle.PrimitiveElement.PE_PanelItemViewItem,
        QStyle.StateFlag.State_Selected,
        QStyle.StateFlag.State_MouseOver,
    )


@functools.cache
def _strokes() -> tuple[Qt.TextElideMode, Qt.PenStyle, Qt.BrushStyle]:
    """Eliding on the right, no pen, no brush (made when a row is first drawn)."""
    from PySide6.QtCore import Qt

    return Qt.TextElideMode.ElideRight, Qt.PenStyle.NoPen, Qt.BrushStyle.NoBrush


#: Kept row pictures, in bytes (about 60 rows of a 500 px wide list at 100 %).
ROW_CACHE_BYTES = 6 * 1024 * 1024
#: Kept stamps: the words most rows repeat (a system's name, a badge), drawn once each.
STAMPS_KEPT = 64


class _RowCache:
    """Row pictures by what they show, the least recently painted dropped first."""

    def __init__(self, max_bytes: int = ROW_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._kept: OrderedDict[tuple[Any, ...], QPixmap] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> QPixmap | None:
        pixmap = self._kept.get(key)
        if pixmap is None:
            self.misses += 1
            return None
        self.hits += 1
        self._kept.move_to_end(key)
        return pixmap

    def blank(self, width: int, height: int) -> QPixmap:
        """A pixmap of ``width`` x ``height`` device pixels to draw a new row in: once
        the cache is full, the least recently painted row's own, instead of freeing one
        and allocating another of the same size."""
        if self._kept and self.bytes + width * height * 4 > self.max_bytes:
            key = next(iter(self._kept))
            old = self._kept[key]
            if old.width() == width and old.height() == height:
                del self._kept[key]
                self.bytes -= width * height * 4
                return old
        return QPixmap(width, height)

    def put(self, key: tuple[Any, ...], pixmap: QPixmap) -> None:
        size = pixmap.width() * pixmap.height() * 4
        if size > self.max_bytes:
            return
        self._kept[key] = pixmap
        self.bytes += size
        while self.bytes > self.max_bytes:
            _key, old = self._kept.popitem(last=False)
            self.bytes -= old.width() * old.height() * 4

    def clear(self) -> None:
        self._kept.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._kept)


class _Stamps:
    """Pictures of the words nearly every row repeats: the code system's name ("ICD-10-CM")
    and the badges ("billable", "not billable", "pinned"). A new row copies them (one
    ``drawPixmap`` each) instead of laying the same words out again: a new row takes
    about a quarter less CPU. Each is drawn on the view's background, so it is used only on
    a row that shows that background (not selected, not under the mouse)."""

    def __init__(self) -> None:
        self.drawn = 0
        self._kept: dict[tuple[Any, ...], QPixmap] = {}

    def get(self, key: tuple[Any, ...]) -> QPixmap | None:
        return self._kept.get(key)

    def put(self, key: tuple[Any, ...], pixmap: QPixmap) -> None:
        if len(self._kept) >= STAMPS_KEPT:
            self._kept.clear()
        self._kept[key] = pixmap
        self.drawn += 1

    def clear(self) -> None:
        self._kept.clear()


def _section_starts(index: _Index) -> bool:
    model = index.model()
    return isinstance(model, ResultsModel) and model.section_starts(index.row())


class _Fonts:
    """The fonts and metrics a row is painted with, made once per base font."""

    def __init__(self, base: QFont) -> None:
        self.base = QFont(base)
        self.fm = QFontMetrics(base)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.bfm = QFontMetrics(self.bold)
        self.small = QFont(base)
        self.small.setPointSizeF(max(6.0, base.pointSizeF() * 0.85))
        self.sfm = QFontMetrics(self.small)
        self.italic = QFont(base)
        self.italic.setItalic(True)


class ResultsDelegate(QStyledItemDelegate):
    """Two lines a row (code, system and marks; then the title), an optional heading."""

    _fonts: _Fonts | None = None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows_kept = _RowCache()
        self.stamps = _Stamps()

    def fonts(self, base: QFont) -> _Fonts:
        """Cached per base font: painting runs for every visible row on every update."""
        if self._fonts is None or self._fonts.base != base:
            self._fonts = _Fonts(base)
            self.rows_kept.clear()  # drawn in the old font
            self.stamps.clear()
        return self._fonts

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        fm = self.fonts(option.font).fm
        height = 2 * fm.height() + 3 * PAD
        if _section_starts(index):
            height += fm.height() + 2 * PAD
        return QSize(fm.averageCharWidth() * 40, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        model = index.model()
        if not isinstance(model, ResultsModel) or (row := model.row_at(index.row())) is None:
            super().paint(painter, option, index)
            return
        # The row is read once from the model (not a data() call a field: this runs for
        # every visible row on every keystroke), and initStyleOption is not needed: the
        # text is painted here and the view's option already carries state and palette.
        heading = model.section_starts(index.row())
        rect = option.rect
        fonts = self.fonts(option.font)
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        palette: QPalette = option.palette
        key = (
            row,
            heading,
            rect.width(),
            rect.height(),
            option.state.value,
            palette.cacheKey(),
            palette.currentColorGroup().value,
            ratio,
        )
        pixmap = self.rows_kept.get(key)
        if pixmap is None:
            pixmap = self._picture(row, heading, option, fonts, ratio)
            self.rows_kept.put(key, pixmap)
        painter.drawPixmap(rect.topLeft(), pixmap)

    def warm(self, view: QWidget) -> None:
        """Draw a sample row in every font a row uses, and keep no row of it: the first
        rows a person's first key brings then cost what later rows cost (the glyphs of
        a font are rasterised the first time they are drawn: 2-4 ms more)."""
        from PySide6.QtWidgets import QStyleOptionViewItem

        opt = QStyleOptionViewItem()
        opt.initFrom(view)
        opt.font = view.font()
        fonts = self.fonts(opt.font)
        opt.rect = QRect(0, 0, max(200, view.width()), 2 * fonts.fm.height() + 3 * PAD)
        sample = "".join(chr(c) for c in range(32, 127))
        for status, pinned in (("active", True), ("deleted", False)):
            row = ResultRow(0, "ICD-10-CM", sample, sample, True, status, "", pinned,
                            "code", sample, sample)  # fmt: skip
            self._picture(row, True, opt, fonts, 1.0)

    def _picture(
        self,
        row: ResultRow,
        heading: bool,
        option: QStyleOptionViewItem,
        fonts: _Fonts,
        ratio: float,
    ) -> QPixmap:
        """The row drawn on the view's background, at the screen's pixel ratio."""
        from PySide6.QtWidgets import QStyleOptionViewItem

        size = option.rect.size()
        pixmap = self.rows_kept.blank(round(size.width() * ratio), round(size.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(option.palette.color(_BASE))  # opaque: sharp text
        painter = QPainter(pixmap)
        opt = QStyleOptionViewItem(option)
        opt.rect = QRect(QPoint(0, 0), size)
        try:
            self._draw(painter, opt, row, heading, fonts, ratio)
        finally:
            painter.end()
        return pixmap

    def _draw(
        self,
        painter: QPainter,
        opt: QStyleOptionViewItem,
        row: ResultRow,
        heading: bool,
        fonts: _Fonts,
        ratio: float = 1.0,
    ) -> None:
        palette: QPalette = opt.palette
        rect = QRect(opt.rect)
        fm = fonts.fm
        painter.save()
        if heading:
            head = QRect(rect.left(), rect.top(), rect.width(), fm.height() + 2 * PAD)
            head_fg, head_bg = colours.section(palette)
            painter.fillRect(head, head_bg)
            painter.setFont(fonts.bold)
            painter.setPen(head_fg)
            painter.drawText(
                head.adjusted(PAD, 0, -PAD, 0),
                _LEFT,
                row.section,
            )
            rect.setTop(head.bottom() + 1)
        opt.rect = rect
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        panel, selected_state, hover_state = _style()
        style.drawPrimitive(panel, opt, painter, opt.widget)

        selected = bool(opt.state & selected_state)
        # On the view's own background the repeated words are copied from stamps.
        stamps = None if selected or opt.state & hover_state else self.stamps
        stamp_key = (palette.cacheKey(), palette.currentColorGroup().value, ratio)
        text = (colours.selected if selected else colours.text)(palette)[0]
        quiet = text if selected else colours.quiet(palette)[0]
        inner = rect.adjusted(PAD, PAD, -PAD, -PAD)
        line1 = QRect(inner.left(), inner.top(), inner.width(), fm.height())
        line2 = QRect(inner.left(), line1.bottom() + PAD, inner.width(), fm.height())

        # Line 1: code (bold), system, then badges from the right.
        code = row.code
        painter.setFont(fonts.bold)
        painter.setPen(text)
        align = _LEFT
        painter.drawText(line1, align, code)
        x = line1.left() + fonts.bfm.horizontalAdvance(code) + 2 * PAD
        painter.setFont(opt.font)
        painter.setPen(quiet)
        system = row.system
        system_rect = QRect(x, line1.top(), line1.right() - x, line1.height())
        system_width = fm.horizontalAdvance(system)
        if stamps is not None and 0 < system_width <= system_rect.width():
            system_rect.setWidth(system_width)

            def draw_system(stamp: QPainter, at: QRect) -> None:
                stamp.setFont(opt.font)
                stamp.setPen(quiet)
                stamp.drawText(at, align, system)

            self._stamped(
                painter, system_rect, ("system", system, *stamp_key), palette, ratio, draw_system
            )
        else:
            painter.drawText(system_rect, align, system)
        left_limit = x + system_width + 2 * PAD
        dose = row.dose
        if dose:  # "30 mg = 2 units", after the system
            painter.setPen(text)
            painter.drawText(
                QRect(left_limit, line1.top(), line1.right() - left_limit, line1.height()),
                align,
                dose,
            )
            left_limit += fm.horizontalAdvance(dose) + 2 * PAD
            painter.setPen(quiet)
        right = line1.right()
        sfm = fonts.sfm
        painter.setFont(fonts.small)
        for mark in reversed(row.marks):
            width = sfm.horizontalAdvance(mark) + 2 * PAD
            if right - width < left_limit:
                break
            badge = QRect(right - width, line1.top(), width, line1.height())
            if stamps is None:
                self._badge(painter, badge, mark, palette, selected)
            else:

                def draw_badge(stamp: QPainter, at: QRect, mark: str = mark) -> None:
                    stamp.setFont(fonts.small)
                    self._badge(stamp, at, mark, palette, False)

                self._stamped(
                    painter, badge, ("badge", mark, *stamp_key), palette, ratio, draw_badge
                )
            right = badge.left() - PAD

        # Line 2: what matched ("chf: "), then the title, elided; a code not active leads
        # with its status in capitals and is drawn in italics, so it cannot pass for an
        # active one.
        painter.setFont(opt.font)
        matched = row.matched
        if matched:
            lead = fm.elidedText(f"{matched}: ", _strokes()[0], line2.width() // 2)
            painter.setPen(quiet)
            painter.drawText(line2, align, lead)
            line2.setLeft(line2.left() + fm.horizontalAdvance(lead))
        active = row.status == "active"
        painter.setFont(opt.font if active else fonts.italic)
        painter.setPen(text)
        title = fm.elidedText(
            row.shown_title,
            _strokes()[0],
            line2.width(),
        )
        painter.drawText(line2, align, title)
        painter.restore()

    def _stamped(
        self,
        painter: QPainter,
        rect: QRect,
        what: tuple[Any, ...],
        palette: QPalette,
        ratio: float,
        draw: Callable[[QPainter, QRect], None],
    ) -> None:
        """Copy the stamp of ``what`` (a kind and its word, then the row's palette key,
        colour group and pixel ratio) at ``rect``'s size into ``rect``. The first time,
        ``draw`` makes it on the view's background (opaque, as the row it is copied
        into), at ``ratio``."""
        size = rect.size()
        key = (*what, size.width(), size.height())
        stamp = self.stamps.get(key)
        if stamp is None:
            stamp = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
            stamp.setDevicePixelRatio(ratio)
            stamp.fill(palette.color(_BASE))
            drawing = QPainter(stamp)
            try:
                draw(drawing, QRect(QPoint(0, 0), size))
            finally:
                drawing.end()
            self.stamps.put(key, stamp)
        painter.drawPixmap(rect.topLeft(), stamp)

    @staticmethod
    def _badge(
        painter: QPainter, rect: QRect, mark: str, palette: QPalette, selected: bool
    ) -> None:
        """A word in a rounded frame; deleted / not-for-new-use codes get a solid one."""
        center = _CENTER
        _, no_pen, no_brush = _strokes()
        warn = mark not in ("billable", "not billable", "pinned", "modifier")
        if selected:
            painter.setPen(colours.selected(palette)[0])
            painter.setBrush(no_brush)
            painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 4, 4)
            painter.drawText(rect, center, mark)
            return
        if warn:
            fg, bg = colours.warning(palette)
            painter.setPen(no_pen)
            painter.setBrush(bg)
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(fg)
        else:
            pair = colours.link if mark in ("billable", "pinned") else colours.quiet
            painter.setPen(pair(palette)[0])
            painter.setBrush(no_brush)
            painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 4, 4)
        painter.drawText(rect, center, mark)
