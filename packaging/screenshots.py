"""Screenshots of the main window in the light and the dark scheme, for the README.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python packaging/screenshots.py \
        [--db reference.sqlite] [--size 1366x768] [--scale 1.5] [--suffix -150]

Types "9637" into the real window key by key, waits for the results, moves down to
96372, opens it with Enter and pins it with Ctrl+D, then saves
docs/screenshots/main-light<suffix>.png and main-dark<suffix>.png. ``--size`` is the
screen in physical pixels (the window fills it, as maximised); with ``--scale`` the
window is that screen at that scale factor.
The dark picture is taken after switching the application palette to a dark one, the
way a desktop's dark scheme reaches Qt: the window takes every colour from the palette
(nothing in the app is hard-coded), so this shows what a dark desktop shows. Pins and
recents go to a throwaway user folder, never to the user's own data.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def settle(seconds: float = 0.3) -> None:
    """Let the app run its events for ``seconds`` (layout, paint, timers) before a grab."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if app is not None:
            app.processEvents()
        time.sleep(0.01)


def _dark_palette() -> object:
    """A dark palette like a desktop's dark scheme hands to Qt (Fusion's dark roles)."""
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colours = {
        role.Window: "#2b2b2b",
        role.WindowText: "#e8e8e8",
        role.Base: "#1f1f1f",
        role.AlternateBase: "#333333",
        role.ToolTipBase: "#3a3a3a",
        role.ToolTipText: "#e8e8e8",
        role.PlaceholderText: "#a0a0a0",
        role.Text: "#e8e8e8",
        role.Button: "#353535",
        role.ButtonText: "#e8e8e8",
        role.BrightText: "#ff6b6b",
        role.Light: "#474747",
        role.Midlight: "#3c3c3c",
        role.Mid: "#2f2f2f",
        role.Dark: "#1a1a1a",
        role.Shadow: "#000000",
        role.Highlight: "#2f65ca",
        role.HighlightedText: "#ffffff",
        role.Link: "#8ab4f8",
        role.LinkVisited: "#c58af9",
    }
    for r, c in colours.items():
        p.setColor(r, QColor(c))
    for r in (role.Text, role.WindowText, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#7a7a7a"))
    return p


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reference database (default: the usual one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--scale", type=float, default=0, help="QT_SCALE_FACTOR to use")
    parser.add_argument("--suffix", default="", help="added to the file names")
    parser.add_argument("--size", default="1366x768", help="screen size WxH in pixels")
    args = parser.parse_args(argv)
    screen_w, screen_h = (int(n) for n in args.size.lower().split("x"))
    os.environ["QUICKREF_DATA_DIR"] = tempfile.mkdtemp(prefix="quickref-shots-")
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.records.store import UserStore
    from desktop.reference.store import ReferenceStore
    from desktop.ui.app import application
    from desktop.ui.main_window import build_main_window

    app = application()
    app.setStyle("Fusion")
    store = ReferenceStore(args.db) if args.db else ReferenceStore()
    user = UserStore()
    window = build_main_window(store, user)
    scale = args.scale or 1.0
    window.resize(round(screen_w / scale), round(screen_h / scale))
    window.show()

    settle()
    window.activateWindow()  # window shortcuts (Ctrl+D) need the active window
    settle()
    window.open_code("HCPCS", "J3420")  # one recently viewed code
    window.open_code("HCPCS", "J1885")
    window.search_field.setFocus()
    QTest.keyClicks(window.search_field, "9637")
    deadline = time.monotonic() + 5
    while window.results_model.query != "9637" and time.monotonic() < deadline:
        settle(0.05)
    for _ in range(1 + window.results_model.row_of("CPT", "96372")):
        QTest.keyClick(window.search_field, Qt.Key.Key_Down)
    QTest.keyClick(window.search_field, Qt.Key.Key_Return)
    QTest.keyClick(window.search_field, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    settle()

    width = window.width()
    window.splitter.setSizes([width * 2 // 5, width * 3 // 5])
    settle()
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for scheme in ("light", "dark"):
        if scheme == "dark":
            QApplication.setPalette(_dark_palette())  # type: ignore[call-overload]
            settle()
        path = args.out / f"main-{scheme}{args.suffix}.png"
        if not window.grab().save(str(path)):
            print(f"could not write {path}", file=sys.stderr)
            return 1
        written.append(path)
    window.close()
    user.close()
    store.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
