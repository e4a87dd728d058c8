"""The "Check lines" panel, driven by the keyboard on the real window and database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.ui.check_panel import CheckPanel
from desktop.ui.main_window import MainWindow


def open_panel(qtbot: QtBot, window: MainWindow) -> CheckPanel:
    window.activateWindow()
    qtbot.keyClick(
        window,
        Qt.Key.Key_K,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    panel = window.check_panel
    assert isinstance(panel, CheckPanel)
    qtbot.waitUntil(panel.isVisible)
    return panel


def test_tools_menu_has_check_lines_with_its_shortcut(main_window: MainWindow) -> None:
    act = main_window.act_check_lines
    assert act.shortcut().toString() == "Ctrl+Shift+K"
    tools = next(a.menu() for a in main_window.menuBar().actions() if a.text() == "&Tools")
    assert act in tools.actions()


def test_keyboard_check_lists_findings_and_opens_a_code(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    panel = open_panel(qtbot, main_window)
    assert panel.focusWidget() is panel.lines
    qtbot.keyClicks(panel.lines, "96372, J1885 x4, 99211-25, D51")
    qtbot.keyClick(panel.lines, Qt.Key.Key_Tab)
    assert panel.focusWidget() is panel.payer
    qtbot.keyClick(panel.payer, Qt.Key.Key_Down)  # Medicare Part B
    assert panel.payer.currentData() == "medicare"
    qtbot.keyClick(panel.lines, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.last_result is not None and panel.last_result.payer == "medicare"
    texts = [panel.model.item(r).text() for r in range(panel.model.rowCount())]
    assert texts[0].startswith("Error:")
    assert any("99211" in t for t in texts) and any("JZ" in t for t in texts)
    assert "4 lines" in panel.status.text()
    row = next(r for r, t in enumerate(texts) if "header" in t)
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    rec = main_window.current_record()
    assert rec is not None and rec.code == "D51"


def test_bad_lines_get_a_message_not_a_traceback(qtbot: QtBot, main_window: MainWindow) -> None:
    panel = open_panel(qtbot, main_window)
    qtbot.keyClicks(panel.lines, "96372x, Q0000")
    qtbot.keyClick(panel.check_button, Qt.Key.Key_Space)
    assert panel.last_result is None and panel.model.rowCount() == 0
    assert "give the units after the x" in panel.status.text()
    for w in (panel.lines, panel.payer, panel.check_button, panel.view):
        assert w.accessibleName()
