"""A screenshot of the "Check lines" panel (the claim check) for the README.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python packaging/screenshot_check_panel.py \\
        [--db reference.sqlite] [--out docs/screenshots]

Opens the real main window, presses Ctrl+Shift+K, types the lines of a Medicare visit
into the panel key by key, picks the payer, presses Ctrl+Enter and saves
docs/screenshots/check-lines.png. Nothing is written to the user's own data.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LINES = "96372, J1885 x2, 99213, 99211-25, D51"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reference database (default: the usual one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    os.environ["QUICKREF_DATA_DIR"] = tempfile.mkdtemp(prefix="quickref-shots-")

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop.records.store import UserStore
    from desktop.reference.store import ReferenceStore
    from desktop.ui.app import application
    from desktop.ui.main_window import build_main_window

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from screenshots import settle  # the same settle loop as the other screenshots

    app = application()
    app.setStyle("Fusion")
    store = ReferenceStore(args.db) if args.db else ReferenceStore()
    user = UserStore()
    window = build_main_window(store, user)
    window.resize(1100, 700)
    window.show()

    settle()
    window.activateWindow()
    settle()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window, Qt.Key.Key_K, ctrl_shift)
    settle()
    panel = window.check_panel
    if panel is None:
        print("Ctrl+Shift+K did not open the Check lines panel", file=sys.stderr)
        return 1
    panel.resize(760, 520)
    QTest.keyClicks(panel.lines, LINES)
    panel.payer.setCurrentIndex(panel.payer.findData("medicare"))
    QTest.keyClick(panel.lines, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(0.5)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "check-lines.png"
    if not panel.grab().save(str(path)):
        print(f"could not write {path}", file=sys.stderr)
        return 1
    print(path)
    window.close()
    user.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
