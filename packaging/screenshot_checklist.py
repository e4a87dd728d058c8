"""Screenshots of the injection checklist for the README, taken on a real (virtual) screen.

    xvfb-run -a .venv/bin/python packaging/screenshot_checklist.py [--db reference.sqlite]

Writes docs/screenshots/checklist-midway.png (six steps ticked, drug and dose being
entered, the "why" of the step open) and docs/screenshots/checklist-summary.png (the
lines to bill after Complete). The runs go to a throwaway user folder, never to the
user's own data.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reference database (default: the usual one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    os.environ["QUICKREF_DATA_DIR"] = tempfile.mkdtemp(prefix="quickref-shots-")

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    from desktop.records.checklist import Checklists
    from desktop.records.store import UserStore
    from desktop.reference.store import ReferenceStore
    from desktop.ui.checklist import ChecklistDock

    app = QApplication.instance() or QApplication(sys.argv[:1])
    store = ReferenceStore(args.db) if args.db else ReferenceStore()
    user = UserStore()
    window = QMainWindow()
    window.setWindowTitle("QuickRef")
    window.setCentralWidget(QLabel("96372 detail pane", window))
    dock = ChecklistDock(Checklists(user, store), window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(1180, 940)
    window.resizeDocks([dock], [600], Qt.Orientation.Horizontal)
    window.show()

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    dock.start("injection-96372")
    run = dock.run
    assert run is not None
    for step in run.steps:
        if step.kind == "drug_dose":
            break
        if step.kind == "tick":
            run.tick(step.key)
        else:
            run.answer(step.key, False)
    dock._set_run(run)  # refresh the view on the drug step, the first one open
    editor = dock.drug_editor
    editor.search.setText("b12")
    settle()
    editor.set_code("J3420", single_dose=True)
    editor.dose.setText("1000")
    dock.why_button.setChecked(True)
    settle()
    args.out.mkdir(parents=True, exist_ok=True)
    midway = args.out / "checklist-midway.png"
    dock.grab().save(str(midway))

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
    summary = args.out / "checklist-summary.png"
    dock.grab().save(str(summary))
    print(f"Wrote {midway} and {summary}")
    window.close()
    user.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
