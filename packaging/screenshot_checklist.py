"""Screenshots of the injection checklist for the README, taken on a real (virtual) screen.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python packaging/screenshot_checklist.py \\
        [--db reference.sqlite] [--size 1366x768] [--scale 1.5] [--dark] [--suffix -150]

The real main window at the screen's size (as maximised) with 96372 open and the
checklist docked beside it. Writes docs/screenshots/checklist-midway<suffix>.png (the
steps before the drug ticked, the drug and dose being entered, the "why" of the step
open) and checklist-summary<suffix>.png (the lines to bill after Complete). The runs go
to a throwaway user folder, never to the user's own data.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reference database (default: the usual one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1366x768", help="screen size WxH in pixels")
    parser.add_argument("--scale", type=float, default=0, help="QT_SCALE_FACTOR to use")
    parser.add_argument("--dark", action="store_true", help="the dark palette")
    parser.add_argument("--suffix", default="", help="added to the file names")
    args = parser.parse_args(argv)
    screen_w, screen_h = (int(n) for n in args.size.lower().split("x"))
    os.environ["QUICKREF_DATA_DIR"] = tempfile.mkdtemp(prefix="quickref-shots-")
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    from PySide6.QtWidgets import QApplication

    from desktop.records.store import UserStore
    from desktop.reference.store import ReferenceStore
    from desktop.ui.app import application
    from desktop.ui.main_window import build_main_window

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from screenshots import _dark_palette, settle  # the main window's palette and settle

    app = application()
    app.setStyle("Fusion")
    if args.dark:
        QApplication.setPalette(_dark_palette())  # type: ignore[call-overload]
    store = ReferenceStore(args.db) if args.db else ReferenceStore()
    user = UserStore()
    window = build_main_window(store, user)
    scale = args.scale or 1.0
    window.resize(round(screen_w / scale), round(screen_h / scale))
    window.show()

    settle()
    window.open_code("CPT", "96372")
    window.open_checklist("injection-96372")
    dock = window.checklist_dock
    assert dock is not None
    run = dock.run
    assert run is not None
    for step in run.steps:
        if step.kind == "drug_dose":
            break
        if step.kind == "tick":
            run.tick(step.key)
        elif step.kind == "choice":
            run.choose(step.key, "medicare" if step.key == "payer" else step.options[0][0])
        else:
            run.answer(step.key, False)
    dock._set_run(run)  # refresh the view on the drug step, the first one open
    editor = dock.drug_editor
    editor.search.setText("b12")
    deadline = time.monotonic() + 5
    while editor.results_model.rowCount() == 0 and time.monotonic() < deadline:
        settle(0.05)
    editor.set_code("J3420", single_dose=True)
    editor.dose.setText("1000 mcg")
    editor.discarded.setText("0")  # Medicare, single-dose: nothing discarded (JZ)
    dock.why_button.setChecked(True)
    settle()
    args.out.mkdir(parents=True, exist_ok=True)
    midway = args.out / f"checklist-midway{args.suffix}.png"
    window.grab().save(str(midway))

    dock.record_drug()
    for step in run.steps:
        if step.kind == "tick" and not run.is_done(step.key):
            run.tick(step.key)
    dock.em_check.setChecked(True)
    dock._sync()
    dock.complete()
    dock.lines_view.setCurrentIndex(dock.lines_model.index(1, 0))
    dock.copy_current_line()
    settle()
    summary = args.out / f"checklist-summary{args.suffix}.png"
    window.grab().save(str(summary))
    print(f"Wrote {midway} and {summary}")
    window.close()
    user.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
