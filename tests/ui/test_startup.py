"""Start-up imports only what the first paint needs (issue 9 item 7)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import close_window

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = (
    "desktop.ui.checklist",
    "desktop.records.checklist",
    "desktop.ui.import_dialog",
    "desktop.ui.history_dialog",
    "desktop.records.history",
    "desktop.ui.settings_dialog",
    "desktop.ui.about_dialog",
    "desktop.reference.licensed",
    "desktop.reference.update",
    "desktop.reference.build",
    "desktop.coverage",
    "rapidfuzz",
    # loaded on the search thread just after the first paint
    "desktop.reference.search",
    # the command-line commands, when the window is opened
    "desktop.commands.check",
    "desktop.commands.config",
    "desktop.commands.db_update",
    # the scroll bars' kept grooves (QStyle's enums), set just after the first paint
    "desktop.ui.scrollbar_style",
    # standard-library modules only later work needs (a few ms each to load): prices and
    # doses (decimal), HTML entities (html), the remaining dataclasses (dataclasses)
    "decimal",
    "html",
    "dataclasses",
)
PROBE = """
import sys
import desktop.cli  # the installed entry point imports this first
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from desktop.ui.app import open_window, show_window
app, win = open_window(sys.argv[1])
seen = []

class Spy(QObject):
    def eventFilter(self, obj, event):
        if not seen and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) \\
                and obj.window() is win:
            seen.append(sorted(sys.modules))  # what was loaded when the first frame drew
            QTimer.singleShot(0, app.quit)
        return False

spy = Spy()
app.installEventFilter(spy)
QTimer.singleShot(10_000, app.quit)
show_window(win, None, print)
app.exec()
assert seen, "no paint"
print("\\n".join(seen[0]))
"""


def _run_probe(probe: str, db: Path) -> str:
    """Run a start-up probe in a fresh interpreter (offscreen); its standard output."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", probe, str(db)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_first_paint_imports_none_of_the_deferred_modules(
    reference_db: Path, user_dir: Path
) -> None:
    loaded = set(_run_probe(PROBE, reference_db).split())
    assert "desktop.ui.main_window" in loaded
    early = sorted(m for m in loaded if m.startswith(DEFERRED))
    assert early == []


QT_PROBE = """
import sys
import PySide6.QtCore as core
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget
from desktop.ui.app import open_window, show_window
app, win = open_window(sys.argv[1])
seen = []

def report():  # the frame is done; the work queued for after it has not run yet
    seen.append("built" if "Qt" in core.__dict__ else "unbuilt")

class Spy(QObject):
    def eventFilter(self, obj, event):
        if not seen and event.type() == QEvent.Type.Paint and obj is win:
            QTimer.singleShot(0, report)
            QTimer.singleShot(0, lambda: QTimer.singleShot(500, app.quit))
        return False

spy = Spy()
win.installEventFilter(spy)
QTimer.singleShot(10_000, app.quit)
show_window(win, None, print)
app.exec()
after = "built" if "Qt" in core.__dict__ else "unbuilt"
print(seen[0] if seen else "no paint", after)
"""


def test_the_first_frame_leaves_the_qt_namespace_unbuilt(
    reference_db: Path, user_dir: Path
) -> None:
    """Building the ``Qt`` namespace's enums costs 30-45 ms (desktop.ui.qt_values):
    nothing on the way to the first frame (of a first start: no pins or recents yet)
    touches it; it is built just after the frame, before a key needs it."""
    assert _run_probe(QT_PROBE, reference_db).split() == ["unbuilt", "built"]


