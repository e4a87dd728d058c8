"""QuickRef's Qt user interface: the main window and its parts.

``main_window/`` lays out and wires the window (actions table, saved state, keys),
``search/`` holds the search controller and panel, ``checklist/`` the injection
checklist dock (one widget per module); the dialogs and views sit beside them.
Widgets reach the data only through ``desktop.reference`` (read-only store, search
engine), ``desktop.records`` (the user's pins, recents, checklist runs) and
``desktop.session``; nothing here writes SQL, and nothing in those packages imports Qt.
"""
