"""Keystroke to updated results list, in the real window on the full reference DB.

    .venv/bin/python bench/keystroke_latency.py [--db reference.sqlite] [--rounds 3]

Types a sequence of queries key by key into the main window's search field (offscreen
unless QT_QPA_PLATFORM says otherwise). For every key it measures

* input: how long the key press kept the UI thread busy (the search runs on a worker
  thread, so this is what typing feels like), and
* list: from the key press to the results list holding the answer for the text typed
  so far (the search itself plus the model update), and
* painted: the same, until the app's own paint of the list with the new rows is done
  (the paint the event loop makes after the model changed; the bench forces none).

By default the next key follows as soon as the list is updated (back-to-back typing,
the worst case: the previous list is still being painted while the next search runs,
and both need the GIL). ``--pace`` lets the app go idle before each key, as it is
between a person's keystrokes.

and prints the median, p99 and max of each. Target: list p99 within one frame (16 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = (
    "96372",
    "b12 shot",
    "vitamin b12 deficiency",
    "toradol",
    "ceftriaxone injection",
    "j3420",
    "e53.8",
    "im injection",
    "covid vaccine",
    "ketorolac",
    "influenza vaccine",
    "z23",
    "depo provera",
    "testosterone",
    "diabetes type 2",
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reference database (default: the usual one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--pace",
        action="store_true",
        help="let the app go idle before each key, as between a person's keystrokes "
        "(default: the next key follows as soon as the list is updated)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QUICKREF_DATA_DIR"] = tempfile.mkdtemp(prefix="quickref-bench-")

    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtTest import QTest

    from desktop.ui.app import open_window, show_window

    # Started as the window starts (run_gui): just after the first paint the search
    # loads its word lists on its thread; typing begins once that is done, as it would
    # for a person (who takes longer than that to start typing).
    app, window = open_window(args.db)
    show_window(window, args.db, lambda exc: print(f"reference data: {exc}"))
    store, user = window.store, window.user
    field = window.search_field
    model = window.results_model
    deadline = time.perf_counter() + 30
    while not window.session.engine.warmed and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)

    # The first paint of the list after the model took the new answer; its end is taken
    # when the event loop next runs (the rest of that frame is drawn by then).
    answered: list[float] = []  # when the list took the answer for this key
    painted: list[float] = []  # when that answer's paint was done

    class PaintWatch(QObject):
        loop: QEventLoop | None = None

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and answered and not painted:
                QTimer.singleShot(0, self.done)
            return False

        def done(self) -> None:
            if not painted:
                painted.append(time.perf_counter())
                if self.loop is not None:
                    self.loop.quit()

    window.results_updated.connect(lambda _q: answered.append(time.perf_counter()))
    watch = PaintWatch()
    window.results_view.viewport().installEventFilter(watch)
    input_ms: list[float] = []
    list_ms: list[float] = []
    painted_ms: list[float] = []
    slow: list[tuple[float, str]] = []
    for _round in range(args.rounds):
        for query in QUERIES:
            QTest.keyClick(field, Qt.Key.Key_Escape)
            app.processEvents()
            for ch in query:
                if args.pace:  # a person types a key every ~100 ms: the app is idle again
                    app.processEvents()
                    app.sendPostedEvents()
                answered.clear()
                painted.clear()
                t0 = time.perf_counter()
                QTest.keyClicks(field, ch)
                t1 = time.perf_counter()
                # Wait as the app does: in the event loop, idle until the list is updated.
                # (A busy processEvents() loop here would hold the GIL and starve the
                # search thread by up to the interpreter's 5 ms switch interval.)
                if model.query != field.text():
                    loop = QEventLoop()
                    window.results_updated.connect(loop.quit)
                    QTimer.singleShot(5000, loop.quit)
                    while model.query != field.text() and time.perf_counter() < t0 + 5:
                        loop.exec()
                    window.results_updated.disconnect(loop.quit)
                t2 = time.perf_counter()
                # The new rows on screen: the app's own paint of the list, as it comes
                # (the bench forces none; it may already be done by now).
                if not painted:
                    loop = QEventLoop()
                    watch.loop = loop
                    QTimer.singleShot(1000, loop.quit)
                    loop.exec()
                    watch.loop = None
                t3 = painted[0] if painted else time.perf_counter()
                input_ms.append((t1 - t0) * 1000)
                list_ms.append((t2 - t0) * 1000)
                painted_ms.append((t3 - t0) * 1000)
                slow.append(((t2 - t0) * 1000, field.text()))
    window.close()
    user.close()
    store.close()

    print(f"reference database: {store.path}")
    print(f"{len(list_ms)} keystrokes over {len(QUERIES)} queries x {args.rounds} rounds")
    print("typing pace: " + ("a person's (app idle at each key)" if args.pace else "back to back"))
    for name, values in (
        ("input (UI thread busy)", input_ms),
        ("keystroke -> list", list_ms),
        ("keystroke -> painted", painted_ms),
    ):
        print(
            f"{name:<24} median {statistics.median(values):6.2f} ms   "
            f"p99 {percentile(values, 99):6.2f} ms   max {max(values):6.2f} ms"
        )
    worst = sorted(slow, reverse=True)[:5]
    print("slowest: " + ", ".join(f"'{q}' {ms:.1f} ms" for ms, q in worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
