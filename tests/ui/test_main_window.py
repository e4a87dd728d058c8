"""The main window, driven like a user would: keys, links, clipboard, restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop import __version__
from desktop.records.store import UserDataError, UserStore
from desktop.reference.store import ReferenceDataError, ReferenceStore
from desktop.ui.about_dialog import CPT_NOTICE
from desktop.ui.app import EXIT_DATA, run_gui, startup_error_box, startup_error_text
from desktop.ui.detail_view import CHECKLIST_LINK_TEXT, LICENSED_HEADING
from desktop.ui.main_window import MainWindow
from desktop.ui.results_model import SECTION_PINNED, SECTION_RECENT, Role
from tests.ui.conftest import WindowFactory, close_window, result_codes, type_query


def detail_code(window: MainWindow) -> str | None:
    rec = window.detail.record
    return None if rec is None else rec.code


def test_starts_focused_on_search_with_data_versions(main_window: MainWindow) -> None:
    assert QApplication.focusWidget() is main_window.search_field
    text = main_window.data_label.text()
    assert "2026" in text and "CPT" in text and "HCPCS" in text and "ICD-10-CM" in text
    info = main_window.store.info()
    assert info.data_version in text
    for code_set in info.code_sets:
        assert f"{code_set.system} {code_set.release}" in text


def test_typing_b12_lists_j3420(main_window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClicks(main_window.search_field, "b12")
    qtbot.waitUntil(lambda: "J3420" in result_codes(main_window, 5), timeout=5000)
    row = main_window.results_model.row_of("HCPCS", "J3420")
    index = main_window.results_model.index(row, 0)
    assert index.data(Role.BILLABLE) is True
    assert "billable" in index.data(Role.MARKS)


def test_down_and_enter_open_the_first_result(main_window: MainWindow, qtbot: QtBot) -> None:
    type_query(qtbot, main_window, "b12")
    assert result_codes(main_window, 1) == ["J3420"]
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_Down)
    assert main_window.results_view.currentIndex().row() == 0
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_Return)
    assert detail_code(main_window) == "J3420"
    page = main_window.detail.toPlainText()
    assert "J3420" in page and "vitamin b-12" in page.lower()
    assert "Billing unit" in page and "1,000 mcg" in page
    assert main_window.history.current == ("HCPCS", "J3420")
    assert [(r.system, r.code) for r in main_window.user.recents()] == [("HCPCS", "J3420")]
    # The focus follows into the list (a screen reader reads the row); typing there
    # goes on in the search field.
    assert QApplication.focusWidget() is main_window.results_view
    qtbot.keyClick(main_window.results_view, Qt.Key.Key_X)
    assert QApplication.focusWidget() is main_window.search_field
    assert main_window.search_field.text().endswith("x")


def test_up_down_move_in_results_from_the_search_field(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    type_query(qtbot, main_window, "b12")
    for _ in range(3):
        qtbot.keyClick(main_window.search_field, Qt.Key.Key_Down)
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_Up)
    assert main_window.results_view.currentIndex().row() == 1
    # Moving previews the code under the cursor.
    assert detail_code(main_window) == result_codes(main_window, 2)[1]


def _tab_to_link(window: MainWindow, qtbot: QtBot, text: str) -> None:
    """Move through the detail pane's links (L: next link) until ``text`` is selected."""
    window.detail.setFocus()
    for _ in range(200):
        qtbot.keyClick(window.detail, window.detail.NEXT_LINK_KEY)
        if window.detail.textCursor().selectedText() == text:
            return
    raise AssertionError(f"no link {text!r} reachable with the link key")


