"""Paints one result row: code and system, title, and word badges for its status.

Every colour comes from ``option.palette``, so the light and dark schemes both work;
every mark is a word (``billable``, ``not billable``, ``deleted``, ``pinned``), so no
meaning is carried by colour alone. What matched (an abbreviation such as "chf") leads
the title line; a typed dose shows its billing units ("30 mg = 2 units") on the first.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.ui import colours
from desktop.ui.results_model import ResultsModel

_Index = QModelIndex | QPersistentModelIndex
PAD = 6
# Made once: Qt flag arithmetic in Python costs a few microseconds a row and paint.
_LEFT = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_ELIDE = Qt.TextElideMode.ElideRight
_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewItem
_SELECTED = QStyle.StateFlag.State_Selected


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

    def fonts(self, base: QFont) -> _Fonts:
        """Cached per base font: painting runs for every visible row on every update."""
        if self._fonts is None or self._fonts.base != base:
            self._fonts = _Fonts(base)
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
        opt = QStyleOptionViewItem(option)
        palette: QPalette = opt.palette
        rect = QRect(opt.rect)
        fonts = self.fonts(opt.font)
        fm = fonts.fm
        painter.save()
        if model.section_starts(index.row()):
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
        style.drawPrimitive(_PANEL, opt, painter, opt.widget)

        selected = bool(opt.state & _SELECTED)
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
        painter.drawText(QRect(x, line1.top(), line1.right() - x, line1.height()), align, system)
        left_limit = x + fm.horizontalAdvance(system) + 2 * PAD
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
            self._badge(painter, badge, str(mark), palette, selected)
            right = badge.left() - PAD

        # Line 2: what matched ("chf: "), then the title, elided; a code not active leads
        # with its status in capitals and is drawn in italics, so it cannot pass for an
        # active one.
        painter.setFont(opt.font)
        matched = row.matched
        if matched:
            lead = fm.elidedText(f"{matched}: ", _ELIDE, line2.width() // 2)
            painter.setPen(quiet)
            painter.drawText(line2, align, lead)
            line2.setLeft(line2.left() + fm.horizontalAdvance(lead))
        active = row.status == "active"
        painter.setFont(opt.font if active else fonts.italic)
        painter.setPen(text)
        title = fm.elidedText(
            row.shown_title,
            _ELIDE,
            line2.width(),
        )
        painter.drawText(line2, align, title)
        painter.restore()

    @staticmethod
    def _badge(
        painter: QPainter, rect: QRect, mark: str, palette: QPalette, selected: bool
    ) -> None:
        """A word in a rounded frame; deleted / not-for-new-use codes get a solid one."""
        center = _CENTER
        warn = mark not in ("billable", "not billable", "pinned", "modifier")
        if selected:
            painter.setPen(colours.selected(palette)[0])
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 4, 4)
            painter.drawText(rect, center, mark)
            return
        if warn:
            fg, bg = colours.warning(palette)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(fg)
        else:
            pair = colours.link if mark in ("billable", "pinned") else colours.quiet
            painter.setPen(pair(palette)[0])
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 4, 4)
        painter.drawText(rect, center, mark)
