"""Qt enum values as plain ints, for the code that runs before the first frame.

The first use of PySide6's ``Qt`` namespace builds every one of its Python enums (93
enums, 1,195 members: 30-45 ms of CPU here, about a third of what QuickRef's start-up
spends beyond a bare PySide6 window). Start-up leaves that until just after the first
frame (:func:`build_qt_namespace`, so the first key pressed does not pay it either). The
modules on the way to that frame do not import ``Qt`` at module level; where they need
one of its values they use these:

- item-data roles, compared with the plain int a model's ``data()`` receives;
- enum-typed Qt properties, set by name with :func:`set_enum_property` (Qt converts the
  int; a PySide setter such as ``setFocusPolicy`` would want the enum object).

``tests/ui/test_qt_values.py`` holds every value equal to Qt's own, and
``tests/ui/test_startup.py`` checks that the namespace is still unbuilt when the first
frame has been painted.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

# Qt.ItemDataRole
DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
ACCESSIBLE_TEXT_ROLE = 11
USER_ROLE = 256

# Qt.AlignmentFlag (QPainter.drawText takes the flags as an int)
ALIGN_LEFT = 0x1
ALIGN_VCENTER = 0x80
ALIGN_CENTER = 0x84

# Qt.Key (a class attribute; QTest.keyClick takes the int)
KEY_L = 0x4C

# Values of enum-typed properties set before the first frame
SCROLL_BAR_ALWAYS_OFF = 1  # Qt.ScrollBarPolicy
CUSTOM_CONTEXT_MENU = 3  # Qt.ContextMenuPolicy
STRONG_FOCUS = 11  # Qt.FocusPolicy
TOOL_BUTTON_TEXT_ONLY = 1  # Qt.ToolButtonStyle
TEXT_BROWSER_INTERACTION = 0xD  # Qt.TextInteractionFlag
TEXT_SELECTABLE_BY_KEYBOARD = 0x2  # Qt.TextInteractionFlag


def set_enum_property(obj: QObject, name: str, value: int) -> None:
    """Set Qt property ``name`` of ``obj`` (an enum-typed one) to ``value``.

    Raises ValueError if ``obj`` has no such property: ``QObject.setProperty`` would
    otherwise quietly add a dynamic property of that name and change nothing."""
    meta = obj.metaObject()
    if meta.indexOfProperty(name) < 0 or not obj.setProperty(name, value):
        raise ValueError(f"{type(obj).__name__} has no writable Qt property {name!r}")


def build_qt_namespace() -> None:
    """Build the ``Qt`` namespace's enums now (once, just after the first frame)."""
    from PySide6.QtCore import Qt  # importing it builds them all (PySide's lazy types)

    Qt.Key.Key_Escape  # noqa: B018  (a use of the import; already built, costs nothing)
