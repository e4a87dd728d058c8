"""The window's menus and toolbar, laid out from the actions table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QMainWindow, QToolBar

from desktop.ui.main_window.actions import MENUS, SYSTEMS_MENU, TOOLBAR, Act


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
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for act in TOOLBAR:
        if act is None:
            toolbar.addSeparator()
            continue
        toolbar.addAction(actions[act])
        widget = toolbar.widgetForAction(actions[act])
        if widget is not None:
            widget.setAccessibleName(actions[act].text().replace("&", ""))
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
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
