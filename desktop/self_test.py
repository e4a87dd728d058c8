"""``quickref --self-test``: check that this install works, one printed line per check.

It runs what a start of the window runs, on the real files: the bundled (or ``--db``)
reference database with its checksum verified, the per-user database, the icon files,
the main window (offscreen unless ``QT_QPA_PLATFORM`` names a platform), a few
searches typed into the window, and the injection checklist. Each check prints
``ok   <what>: <detail>`` or ``FAIL <what>: <why>``; a Qt warning printed while the
checks run is itself a failed check. The exit code is 0 only if every check passed.

``QUICKREF_BENCH=1`` turns the run into the probe ``bench/bundle_figures.py`` times:
start like the window does, print ``bench first-paint`` at the first painted frame,
then peak memory after start and after 50 searches, and exit.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEARCHES: tuple[tuple[str, str], ...] = (
    # query typed, a code that must be among the first results
    ("96372", "96372"),
    ("b12", "J3420"),
    ("Toradol", "J1885"),
    ("E538", "E53.8"),
)
CHECKLIST_ID = "injection-96372"
BENCH_ENV = "QUICKREF_BENCH"
BENCH_SEARCHES = 50
PAINT_TIMEOUT_MS = 10_000


def user_data_path() -> Path:
    """Where the user's own database is (the checks open a copy of it)."""
    from desktop.records.store import USER_DB_NAME
    from desktop.userdirs import user_data_dir

    return user_data_dir() / USER_DB_NAME


class CheckFailed(Exception):
    """A check did not pass; ``str(exc)`` says why, for a person."""


def peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM) in kB, or 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class _Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, fn: Callable[[], str]) -> bool:
        try:
            detail = fn()
        except CheckFailed as exc:
            self.fail(name, str(exc))
            return False
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.fail(
                name,
                f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})",
            )
            return False
        self.passed += 1
        print(f"ok   {name}: {detail}", flush=True)
        return True

    def fail(self, name: str, why: str) -> None:
        self.failed += 1
        print(f"FAIL {name}: {why}", flush=True)


# ---------------------------------------------------------------------- Qt helpers


def _qt_application() -> Any:
    """The QApplication as the window sets it up, offscreen unless a platform was chosen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.ui.app import application

    return application()


class _QtMessages:
    """Collects Qt warnings (and worse) printed while the checks run."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._previous: Any = None

    def install(self) -> None:
        from PySide6.QtCore import QtMsgType, qInstallMessageHandler

        def handler(kind: Any, _context: Any, message: str) -> None:
            if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
                return
            self.lines.append(message)
            print(f"qt: {message}", file=sys.stderr, flush=True)

        self._previous = qInstallMessageHandler(handler)

    def uninstall(self) -> None:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(self._previous)


def _wait_for_paint(
    window: Any,
    timeout_ms: int = PAINT_TIMEOUT_MS,
    show: Callable[[], object] | None = None,
    painted_now: Callable[[], object] | None = None,
) -> bool:
    """Show ``window`` (or call ``show``) and run the event loop until its first frame
    is painted; ``painted_now`` is called the moment that frame is done.

    It watches the window itself (:func:`desktop.ui.first_paint.after_first_paint`), not
    every object in the app: a window is painted before its children in the same frame,
    and the loop quits once that frame is done. (An application-wide Python event filter
    would add its own cost to every event of every widget, and so to the figure it
    measures.) The loop returns only after the work the app queued for just after the
    first paint has run (the search's warm-up, the icon): the bench's line is printed by
    ``painted_now``, before that work, which is not part of the first frame.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    from desktop.ui.first_paint import after_first_paint

    loop = QEventLoop()
    painted: list[bool] = []

    def done() -> None:  # the frame is drawn (the window is painted before its children)
        painted.append(True)
        if painted_now is not None:
            painted_now()
        loop.quit()

    after_first_paint(window, done, fallback_ms=None)
    QTimer.singleShot(timeout_ms, loop.quit)
    if show is None:
        window.show()
    else:
        show()
    if not painted:
        loop.exec()
    return bool(painted)


def _search_field(window: Any) -> Any:
    """The window's search box: ``window.search_field`` or the first line edit."""
    from PySide6.QtWidgets import QLineEdit

    field = getattr(window, "search_field", None) or getattr(window, "search_edit", None)
    if field is None:
        field = window.findChild(QLineEdit)
    if field is None:
        raise CheckFailed("the main window has no search field")
    return field


