"""Reader for licensed CPT descriptor files (for clinics that hold an AMA licence).

Two layouts are accepted:

* the AMA data file ``LONGULT.txt``: a header block (the AMA's copyright and licence
  notice, a few lines of prose), then one code a line: ``code<TAB>long descriptor``;
* a plain ``code<TAB>descriptor`` file with no header.

A CPT code is five characters: four digits and a digit or F, T, U or M (``96372``,
``0001F``, ``0591T``, ``0001U``, ``0001M``). Lines before the first code line are the
header (at most 200 of them; kept as the licence notice). After the first code line
every non-blank line must be a code line.

These texts are the AMA's copyright: they are stored in the user's data folder only
(see :mod:`desktop.reference.licensed`), never in the bundled database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.reference.importers.common import (
    FormatInfo,
    ImportFileError,
    LineReader,
    ProgressFn,
    check_text,
)

FORMAT = "cpt-licensed"
MAX_HEADER_LINES = 200
#: LONGULT.txt is a few MB; CPT has about 11,000 codes.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_CODES = 100_000
_CODE_LINE = re.compile(r"^([0-9]{4}[0-9FTUM])\t(.*)$", re.ASCII)


@dataclass(frozen=True, slots=True)
class LicensedRow:
    code: str
    text: str
    line: int


def looks_like(lines: list[str]) -> bool:
    """True when one of the first lines is a ``code<TAB>text`` line."""
    return any(_CODE_LINE.match(line) for line in lines[:MAX_HEADER_LINES])


INFO = FormatInfo(
    id=FORMAT,
    label="CPT descriptors (AMA licensed file)",
    publisher="American Medical Association",
    url="https://www.ama-assn.org/practice-management/cpt",
    licence="AMA CPT licence held by the clinic (texts stored apart, never shared)",
    completes=None,
    recognises=lambda lines: looks_like(list(lines)),
)


class CptFile:
    """One pass over a CPT descriptor file: iterate it for rows; ``header`` fills as it goes."""

    def __init__(self, path: Path, progress: ProgressFn | None = None) -> None:
        self.path = Path(path)
        self.progress = progress
        self.header: list[str] = []

    def __iter__(self) -> Iterator[LicensedRow]:
        reader = LineReader(self.path, self.progress, max_bytes=MAX_FILE_BYTES)
        started = False
        count = 0
        last = 0
        for number, text in reader:
            last = number
            m = _CODE_LINE.match(text)
            if not started:
                if m is None:
                    if number > MAX_HEADER_LINES:
                        raise reader.fail(
                            number,
                            f"no 'code<TAB>descriptor' line in the first {MAX_HEADER_LINES} "
                            "lines: not a CPT descriptor file (LONGULT.txt or code-tab-text)",
                        )
                    if text.strip():
                        self.header.append(
                            check_text(self.path, number, "a header line", text.strip())
                        )
                    continue
                started = True
            if m is None:
                if not text.strip():
                    continue
                raise reader.fail(
                    number, "expected 'code<TAB>descriptor' (a 5-character CPT code, a tab, text)"
                )
            code, descriptor = m.group(1), m.group(2).strip()
            if not descriptor:
                raise reader.fail(number, f"{code} has no descriptor")
            check_text(self.path, number, f"the descriptor of {code}", descriptor)
            count += 1
            if count > MAX_CODES:
                raise reader.fail(
                    number, f"more than {MAX_CODES:,} codes: not a CPT descriptor file"
                )
            yield LicensedRow(code, descriptor, number)
        if count == 0:
            if last == 0:
                raise ImportFileError(self.path, None, "the file is empty")
            raise ImportFileError(
                self.path, last, "no 'code<TAB>descriptor' lines: not a CPT descriptor file"
            )
        if not reader.ended_with_newline and self.header:
            # A descriptor cut mid-word cannot be told from a whole one; the AMA files
            # end every line, so a missing final line end means a cut copy. (A plain
            # hand-made file with no header may lack it and is accepted.)
            raise ImportFileError(
                self.path, last, "the last line has no line end: the file was cut off"
            )
