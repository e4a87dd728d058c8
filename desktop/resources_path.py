"""Where the application's own resources (icons, desktop entry) are, source or frozen.

The PyInstaller spec copies ``resources/icons`` to ``desktop/resources/icons`` inside
the bundle, the same place an installed wheel keeps them (``package-data``), so code
never needs ``sys._MEIPASS``. In a source checkout they live in the top-level
``resources/`` folder beside ``desktop/``. No Qt here: the UI turns paths into icons.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DESKTOP_FILE_NAME = "quickref"  # QGuiApplication.setDesktopFileName; quickref.desktop
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

_CANDIDATES = (
    PACKAGE_DIR / "resources",  # frozen bundle and installed package
    PACKAGE_DIR.parent / "resources",  # source checkout
)


def resources_dir() -> Path:
    """The folder holding ``icons/``: the first candidate that has it."""
    for candidate in _CANDIDATES:
        if (candidate / "icons").is_dir():
            return candidate
    return _CANDIDATES[-1]


def icon_path(name: str = "quickref.svg") -> Path:
    """The path of one icon file, e.g. ``quickref.svg`` or ``quickref-32.png``."""
    return resources_dir() / "icons" / name


def icon_pngs() -> list[tuple[int, Path]]:
    """The application icon as PNGs, smallest first: ``(size, path)`` for each that exists.

    Build the window icon from these (``QIcon.addFile`` per size) to need no SVG plugin.
    """
    found = [(size, icon_path(f"quickref-{size}.png")) for size in ICON_SIZES]
    return [(size, path) for size, path in found if path.is_file()]
