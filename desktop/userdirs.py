"""Per-user folders and settings, with no Qt and no dependency on records/ or reference/.

``user_data_dir()`` is the one place that decides where a user's own files live
(``$QUICKREF_DATA_DIR`` for tests and portable installs, else the platform's user data
folder). ``shared_data_dir()`` is the clinic's shared folder of reference packs, if one
is configured (``$QUICKREF_SHARED_DATA``, else ``shared_data_dir`` in ``settings.json``
in the user data folder).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "QUICKREF_DATA_DIR"
ENV_SHARED_DATA = "QUICKREF_SHARED_DATA"
SETTINGS_NAME = "settings.json"


def user_data_dir() -> Path:
    """``$QUICKREF_DATA_DIR`` if set (tests, portable installs), else the platform's."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("QuickRef", appauthor=False))


def _settings_path() -> Path:
    return user_data_dir() / SETTINGS_NAME


def read_settings() -> dict[str, object]:
    """The small JSON settings file; an unreadable, missing or hostile file reads as empty."""
    from desktop import safe_io  # bounded size and nesting; never blocks on a FIFO

    try:
        data = safe_io.load_json(_settings_path())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_setting(key: str, value: object | None) -> None:
    """Set (or with ``None`` remove) one setting; the file is replaced atomically."""
    data = read_settings()
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    path = _settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def shared_data_dir() -> Path | None:
    """The configured shared folder of reference packs, or None."""
    override = os.environ.get(ENV_SHARED_DATA)
    if override:
        return Path(override)
    value = read_settings().get("shared_data_dir")
    return Path(value) if isinstance(value, str) and value else None
