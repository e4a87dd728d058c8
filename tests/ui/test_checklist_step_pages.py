"""The choice and vaccines step pages in the real window: they fit the dock, and the
keys answer them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def fully_visible(widget: QWidget) -> bool:
    return widget.isVisible() and widget.visibleRegion().boundingRect().size() == widget.size()


@pytest.mark.parametrize("template", ["injection-96372", "vaccine-admin"])
@pytest.mark.parametrize("size", [QSize(1366, 768), QSize(1024, 600)])
def test_every_steps_controls_fit_the_dock(
    main_window: MainWindow, qtbot: QtBot, template: str, size: QSize
) -> None:
    main_window.resize(size)
    main_window.open_checklist(template)
    dock = main_window.checklist_dock
    assert dock is not None and dock.run is not None
    kinds = set()
    for row, step in enumerate(dock.run.steps):
        dock.view.setCurrentIndex(dock.model.index(row))
        kinds.add(step.kind)

        # The step's controls are never wider than the room the dock gives them (the
        # scroll area has no horizontal scroll bar: anything wider is cut off). Once the
        # layout has settled: when a step needs the vertical scroll bar, the viewport
        # narrows first and the panel follows in the next layout pass (a fixed wait
        # here failed on a loaded machine, 14 px apart: the scroll bar's width).
        def fits(key: str = step.key) -> None:
            assert dock is not None
            assert dock.step_panel.width() <= dock.step_scroll.viewport().width(), key

        qtbot.waitUntil(fits, timeout=2000)  # on a timeout: the last failed assert
        if step.kind == "choice":
            for button in dock.choice_page.buttons:
                dock.step_scroll.ensureWidgetVisible(button)
                qtbot.wait(10)
                assert fully_visible(button), (step.key, button.text())
    assert "choice" in kinds


def test_keys_answer_a_choice_step_and_enter_reaches_its_buttons(
    main_window: MainWindow, qtbot: QtBot
) -> None:
    main_window.open_checklist("injection-96372")
    dock = main_window.checklist_dock
    assert dock is not None and dock.run is not None
    run = dock.run
    row, step = next((i, s) for i, s in enumerate(run.steps) if s.kind == "choice")
    dock.view.setCurrentIndex(dock.model.index(row))
    dock.view.setFocus()
    qtbot.keyClick(dock.view, Qt.Key.Key_9)  # no ninth answer: nothing chosen
    assert run.value(step.key) is None
    qtbot.keyClick(dock.view, Qt.Key.Key_2)
    assert run.value(step.key) == step.options[1][0]
    assert dock.choice_page.buttons[1].isChecked()
    assert not dock.choice_page.buttons[0].isChecked()
    assert step.options[1][1] in dock.step_panel.step_need.text()  # said in words
    dock.view.setFocus()
    qtbot.keyClick(dock.view, Qt.Key.Key_Return)
    assert dock.choice_page.buttons[0].hasFocus()
