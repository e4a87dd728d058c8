"""The window's menus and toolbar, laid out from the actions table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QToolBar,
)

from desktop.ui.accessible import announce
from desktop.ui.main_window.actions import MENUS, SYSTEMS_MENU, TOOLBAR, Act
from desktop.ui.qt_values import TOOL_BUTTON_TEXT_ONLY, set_enum_property

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


def install_menus(
    window: QMainWindow, actions: Mapping[Act, QAction], system_actions: Sequence[QAction]
) -> QToolBar:
    """The menu bar from :data:`MENUS` and the toolbar from :data:`TOOLBAR`."""
    bar = window.menuBar()
    for title, items in MENUS:
        menu = bar.addMenu(title)
        for item in items:
            if item is None:
                menu.addSeparator()
            elif item == SYSTEMS_MENU:
                menu.addMenu("Code &system").addActions(list(system_actions))
            elif isinstance(item, Act):
                menu.addAction(actions[item])

    toolbar = QToolBar("Main toolbar", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setAccessibleName("Main toolbar")
    toolbar.setMovable(False)
    # Before the first frame: no Qt enum objects (desktop.ui.qt_values).
    set_enum_property(toolbar, "toolButtonStyle", TOOL_BUTTON_TEXT_ONLY)
    for act in TOOLBAR:
        if act is None:
            toolbar.addSeparator()
            continue
        toolbar.addAction(actions[act])
        widget = toolbar.widgetForAction(actions[act])
        if widget is not None:
            widget.setAccessibleName(actions[act].text().replace("&", ""))
    window.addToolBar(toolbar)  # Qt.ToolBarArea.TopToolBarArea
    return toolbar


def name_unnamed_buttons(window: QMainWindow, search_field: QLineEdit) -> None:
    """Give Qt's own helper buttons (clear button, toolbar extension) a name."""
    for button in window.findChildren(QAbstractButton):
        if button.accessibleName():
            continue
        if button.parent() is search_field:
            button.setAccessibleName("Clear search")
        elif button.objectName() == "qt_toolbar_ext_button":
            button.setAccessibleName("More toolbar actions")
        elif button.text():
            button.setAccessibleName(button.text().replace("&", ""))


def results_menu(window: MainWindow, pos: QPoint) -> None:
    """The results list's context menu (also on the Menu key) at ``pos``: open the row,
    copy it, pin it."""
    view = window.results_view
    index = view.indexAt(pos)
    if not index.isValid():
        index = view.currentIndex()
    if not index.isValid():
        return
    view.setCurrentIndex(index)
    menu = QMenu(window)
    menu.setAccessibleName("Result actions")
    open_action = menu.addAction("&Open")
    open_action.triggered.connect(lambda: window.open_index(index))
    menu.addActions([window.act_copy, window.act_copy_title, window.act_pin])
    from PySide6.QtCore import Qt

    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.popup(view.viewport().mapToGlobal(pos))


def build_status_bar(window: QMainWindow) -> QLabel:
    """The status bar (what it says is also said out loud) with its data-version label
    (returned, empty: the window fills it in)."""
    status = window.statusBar()
    status.setAccessibleName("Status bar")
    status.messageChanged.connect(lambda text: announce(status, text))
    label = QLabel(status)
    label.setObjectName("dataVersion")
    label.setAccessibleDescription("Reference data version")
    # A normal (not permanent) widget: a message ("Copied J3420", "Pinned 96372: ...")
    # takes the whole bar while it shows, instead of the few pixels the long version
    # line left it, and the line comes back after. Ignored width: the line never holds
    # the window wider than the person made it (its tooltip has it all).
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    status.addWidget(label, 1)
    return label
