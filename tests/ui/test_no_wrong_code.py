"""Issue 12: what the window copies is what it shows (driven through the real window)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.ui.detail_view import EXPAND_SCHEME
from desktop.ui.main_window import MainWindow
from desktop.ui.results_model import Role
from tests.ui.conftest import result_codes, type_query

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
SENTINEL = "clipboard before the test"


def press_copy(qtbot: QtBot, window: MainWindow) -> None:
    QGuiApplication.clipboard().setText(SENTINEL)
    qtbot.keyClick(window.search_field, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)


def detail_code(window: MainWindow) -> str | None:
    rec = window.detail.record
    return None if rec is None else rec.code


@pytest.mark.parametrize("query", ["zzqxvw", "27447"])  # 27447: a CPT code outside the data
def test_a_search_with_no_results_clears_the_pane_and_copies_nothing(
    main_window: MainWindow, qtbot: QtBot, query: str
) -> None:
    type_query(qtbot, main_window, "j1050")
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_Return)
    assert detail_code(main_window) == "J1050"
    main_window.search_field.clear()
    type_query(qtbot, main_window, query)
    assert main_window.results_model.rowCount() == 0
    assert detail_code(main_window) is None
    assert "Nothing matched" in main_window.detail.toPlainText()
    assert "J1050" not in main_window.detail.toPlainText()
    press_copy(qtbot, main_window)
    assert QGuiApplication.clipboard().text() == SENTINEL
    assert "No code to copy" in main_window.statusBar().currentMessage()


def test_the_first_result_is_selected_and_is_what_ctrl_c_copies(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    type_query(qtbot, main_window, "toradol")
    first = result_codes(main_window, 1)[0]
    view = main_window.results_view
    assert view.currentIndex().row() == 0
    assert view.selectionModel().isSelected(main_window.results_model.index(0, 0))
    qtbot.waitUntil(lambda: detail_code(main_window) == first, timeout=3000)
    press_copy(qtbot, main_window)
    assert QGuiApplication.clipboard().text() == first
    # Copying at once, before the preview delay, copies the selected row too.
    main_window.search_field.clear()
    type_query(qtbot, main_window, "b12")
    press_copy(qtbot, main_window)
    assert QGuiApplication.clipboard().text() == result_codes(main_window, 1)[0]


def test_a_deleted_code_is_unmistakable_and_its_copy_names_the_replacement(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    type_query(qtbot, main_window, "0001A")
    index = main_window.results_model.index(0, 0)
    assert index.data(Role.CODE) == "0001A"
    assert str(index.data(Role.SHOWN_TITLE)).startswith("DELETED: ")
    assert "DELETED" in str(index.data(Qt.ItemDataRole.DisplayRole))
    qtbot.waitUntil(lambda: detail_code(main_window) == "0001A", timeout=3000)
    press_copy(qtbot, main_window)
    assert QGuiApplication.clipboard().text() == "0001A"
    message = main_window.statusBar().currentMessage()
    assert "deleted" in message and "Use 90480 instead" in message


def test_an_active_code_copies_with_the_plain_message(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    main_window.open_code("CPT", "96372")
    press_copy(qtbot, main_window)
    assert main_window.statusBar().currentMessage() == "Copied 96372"


def test_96372_puts_the_claim_rules_before_long_lists_behind_expanders(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    main_window.open_code("CPT", "96372")
    detail = main_window.detail
    page = detail.toPlainText()
    rules = min(page.index(h) for h in ("Billing", "Payers", "Documentation"))
    assert "Referred to from" in page
    assert rules < page.index("Referred to from")
    assert rules < page.index("deleted or retired")
    # The 40 deleted COVID-19 codes and the back-references are collapsed.
    rec = detail.record
    assert rec is not None
    deleted = [x.code for x in rec.xrefs if x.status != "active"]
    assert len(deleted) > 10
    assert sum(code in page for code in deleted) <= 2  # a note may name the range
    back = rec.referenced_by
    assert len(back) > 12 and sum(x.title in page for x in back) < len(back) // 4
    # Shown on demand, from the keyboard: the link key (L) to a "(show)" link, Enter.
    detail.setFocus()
    for _ in range(300):
        qtbot.keyClick(detail, detail.NEXT_LINK_KEY)
        if detail.textCursor().selectedText() == "(show)":
            break
    assert detail.textCursor().selectedText() == "(show)"
    qtbot.keyClick(detail, Qt.Key.Key_Return)
    assert len(detail.toPlainText()) > len(page) + 200
    for section in ("use_instead", "report_with", "see_also"):
        if f"{section}-inactive" not in detail._expanded:
            detail.anchorClicked.emit(QUrl(f"{EXPAND_SCHEME}:{section}-inactive"))
    if "referenced_by" not in detail._expanded:
        detail.anchorClicked.emit(QUrl(f"{EXPAND_SCHEME}:referenced_by"))
    shown = detail.toPlainText()
    assert all(code in shown for code in deleted)
    assert all(x.title in shown for x in back)


def test_no_shortcut_has_two_meanings_in_the_window(main_window: MainWindow, qtbot: QtBot) -> None:
    main_window.open_checklist("injection-96372")
    window_actions = [a for a in main_window.actions() if a.shortcuts()]
    keys = Counter(seq.toString() for a in window_actions for seq in a.shortcuts())
    assert [k for k, n in keys.items() if n > 1] == []
    assert keys[QKeySequence("Ctrl+Q").toString()] == 1
    dock = main_window.checklist_dock
    assert dock is not None
    shortcuts = Counter(s.key().toString() for s in dock.findChildren(QShortcut))
    assert QKeySequence(QKeySequence.StandardKey.Copy).toString() not in shortcuts


def test_ctrl_q_quits(main_window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not main_window.isVisible(), timeout=2000)


def test_ctrl_c_in_the_lines_to_bill_copies_the_selected_line(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    main_window.open_checklist("vaccine-admin")
    dock = main_window.checklist_dock
    assert dock is not None and dock.run is not None
    for step in dock.run.steps:
        if step.kind == "tick":
            dock.run.tick(step.key)
        elif step.kind == "choice":  # the payer and the age: the first answer
            dock.run.choose(step.key, step.options[0][0])
        elif step.kind == "vaccines":
            code = dock.vaccines_page.model.item(0).data(Qt.ItemDataRole.UserRole)
            dock.run.set_vaccines(step.key, [code])
    dock.complete()
    assert dock.stack.currentWidget() is dock.summary_page
    row = next(
        r
        for r in range(dock.lines_model.rowCount())
        if dock.lines_model.item(r).data(Qt.ItemDataRole.UserRole)
    )
    dock.lines_view.setCurrentIndex(dock.lines_model.index(row, 0))
    dock.lines_view.setFocus()
    QGuiApplication.clipboard().setText(SENTINEL)
    qtbot.keyClick(dock.lines_view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    line = dock.lines_model.item(row).data(Qt.ItemDataRole.UserRole)
    assert QGuiApplication.clipboard().text() == line
    assert dock.copied_label.text() == f"Copied: {line}"


def test_modifiers_are_called_modifiers(main_window: MainWindow, qtbot: QtBot) -> None:
    for code in ("25", "JW", "JZ"):
        main_window.search_field.clear()
        type_query(qtbot, main_window, code)
        row = main_window.results_model.row_of("HCPCS" if code != "25" else "CPT", code)
        assert row >= 0, result_codes(main_window)
        marks = main_window.results_model.index(row, 0).data(Role.MARKS)
        assert "modifier" in marks and "not billable" not in marks
        main_window.open_code("HCPCS" if code != "25" else "CPT", code)
        page = main_window.detail.toPlainText()
        assert "Modifier" in page and "Not billable" not in page


def test_a_code_outside_the_data_says_what_the_data_covers(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    type_query(qtbot, main_window, "27447")
    text = main_window.notice_label.text()
    assert "QuickRef's data covers" in text
    assert "ICD-10-CM" in text
    # The drug administration codes are named as a range that holds 96372.
    spans = [(int(a), int(b)) for a, b in re.findall(r"\b(\d{5})–(\d{5})\b", text)]
    assert any(a <= 96372 <= b for a, b in spans), text


def test_history_is_in_the_menu(main_window: MainWindow, qtbot: QtBot) -> None:
    tools = next(
        a.menu() for a in main_window.menuBar().actions() if a.text().replace("&", "") == "Tools"
    )
    texts = [a.text().replace("&", "") for a in tools.actions()]
    assert "Checklist history…" in texts
    main_window.act_history.trigger()
    from desktop.ui.history_dialog import HistoryDialog

    qtbot.waitUntil(
        lambda: any(isinstance(w, HistoryDialog) for w in QApplication.topLevelWidgets()),
        timeout=2000,
    )
    for w in QApplication.topLevelWidgets():
        if isinstance(w, HistoryDialog):
            w.close()


def test_z23_has_no_stray_comma_note(main_window: MainWindow) -> None:
    main_window.open_code("ICD-10-CM", "Z23")
    page = main_window.detail.toPlainText()
    assert ", if applicable" not in page
    assert "If applicable, encounter for immunization safety counseling" in page
