"""Checklist step rows as tall as their wrapped text, with a big tick box."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem

# Big enough to hit with a gloved finger or a shaky mouse; sizes only, colours come
# from the palette.
INDICATOR = 26
LIST_STYLE = (
    "QListView::item { padding: 8px 6px; }"
    f"QListView::indicator {{ width: {INDICATOR}px; height: {INDICATOR}px; }}"
)


class StepDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text at the list's real width (the stock size hint
    under-measures wrapped text beside the large tick box, and clips the status line)."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QAbstractItemView) else 400
        text_width = max(width - INDICATOR - 40, 80)
        metrics = QFontMetrics(opt.font)
        text = metrics.boundingRect(
            QRect(0, 0, text_width, 100_000),
            int(Qt.TextFlag.TextWordWrap),
            opt.text,
        )
        return QSize(width, max(text.height() + 22, INDICATOR + 18))
