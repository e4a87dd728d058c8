"""The app side of the AT-SPI suite: the real window, driven by keys, with checkpoints.

Run by the project's Python inside the app process (``python -m tests.a11y.driver DB
OUT``, with ``QT_ACCESSIBILITY=1`` under Xvfb and a D-Bus session). It builds the real
main window on the reference database ``DB``, then walks a look-up, a checklist run and
a completed run with QTest key events, as a keyboard-only user would. At each
checkpoint it writes ``OUT/NN-name.ready`` (JSON facts only the app knows: the focus
widget, Tab presses counted) and waits, with the event loop running so the AT-SPI
reader's queries are answered, until the reader has written ``OUT/NN-name.done``.
Nothing here waits on a fixed delay except that generous timeout.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QTextBrowser, QWidget

from desktop.ui.accessible import Announcer

CHECKPOINT_TIMEOUT_MS = 90_000
WAIT_TIMEOUT_MS = 20_000
SCREEN = (1366, 768)
MAX_TABS = 200
NO_MATCH_QUERY = "qqzzxvk"
LOOKUP_QUERY = "96372"
DRUG_QUERY = "ceftriaxone"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


class Driver:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.n = 0

    # ------------------------------------------------------------------ waiting

    def spin(self, ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_until(
        self,
        test: Callable[[], bool],
        what: str,
        timeout: int = WAIT_TIMEOUT_MS,
        *,
        required: bool = True,
    ) -> bool:
        clock = QElapsedTimer()
        clock.start()
        while not test():
            if clock.elapsed() > timeout:
                if required:
                    raise TimeoutError(f"timed out waiting for {what}")
                return False
            self.spin(20)
        return True

    def checkpoint(self, name: str, **facts: Any) -> None:
        """Tell the reader the app is idle at ``name``; wait for it to read the tree."""
        QApplication.processEvents()
        # Announcements wait for a burst of changes to settle; let them go out first.
        self.wait_until(
            lambda: (
                not any(
                    a.busy()
                    for w in QApplication.topLevelWidgets()
                    for a in w.findChildren(Announcer)
                )
            ),
            "pending announcements",
        )
        self.n += 1
        stem = f"{self.n:02d}-{name}"
        focus = QApplication.focusWidget()
        facts.setdefault("focus", describe(focus))
        facts.setdefault("focus_on_screen", on_screen(focus))
        facts["name"] = name
        facts["labels"] = visible_label_texts()
        tmp = self.out / f"{stem}.tmp"
        tmp.write_text(json.dumps(facts, indent=1), encoding="utf-8")
        tmp.rename(self.out / f"{stem}.ready")
        done = self.out / f"{stem}.done"
        self.wait_until(done.exists, f"the reader at checkpoint {stem}", CHECKPOINT_TIMEOUT_MS)

    # ------------------------------------------------------------------ keys
    # Qt's AT-SPI bridge holds back spontaneous key events (QTest's) until the registry
    # says no screen reader wants them, so plain keys are sent as ordinary events and
    # arrive at once; shortcuts need QTest's path and are followed by a wait on a result.

    def key(
        self,
        key: Qt.Key,
        modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
        text: str = "",
    ) -> None:
        target = QApplication.focusWidget()
        assert target is not None, "no widget has the keyboard focus"
        if not text and key in KEY_TEXT and modifier == Qt.KeyboardModifier.NoModifier:
            text = KEY_TEXT[key]
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, modifier, text))
            QApplication.processEvents()

    def type(self, text: str) -> None:
        for ch in text:
            code = ord(ch.upper()) if ch.isascii() and ch.isalnum() else 0
            self.key(Qt.Key(code), text=ch)

    def shortcut(self, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
        target = QApplication.focusWidget()
        assert target is not None, "no widget has the keyboard focus"
        QTest.keyClick(target, key, modifier)


KEY_TEXT = {
    Qt.Key.Key_Space: " ",
    Qt.Key.Key_Return: "\r",
    Qt.Key.Key_Enter: "\r",
    Qt.Key.Key_Tab: "\t",
    Qt.Key.Key_N: "n",
    Qt.Key.Key_Y: "y",
    Qt.Key.Key_L: "l",
}


def describe(widget: QWidget | None) -> dict[str, str]:
    if widget is None:
        return {"class": "", "object": "", "name": ""}
    return {
        "class": type(widget).__name__,
        "object": widget.objectName(),
        "name": widget.accessibleName(),
    }


def on_screen(widget: QWidget | None) -> bool:
    """Whether the whole widget is inside its window and the window inside the screen."""
    if widget is None:
        return False
    window = widget.window()
    top_left = widget.mapTo(window, widget.rect().topLeft())
    inside = window.rect().contains(top_left) and window.rect().contains(
        widget.mapTo(window, widget.rect().bottomRight())
    )
    screen = window.screen().availableGeometry() if window.screen() else None
    return bool(inside and (screen is None or screen.contains(window.frameGeometry())))


def visible_label_texts() -> list[str]:
    """The plain text of every label a sighted user sees now (what must be heard)."""
    texts = []
    for window in QApplication.topLevelWidgets():
        for label in window.findChildren(QLabel):
            text = label.text()
            if not label.isVisible() or not text.strip():
                continue
            if label.textFormat() != Qt.TextFormat.PlainText and "<" in text:
                doc = QTextDocument()
                doc.setHtml(text)
                text = doc.toPlainText()
            if label.buddy() is not None:
                text = text.replace("&", "")  # the mnemonic marker is not shown
            texts.append(text)
    return texts


def anchors(browser: QTextBrowser) -> list[str]:
    """The link texts of a rich-text pane, in document order."""
    found = []
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().isAnchor():
                found.append(fragment.text())
            it += 1
        block = block.next()
    return found


def inside(widget: QWidget | None, container: QWidget) -> bool:
    while widget is not None:
        if widget is container:
            return True
        widget = widget.parentWidget()
    return False


def scenario(d: Driver, window: Any) -> Iterator[None]:
    """The walk; each ``yield`` lets the caller check for a crash between phases."""
    d.checkpoint("start")
    yield

    # A search that finds nothing, then a look-up by keyboard only.
    window.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
    d.type(NO_MATCH_QUERY)
    d.wait_until(lambda: window.results_model.query == NO_MATCH_QUERY, "the empty answer")
    d.checkpoint("no-results", rows=window.results_model.rowCount())
    yield

    d.shortcut(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    d.wait_until(lambda: not window.search_field.text(), "the cleared search")
    d.type(LOOKUP_QUERY)
    d.wait_until(lambda: window.results_model.query == LOOKUP_QUERY, "the look-up answer")
    d.key(Qt.Key.Key_Down)
    down_focus = describe(QApplication.focusWidget())
    d.key(Qt.Key.Key_Return)
    d.wait_until(lambda: window.current_record() is not None, "the code on screen")
    rec = window.current_record()
    d.checkpoint(
        "lookup",
        rows=window.results_model.rowCount(),
        shown=rec.code if rec is not None else "",
        focus_after_down=down_focus,
    )
    yield

    # The detail pane: in by focus, links by their own keys, out by Tab.
    detail = window.detail
    detail.setFocus(Qt.FocusReason.TabFocusReason)
    d.wait_until(detail.hasFocus, "focus in the detail pane")
    links_key = getattr(detail, "NEXT_LINK_KEY", None)
    link_focus: list[str] = []
    if links_key is not None:
        for _ in range(3):
            d.key(Qt.Key(links_key))
            link_focus.append(detail.textCursor().selectedText())
    d.checkpoint("detail-links", link_texts=link_focus, anchors=anchors(detail))
    yield

    opened = ""
    if links_key is not None:  # back one link, and open it with Enter
        d.key(Qt.Key(links_key), Qt.KeyboardModifier.ShiftModifier)
        d.key(Qt.Key.Key_Return)
        rec = window.current_record()
        opened = f"{rec.system}/{rec.code}" if rec is not None else ""
        d.shortcut(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
        d.wait_until(lambda: window.current_record().code == LOOKUP_QUERY, "back at 96372")
    detail.setFocus(Qt.FocusReason.TabFocusReason)
    d.wait_until(detail.hasFocus, "focus in the detail pane")
    presses = 0
    while presses < MAX_TABS and inside(QApplication.focusWidget(), detail):
        d.key(Qt.Key.Key_Tab)
        presses += 1
    left = not inside(QApplication.focusWidget(), detail)
    d.checkpoint("detail-tab", tab_presses=presses, left_pane=left, opened_by_enter=opened)
    yield

    # The injection checklist, by its shortcut, for the code on screen.
    d.shortcut(Qt.Key.Key_L, CTRL_SHIFT)
    d.wait_until(lambda: window.checklist_dock is not None, "the checklist dock")
    dock = window.checklist_dock
    d.wait_until(lambda: dock.run is not None, "a checklist run")
    d.wait_until(lambda: inside(QApplication.focusWidget(), dock), "focus in the checklist")
    d.checkpoint("checklist-open", steps=len(dock.run.steps))
    yield

    def run() -> Any:
        return dock.run

    d.key(Qt.Key.Key_Space)  # step 1: tick
    d.checkpoint("tick", done=run().done_count)
    yield

    for step in run().steps[1:]:
        d.key(Qt.Key.Key_Down)
        if step.kind == "tick":
            d.key(Qt.Key.Key_Space)
        elif step.kind == "yes_no":
            d.key(Qt.Key.Key_N)
        elif step.kind == "choice":
            d.key(Qt.Key.Key_2)  # the payer: another payer (keys 1-9 pick an answer)
        elif step.kind == "drug_dose":
            d.key(Qt.Key.Key_Return)  # to the drug search
            editor = dock.drug_editor
            answered: list[str] = []
            editor._controller().answered.connect(lambda q, _r, seen=answered: seen.append(q))
            d.type(DRUG_QUERY)
            d.wait_until(lambda seen=answered: DRUG_QUERY in seen, "the drug search's answer")
            d.key(Qt.Key.Key_Down)  # into the drug list
            d.key(Qt.Key.Key_Return)  # choose: focus goes to the dose
            d.type("abc")
            d.key(Qt.Key.Key_Return)  # a wrong dose: an error to hear
            d.checkpoint("dose-error", done=run().done_count)
            yield
            focus = QApplication.focusWidget()
            if focus is not None and hasattr(focus, "selectAll"):
                focus.selectAll()
            d.type("1000")
            d.checkpoint("dose-units", done=run().done_count)
            yield
            d.key(Qt.Key.Key_Return)  # record: focus back to the steps
    d.checkpoint(
        "all-steps",
        done=run().done_count,
        can_complete=run().can_complete,
        not_done=[s.key for s in run().steps if not run().is_done(s.key)],
    )
    yield

    d.shortcut(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    d.wait_until(lambda: run().status == "completed", "the completed run")
    d.checkpoint("completed", lines=[line.text for line in run().billing.lines])
    yield

    # Opening the checklist while it is open brings the focus to it.
    window.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
    d.shortcut(Qt.Key.Key_L, CTRL_SHIFT)
    moved = d.wait_until(
        lambda: inside(QApplication.focusWidget(), dock), "focus in the checklist", required=False
    )
    d.checkpoint("reopen", focus_in_dock=moved)
    yield


def main(argv: list[str]) -> int:
    db, out = Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([argv[0], "-platform", os.environ.get("QT_QPA_PLATFORM", "xcb")])
    app.setApplicationName("QuickRef")
    from desktop.records.store import UserStore
    from desktop.reference.store import ReferenceStore
    from desktop.ui.main_window import build_main_window

    status = 0
    with ReferenceStore(db) as store, UserStore() as user:
        window = build_main_window(store, user)
        window.setGeometry(0, 0, *SCREEN)
        window.show()
        window.activateWindow()
        d = Driver(out)
        d.wait_until(lambda: QApplication.activeWindow() is window, "the active window")
        try:
            for _ in scenario(d, window):
                pass
        except Exception:  # the reader and the test see what failed
            (out / "driver-error.txt").write_text(traceback.format_exc(), encoding="utf-8")
            status = 1
        (out / "finished").write_text(str(status), encoding="utf-8")
        window.close()
        app.processEvents()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
