"""The kept scroll-bar groove: it looks as the style draws it, is drawn once for a size and
state, and is drawn afresh when the size or the palette changes. The results list and the
detail pane get it just after the first frame, under Fusion only."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QScrollBar, QWidget
from pytestqt.qtbot import QtBot

from desktop.ui.main_window import MainWindow
from desktop.ui.scrollbar_style import KeptGrooveStyle, keep_groove
from tests.ui.conftest import type_query


def _bar(qtbot: QtBot, parent: QWidget, style: KeptGrooveStyle | None = None) -> QScrollBar:
    bar = QScrollBar(Qt.Orientation.Vertical, parent)
    bar.setGeometry(0, 0, 14, 300)
    bar.setRange(0, 1800)
    bar.setPageStep(400)
    if style is not None:
        bar.setStyle(style)
    return bar


class _PaintCount(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _max_difference(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    a = a.convertToFormat(QImage.Format.Format_ARGB32)
    b = b.convertToFormat(QImage.Format.Format_ARGB32)
    worst = 0
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixel(x, y), b.pixel(x, y)
            for shift in (0, 8, 16, 24):
                worst = max(worst, abs((pa >> shift & 255) - (pb >> shift & 255)))
    return worst


def test_a_kept_groove_looks_as_the_style_draws_it(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    style = KeptGrooveStyle("Fusion")
    style.setParent(parent)
    plain = _bar(qtbot, parent)
    plain.setStyle(style.baseStyle())
    kept = _bar(qtbot, parent, style)
    for value in (0, 700, 1800):
        plain.setValue(value)
        kept.setValue(value)
        # The same picture as the style's own, slider and arrows included (rounding of
        # the copied gradient aside), at every slider position, from one drawn groove.
        assert _max_difference(plain.grab().toImage(), kept.grab().toImage()) <= 2
    assert style.grooves_drawn == 1


def test_the_groove_is_drawn_again_only_for_a_new_size_or_palette(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    style = KeptGrooveStyle("Fusion")
    style.setParent(parent)
    bar = _bar(qtbot, parent, style)
    bar.grab()
    for maximum in (100, 900, 5000):  # a list of another length: the slider moves only
        bar.setRange(0, maximum)
        bar.grab()
    assert style.grooves_drawn == 1
    bar.resize(14, 200)
    bar.grab()
    assert style.grooves_drawn == 2
    dark = QPalette(bar.palette())
    dark.setColor(QPalette.ColorRole.Button, QColor("#303030"))
    bar.setPalette(dark)
    bar.grab()
    assert style.grooves_drawn == 3


def test_keep_groove_leaves_other_styles_alone(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    bar = _bar(qtbot, parent)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    was = app.style().name()
    app.setStyle("Windows")
    try:
        assert keep_groove(bar) is None
        assert not isinstance(bar.style(), KeptGrooveStyle)
    finally:
        app.setStyle(was)


def test_the_windows_lists_keep_their_grooves_after_the_first_frame(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    bar = main_window.results_view.verticalScrollBar()
    if QApplication.style().name().casefold() != "fusion":
        qtbot.wait(50)
        assert not isinstance(bar.style(), KeptGrooveStyle)
        return
    qtbot.waitUntil(lambda: isinstance(bar.style(), KeptGrooveStyle), timeout=3000)
    assert isinstance(main_window.detail.verticalScrollBar().style(), KeptGrooveStyle)
    style = bar.style()
    assert isinstance(style, KeptGrooveStyle)
    main_window.resize(640, 300)  # short enough to scroll every list below
    paints = _PaintCount()
    bar.installEventFilter(paints)
    # Typing lists of other lengths moves the slider and repaints the bar; a groove is
    # drawn once for each size and state the bar takes (the notice line above the list,
    # or the window becoming active, may change them as the window settles), never twice.
    lengths = set()
    for query in ("b12", "influenza vaccine", "diabetes", "b12", "diabetes"):
        main_window.search_field.clear()
        type_query(qtbot, main_window, query)
        assert main_window.results_model.rowCount() >= 5
        assert bar.isVisible()
        bar.grab()
        lengths.add(bar.maximum())
    assert len(lengths) > 1  # the slider did move between lists
    assert 1 <= style.grooves_drawn == len(style._kept) < paints.count
