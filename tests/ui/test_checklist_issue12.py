"""Issue 12 in the checklist: layout, resume, the dose field, two windows on one run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from desktop.records.checklist import Checklists
from desktop.records.store import UserStore
from desktop.reference.store import ReferenceStore
from desktop.ui.checklist import ChecklistDock
from desktop.ui.main_window import MainWindow
from desktop.ui.main_window.state import first_run_size
from tests.ui.conftest import WindowFactory

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
ROOT = Path(__file__).resolve().parents[2]


def go_to_kind(dock: ChecklistDock, kind: str) -> int:
    run = dock.run
    assert run is not None
    row = next(i for i, s in enumerate(run.steps) if s.kind == kind)
    dock.view.setCurrentIndex(dock.model.index(row))
    return row


def fully_visible(widget: QWidget) -> bool:
    """Shown and not clipped by its parents (its whole rect is visible)."""
    return widget.isVisible() and widget.visibleRegion().boundingRect().size() == widget.size()


def settle(qtbot: QtBot) -> None:
    qtbot.wait(30)


# ---------------------------------------------------------------- 6. layout


@pytest.mark.parametrize("size", [QSize(1024, 600), QSize(800, 600), QSize(900, 560)])
def test_checklist_is_usable_on_small_screens(
    main_window: MainWindow, qtbot: QtBot, size: QSize
) -> None:
    main_window.resize(size)
    main_window.open_checklist("injection-96372")
    dock = main_window.checklist_dock
    assert dock is not None
    settle(qtbot)
    widths = set()
    run = dock.run
    assert run is not None
    for row in range(len(run.steps)):
        dock.view.setCurrentIndex(dock.model.index(row))
        settle(qtbot)
        widths.add(dock.width())
        for w in (dock.complete_button, dock.history_button, dock.afresh_button, dock.em_check):
            assert fully_visible(w), (w.objectName() or w.accessibleName(), w.visibleRegion())
        # The list shows at least two whole steps.
        two_line = min(dock.view.sizeHintForRow(r) for r in range(len(run.steps)))
        assert dock.view.viewport().height() >= 2 * two_line
    assert len(widths) == 1, widths  # the dock's width does not jump from step to step
    go_to_kind(dock, "drug_dose")
    settle(qtbot)
    editor = dock.drug_editor
    digits = editor.fontMetrics().horizontalAdvance("0" * 8)
    for field in (editor.dose, editor.discarded):
        assert field.width() >= digits
    assert main_window.size() == size  # the content fits: the window did not grow


def test_first_run_size_fits_a_1366x768_screen(main_window: MainWindow, qtbot: QtBot) -> None:
    main_window.open_checklist("injection-96372")
    settle(qtbot)
    hint = main_window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768 - 40  # room for a task bar
    width, height = first_run_size(main_window)
    screen = main_window.screen().availableGeometry()
    assert width <= screen.width() and height <= screen.height()
    assert width >= hint.width() and height >= hint.height()


SCALED = """
import sys
from PySide6.QtCore import QSize
from desktop.records.store import UserStore
from desktop.reference.store import ReferenceStore
from desktop.ui.app import application
from desktop.ui.main_window import build_main_window
app = application()
win = build_main_window(ReferenceStore(sys.argv[1]), UserStore())
win.show()
# 1366x768 at 150 %: 910x512 device-independent pixels.
win.resize(QSize(910, 512))
win.open_checklist("injection-96372")
dock = win.checklist_dock
for _ in range(10):
    app.processEvents()
bad = []
run = dock.run
for row in range(len(run.steps)):
    dock.view.setCurrentIndex(dock.model.index(row))
    for _ in range(5):
        app.processEvents()
    for w in (dock.complete_button, dock.history_button, dock.afresh_button, dock.em_check):
        if not w.isVisible() or w.visibleRegion().boundingRect().size() != w.size():
            bad.append((row, w.text()))
