"""The plain ints start-up uses instead of Qt's enums are Qt's own values."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListView, QTextBrowser, QToolButton
from pytestqt.qtbot import QtBot

from desktop.ui import qt_values as v


@pytest.mark.parametrize(
    ("ours", "qt"),
    [
        (v.DISPLAY_ROLE, Qt.ItemDataRole.DisplayRole),
        (v.TOOLTIP_ROLE, Qt.ItemDataRole.ToolTipRole),
        (v.ACCESSIBLE_TEXT_ROLE, Qt.ItemDataRole.AccessibleTextRole),
        (v.USER_ROLE, Qt.ItemDataRole.UserRole),
        (v.ALIGN_LEFT, Qt.AlignmentFlag.AlignLeft),
        (v.ALIGN_VCENTER, Qt.AlignmentFlag.AlignVCenter),
        (v.ALIGN_CENTER, Qt.AlignmentFlag.AlignCenter),
        (v.KEY_L, Qt.Key.Key_L),
        (v.SCROLL_BAR_ALWAYS_OFF, Qt.ScrollBarPolicy.ScrollBarAlwaysOff),
        (v.CUSTOM_CONTEXT_MENU, Qt.ContextMenuPolicy.CustomContextMenu),
        (v.STRONG_FOCUS, Qt.FocusPolicy.StrongFocus),
        (v.TOOL_BUTTON_TEXT_ONLY, Qt.ToolButtonStyle.ToolButtonTextOnly),
        (v.TEXT_BROWSER_INTERACTION, Qt.TextInteractionFlag.TextBrowserInteraction),
        (v.TEXT_SELECTABLE_BY_KEYBOARD, Qt.TextInteractionFlag.TextSelectableByKeyboard),
    ],
)
def test_each_value_is_qts(ours: int, qt: object) -> None:
    assert ours == qt.value  # type: ignore[attr-defined]


def test_set_enum_property_sets_what_the_typed_setter_would(qtbot: QtBot) -> None:
    view = QListView()
    qtbot.addWidget(view)
    v.set_enum_property(view, "horizontalScrollBarPolicy", v.SCROLL_BAR_ALWAYS_OFF)
    v.set_enum_property(view, "contextMenuPolicy", v.CUSTOM_CONTEXT_MENU)
    assert view.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    button = QToolButton()
    qtbot.addWidget(button)
    v.set_enum_property(button, "focusPolicy", v.STRONG_FOCUS)
    v.set_enum_property(button, "toolButtonStyle", v.TOOL_BUTTON_TEXT_ONLY)
    assert button.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextOnly
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    flags = v.TEXT_BROWSER_INTERACTION | v.TEXT_SELECTABLE_BY_KEYBOARD
    v.set_enum_property(browser, "textInteractionFlags", flags)
    assert browser.textInteractionFlags() == (
        Qt.TextInteractionFlag.TextBrowserInteraction
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )


def test_set_enum_property_refuses_a_name_qt_does_not_have(qtbot: QtBot) -> None:
    view = QListView()
    qtbot.addWidget(view)
    with pytest.raises(ValueError, match="horizontalScrolBarPolicy"):
        v.set_enum_property(view, "horizontalScrolBarPolicy", v.SCROLL_BAR_ALWAYS_OFF)
    assert view.dynamicPropertyNames() == []  # no dynamic property was added instead