def _results_model(window: Any) -> Any:
    """The model behind the results list (``window.results_view`` or the first view)."""
    from PySide6.QtWidgets import QAbstractItemView

    view = getattr(window, "results_view", None) or window.findChild(QAbstractItemView)
    if view is None or view.model() is None:
        raise CheckFailed("the main window has no results list")
    return view.model()


def _type_and_settle(app: Any, window: Any, text: str, expect: str | None = None) -> Any:
    """Type ``text`` into the search field and let the window answer; return the model.

    With ``expect``, wait (up to 2 s) until that code is listed; without, run the event
    loop for 250 ms, long enough for any typing debounce to fire.
    """
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    field = _search_field(window)
    field.setFocus()
    field.setText(text)
    model = _results_model(window)
    deadline = QDeadlineTimer(2000 if expect else 250)
    while not deadline.hasExpired():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if expect and expect in _codes(model, 5):
            break
        time.sleep(0.005)
    return model


def _codes(model: Any, limit: int) -> list[str]:
    """The first ``limit`` result codes shown (display text's first word of column 0)."""
    from PySide6.QtCore import Qt

    out = []
    for row in range(min(limit, model.rowCount())):
        text = model.data(model.index(row, 0), Qt.ItemDataRole.DisplayRole)
        if text:
            out.append(str(text).split()[0])
    return out


# --------------------------------------------------------------------- the checks


def run_self_test(db: Path | None) -> int:
    """Run every check, print one line each, return 0 only if all passed."""
    if os.environ.get(BENCH_ENV):
        return run_bench_probe(db)

    from desktop import __version__

    print(f"QuickRef {__version__} self-test", flush=True)
    report = _Report()
    state: dict[str, Any] = {}

    def reference() -> str:
        from desktop.reference.store import ReferenceStore

        store = ReferenceStore(db, verify=True)
        state["store"] = store
        info = store.info()
        codes = sum(c.codes for c in info.code_sets)
        return f"{info.path} (data version {info.data_version}, {codes:,} codes, checksum verified)"

    def engine_searches() -> str:
        from desktop.reference.search import SearchEngine

        engine = SearchEngine(state["store"])
        found = []
        for query, code in SEARCHES:
            codes = [r.code for r in engine.search(query, limit=5).results]
            if code not in codes:
                raise CheckFailed(f"'{query}' did not find {code} (got {codes or 'nothing'})")
            found.append(f"{query} -> {code}")
        return ", ".join(found)

    def user() -> str:
        import shutil
        import tempfile

        from desktop.records.store import UserStore

        # The checks never write to the user's own data: they run on a copy of it in a
        # throwaway folder (a fresh one if the user has none yet).
        from desktop.userdirs import ENV_DATA_DIR

        real = user_data_path()
        scratch = Path(tempfile.mkdtemp(prefix="quickref-self-test-"))
        state["scratch"] = scratch
        copy = scratch / real.name
        for suffix in ("", "-wal"):
            if Path(f"{real}{suffix}").is_file():
                shutil.copy2(f"{real}{suffix}", f"{copy}{suffix}")
        # Window settings and anything else the checks save go to the scratch folder.
        state["data_dir_env"] = os.environ.get(ENV_DATA_DIR)
        os.environ[ENV_DATA_DIR] = str(scratch)
        user_store = UserStore(copy)
        state["user"] = user_store
        user_store.read(lambda con: con.execute("SELECT count(*) FROM pins").fetchone())
        check = user_store.rows("PRAGMA integrity_check")
        if check != [("ok",)]:
            raise CheckFailed(f"{real} is damaged: {str(check[0][0])[:200]}")
        where = f"{real} (read from a copy" if real.is_file() else f"{real} (not made yet"
        return f"{where}, schema {user_store.schema_version}, integrity ok; left unchanged)"

    def icons() -> str:
        from desktop.resources_path import DESKTOP_FILE_NAME, icon_path, icon_pngs

        pngs = icon_pngs()
        svg = icon_path("quickref.svg")
        if not svg.is_file() or len(pngs) < 8:
            raise CheckFailed(f"icons missing in {svg.parent}")
        from PySide6.QtGui import QIcon

        app = _qt_application()
        if QIcon(str(svg)).pixmap(48, 48).isNull():
            raise CheckFailed(f"{svg} does not render (Qt svg plugin missing?)")
        if app.windowIcon().isNull():
            raise CheckFailed("the application has no window icon")
        if app.desktopFileName() != DESKTOP_FILE_NAME:
            raise CheckFailed(f"desktop file name is '{app.desktopFileName()}'")
        return (
            f"{svg.parent} (svg + {len(pngs)} PNG sizes render; window icon and "
            f"desktop file name '{DESKTOP_FILE_NAME}' set)"
        )

    def window() -> str:
        app = _qt_application()
        from desktop.ui.main_window import build_main_window

        win = build_main_window(state["store"], state["user"])
        state["window"] = win
        if not _wait_for_paint(win):
            raise CheckFailed("the main window was never painted")
        return f"built and painted on the {app.platformName()} platform"

    def window_searches() -> str:
        app, win = _qt_application(), state["window"]
        found = []
        for query, code in SEARCHES:
            model = _type_and_settle(app, win, query, expect=code)
            codes = _codes(model, 5)
            if code not in codes:
                raise CheckFailed(
                    f"typing '{query}' did not list {code} (got {codes or 'nothing'})"
                )
            found.append(f"{query} -> {code}")
        return ", ".join(found)

    def checklist() -> str:
        app, win = _qt_application(), state["window"]
        from desktop.ui.checklist import ChecklistDock

        win.open_checklist(CHECKLIST_ID)
        app.processEvents()
        docks = [d for d in win.findChildren(ChecklistDock) if d.isVisible()]
        if not docks:
            raise CheckFailed(f"open_checklist('{CHECKLIST_ID}') showed no checklist dock")
        return f"{CHECKLIST_ID} open in the checklist dock"

    messages = _QtMessages()
    ok = report.check("reference database", reference)
    if ok:
        report.check("reference searches", engine_searches)
    else:
        report.fail("reference searches", "skipped: no reference database")
    user_ok = report.check("user database", user)
    try:
        _qt_application()
        messages.install()
    except Exception as exc:
        report.fail("qt", f"cannot start Qt: {type(exc).__name__}: {exc}")
        return _finish(report)
    report.check("icons", icons)
    if not (ok and user_ok):
        for name in ("main window", "window searches", "checklist"):
            report.fail(name, "skipped: needs the reference and user databases")
    elif report.check("main window", window):
        report.check("window searches", window_searches)
        report.check("checklist", checklist)
    else:
        report.fail("window searches", "skipped: no main window")
        report.fail("checklist", "skipped: no main window")
    _dispose(state.pop("window", None))
    messages.uninstall()
    if messages.lines:
        report.fail("qt warnings", f"{len(messages.lines)}, first: {messages.lines[0]}")
    else:
        report.check("qt warnings", lambda: "none")
    if "user" in state:
        state["user"].close()
    if "scratch" in state:
        from desktop.userdirs import ENV_DATA_DIR

        previous = state.get("data_dir_env")
        if previous is None:
            os.environ.pop(ENV_DATA_DIR, None)
        else:
            os.environ[ENV_DATA_DIR] = previous
        import shutil

        shutil.rmtree(state["scratch"], ignore_errors=True)
    if "store" in state:
        state["store"].close()
    return _finish(report)


