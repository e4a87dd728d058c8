"""``quickref config list|get KEY|set KEY VALUE|unset KEY``: the settings store from the CLI.

The same store the window's Settings dialog uses (:mod:`desktop.userdirs`): known
settings are checked before they are stored (``set shared_data_dir`` needs a folder
that exists and can be read). Exit 0 when done, 1 when refused or not set.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TypeVar

__all__ = ["register", "run"]

EXIT_OK, EXIT_REFUSED = 0, 1
_ENV_OVERRIDES = {"shared_data_dir": "QUICKREF_SHARED_DATA"}  # userdirs.ENV_SHARED_DATA


_P = TypeVar("_P", bound=argparse.ArgumentParser)


def register(sub: argparse._SubParsersAction[_P]) -> None:
    """Add ``config`` and its actions to the CLI's subcommands."""
    c = sub.add_parser(
        "config",
        help="show or change settings (settings.json in the user data folder)",
        description="Show or change QuickRef's settings; `quickref config list` shows them.",
    )
    csub = c.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    ls = csub.add_parser("list", help="every known setting and its value")
    ls.add_argument("--json", action="store_true")
    g = csub.add_parser("get", help="print one setting")
    g.add_argument("key")
    s = csub.add_parser("set", help="change one setting (checked first)")
    s.add_argument("key")
    s.add_argument("value")
    u = csub.add_parser("unset", help="remove one setting (back to the default)")
    u.add_argument("key")


def _refuse(message: str) -> int:
    print(f"quickref: {message}", file=sys.stderr)
    return EXIT_REFUSED


def _check_key(key: str) -> str | None:
    from desktop import userdirs  # when a config action runs, not at every CLI start

    if key in userdirs.KNOWN_SETTINGS:
        return None
    return f"unknown setting '{key[:80]}' (known: {', '.join(userdirs.KNOWN_SETTINGS)})"


def run(args: argparse.Namespace) -> int:
    from desktop import userdirs  # when a config action runs, not at every CLI start

    action = args.config_command
    if action == "list":
        return _list(args.json)
    problem = _check_key(args.key)
    if problem:
        return _refuse(problem)
    if action == "get":
        value = userdirs.get_setting(args.key)
        if value is None:
            return _refuse(f"{args.key} is not set")
        print(value)
        return EXIT_OK
    try:
        userdirs.write_setting(args.key, args.value if action == "set" else None)
    except userdirs.SettingError as exc:
        return _refuse(f"{args.key} not changed: {exc}")
    except OSError as exc:
        return _refuse(f"cannot write {userdirs.settings_path()}: {exc.strerror or exc}")
    value = userdirs.get_setting(args.key)
    print(f"{args.key} = {value}" if value is not None else f"{args.key} is not set")
    env = _ENV_OVERRIDES.get(args.key)
    if env and os.environ.get(env):
        print(f"Note: ${env} is set and takes precedence: {os.environ[env]}")
    return EXIT_OK


def _list(as_json: bool) -> int:
    from desktop import userdirs  # when a config action runs, not at every CLI start

    settings = userdirs.read_settings()
    if as_json:
        out = {key: settings.get(key) for key in userdirs.KNOWN_SETTINGS}
        print(json.dumps({"settings": out, "file": str(userdirs.settings_path())}, indent=2))
        return EXIT_OK
    print(f"Settings file: {userdirs.settings_path()}")
    for key, known in userdirs.KNOWN_SETTINGS.items():
        value = settings.get(key)
        shown = "(not set)" if value is None else str(value)
        print(f"  {key} = {shown}    # {known.description}")
        env = _ENV_OVERRIDES.get(key)
        if env and os.environ.get(env):
            print(f"    (${env} is set and takes precedence: {os.environ[env]})")
    return EXIT_OK
