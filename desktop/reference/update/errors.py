"""What the update flow raises and the progress callback it takes."""

from __future__ import annotations

from collections.abc import Callable

from desktop.reference.importers.common import ImportFileError

__all__ = ["ImportCancelled", "ImportFileError", "ProgressCallback", "UpdateError"]

#: progress(fraction 0..1, message). It may raise (ImportCancelled) to stop the import.
ProgressCallback = Callable[[float, str], None]


class UpdateError(Exception):
    """The update cannot be done. ``str(exc)`` is meant for a person."""


class ImportCancelled(Exception):
    """Raised by a progress callback to stop an import; nothing is changed."""
