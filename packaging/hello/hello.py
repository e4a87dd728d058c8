"""The floor for bundle figures: a bare PySide6 window, bundled with QuickRef's options.

``bench/bundle_figures.py`` compares QuickRef's bundle size, start-up time and memory
with this. With ``QUICKREF_BENCH=1`` it prints ``bench first-paint`` once its first
frame is painted, then its peak memory, and exits (the same protocol as
``quickref --self-test`` in bench mode).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class FirstPaint(QObject):
    def __init__(self, window: QWidget, app: QApplication) -> None:
        super().__init__()
        self.window, self.app, self.done = window, app, False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:  # the window itself
            self.done = True
            QTimer.singleShot(0, self.report)  # once this frame is done, as QuickRef's
        return False

    def report(self) -> None:
        print("bench first-paint", flush=True)
        print(f"bench rss-start-kb {peak_rss_kb()}", flush=True)
        print(f"bench rss-searches-kb {peak_rss_kb()}", flush=True)
        self.app.quit()


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Hello")
    window.setCentralWidget(QLabel("Hello, world"))
    window.resize(400, 200)
    spy = None
    if os.environ.get("QUICKREF_BENCH"):
        spy = FirstPaint(window, app)
        window.installEventFilter(spy)  # as desktop/self_test.py: the window, not the app
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