ratio = app.primaryScreen().devicePixelRatio()
print("ratio", ratio, "size", win.width(), win.height(), "clipped", bad)
win.close()
sys.exit(1 if bad or win.width() != 910 else 0)
"""


def test_checklist_is_usable_at_150_percent(reference_db: Path, user_dir: Path) -> None:
    env = dict(os.environ, QT_SCALE_FACTOR="1.5", QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", SCALED, str(reference_db)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ratio 1.5" in out.stdout


# ---------------------------------------------------------------- 7. resume


def _run_with_progress(user: UserStore, store: ReferenceStore, ticks: int = 2) -> int:
    book = Checklists(user, store)
    run = book.start("injection-96372")
    for step in [s for s in run.steps if s.kind == "tick"][:ticks]:
        run.tick(step.key)
    return run.id


def test_an_unfinished_run_is_offered_at_start(
    make_window: WindowFactory, user_store: UserStore, store: ReferenceStore
) -> None:
    run_id = _run_with_progress(user_store, store)
    window = make_window(user_store)
    assert window.offer_resume() is True
    dock = window.checklist_dock
    assert dock is not None and dock.isVisible()
    assert dock.run is not None and dock.run.id == run_id
    assert "Resumed" in dock.banner.text()


def test_nothing_is_offered_when_no_run_has_progress(
    make_window: WindowFactory, user_store: UserStore, store: ReferenceStore
) -> None:
    Checklists(user_store, store).start("injection-96372")  # started, never ticked
    window = make_window(user_store)
    assert window.offer_resume() is False
    assert window.checklist_dock is None


def test_resume_picks_the_run_with_progress(
    dock_on: ChecklistDock, user_store: UserStore, store: ReferenceStore
) -> None:
    run_id = _run_with_progress(user_store, store)
    Checklists(user_store, store).start("injection-96372")  # newer, empty
    assert dock_on.resume_unfinished()
    assert dock_on.run is not None and dock_on.run.id == run_id


def test_starting_another_checklist_asks_about_the_unfinished_one(
    dock_on: ChecklistDock, qtbot: QtBot
) -> None:
    dock_on.start("injection-96372")
    first = dock_on.run
    assert first is not None
    qtbot.keyClick(dock_on.view, Qt.Key.Key_Space)  # progress
    dock_on.start("vaccine-admin")
    assert dock_on.run is first and first.is_open  # nothing dropped yet
    assert "Unfinished" in dock_on.banner.text()
    assert dock_on.banner.button.isVisible()
    qtbot.mouseClick(dock_on.banner.button, Qt.MouseButton.LeftButton)
    assert dock_on.run is not None and dock_on.run.template.id == "vaccine-admin"
    assert first.status == "abandoned"


def test_self_test_never_writes_to_the_users_data(
    reference_db: Path, tmp_path: Path, store: ReferenceStore
) -> None:
    home = tmp_path / "home"
    env = dict(os.environ, QUICKREF_DATA_DIR=str(home), QT_QPA_PLATFORM="offscreen")
    with UserStore(home / "user.sqlite") as user:
        run_id = _run_with_progress(user, store)
    before = {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()}
    out = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--db", str(reference_db), "--self-test"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    after = {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()}
    assert after == before  # not a byte changed, no settings file, no new run
    with UserStore(home / "user.sqlite") as user:
        found = Checklists(user, store).unfinished()
        assert found is not None and found.id == run_id


# ---------------------------------------------------------------- 8. dose


def test_dose_reads_amount_and_unit_and_defaults_to_the_drugs_unit(
    dock_on: ChecklistDock, qtbot: QtBot
) -> None:
    dock_on.start("injection-96372")
    go_to_kind(dock_on, "drug_dose")
    editor = dock_on.drug_editor
    editor.set_code("J0696")  # ceftriaxone, per 250 mg
    assert editor.unit.currentText() == "mg"
    editor.dose.setText("1 g")
    assert "4 billing units" in editor.units_label.text()
    assert "Check" not in editor.units_label.text()
    editor.dose.setText("1000")  # a bare number is in the drug's unit
    assert "4 billing units" in editor.units_label.text()
    editor.dose.setText("1")  # 1 mg of a drug billed per 250 mg: ask
    assert "Check:" in editor.units_label.text()
    editor.dose.setText("20 g")
    assert "80 billing units" in editor.units_label.text()
    assert "Check:" in editor.units_label.text()
    editor.dose.setText("1 g")
    qtbot.keyClick(editor.dose, Qt.Key.Key_Return)
    run = dock_on.run
    assert run is not None and run.drug is not None
    assert run.drug.units == 4 and run.drug.unit == "g"
    editor.dose.setText("one gram")
    assert "not a dose" in editor.units_label.text()


# ---------------------------------------------------------------- 9. two windows


def test_completion_checks_the_saved_steps_not_a_stale_view(
    dock_on: ChecklistDock, user_store: UserStore, store: ReferenceStore, qtbot: QtBot
) -> None:
    dock_on.start("vaccine-admin")
    run = dock_on.run
    assert run is not None
    for step in run.steps:
        if step.kind == "tick":
            run.tick(step.key)
        elif step.kind == "choice":  # the payer and the age: the first answer
            run.choose(step.key, step.options[0][0])
        elif step.kind == "vaccines":
            code = dock_on.vaccines_page.model.item(0).data(Qt.ItemDataRole.UserRole)
            run.set_vaccines(step.key, [code])
    dock_on._sync()
    assert dock_on.complete_button.isEnabled()
    required = next(s for s in run.steps if s.required)
    with UserStore(user_store.path) as other_user:  # a second QuickRef window
        other = Checklists(other_user, store).load(run.id)
        other.untick(required.key)
    dock_on.complete()
    assert "Not completed" in dock_on.banner.text()
    assert "another QuickRef window" in dock_on.banner.text()
    assert dock_on.run is not None and dock_on.run.is_open
    assert not dock_on.run.is_done(required.key)  # the dock now shows what is saved
    assert not dock_on.complete_button.isEnabled()


# ---------------------------------------------------------------- 10. words, keys, colours


def test_ctrl_enter_is_documented_and_tab_reaches_the_drug_field(
    dock_on: ChecklistDock, qtbot: QtBot
) -> None:
    assert "Ctrl+Enter" in dock_on.complete_button.text()
    from desktop.ui.detail_view import DetailView

    pane = DetailView()
    assert "Ctrl+Enter" in pane.toPlainText()  # the start page lists it too
    pane.deleteLater()
    dock_on.start("injection-96372")
    go_to_kind(dock_on, "drug_dose")
    dock_on.view.setFocus()
    qtbot.keyClick(dock_on.view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dock_on.drug_editor.search
    go_to_kind(dock_on, "tick")
    dock_on.view.setFocus()
    qtbot.keyClick(dock_on.view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dock_on.tick_button


def _dark() -> QPalette:
    p = QPalette()
    grey, text = QColor("#2b2b2b"), QColor("#e0e0e0")
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        p.setColor(role, grey)
    # Some dark schemes turn the tooltip colours into the window's grey.
    p.setColor(QPalette.ColorRole.ToolTipBase, QColor("#303030"))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.ToolTipText,
    ):
        p.setColor(role, text)
    p.setColor(QPalette.ColorRole.Highlight, QColor("#3d6fb4"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return p


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def test_dark_palette_keeps_stop_and_the_chosen_filter_distinct(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    main_window.setPalette(_dark())
    main_window.open_checklist("injection-96372")
    dock = main_window.checklist_dock
    assert dock is not None and dock.run is not None
    row = next(i for i, s in enumerate(dock.run.steps) if s.kind == "yes_no" and s.stop_answer)
    dock.view.setCurrentIndex(dock.model.index(row))
    step = dock.run.steps[row]
    dock.answer_current(step.stop_answer == "yes")
    banner = dock.banner
    assert banner.isVisible() and "Stop" in banner.text()
    back = banner.palette().color(banner.backgroundRole())
    window = dock.palette().color(QPalette.ColorRole.Window)
    assert _distance(back, window) > 120
    chips = main_window.system_buttons
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    chosen = [b for b in chips if b.font().bold()]
    assert chosen == [chips[2]] and chips[2].font().underline()
    chip_back = chips[2].palette().color(chips[2].backgroundRole())
    other_back = chips[0].palette().color(chips[0].backgroundRole())
    assert _distance(chip_back, other_back) > 120


@pytest.fixture
def dock_on(
    store: ReferenceStore, user_store: UserStore, qtbot: QtBot, no_leaked_widgets: None
) -> object:
    win = QMainWindow()
    win.resize(1000, 800)
    dock = ChecklistDock(Checklists(user_store, store), win)
    win.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    win.show()
    qtbot.waitExposed(win)
    yield dock
    win.close()
    win.deleteLater()
