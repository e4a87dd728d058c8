"""QuickRef's Qt user interface: the main window and its parts.

Widgets reach the data only through ``desktop.reference`` (read-only store, search
engine) and ``desktop.records`` (the user's pins, recents, checklist runs); nothing
here writes SQL, and nothing in those packages imports Qt.
"""

from __future__ import annotations

from pathlib import Path

from desktop.resources_path import resources_dir


def resources_path() -> Path:
    """The folder holding the application's icons (``icons/``), source or frozen."""
    return resources_dir()
