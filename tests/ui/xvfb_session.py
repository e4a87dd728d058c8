"""Run by tests/ui/test_xvfb_keyboard.py under a real X server (xvfb-run, xcb).

A front-desk look-up and a full nurse run of the injection checklist, keyboard only:
key events go to the focused widget, as a person's keystrokes would. Prints one line a
step and ``ALL OK`` at the end; any Qt warning, or a step that does not happen, exits 1.

    xvfb-run -a python tests/ui/xvfb_session.py REFERENCE_DB
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desktop.records.store import UserStore
from desktop.session import ReferenceSession
from desktop.ui.app import application
from desktop.ui.main_window import build_main_window

WARNINGS: list[str] = []
CTRL = Qt.KeyboardModifier.ControlModifier


def on_message(kind: QtMsgType, _context: object, message: str) -> None:
    if kind not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
        WARNINGS.append(message)
        print(f"qt: {message}", flush=True)


def wait_until(check: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if check():
            return
        time.sleep(0.01)
    print(f"FAIL {what}", flush=True)
    sys.exit(1)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    if widget is None:
        print("FAIL nothing has the keyboard focus", flush=True)
        sys.exit(1)
    return widget


def key(k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), k, modifier)
    QApplication.processEvents()


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)
    QApplication.processEvents()


def main(db: str) -> int:
    qInstallMessageHandler(on_message)
    app = application()
    print(f"platform {app.platformName()}", flush=True)
    user = UserStore()
    win = build_main_window(ReferenceSession.open(db), user)
    win.show()
    win.activateWindow()
    wait_until(lambda: QApplication.activeWindow() is win, "window active")
    wait_until(lambda: focused() is win.search_field, "search field focused at start")

    # ---- front desk: a brand name to its code, copied
    type_text("toradol")
    wait_until(lambda: win.results_model.query == "toradol", "results for toradol")
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Return)
    wait_until(lambda: win.detail.record is not None and win.detail.record.code == "J1885",
               "J1885 open")  # fmt: skip
    key(Qt.Key.Key_C, CTRL)
    wait_until(lambda: QGuiApplication.clipboard().text() == "J1885", "J1885 copied")
    print("ok front desk: toradol -> J1885 copied", flush=True)

    # ---- nurse: 96372, the checklist, every step by key, the lines to bill
    key(Qt.Key.Key_K, CTRL)
    type_text("96372")
    wait_until(lambda: win.results_model.query == "96372", "results for 96372")
    key(Qt.Key.Key_Return)
    wait_until(lambda: win.detail.record is not None and win.detail.record.code == "96372",
               "96372 open")  # fmt: skip
    key(Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
    wait_until(lambda: win.checklist_dock is not None and win.checklist_dock.run is not None,
               "checklist open")  # fmt: skip
    dock = win.checklist_dock
    assert dock is not None and dock.run is not None
    run = dock.run
    wait_until(lambda: focused() is dock.view, "step list focused")
    for row, step in enumerate(run.steps):
        wait_until(lambda r=row: dock.view.currentIndex().row() == r, f"on step {row + 1}")
        if step.kind == "tick":
            key(Qt.Key.Key_Space)
        elif step.kind == "yes_no":
            key(Qt.Key.Key_N)
        elif step.kind == "choice":
            key(Qt.Key.Key_2)  # the payer: another payer (keys 1-9 pick an answer)
        else:
            key(Qt.Key.Key_Tab)  # to the drug field, before "Why this step?"
            editor = dock.drug_editor
            wait_until(lambda e=editor: focused() is e.search, "drug field focused")
            type_text("b12")
            wait_until(lambda e=editor: e.results_model.rowCount() > 0, "drugs found")
            key(Qt.Key.Key_Down)
            key(Qt.Key.Key_Return)
            wait_until(lambda e=editor: e.code == "J3420" and focused() is e.dose, "J3420 chosen")
            type_text("1000 mcg")
            key(Qt.Key.Key_Return)
            wait_until(lambda s=step: run.is_done(s.key), "drug and dose recorded")
            wait_until(lambda: focused() is dock.view, "back on the step list")
        wait_until(lambda s=step: run.is_done(s.key), f"step {row + 1} done")
        if row < len(run.steps) - 1:
            key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Return, CTRL)
    wait_until(lambda: dock.stack.currentWidget() is dock.summary_page, "summary shown")
    lines = [
        dock.lines_model.item(r).data(Qt.ItemDataRole.UserRole)
        for r in range(dock.lines_model.rowCount())
    ]
    print(f"ok nurse: lines {lines}", flush=True)
    if "96372 x 1" not in lines or not any(str(x).startswith("J3420 x 1") for x in lines):
        print("FAIL lines to bill", flush=True)
        return 1
    dock.lines_view.setFocus()
    key(Qt.Key.Key_C, CTRL)
    wait_until(lambda: QGuiApplication.clipboard().text() == "96372 x 1", "line copied")
    print("ok nurse: 96372 x 1 copied with Ctrl+C", flush=True)
    key(Qt.Key.Key_Q, CTRL)
    wait_until(lambda: not win.isVisible(), "Ctrl+Q closed the window")
    win.deleteLater()
    QApplication.processEvents()
    user.close()
    win.session.close()
    if WARNINGS:
        print(f"FAIL {len(WARNINGS)} Qt warnings", flush=True)
        return 1
    print("ALL OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
