"""What every ``quickref`` command shares: exit codes and how it prints."""

from __future__ import annotations

import json
import sys

EXIT_OK, EXIT_NOT_FOUND, EXIT_DATA = 0, 1, 2
EXIT_USAGE = EXIT_NOT_FOUND  # bad input; 2 is kept for damaged or missing data


def say(message: object) -> None:
    """An error or note on stderr, escaped and capped (it may carry a user's input)."""
    from desktop.safe_io import echo

    print(f"quickref: {echo(message, 2000)}", file=sys.stderr)


def print_json(obj: object) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))