def test_ui_uses_plain_imports_only() -> None:
    """No importlib in ui/: a lazy import is a plain import inside the function."""
    ui = ROOT / "desktop" / "ui"
    offenders = [
        str(path.relative_to(ROOT))
        for path in ui.rglob("*.py")
        if "importlib" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_show_window_warms_the_search_and_verifies_after_the_first_paint(
    reference_db: Path, user_dir: Path, qtbot: QtBot
) -> None:
    from desktop.ui.app import open_window, show_window

    _app, window = open_window(reference_db)
    failed: list[Exception] = []
    resumed: list[bool] = []
    window.offer_resume = lambda: resumed.append(True) or False  # type: ignore[method-assign]
    try:
        assert not window.session.engine.warmed  # nothing of the search before the paint
        check = show_window(window, reference_db, failed.append)
        with qtbot.waitSignal(check.finished, timeout=10_000) as blocker:
            pass
        assert blocker.args == [None]  # verified
        qtbot.waitUntil(lambda: window.session.engine.warmed, timeout=10_000)
        qtbot.waitUntil(lambda: resumed == [True], timeout=2000)
        assert failed == []
        assert not QApplication.instance().windowIcon().isNull()  # type: ignore[union-attr]
    finally:
        close_window(window)
        window.session.close()
        window.user.close()


def test_the_bench_probe_reports_the_frame_before_the_work_that_follows_it(
    reference_db: Path, user_dir: Path, qtbot: QtBot
) -> None:
    """The start-up figure ends at the first frame: the work queued for just after it
    (the search's warm-up, the checksum, the icon) is not counted in it."""
    from desktop.self_test import _wait_for_paint
    from desktop.ui.app import open_window, show_window

    _app, window = open_window(reference_db)
    order: list[str] = []
    window.search.warm = lambda: order.append("warm-up")  # type: ignore[method-assign]
    try:
        shown = _wait_for_paint(
            window,
            show=lambda: show_window(window, reference_db, print),
            painted_now=lambda: order.append("painted"),
        )
        assert shown
        qtbot.waitUntil(lambda: "warm-up" in order, timeout=5000)
        assert order == ["painted", "warm-up"]
    finally:
        close_window(window)
        window.session.close()
        window.user.close()


def test_a_damaged_file_found_after_the_first_paint_goes_to_on_failed(
    reference_db: Path, tmp_path: Path, user_dir: Path, qtbot: QtBot
) -> None:
    from desktop.reference.store import ReferenceDataError
    from desktop.ui.app import open_window, show_window

    data = bytearray(reference_db.read_bytes())
    data[len(data) // 3] ^= 0x01  # opens and searches: only the checksum can tell
    damaged = tmp_path / "reference.sqlite"
    damaged.write_bytes(bytes(data))
    _app, window = open_window(damaged)
    failed: list[Exception] = []
    resumed: list[bool] = []
    window.offer_resume = lambda: resumed.append(True) or False  # type: ignore[method-assign]
    try:
        show_window(window, damaged, failed.append)
        qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
        assert isinstance(failed[0], ReferenceDataError)
        assert "checksum" in str(failed[0]).lower()
        assert resumed == []  # nothing is offered from data that failed its check
    finally:
        close_window(window)
        window.session.close()
        window.user.close()


def test_after_first_paint_runs_once_after_the_paint_or_after_the_fallback(
    qtbot: QtBot,
) -> None:
    from PySide6.QtWidgets import QLabel

    from desktop.ui.first_paint import after_first_paint

    shown, hidden, waiting = QLabel("shown"), QLabel("never shown"), QLabel("no fallback")
    for label in (shown, hidden, waiting):
        qtbot.addWidget(label)
    calls: list[str] = []
    after_first_paint(shown, lambda: calls.append("shown"), fallback_ms=60_000)
    after_first_paint(hidden, lambda: calls.append("hidden"), fallback_ms=200)
    after_first_paint(waiting, lambda: calls.append("waiting"), fallback_ms=None)
    assert calls == []  # nothing before a paint
    shown.show()
    qtbot.waitUntil(lambda: "shown" in calls, timeout=5000)
    qtbot.waitUntil(lambda: "hidden" in calls, timeout=5000)
    shown.update()
    qtbot.wait(100)
    assert sorted(calls) == ["hidden", "shown"]  # each once; never before a paint
