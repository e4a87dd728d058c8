"""The results delegate keeps each row's picture: a kept row looks exactly as a fresh one,
and anything the picture shows (the row, its state, the palette) draws it afresh."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from desktop.reference.search import SearchEngine
from desktop.ui.results_delegate import ResultsDelegate, _RowCache
from desktop.ui.results_model import ResultRow, ResultsModel


def _setup(qtbot: QtBot, engine: SearchEngine) -> tuple[QListView, ResultsDelegate, ResultsModel]:
    model = ResultsModel()
    rows = [ResultRow.from_result(r) for r in engine.search("chf", limit=5).results]
    rows += [ResultRow.from_result(r) for r in engine.search("covid vaccine", limit=5).results]
    model.set_rows(rows, "mixed")
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = ResultsDelegate(view)
    view.setItemDelegate(delegate)
    view.resize(460, 400)
    return view, delegate, model


def _option(view: QListView, delegate: ResultsDelegate, row: int) -> QStyleOptionViewItem:
    opt = QStyleOptionViewItem()
    opt.initFrom(view)
    opt.font = view.font()
    opt.widget = view
    index = view.model().index(row, 0)
    opt.rect = QRect(0, 0, 440, delegate.sizeHint(opt, index).height())
    return opt


def _paint(
    delegate: ResultsDelegate, opt: QStyleOptionViewItem, view: QListView, row: int
) -> QImage:
    image = QImage(opt.rect.size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    try:
        delegate.paint(painter, opt, view.model().index(row, 0))
    finally:
        painter.end()
    return image


def test_a_kept_row_paints_what_a_fresh_one_does(qtbot: QtBot, engine: SearchEngine) -> None:
    view, delegate, model = _setup(qtbot, engine)
    for row in range(model.rowCount()):
        opt = _option(view, delegate, row)
        delegate.rows_kept.clear()
        fresh = _paint(delegate, opt, view, row)
        misses = delegate.rows_kept.misses
        kept = _paint(delegate, opt, view, row)
        assert delegate.rows_kept.misses == misses  # the second paint drew nothing new
        assert kept == fresh
        # and the picture is the row itself: drawn straight onto the view's background
        direct = QImage(opt.rect.size(), QImage.Format.Format_ARGB32_Premultiplied)
        direct.fill(opt.palette.color(QPalette.ColorRole.Base))
        painter = QPainter(direct)
        try:
            delegate._draw(
                painter,
                QStyleOptionViewItem(opt),
                model.row_at(row),
                False,
                delegate.fonts(opt.font),
            )  # type: ignore[arg-type]
        finally:
            painter.end()
        assert kept.convertToFormat(direct.format()) == direct


def test_what_the_row_shows_draws_it_afresh(qtbot: QtBot, engine: SearchEngine) -> None:
    view, delegate, model = _setup(qtbot, engine)
    opt = _option(view, delegate, 0)
    plain = _paint(delegate, opt, view, 0)
    # selected
    selected_opt = QStyleOptionViewItem(opt)
    selected_opt.state = opt.state | QStyle.StateFlag.State_Selected
    selected = _paint(delegate, selected_opt, view, 0)
    assert selected != plain
    # pinned (the row changes in the model)
    first = model.row_at(0)
    assert first is not None
    model.set_pinned({(first.system, first.code)})
    pinned = _paint(delegate, opt, view, 0)
    assert pinned != plain
    model.set_pinned(set())
    assert _paint(delegate, opt, view, 0) == plain  # kept from before
    # another palette (a dark theme)
    dark = QPalette(opt.palette)
    dark.setColor(QPalette.ColorRole.Base, QColor(30, 30, 30))
    dark.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    dark_opt = QStyleOptionViewItem(opt)
    dark_opt.palette = dark
    assert _paint(delegate, dark_opt, view, 0) != plain
    # a wider list
    wide_opt = QStyleOptionViewItem(opt)
    wide_opt.rect = QRect(0, 0, 600, opt.rect.height())
    assert _paint(delegate, wide_opt, view, 0).width() == 600
    assert delegate.rows_kept.hits >= 1


def test_the_row_cache_keeps_within_its_bytes() -> None:
    from PySide6.QtGui import QPixmap

    cache = _RowCache(max_bytes=5 * 100 * 50 * 4)
    for i in range(40):
        pixmap = cache.blank(100, 50)
        assert pixmap.width() == 100 and pixmap.height() == 50
        cache.put(("row", i), pixmap)
        assert cache.bytes <= cache.max_bytes
    assert len(cache) == 5
    assert cache.get(("row", 39)) is not None and cache.get(("row", 0)) is None
    cache.put(("huge",), QPixmap(2000, 2000))  # larger than the whole cache: not kept
    assert cache.get(("huge",)) is None and cache.bytes <= cache.max_bytes


def test_warm_keeps_nothing(qtbot: QtBot, engine: SearchEngine) -> None:
    view, delegate, _model = _setup(qtbot, engine)
    delegate.warm(view)
    assert len(delegate.rows_kept) == 0


def test_stamped_words_look_as_words_drawn_in_place(qtbot: QtBot, engine: SearchEngine) -> None:
    """The system names and badges copied from stamps are the same pixels as those drawn
    where they stand (a row under the mouse draws its words in place; in Fusion it has
    the same background)."""
    view, delegate, model = _setup(qtbot, engine)
    if view.style().name().casefold() != "fusion":
        return  # other styles may paint a hovered row's background
    for row in range(model.rowCount()):
        opt = _option(view, delegate, row)
        stamped = _paint(delegate, opt, view, row)
        hovered_opt = QStyleOptionViewItem(opt)
        hovered_opt.state = opt.state | QStyle.StateFlag.State_MouseOver
        in_place = _paint(delegate, hovered_opt, view, row)
        assert stamped == in_place, model.row_at(row)
    # one stamp a system name and a badge word, however many rows show it
    words = {r.system for r in model.rows()} | {m for r in model.rows() for m in r.marks}
    assert model.rowCount() > len(words)
    assert delegate.stamps.drawn == len(words)
