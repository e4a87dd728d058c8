"""UI fixtures: a real main window on the real reference database and a temp user folder.

``main_window`` builds the window with :func:`desktop.ui.main_window.build_main_window`
on the session's ``store`` (the fully built reference DB) and a fresh ``UserStore`` in
``user_dir`` (``QUICKREF_DATA_DIR``), shows it, and closes and deletes it afterwards.
``no_leaked_widgets`` fails a test that leaves a new top-level widget behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.records.store import UserStore
from desktop.reference.store import ReferenceStore
from desktop.ui.main_window import MainWindow, build_main_window
from desktop.ui.results_model import Role

# Qt's own singletons that live for the whole application, not leaks.
_IGNORED_TOP_LEVEL = {"QTipLabel", "QComboBoxPrivateContainer", "QWhatsThat"}


def _flush_deletes() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


def _top_levels() -> set[int]:
    return {id(w) for w in QApplication.topLevelWidgets()}


@pytest.fixture
def no_leaked_widgets(qapp: QApplication) -> Iterator[None]:
    """Fail if the test leaves a new top-level widget alive (napari's check)."""
    _flush_deletes()
    before = _top_levels()
    yield
    _flush_deletes()
    leaked = [
        w
        for w in QApplication.topLevelWidgets()
        if id(w) not in before and type(w).__name__ not in _IGNORED_TOP_LEVEL
    ]
    for w in leaked:  # clean up so one leak doesn't cascade into later tests
        w.close()
        w.deleteLater()
    _flush_deletes()
    assert not leaked, f"top-level widgets leaked: {[type(w).__name__ for w in leaked]}"


@pytest.fixture
def user_store(user_dir: Path) -> Iterator[UserStore]:
    """The per-user store in the temp ``QUICKREF_DATA_DIR``."""
    with UserStore() as user:
        yield user


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(
    qtbot: QtBot, store: ReferenceStore, no_leaked_widgets: None
) -> Iterator[WindowFactory]:
    """Build (and later close and delete) shown main windows: ``make_window(user)``."""
    made: list[MainWindow] = []

    def make(user: UserStore, **kwargs: object) -> MainWindow:
        window = build_main_window(store, user, **kwargs)  # type: ignore[arg-type]
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # window shortcuts need the active window
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        made.append(window)
        return window

    yield make
    for window in made:
        close_window(window)


def close_window(window: MainWindow) -> None:
    """Close (saving settings, stopping the search thread) and delete a window."""
    try:
        window.close()
        window.deleteLater()
    except RuntimeError:  # already deleted
        return
    _flush_deletes()


@pytest.fixture
def main_window(make_window: WindowFactory, user_store: UserStore) -> MainWindow:
    return make_window(user_store)


def result_codes(window: MainWindow, limit: int = 10) -> list[str]:
    model = window.results_model
    return [
        str(model.data(model.index(row, 0), Role.CODE))
        for row in range(min(limit, model.rowCount()))
    ]


def type_query(qtbot: QtBot, window: MainWindow, text: str, timeout: int = 5000) -> None:
    """Type ``text`` key by key into the search field and wait for its results."""
    window.search_field.setFocus()
    qtbot.keyClicks(window.search_field, text)
    qtbot.waitUntil(
        lambda: window.results_model.query == window.search_field.text(), timeout=timeout
    )