def test_cross_reference_link_then_back_and_forward(main_window: MainWindow, qtbot: QtBot) -> None:
    type_query(qtbot, main_window, "96372")
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_Return)
    assert detail_code(main_window) == "96372"
    assert "Use instead" in main_window.detail.toPlainText()

    _tab_to_link(main_window, qtbot, "90471")
    with qtbot.waitSignal(main_window.detail.anchorClicked):
        qtbot.keyClick(main_window.detail, Qt.Key.Key_Return)
    assert detail_code(main_window) == "90471"
    assert main_window.act_back.isEnabled()

    qtbot.keyClick(main_window.detail, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert detail_code(main_window) == "96372"
    assert main_window.act_forward.isEnabled()
    qtbot.keyClick(main_window.detail, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert detail_code(main_window) == "90471"
    # The mouse's back button walks the history too.
    qtbot.mouseClick(main_window.detail.viewport(), Qt.MouseButton.BackButton)
    assert detail_code(main_window) == "96372"
    qtbot.mouseClick(main_window.results_view.viewport(), Qt.MouseButton.ForwardButton)
    assert detail_code(main_window) == "90471"


def test_each_code_opens_at_the_top_of_its_page(main_window: MainWindow, qtbot: QtBot) -> None:
    main_window.resize(900, 420)  # a short pane: 96372's page scrolls
    main_window.open_code("CPT", "96372")
    bar = main_window.detail.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    bar.setValue(bar.maximum())
    main_window.open_code("CPT", "90471")
    assert bar.value() == 0
    bar.setValue(bar.maximum())
    main_window.back()
    assert detail_code(main_window) == "96372" and bar.value() == 0


def test_icd_parent_and_children_are_links(main_window: MainWindow, qtbot: QtBot) -> None:
    main_window.open_code("ICD-10-CM", "E53.8")
    page = main_window.detail.toHtml()
    assert "Parent" in main_window.detail.toPlainText()
    _tab_to_link(main_window, qtbot, "E53")
    qtbot.keyClick(main_window.detail, Qt.Key.Key_Return)
    assert detail_code(main_window) == "E53"
    assert "Codes under it" in main_window.detail.toPlainText()
    assert "code:ICD-10-CM/E53.9" in main_window.detail.toHtml()
    assert page


def test_ctrl_c_copies_the_code_and_a_menu_copies_code_and_title(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    type_query(qtbot, main_window, "96372")
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_Return)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("")
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "96372"
    assert "Copied 96372" in main_window.statusBar().currentMessage()

    main_window.act_copy_title.trigger()
    title = main_window.detail.record.title if main_window.detail.record else ""
    assert clipboard.text() == f"96372 {title}"
    menu_texts = [a.text() for a in main_window.menuBar().actions()[1].menu().actions()]
    assert "Copy code and &title" in menu_texts

    # With text selected in the search field, Ctrl+C copies that text, as usual.
    main_window.search_field.selectAll()
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "96372"


def test_escape_clears_and_ctrl_k_focuses(main_window: MainWindow, qtbot: QtBot) -> None:
    type_query(qtbot, main_window, "toradol")
    assert "J1885" in result_codes(main_window, 3)
    main_window.results_view.setFocus()
    qtbot.keyClick(main_window.results_view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is main_window.search_field
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_Escape)
    assert main_window.search_field.text() == ""
    assert main_window.results_model.query == ""
    main_window.detail.setFocus()
    qtbot.keyClick(main_window.detail, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is main_window.search_field


def test_pins_survive_a_restart(make_window: WindowFactory, user_dir: Path, qtbot: QtBot) -> None:
    user = UserStore()
    window = make_window(user)
    type_query(qtbot, window, "96372")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    qtbot.keyClick(window.search_field, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert "Pinned 96372" in window.statusBar().currentMessage()
    row = window.results_model.row_of("CPT", "96372")
    assert "pinned" in window.results_model.index(row, 0).data(Role.MARKS)
    window.open_code("HCPCS", "J3420")  # viewed, not pinned
    close_window(window)
    user.close()

    again = UserStore()  # a new run on the same user folder
    try:
        window2 = make_window(again)
        assert window2.search_field.text() == ""
        model = window2.results_model
        assert model.rowCount() >= 1
        first = model.index(0, 0)
        assert (first.data(Role.SYSTEM), first.data(Role.CODE)) == ("CPT", "96372")
        assert first.data(Role.SECTION) == SECTION_PINNED
        second = model.index(1, 0)
        assert (second.data(Role.CODE), second.data(Role.SECTION)) == ("J3420", SECTION_RECENT)
        # Reachable by keyboard from the empty search: Down, Enter.
        qtbot.keyClick(window2.search_field, Qt.Key.Key_Down)
        qtbot.keyClick(window2.search_field, Qt.Key.Key_Return)
        assert detail_code(window2) == "96372"
        assert window2.history.current == ("CPT", "96372")
        assert window2._pinned == {("CPT", "96372")}, window2.statusBar().currentMessage()
        # Ctrl+D again unpins.
        qtbot.keyClick(window2.search_field, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        assert not again.is_pinned("CPT", "96372")
        close_window(window2)
    finally:
        again.close()


def test_geometry_and_splitter_restored(
    make_window: WindowFactory, user_dir: Path, qtbot: QtBot
) -> None:
    user = UserStore()
    window = make_window(user)
    window.resize(QSize(720, 520))
    window.splitter.setSizes([250, 450])
    sizes = window.splitter.sizes()
    close_window(window)
    assert (user_dir / "settings.json").is_file()
    assert not (user_dir / "settings.ini").exists()  # one settings store
    try:
        window2 = make_window(user)
        assert window2.size() == QSize(720, 520)
        assert window2.splitter.sizes() == sizes
    finally:
        user.close()


def test_no_results_offers_near_matches(main_window: MainWindow, qtbot: QtBot) -> None:
    type_query(qtbot, main_window, "j9999")
    assert main_window.results_model.rowCount() == 0
    assert main_window.notice.isVisible()
    assert "No results" in main_window.notice_label.text()
    buttons = main_window.suggestion_buttons
    assert buttons and all(b.accessibleName() for b in buttons)
    target = buttons[0].text()
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main_window.results_model.query == target, timeout=5000)
    assert target in result_codes(main_window, 3)


def test_corrected_query_says_so(main_window: MainWindow, qtbot: QtBot) -> None:
    type_query(qtbot, main_window, "vitamn")
    assert main_window.results_model.rowCount() > 0
    assert "Showing results for “vitamin”" in main_window.notice_label.text()


def test_a_modifier_not_in_the_data_is_said_not_searched(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    type_query(qtbot, main_window, "96372-59")
    assert result_codes(main_window, 5) == ["96372"]
    assert main_window.notice.isVisible()
    assert "left out: modifier 59" in main_window.notice_label.text()


def test_system_filter_by_keyboard(main_window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    type_query(qtbot, main_window, "b12")
    systems = {
        main_window.results_model.index(r, 0).data(Role.SYSTEM)
        for r in range(main_window.results_model.rowCount())
    }
    assert systems == {"HCPCS"}
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main_window.results_model.rowCount() > 3, timeout=5000)


def test_deleted_codes_are_marked_in_words(main_window: MainWindow, qtbot: QtBot) -> None:
    type_query(qtbot, main_window, "0001A")
    index = main_window.results_model.index(0, 0)
    assert index.data(Role.CODE) == "0001A"
    assert index.data(Role.STATUS) == "deleted"
    assert "deleted" in index.data(Role.MARKS)
    assert "deleted" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    main_window.open_code("CPT", "0001A")
    assert "Deleted" in main_window.detail.toPlainText()


def test_every_control_has_an_accessible_name(main_window: MainWindow, qtbot: QtBot) -> None:
    type_query(qtbot, main_window, "j9999")  # shows the suggestion buttons too
    kinds = (QAbstractButton, QLineEdit, QAbstractItemView, QTextEdit, QComboBox)
    controls = [w for w in main_window.findChildren(QWidget) if isinstance(w, kinds)]
    assert len(controls) > 10
    unnamed = [
        f"{type(w).__name__}:{w.objectName()}"
        for w in controls
        if w.isVisibleTo(main_window) and not w.accessibleName()
    ]
    assert not unnamed


def test_tab_order_search_chips_results_detail(main_window: MainWindow) -> None:
    order = [main_window.search_field]
    for _ in range(6):
        order.append(order[-1].nextInFocusChain())
        while not (order[-1].focusPolicy() & Qt.FocusPolicy.TabFocus):
            order[-1] = order[-1].nextInFocusChain()
    assert order[1:5] == main_window.system_buttons
    assert order[5] is main_window.results_view
    assert order[6] is main_window.detail


def test_checklist_link_opens_the_checklist(main_window: MainWindow, qtbot: QtBot) -> None:
    main_window.open_code("CPT", "96372")
    templates = main_window.store.templates_for("96372", "CPT")
    assert templates
    assert CHECKLIST_LINK_TEXT in main_window.detail.toPlainText()
    with qtbot.waitSignal(main_window.detail.checklist_activated) as signal:
        _tab_to_link(main_window, qtbot, CHECKLIST_LINK_TEXT)
        qtbot.keyClick(main_window.detail, Qt.Key.Key_Return)
    assert signal.args == [templates[0].id]
    dock = main_window.checklist_dock
    assert dock is not None and dock.isVisible()


def test_licensed_text_is_shown_marked_as_licensed(
    make_window: WindowFactory, user_store: UserStore
) -> None:
    sample = "SAMPLE LICENSED DESCRIPTOR FOR THE TEST"
    window = make_window(
        user_store, licensed_text=lambda system, code: sample if code == "96372" else None
    )
    window.open_code("CPT", "96372")
    page = window.detail.toPlainText()
    assert LICENSED_HEADING in page and sample in page
    assert "Plain-language description" in page
    window.open_code("HCPCS", "J3420")
    assert LICENSED_HEADING not in window.detail.toPlainText()


def test_about_shows_version_sources_cpt_notice_and_no_network(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    dialog = main_window.show_about()
    qtbot.waitExposed(dialog)
    text = dialog.text.toPlainText()
    assert f"QuickRef {__version__}" in text
    assert CPT_NOTICE in text
    assert "never uses the network" in text
    for source in main_window.store.sources():
        assert source.title in text
    dialog.close()


def test_startup_error_text_says_what_to_do() -> None:
    title, text, informative = startup_error_text(
        ReferenceDataError("The reference database is missing: /x. Rebuild it with ...")
    )
    assert "reference data" in title and "cannot open" in text
    assert "missing" in informative and "reinstall" in informative
    _t, text, informative = startup_error_text(UserDataError("locked"))
    assert "your own data" in text and "QUICKREF_DATA_DIR" in informative
    box = startup_error_box(ReferenceDataError("damaged"))
    try:
        assert box.icon() == QMessageBox.Icon.Critical
        assert "damaged" in box.informativeText()
    finally:
        box.deleteLater()


def _run_gui_capturing_dialog(db: Path) -> tuple[int, str]:
    """Call run_gui; a timer reads and closes the modal dialog it shows."""
    seen: list[str] = []

    def close_dialog() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(f"{box.windowTitle()}\n{box.text()}\n{box.informativeText()}")
            box.done(0)
        else:
            QTimer.singleShot(20, close_dialog)

    QTimer.singleShot(0, close_dialog)
    code = run_gui(db)
    return code, "\n".join(seen)


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated", "one byte changed"])
def test_run_gui_with_unusable_reference_db_shows_error_and_exits_2(
    damage: str, tmp_path: Path, reference_db: Path, user_dir: Path, no_leaked_widgets: None
) -> None:
    db = tmp_path / "reference.sqlite"
    if damage == "garbage":
        db.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        db.write_bytes(reference_db.read_bytes()[: 1 << 20])
    elif damage == "one byte changed":  # opens and searches; only the checksum can tell
        data = bytearray(reference_db.read_bytes())
        data[len(data) // 3] ^= 0x01
        db.write_bytes(bytes(data))
    code, shown = _run_gui_capturing_dialog(db)
    assert code == EXIT_DATA
    assert "QuickRef cannot open its reference data" in shown
    assert "quickref db build" in shown or "reinstall" in shown.lower()
    assert "Traceback" not in shown


def test_engine_and_window_agree(
    main_window: MainWindow, qtbot: QtBot, store: ReferenceStore
) -> None:
    from desktop.reference.search import SearchEngine

    type_query(qtbot, main_window, "im injection")
    expected = [r.code for r in SearchEngine(store).search("im injection", limit=10).results]
    assert result_codes(main_window, 10) == expected


def test_a_status_message_gets_the_whole_bar_and_the_data_line_comes_back(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    label = main_window.data_label
    status = main_window.statusBar()
    assert label.isVisible()
    message = "Pinned 96372: it is listed first when the search is empty"
    status.showMessage(message, 5000)
    # The long data-version line no longer takes the bar's width from the message.
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=2000)
    assert status.currentMessage() == message
    status.clearMessage()
    qtbot.waitUntil(label.isVisible, timeout=2000)
    assert label.text().startswith("Data ")
    assert label.text() in label.toolTip()  # all of it, when a narrow window cuts it


def test_the_data_line_does_not_hold_the_window_wide(main_window: MainWindow) -> None:
    label = main_window.data_label
    line = label.fontMetrics().horizontalAdvance(label.text())
    # The bar can be far narrower than its long line (whatever the font's size).
    assert main_window.statusBar().minimumSizeHint().width() < line // 2
