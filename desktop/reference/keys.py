"""What the built reference database promises its readers, in one small module.

The schema version it carries and the normalised keys codes and search terms are
stored under. Kept apart from ``build.py`` so that opening and searching the database
(every start of the app) does not import the builder and the importers.
"""

from __future__ import annotations

import re

# Bump together with ``PRAGMA user_version`` in schema.sql.
SCHEMA_VERSION = 2

_TERM_WORD = re.compile(r"[^\W_]+")


def code_key(code: str) -> str:
    """The normalised form codes are looked up by: upper case, no dot, no spaces."""
    return code.upper().replace(".", "").replace(" ", "")


def term_key(text: str) -> str:
    """The normalised form search terms are matched by: lower case words, one space."""
    return " ".join(_TERM_WORD.findall(text.lower()))
