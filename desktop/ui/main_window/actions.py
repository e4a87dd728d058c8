"""The window's actions in one table: text, keys and tip, registered against :class:`Act`.

The window supplies what each action does (:func:`build_actions`), and the menus and
the toolbar are laid out from :data:`MENUS` and :data:`TOOLBAR`. Every shortcut has one
meaning in the window: a test checks that no two actions share a key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum, auto
from typing import NamedTuple

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


class Act(Enum):
    IMPORT = auto()
    SETTINGS = auto()
    QUIT = auto()
    COPY = auto()
    COPY_TITLE = auto()
    FIND = auto()
    CLEAR = auto()
    PIN = auto()
    HOME = auto()
    BACK = auto()
    FORWARD = auto()
    CHECKLIST = auto()
    HISTORY = auto()
    CHECK_LINES = auto()
    ABOUT = auto()


_SK = QKeySequence.StandardKey


class ActionSpec(NamedTuple):
    text: str
    keys: tuple[str | QKeySequence.StandardKey, ...] = ()
    tip: str = ""


ACTIONS: dict[Act, ActionSpec] = {
    Act.IMPORT: ActionSpec(
        "&Import reference files…",
        tip="Import official code files or your clinic's licensed CPT file",
    ),
    Act.SETTINGS: ActionSpec("&Settings…", tip="Where this workstation finds shared data"),
    # Ctrl+Q only: StandardKey.Quit is Ctrl+Q too on Linux, and listing both made Qt
    # report an ambiguous shortcut (and never quit).
    Act.QUIT: ActionSpec("&Quit", ("Ctrl+Q",)),
    Act.COPY: ActionSpec("&Copy code", (_SK.Copy,), "Copy the code"),
    Act.COPY_TITLE: ActionSpec(
        "Copy code and &title", ("Ctrl+Shift+C",), "Copy the code and its title"
    ),
    Act.FIND: ActionSpec("&Find", ("Ctrl+K", _SK.Find), "Search"),
    Act.CLEAR: ActionSpec("C&lear search", ("Esc",)),
    Act.PIN: ActionSpec("&Pin or unpin code", ("Ctrl+D",), "Pin or unpin the code"),
    Act.HOME: ActionSpec(
        "Pinned and &recent codes", ("Alt+Home",), "Show pinned and recently viewed codes"
    ),
    Act.BACK: ActionSpec("&Back", ("Alt+Left",), "Back to the last code"),
    Act.FORWARD: ActionSpec("&Forward", ("Alt+Right",), "Forward"),
    Act.CHECKLIST: ActionSpec(
        "Injection &checklist", ("Ctrl+Shift+L",), "Open the injection checklist"
    ),
    Act.HISTORY: ActionSpec(
        "Checklist &history…", ("Ctrl+Shift+H",), "Completed checklists (CSV, print, PDF)"
    ),
    Act.CHECK_LINES: ActionSpec("Check &lines…", ("Ctrl+Shift+K",), "Check the lines of a claim"),
    Act.ABOUT: ActionSpec("&About QuickRef"),
}

SYSTEMS_MENU = "systems"  # where the code-system submenu goes
# Menu title -> actions (None: a separator).
MENUS: tuple[tuple[str, tuple[Act | str | None, ...]], ...] = (
    ("&File", (Act.IMPORT, Act.SETTINGS, None, Act.QUIT)),
    ("&Edit", (Act.COPY, Act.COPY_TITLE, None, Act.FIND, Act.CLEAR)),
    ("&View", (SYSTEMS_MENU, Act.HOME)),
    ("&Go", (Act.BACK, Act.FORWARD, None, Act.PIN)),
    ("&Tools", (Act.CHECKLIST, Act.HISTORY, Act.CHECK_LINES)),
    ("&Help", (Act.ABOUT,)),
)
TOOLBAR: tuple[Act | None, ...] = (
    Act.BACK,
    Act.FORWARD,
    None,
    Act.COPY,
    Act.COPY_TITLE,
    Act.PIN,
    None,
    Act.CHECKLIST,
)


def _keys(spec: ActionSpec) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for key in spec.keys:
        seq = QKeySequence(key)
        if not seq.isEmpty() and seq not in out:
            out.append(seq)
    return out


def build_actions(window: QWidget, slots: Mapping[Act, Callable[[], object]]) -> dict[Act, QAction]:
    """One QAction per :data:`ACTIONS` entry, added to ``window`` (so shortcuts work
    wherever the focus is) and triggering ``slots[act]``."""
    actions: dict[Act, QAction] = {}
    for act, spec in ACTIONS.items():
        action = QAction(window)  # (text, parent) would make PySide load QIcon to choose
        action.setText(spec.text)
        action.setObjectName(f"act_{act.name.lower()}")
        keys = _keys(spec)
        if keys:
            action.setShortcuts(keys)
        plain = spec.text.replace("&", "").rstrip("…")
        hint = f" ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})" if keys else ""
        action.setToolTip((spec.tip or plain) + hint)
        action.setStatusTip(spec.tip or plain)
        slot = slots[act]
        action.triggered.connect(lambda _checked=False, s=slot: s())
        window.addAction(action)
        actions[act] = action
    return actions
