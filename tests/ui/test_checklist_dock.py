"""The checklist dock on real widgets, the real reference database and the real user file."""

from __future__ import annotations

import csv
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from desktop.records.checklist import Checklists
from desktop.records.store import UserStore
from desktop.reference.store import ReferenceStore
from desktop.ui.checklist import ChecklistDock
from desktop.ui.checklist.models import DoneRole
from desktop.ui.history_dialog import HistoryDialog

# The offscreen platform says this whenever a window with a dock is shown; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

HELPER = Path(__file__).parents[1] / "records" / "crash_helper.py"


@pytest.fixture
def user(user_dir: Path) -> Iterator[UserStore]:
    with UserStore(timeout=0.2) as u:
        yield u


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    win = QMainWindow()
    win.resize(1000, 800)
    qtbot.addWidget(win)
    return win


def make_dock(
    store: ReferenceStore, user: UserStore, window: QMainWindow, qtbot: QtBot
) -> ChecklistDock:
    dock = ChecklistDock(Checklists(user, store), window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.show()
    qtbot.waitExposed(window)
    return dock


@pytest.fixture
def dock(
    store: ReferenceStore, user: UserStore, window: QMainWindow, qtbot: QtBot
) -> ChecklistDock:
    return make_dock(store, user, window, qtbot)


def current_kind(dock: ChecklistDock) -> str:
    step = dock.current_step()
    assert step is not None
    return step.kind


def tick_through_with_keyboard(dock: ChecklistDock, qtbot: QtBot) -> None:
    """Every step, top to bottom, with key presses only."""
    run = dock.run
    assert run is not None
    view = dock.view
    view.setFocus()
    for row in range(len(run.steps)):
        assert view.currentIndex().row() == row
        kind = current_kind(dock)
        if kind == "tick":
            qtbot.keyClick(view, Qt.Key.Key_Space)
        elif kind == "yes_no":
            qtbot.keyClick(view, Qt.Key.Key_N)
        elif kind == "choice":
            qtbot.keyClick(view, Qt.Key.Key_1)  # Medicare Part B
        else:
            editor = dock.drug_editor
            qtbot.keyClick(view, Qt.Key.Key_Return)  # into the drug search
            qtbot.keyClicks(editor.search, "b12")  # searched off the UI thread
            qtbot.waitUntil(lambda e=editor: e.results_model.rowCount() >= 1, timeout=5000)
            qtbot.keyClick(editor.search, Qt.Key.Key_Down)
            found = [
                editor.results_model.summary(i).code for i in range(editor.results_model.rowCount())
            ]  # type: ignore[union-attr]
            editor.results.setCurrentIndex(editor.results_model.index(found.index("J3420")))
            qtbot.keyClick(editor.results, Qt.Key.Key_Return)
            assert editor.code == "J3420" and editor.unit.currentText() == "mcg"
            qtbot.keyClicks(editor.dose, "1000")
            assert "1 billing unit" in editor.units_label.text()
            if not editor.single_dose.isChecked():
                qtbot.keyClick(editor.single_dose, Qt.Key.Key_Space)  # a 1 mL single-dose vial
            assert "JZ" in editor.units_label.text()
            qtbot.keyClicks(editor.discarded, "0")  # nothing discarded: asked, never assumed
            assert "nothing discarded: JZ" in editor.units_label.text()
            qtbot.keyClick(editor.dose, Qt.Key.Key_Return)
            assert run.drug is not None and run.drug.units == 1
        assert dock.model.data(view.currentIndex(), DoneRole) is True
        qtbot.keyClick(view, Qt.Key.Key_Down)


def test_keyboard_run_j3420_1000_mcg_bills_96372_and_j3420_jz(
    dock: ChecklistDock, qtbot: QtBot, qtmodeltester: object
) -> None:
    dock.start("injection-96372")
    run = dock.run
    assert run is not None
    total = len(run.steps)
    assert dock.progress_label.text().startswith(f"0 of {total}")
    assert not dock.complete_button.isEnabled()
    qtmodeltester.check(dock.model)  # type: ignore[attr-defined]
    tick_through_with_keyboard(dock, qtbot)
    assert dock.progress_label.text().startswith(f"{total} of {total}")
    assert dock.complete_button.isEnabled()
    qtbot.keyClick(dock.complete_button, Qt.Key.Key_Space)
    assert dock.stack.currentWidget() is dock.summary_page
    lines = [
        dock.lines_model.item(r).data(Qt.ItemDataRole.UserRole)
        for r in range(dock.lines_model.rowCount())
    ]
    assert lines == ["96372 x 1", "J3420 x 1 JZ"]
    assert run.status == "completed"
    assert "Claim check" in dock.reminders.text() and "No diagnosis" in dock.reminders.text()
    # Each line copyable.
    dock.lines_view.setCurrentIndex(dock.lines_model.index(1, 0))
    qtbot.keyClick(dock.copy_button, Qt.Key.Key_Space)
    assert QGuiApplication.clipboard().text() == "J3420 x 1 JZ"
    # Next patient resets.
    qtbot.keyClick(dock.next_button, Qt.Key.Key_Space)
    assert dock.run is not None and dock.run.id != run.id and dock.run.done_count == 0
    assert dock.stack.currentWidget() is dock.run_page
    assert dock.progress_label.text().startswith(f"0 of {total}")


def test_complete_waits_for_required_steps_only(dock: ChecklistDock, qtbot: QtBot) -> None:
    dock.start("injection-96372")
    run = dock.run
    assert run is not None
    tick_through_with_keyboard(dock, qtbot)
    optional = [i for i, s in enumerate(run.steps) if not s.required]
    required_tick = next(i for i, s in enumerate(run.steps) if s.required and s.kind == "tick")
    for row in [*optional, required_tick]:
        dock.view.setCurrentIndex(dock.model.index(row))
        qtbot.keyClick(dock.view, Qt.Key.Key_Space)  # untick
    assert not dock.complete_button.isEnabled()
    assert "1 required to go" in dock.progress_label.text()
    dock.view.setCurrentIndex(dock.model.index(required_tick))
    qtbot.keyClick(dock.view, Qt.Key.Key_Space)
    assert dock.complete_button.isEnabled()  # optional ones still open


def test_steps_show_required_in_words_and_why_expands(dock: ChecklistDock, qtbot: QtBot) -> None:
    dock.start("injection-96372")
    run = dock.run
    assert run is not None
    texts = [dock.model.index(r).data() for r in range(dock.model.rowCount())]
    assert all(("\nRequired" in t) != ("\nOptional" in t) for t in texts)
    assert any("\nOptional" in t for t in texts)
    assert not dock.why_text.isVisible()
    qtbot.mouseClick(dock.why_button, Qt.MouseButton.LeftButton)
    assert dock.why_text.isVisible() and dock.why_text.text() == run.steps[0].why
    qtbot.keyClick(dock.view, Qt.Key.Key_Down)
    assert dock.why_text.text() == run.steps[1].why
    qtbot.keyClick(dock.view, Qt.Key.Key_Up)
    assert dock.view.currentIndex().row() == 0
    for w in (dock.view, dock.complete_button, dock.why_button, dock.tick_button, dock.yes_button):
        assert w.accessibleName()


def test_vaccine_answer_switches_to_the_vaccine_checklist(
    dock: ChecklistDock, qtbot: QtBot
) -> None:
    dock.start("injection-96372")
    first = dock.run
    assert first is not None
    row = next(i for i, s in enumerate(first.steps) if s.key == "vaccine-check")
    dock.view.setCurrentIndex(dock.model.index(row))
    qtbot.keyClick(dock.view, Qt.Key.Key_Y)
    new = dock.run
    assert new is not None and new.template.id == "vaccine-admin"
    assert first.status == "switched"
    assert "90471" in dock.banner.text() and "G0008" in dock.banner.text()
    assert "Vaccine" in dock.title.text()
    for step in new.steps:
        if step.kind == "choice":
            qtbot.keyClick(dock.view, Qt.Key.Key_1)  # Medicare; 18 or under, counselled
        elif step.kind == "vaccines":
            page = dock.vaccines_page
            assert dock.step_panel.pages.currentWidget() is page
            rows = [page.model.item(r) for r in range(page.model.rowCount())]
            flu = next(i for i in rows if i.data(Qt.ItemDataRole.UserRole) == "90658")
            flu.setCheckState(Qt.CheckState.Checked)
            qtbot.keyClick(page.record, Qt.Key.Key_Space)
            dock.view.setFocus()
        else:
            qtbot.keyClick(dock.view, Qt.Key.Key_Space)
        qtbot.keyClick(dock.view, Qt.Key.Key_Down)
    dock.complete()
    shown = [
        dock.lines_model.item(r).data(Qt.ItemDataRole.UserRole)
        for r in range(dock.lines_model.rowCount())
    ]
    # The answer, not a menu: the flu product and Medicare's flu administration code.
    assert shown == ["90658 x 1", "G0008 x 1"]
    assert "96372 x 1" not in shown
    assert "Never 96372 for a vaccine" in dock.reminders.text()


def test_code_link_emits_system_and_code(dock: ChecklistDock, qtbot: QtBot) -> None:
    dock.start("injection-96372")
    with qtbot.waitSignal(dock.code_activated) as blocker:
        dock.title.linkActivated.emit("CPT:96372")
    assert blocker.args == ["CPT", "96372"]


def test_killed_run_is_offered_on_next_start(
    user_dir: Path, reference_db: Path, store: ReferenceStore, window: QMainWindow, qtbot: QtBot
) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(HELPER), str(reference_db), str(user_dir), "4"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        ready = proc.stdout.readline().split()
        assert ready[0] == "READY"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    with UserStore() as user:
        dock = make_dock(store, user, window, qtbot)
        assert dock.resume_unfinished() is True
        assert dock.run is not None and dock.run.id == int(ready[1])
        done = [dock.model.index(r).data(DoneRole) for r in range(dock.model.rowCount())]
        assert done[:4] == [True] * 4 and not any(done[4:])
        assert "Resumed" in dock.banner.text()
        assert dock.progress_label.text().startswith("4 of ")
        assert dock.view.currentIndex().row() == 4  # back at the first open step


def test_no_unfinished_run_means_nothing_to_resume(dock: ChecklistDock) -> None:
    assert dock.resume_unfinished() is False


def test_locked_database_shows_a_message_and_keeps_the_screen_true(
    dock: ChecklistDock, user: UserStore, qtbot: QtBot
) -> None:
    dock.start("injection-96372")
    qtbot.keyClick(dock.view, Qt.Key.Key_Space)
    qtbot.keyClick(dock.view, Qt.Key.Key_Down)
    assert dock.run is not None
    row = [i for i, s in enumerate(dock.run.steps) if s.kind == "tick"][2]
    other = sqlite3.connect(user.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        dock.view.setCurrentIndex(dock.model.index(row))
        qtbot.keyClick(dock.view, Qt.Key.Key_Space)
        assert "in use by another QuickRef window" in dock.banner.text()
        assert dock.model.index(row).data(DoneRole) is False
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.keyClick(dock.view, Qt.Key.Key_Space)
    assert dock.model.index(row).data(DoneRole) is True
    assert dock.model.index(0).data(DoneRole) is True
    assert not dock.banner.isVisible()


def test_full_disk_shows_a_message(dock: ChecklistDock, user: UserStore, qtbot: QtBot) -> None:
    dock.start("injection-96372")
    pages = user.read(lambda c: c.execute("PRAGMA page_count").fetchone()[0])
    user.read(lambda c: c.execute(f"PRAGMA max_page_count = {pages}"))
    for _ in range(2000):
        qtbot.keyClick(dock.view, Qt.Key.Key_Space)
        if dock.banner.isVisible():
            break
    assert "full" in dock.banner.text()
    run = dock.run
    assert run is not None
    assert dock.model.index(0).data(DoneRole) is run.is_done(run.steps[0].key)


def test_history_exports_csv_and_pdf(
    dock: ChecklistDock, user: UserStore, qtbot: QtBot, tmp_path: Path, qtmodeltester: object
) -> None:
    dock.start("injection-96372")
    tick_through_with_keyboard(dock, qtbot)
    dock.complete()
    dialog = HistoryDialog(user)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    assert dialog.model.rowCount() == 1
    out = tmp_path / "history.csv"
    assert dialog.export_csv(out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1 and rows[0]["drug"] == "J3420" and rows[0]["billing units"] == "1"
    assert rows[0]["lines to bill"] == "96372 x 1; J3420 x 1 JZ"
    pdf = tmp_path / "history.pdf"
    assert dialog.save_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not dialog.export_csv(tmp_path / "missing" / "x.csv")
    assert "Could not write" in dialog.status.text()


def test_unknown_container_is_asked_not_assumed(dock: ChecklistDock, qtbot: QtBot) -> None:
    from desktop.reference.billing.dose import packaging_of

    record = dock.book.reference.get("J3420", "HCPCS")
    assert record is not None
    # J3420 comes in single-dose and multi-dose vials (FDA NDC listings): the person says which.
    assert packaging_of(record) == "both"
    dock.start("injection-96372")
    editor = dock.drug_editor
    editor.set_code("J3420")
    qtbot.keyClicks(editor.dose, "1000")
    assert "container not known" in editor.units_label.text()
    assert editor.checked().single_dose is None
    qtbot.keyClick(editor.single_dose, Qt.Key.Key_Space)  # the person says: single-dose
    assert editor.checked().single_dose is True
    assert "enter the amount discarded" in editor.units_label.text()