def _dispose(window: Any) -> None:
    """Close the window (stopping its search thread) and delete it before Python exits."""
    if window is None:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    _qt_application().processEvents()


def _finish(report: _Report) -> int:
    total = report.passed + report.failed
    if report.failed:
        print(f"self-test FAILED: {report.failed} of {total} checks failed", flush=True)
        return 1
    print(f"self-test passed: {total} checks", flush=True)
    return 0


# ------------------------------------------------------------------- bench probe


def run_bench_probe(db: Path | None) -> int:
    """Start like the window, report the first paint and peak memory (see module doc)."""
    from desktop.ui.app import open_window, show_window

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The same start as the window's (run_gui): open, build, show; just after the first
    # paint the search gets ready and the checksum is verified on a thread.
    app, win = open_window(db)
    store, user = win.store, win.user
    failed: list[Exception] = []
    shown = _wait_for_paint(
        win,
        show=lambda: show_window(win, db, failed.append),
        painted_now=lambda: print("bench first-paint", flush=True),
    )
    if not shown:
        print("bench no-paint", flush=True)
        return 1
    print(f"bench rss-start-kb {peak_rss_kb()}", flush=True)
    queries = [q for q, _ in SEARCHES] + ["im injection", "ceftriaxone", "j34", "vitamin", "z2"]
    t0 = time.perf_counter()
    for i in range(BENCH_SEARCHES):
        _type_and_settle(app, win, queries[i % len(queries)])
    elapsed = time.perf_counter() - t0
    print(f"bench searches {BENCH_SEARCHES} in {elapsed:.2f} s", flush=True)
    print(f"bench rss-searches-kb {peak_rss_kb()}", flush=True)
    _dispose(win)
    user.close()
    store.close()
    return 0
