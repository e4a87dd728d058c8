"""Per-user folders and the one settings store, with no Qt and no dependency on records/ or
reference/.

``user_data_dir()`` is the one place that decides where a user's own files live
(``$QUICKREF_DATA_DIR`` for tests and portable installs, else the platform's user data
folder). ``shared_data_dir()`` is the clinic's shared folder of reference packs, if one
is configured (``$QUICKREF_SHARED_DATA``, else ``shared_data_dir`` in the settings).

Settings live in ``settings.json`` in the user data folder: one JSON object, replaced
atomically on every change. :data:`KNOWN_SETTINGS` are checked when set (the window
and ``quickref config`` both go through :func:`write_setting`); other keys (the
window's own state, such as geometry) are stored as given, as long as they are JSON.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import platformdirs

from desktop.fileio import atomic_write_text

__all__ = [
    "ENV_DATA_DIR",
    "ENV_SHARED_DATA",
    "KNOWN_SETTINGS",
    "SettingError",
    "get_setting",
    "read_settings",
    "settings_path",
    "shared_data_dir",
    "user_data_dir",
    "write_setting",
]

ENV_DATA_DIR = "QUICKREF_DATA_DIR"
ENV_SHARED_DATA = "QUICKREF_SHARED_DATA"
SETTINGS_NAME = "settings.json"
#: A settings file larger than this is not read (it is not one QuickRef wrote).
MAX_SETTINGS_BYTES = 1024 * 1024


class SettingError(ValueError):
    """A setting that cannot be stored; ``str(exc)`` is meant for a person."""


class KnownSetting(NamedTuple):
    key: str
    description: str
    #: value as given -> value to store (raises SettingError)
    check: Callable[[object], object]


def _folder(value: object) -> object:
    if not isinstance(value, str) or not value.strip():
        raise SettingError("give a folder")
    path = Path(value.strip()).expanduser()
    if not path.exists():
        raise SettingError(f"{path} does not exist")
    if not path.is_dir():
        raise SettingError(f"{path} is not a folder")
    if not os.access(path, os.R_OK | os.X_OK):
        raise SettingError(f"{path} cannot be read (no permission)")
    return str(path.resolve())


KNOWN_SETTINGS: dict[str, KnownSetting] = {
    s.key: s
    for s in (
        KnownSetting(
            "shared_data_dir",
            "the clinic's shared folder of reference packs (must exist and be readable)",
            _folder,
        ),
    )
}


def user_data_dir() -> Path:
    """``$QUICKREF_DATA_DIR`` if set (tests, portable installs), else the platform's."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("QuickRef", appauthor=False))


def settings_path() -> Path:
    return user_data_dir() / SETTINGS_NAME


def read_settings() -> dict[str, object]:
    """Every setting; a missing, unreadable, oversized, deeply nested or malformed file
    (or a FIFO or device in its place) reads as empty."""
    from desktop import safe_io  # bounded size and nesting; never blocks on a FIFO

    try:
        data = safe_io.load_json(settings_path(), max_bytes=MAX_SETTINGS_BYTES)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def get_setting(key: str, default: object = None) -> object:
    return read_settings().get(key, default)


def write_setting(key: str, value: object | None) -> None:
    """Set (or with ``None`` remove) one setting; the file is replaced atomically.

    A known setting is checked first (:class:`SettingError` says why it is refused);
    an ``OSError`` means the settings file could not be written.
    """
    if not isinstance(key, str) or not key:
        raise SettingError("a setting needs a name")
    known = KNOWN_SETTINGS.get(key)
    if value is not None and known is not None:
        value = known.check(value)
    if value is not None:
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise SettingError(f"{key}: the value cannot be stored as JSON") from None
    data = read_settings()
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True))


def shared_data_dir() -> Path | None:
    """The configured shared folder of reference packs, or None."""
    override = os.environ.get(ENV_SHARED_DATA)
    if override:
        return Path(override)
    value = read_settings().get("shared_data_dir")
    return Path(value) if isinstance(value, str) and value else None
