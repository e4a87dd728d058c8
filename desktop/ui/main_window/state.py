"""The main window's saved state: geometry, docks, splitter and code-system filter.

Kept in ``settings.json`` (through :mod:`desktop.ui.geometry` and
:mod:`desktop.userdirs`). A first run sizes the window to fit its content on the
screen it opens on (1366x768 is the smallest screen we plan for).
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter

from desktop.ui.geometry import read_state, restore_geometry, save_geometry, write_state
from desktop.userdirs import read_settings, write_setting

NAME = "main_window"
SYSTEM_KEY = "search/system"
# A first run: about 150 x 40 characters, never more than 90 % of the screen.
FIRST_RUN_CHARS = (150, 40)
SCREEN_SHARE = 0.9


def first_run_size(window: QMainWindow) -> tuple[int, int]:
    """The window's size on a first run: roomy, but inside the available screen."""
    fm = window.fontMetrics()
    width = fm.averageCharWidth() * FIRST_RUN_CHARS[0]
    height = fm.height() * FIRST_RUN_CHARS[1]
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, int(area.width() * SCREEN_SHARE))
        height = min(height, int(area.height() * SCREEN_SHARE))
    hint = window.minimumSizeHint()
    return max(width, hint.width()), max(height, hint.height())


def restore_window(window: QMainWindow, splitter: QSplitter) -> str | None:
    """Restore what was saved; returns the saved code-system filter (None: all)."""
    if not restore_geometry(window, NAME):
        window.resize(*first_run_size(window))
    state = read_state(f"state/{NAME}")
    if state is not None:
        window.restoreState(state)
    split = read_state(f"splitter/{NAME}")
    if split is None or not splitter.restoreState(split):
        width = window.width()
        splitter.setSizes([width * 2 // 5, width * 3 // 5])
    system = read_settings().get(SYSTEM_KEY)
    return system if isinstance(system, str) and system else None


def save_window(window: QMainWindow, splitter: QSplitter, system: str | None) -> None:
    save_geometry(window, NAME)
    write_state(f"state/{NAME}", window.saveState())
    write_state(f"splitter/{NAME}", splitter.saveState())
    write_setting(SYSTEM_KEY, system or None)
