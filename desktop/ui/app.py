"""Starting the window: ``quickref`` with no command calls :func:`run_gui`.

A reference or user database that cannot be used gives a clear dialog that says what
happened and what to do (exit code 2), never a traceback.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from desktop.records.store import UserDataError, UserStore
from desktop.reference.store import ReferenceDataError, ReferenceStore
from desktop.resources_path import DESKTOP_FILE_NAME, icon_path, icon_pngs
from desktop.session import ReferenceSession
from desktop.ui.first_paint import after_first_paint as after_first_paint_of

if TYPE_CHECKING:  # each Qt class costs a few ms the first time it is touched
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QMessageBox

    from desktop.ui.main_window import MainWindow

EXIT_DATA = 2
APP_NAME = "QuickRef"


def app_icon() -> QIcon:
    """The window icon: the SVG if it renders, plus every PNG size that exists."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    svg = icon_path("quickref.svg")
    if svg.is_file():
        icon.addFile(str(svg))
    for _size, png in icon_pngs():
        icon.addFile(str(png))
    return icon


def keep_qt_settings_in_data_folder() -> None:
    """Qt's own settings (the file dialogs' last folder and history, which can name a
    patient's file) go to ``<user data>/qt``, never to ``~/.config/QtProject.conf``."""
    from desktop.userdirs import user_data_dir

    folder = str(user_data_dir() / "qt")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


def set_app_icon(app: object) -> None:
    """Give the application its icon (if the icon files render)."""
    if isinstance(app, QApplication):
        icon = app_icon()
        if not icon.isNull():
            app.setWindowIcon(icon)


def application(*, defer_icon: bool = False) -> QApplication:
    """The QApplication (created if needed) with QuickRef's names and icon.

    With ``defer_icon`` the icon is left to :func:`show_window`, which reads its files
    (an SVG and eight PNGs) just after the first paint.
    """
    keep_qt_settings_in_data_folder()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    QGuiApplication.setDesktopFileName(DESKTOP_FILE_NAME)

    if not defer_icon:
        set_app_icon(app)
    return app


def startup_error_text(exc: Exception) -> tuple[str, str, str]:
    """(window title, what happened, what to do) for a failed start."""
    if isinstance(exc, ReferenceDataError):
        return (
            "QuickRef: reference data unusable",
            "QuickRef cannot open its reference data.",
            f"{exc}\n\nQuickRef has not changed anything. If this keeps happening, "
            "ask your clinic's IT to reinstall QuickRef.",
        )
    if isinstance(exc, UserDataError):
        return (
            "QuickRef: your data unusable",
            "QuickRef cannot open your own data (pinned and recent codes, checklists).",
            f"{exc}\n\nThe reference data is not affected. If this keeps happening, set "
            "QUICKREF_DATA_DIR to another folder or ask your clinic's IT.",
        )
    return ("QuickRef: cannot start", "QuickRef cannot start.", str(exc))


def startup_error_box(exc: Exception, parent: QWidget | None = None) -> QMessageBox:
    """The critical message box for a failed start (not shown: call ``exec()``)."""
    title, text, informative = startup_error_text(exc)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(informative)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setAccessibleName(title)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box


class ReferenceCheck(QObject):
    """Verifies the reference file's checksum on a thread of its own.

    The check is a full read of about 30 MB; hashing and reading release the GIL, so the
    window stays responsive while it runs. :attr:`finished` carries None (verified) or
    the :class:`ReferenceDataError` that says what is wrong.
    """

    finished = Signal(object)

    def start(self, store: ReferenceStore) -> None:
        try:
            check = store.file_check()  # reads the stored checksum, here
        except ReferenceDataError as exc:
            self.finished.emit(exc)
            return
        threading.Thread(
            target=self._run, args=(check,), name="quickref-verify", daemon=True
        ).start()

    def _run(self, check: Callable[[], None]) -> None:
        try:
            check()  # hashes the file by its path: no database connection on this thread
            result: ReferenceDataError | None = None
        except ReferenceDataError as exc:
            result = exc
        with contextlib.suppress(RuntimeError):  # the window was closed (and deleted) meanwhile
            self.finished.emit(result)


def open_window(db: Path | None) -> tuple[QApplication, MainWindow]:
    """Open the data and build the window, as every start does (the self-test's start-up
    bench too). Raises :class:`ReferenceDataError` or :class:`UserDataError`, with
    nothing left open, when the data cannot be used."""
    app = application(defer_icon=True)
    session: ReferenceSession | None = None
    try:
        # The checksum (a full read of ~30 MB) is verified just after the first paint.
        session = ReferenceSession.open(db)
        user = UserStore()
    except (ReferenceDataError, UserDataError):
        if session is not None:
            session.close()
        raise
    from desktop.ui.main_window import build_main_window

    return app, build_main_window(session, user)


def show_window(
    window: MainWindow, db: Path | None, on_failed: Callable[[ReferenceDataError], None]
) -> ReferenceCheck:
    """Show ``window``; just after its first paint, get the search ready and verify the
    reference file on a thread. ``on_failed`` gets the error if the file is damaged;
    when it is sound, an unfinished checklist (after a crash) is offered."""
    window.show()
    if db is None:  # say why a pack or the imported data was passed over, if it was
        from desktop.reference.paths import reference_choice

        notes = reference_choice().notes
        if notes:
            window.statusBar().showMessage("Reference data: " + "; ".join(notes))
    check = ReferenceCheck(window)

    def checked(error: object) -> None:
        if isinstance(error, ReferenceDataError):
            on_failed(error)
        elif window.isVisible():
            window.offer_resume()

    check.finished.connect(checked)

    def after_first_paint() -> None:
        window.search.warm()
        check.start(window.store)
        set_app_icon(QApplication.instance())

    after_first_paint_of(window.search_field, after_first_paint)
    return check


def run_gui(db: Path | None) -> int:
    """Open the window on the reference database ``db`` (default: the bundled one)."""
    try:
        app, window = open_window(db)
    except (ReferenceDataError, UserDataError) as exc:
        startup_error_box(exc).exec()
        return EXIT_DATA
    failed: list[int] = []

    def damaged(exc: ReferenceDataError) -> None:
        failed.append(EXIT_DATA)
        window.hide()
        box = startup_error_box(exc)
        box.exec()
        box.deleteLater()
        window.close()  # the last window: app.exec() returns

    show_window(window, db, damaged)
    try:
        code = app.exec()
        return failed[0] if failed else code
    finally:
        window.close()
        window.deleteLater()
        window.session.close()  # the data in use, which an import may have replaced
        window.user.close()
