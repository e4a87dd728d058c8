"""The detail pane by keyboard and as assistive technology sees it (offscreen, no bus).

The AT-SPI suite checks the same through the real bridge; these run everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from desktop.reference.store import ReferenceStore
from desktop.ui.detail_accessible import plain
from desktop.ui.detail_view import CHECKLIST_LINK_TEXT, DetailView, parse_code_url


@pytest.fixture
def pane(qtbot: QtBot, store: ReferenceStore) -> Iterator[tuple[QWidget, DetailView, QLineEdit]]:
    box = QWidget()
    before, view, after = QLineEdit(box), DetailView(box), QLineEdit(box)
    layout = QVBoxLayout(box)
    for w in (before, view, after):
        layout.addWidget(w)
    rec = store.get("96372", "CPT")
    assert rec is not None
    view.show_record(rec, store.templates_for(rec.code, rec.system))
    box.show()
    qtbot.waitExposed(box)
    yield box, view, after
    box.close()
    box.deleteLater()


def test_plain_drops_qt_layout_markers() -> None:
    assert plain("Title\u2028status\ufdd0 \xa0x\ufdd1\ufffc") == "Title\nstatus x"


def test_tab_leaves_the_pane_at_once(
    pane: tuple[QWidget, DetailView, QLineEdit], qtbot: QtBot
) -> None:
    _box, view, after = pane
    assert len(view.links()) > 10  # the 96372 page: Qt's Tab would visit every one
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after


def test_link_keys_walk_the_links_and_wrap(
    pane: tuple[QWidget, DetailView, QLineEdit], qtbot: QtBot
) -> None:
    _, view, _ = pane
    links = view.links()
    view.setFocus()
    qtbot.keyClick(view, view.NEXT_LINK_KEY)
    assert view.textCursor().selectedText() == links[0].text == CHECKLIST_LINK_TEXT
    qtbot.keyClick(view, view.NEXT_LINK_KEY)
    assert view.current_link() == links[1]
    qtbot.keyClick(view, view.NEXT_LINK_KEY, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, view.NEXT_LINK_KEY, Qt.KeyboardModifier.ShiftModifier)
    assert view.current_link() == links[-1]  # wrapped round
    code_link = next(s for s in reversed(links) if parse_code_url(QUrl(s.href)))
    while view.current_link() != code_link:
        qtbot.keyClick(view, view.NEXT_LINK_KEY, Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(view.code_activated) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    target = parse_code_url(QUrl(code_link.href))
    assert target is not None and target[1] == code_link.text
    assert opened.args == list(target)


def test_the_pane_is_a_document_of_blocks_and_links(
    pane: tuple[QWidget, DetailView, QLineEdit],
) -> None:
    _, view, _ = pane
    iface = QAccessible.queryAccessibleInterface(view)
    assert iface is not None
    assert iface.role() == QAccessible.Role.Document
    assert iface.text(QAccessible.Text.Name) == "Code details"
    blocks = [iface.child(i) for i in range(iface.childCount())]
    assert blocks[0].role() == QAccessible.Role.Heading
    assert blocks[0].text(QAccessible.Text.Name).startswith("96372")
    links = [b.child(j) for b in blocks for j in range(b.childCount())]
    assert [link.text(QAccessible.Text.Name) for link in links] == [s.text for s in view.links()]
    assert all(link.role() == QAccessible.Role.Link for link in links)
    assert all(link.state().focusable for link in links)
    names = "".join(b.text(QAccessible.Text.Name) for b in blocks)
    assert not set(names) & {"\u2028", "\u2029", "\ufdd0", "\ufdd1"}
