"""Starting the window: ``quickref`` with no command calls :func:`run_gui`.

A reference or user database that cannot be used gives a clear dialog that says what
happened and what to do (exit code 2), never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from desktop.records.store import UserDataError, UserStore
from desktop.reference.store import ReferenceDataError
from desktop.resources_path import DESKTOP_FILE_NAME, icon_path, icon_pngs
from desktop.session import ReferenceSession

if TYPE_CHECKING:  # each Qt class costs a few ms the first time it is touched
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QMessageBox

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


def application(*, defer_icon: bool = False) -> QApplication:
    """The QApplication (created if needed) with QuickRef's names and icon.

    With ``defer_icon`` the icon files (an SVG and eight PNGs) are read just after
    start-up, off the way to the first paint.
    """
    keep_qt_settings_in_data_folder()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    QGuiApplication.setDesktopFileName(DESKTOP_FILE_NAME)

    def set_icon() -> None:
        icon = app_icon()
        if not icon.isNull():
            app.setWindowIcon(icon)

    if defer_icon:
        QTimer.singleShot(0, set_icon)
    else:
        set_icon()
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


def run_gui(db: Path | None) -> int:
    """Open the window on the reference database ``db`` (default: the bundled one)."""
    app = application(defer_icon=True)
    session: ReferenceSession | None = None
    user: UserStore | None = None
    try:
        # The checksum (a full read of ~30 MB) is verified just after the first paint.
        session = ReferenceSession.open(db)
        user = UserStore()
    except (ReferenceDataError, UserDataError) as exc:
        if session is not None:
            session.close()
        startup_error_box(exc).exec()
        return EXIT_DATA

    from desktop.ui.main_window import build_main_window

    window = build_main_window(session, user)
    window.show()
    if db is None:  # say why a pack or the imported data was passed over, if it was
        from desktop.reference.paths import reference_choice

        notes = reference_choice().notes
        if notes:
            window.statusBar().showMessage("Reference data: " + "; ".join(notes))

    failed: list[int] = []

    def verify_reference() -> None:
        try:
            window.store.verify()
        except ReferenceDataError as exc:
            failed.append(EXIT_DATA)
            window.hide()
            box = startup_error_box(exc)
            box.exec()
            box.deleteLater()
            window.close()  # the last window: app.exec() returns
            return
        window.offer_resume()  # an unfinished checklist (after a crash) is offered at start

    QTimer.singleShot(0, verify_reference)
    try:
        code = app.exec()
        return failed[0] if failed else code
    finally:
        window.close()
        window.deleteLater()
        session.close()  # the data in use, which an import may have replaced
        user.close()
