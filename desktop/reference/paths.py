"""Where the reference data lives: the bundled database and its sources.

Code never looks at ``sys._MEIPASS``: the PyInstaller spec copies ``desktop/data`` to
the same relative place, so the path below holds in a source tree, an installed
package and the frozen bundle alike.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REFERENCE_DB_NAME = "reference.sqlite"
ENV_REFERENCE_DB = "QUICKREF_REFERENCE_DB"


def bundled_reference_db() -> Path:
    """The database shipped with the application (built into ``desktop/data``)."""
    return PACKAGE_DIR / "data" / REFERENCE_DB_NAME


def default_reference_db() -> Path:
    """The database to open: ``$QUICKREF_REFERENCE_DB`` if set, else the bundled one."""
    override = os.environ.get(ENV_REFERENCE_DB)
    return Path(override) if override else bundled_reference_db()


def bundled_data_dir() -> Path:
    """The reviewed TOML sources (``resources/data`` in the source tree)."""
    return PACKAGE_DIR.parent / "resources" / "data"
