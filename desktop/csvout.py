"""The one CSV writer for files people open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula, so a crafted code title
could run one on the reader's machine (CSV injection). Following OWASP's advice
(https://owasp.org/www-community/attacks/CSV_Injection, read 2026-12-01), such a
cell is written with a leading single quote, which makes the spreadsheet show it
as text; the csv module quotes cells holding commas, quotes or line ends.

:func:`write_csv_file` replaces the file atomically (:mod:`desktop.fileio`) and
raises :class:`CsvWriteError` (an ``OSError``) with a message for a person when the
target is a folder or its folder does not exist.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from desktop.fileio import atomic_write

__all__ = [
    "FORMULA_STARTS",
    "CsvWriteError",
    "check_target",
    "safe_cell",
    "write_csv",
    "write_csv_file",
]

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvWriteError(OSError):
    """The CSV file cannot be written; ``str(exc)`` ("cannot write PATH: why") is for a person."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


def safe_cell(value: object) -> str:
    """``value`` as CSV cell text that a spreadsheet shows as text, never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(
    stream: IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    lineterminator: str = "\r\n",
) -> int:
    """Write ``header`` and ``rows`` (every cell made safe) to ``stream``; count rows."""
    writer = csv.writer(stream, lineterminator=lineterminator)
    writer.writerow([safe_cell(h) for h in header])
    n = 0
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
        n += 1
    return n


def check_target(path: Path | str) -> Path:
    """``path`` if a CSV file can be written there, else :class:`CsvWriteError`."""
    path = Path(path)
    if path.is_dir():
        raise CsvWriteError(path, "it is a folder; give a file name in it")
    parent = path.parent
    if not parent.is_dir():
        raise CsvWriteError(path, f"the folder {parent} does not exist")
    return path


def write_csv_file(
    path: Path | str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    bom: bool = False,
    lineterminator: str = "\r\n",
) -> int:
    """Replace ``path`` with a UTF-8 CSV of ``header`` and ``rows``; the row count.

    ``bom`` starts the file with a byte-order mark (Excel then reads it as UTF-8).
    """
    path = check_target(path)
    try:
        with atomic_write(path, newline="") as fh:
            if bom:
                fh.write("\ufeff")
            return write_csv(fh, header, rows, lineterminator=lineterminator)
    except CsvWriteError:
        raise
    except OSError as exc:
        raise CsvWriteError(path, str(exc.strerror or exc)) from None
