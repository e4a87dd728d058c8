"""Reader for the CMS NCCI Medically Unlikely Edits table, practitioner services (CSV).

CMS publishes the table quarterly (``MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY``), as
a spreadsheet and as this CSV export. Its layout, as published for 2026-04-01:

- cp1252 text (the AMA notice has a registered-trademark sign), LF or CRLF line ends;
- first CMS's standard AMA CPT notice, one quoted cell spread over several lines;
- then the header, whose first cell has a line break in it::

      "HCPCS/
      CPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale

- then one row a code: ``96372,4,3 Date of Service Edit: Clinical,Code Descriptor / CPT
  Instruction``. The indicator cell starts with its number (1, 2 or 3).

The table holds codes and numbers only, no CPT descriptor text. The file is streamed;
a physical line longer than :data:`MAX_LINE` bytes, a missing header, or a row that is
not a code, a whole number of units and an indicator of 1 to 3 is refused with an
:class:`ImportFileError` naming the line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.reference.importers.common import (
    PUBLIC_DOMAIN,
    FormatInfo,
    ImportFileError,
    LineReader,
    ProgressFn,
)

__all__ = [
    "FORMAT",
    "INDICATORS",
    "INFO",
    "MAX_LINE",
    "MueRow",
    "effective_date",
    "looks_like",
    "read_mue",
]

FORMAT = "cms-mue-practitioner"
#: The longest physical line accepted (the AMA notice's longest line is ~330 bytes).
MAX_LINE = 4096
#: Lines read looking for the header before the file is refused.
MAX_HEADER_LINES = 60
#: MUE adjudication indicators (1 line edit, 2 and 3 date of service edits); their meaning in
#: words is ``store.MUE_INDICATORS``.
INDICATORS = frozenset({1, 2, 3})
_CODE = re.compile(r"^[0-9A-Z]{5}$")
_EFF = re.compile(r"Eff[_ -]?(\d{2})-(\d{2})-(\d{4})", re.IGNORECASE)
_HEADER_UNITS = "practitioner services mue values"


@dataclass(frozen=True, slots=True)
class MueRow:
    code: str
    units: int
    indicator: int
    rationale: str
    line: int


def looks_like(lines: list[str]) -> bool:
    """True when the first lines of a file hold the MUE practitioner header."""
    return any(_HEADER_UNITS in line.lower() for line in lines[:MAX_HEADER_LINES])


INFO = FormatInfo(
    id=FORMAT,
    label="Medically Unlikely Edits, practitioner services (CMS, CSV)",
    publisher="Centers for Medicare & Medicaid Services",
    url="https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/"
    "medicare-ncci-medically-unlikely-edits",
    licence=PUBLIC_DOMAIN,
    completes=None,
    recognises=lambda lines: looks_like(list(lines)),
)


def effective_date(path: Path) -> str | None:
    """``..._Eff_04-01-2026.csv`` -> ``2026-04-01`` (None when the name does not say)."""
    m = _EFF.search(Path(path).name)
    if not m:
        return None
    month, day, year = m.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    return f"{year}-{month}-{day}"


def _bounded_lines(reader: LineReader, path: Path) -> Iterator[tuple[int, str]]:
    """(number, text) of each physical line, refusing lines over MAX_LINE bytes."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ImportFileError(path, None, f"cannot be read ({exc.strerror})") from None
    with fh:
        number = 0
        done = 0
        while True:
            raw = fh.readline(MAX_LINE + 1)
            if not raw:
                break
            number += 1
            done += len(raw)
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                raise ImportFileError(
                    path,
                    number,
                    f"line is longer than {MAX_LINE:,} bytes: not a CMS MUE table",
                )
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield number, reader.decode(raw.rstrip(b"\r\n"), number)
            if reader.progress is not None and number % 2000 == 0:
                reader.progress(done, reader.size)
        if reader.progress is not None:
            reader.progress(reader.size, reader.size)


def read_mue(path: Path, progress: ProgressFn | None = None) -> Iterator[MueRow]:
    """The rows of a CMS MUE practitioner table, streamed. Raises ImportFileError."""
    path = Path(path)
    reader = LineReader(path, progress)

    def texts() -> Iterator[str]:
        for _number, text in _bounded_lines(reader, path):
            yield text + "\n"

    rows = csv.reader(texts())
    header_seen = False
    count = 0
    seen: set[str] = set()
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFileError(path, rows.line_num, f"not valid CSV ({exc})") from None
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if not header_seen:
            cells = [" ".join(c.split()).lower() for c in row]
            if len(cells) >= 4 and cells[1] == _HEADER_UNITS:
                if "hcpcs" not in cells[0] or "indicator" not in cells[2]:
                    raise ImportFileError(path, line, "unexpected MUE header columns")
                header_seen = True
            elif line > MAX_HEADER_LINES:
                break
            continue
        yield _row(path, line, row, seen)
        count += 1
    if not header_seen:
        raise ImportFileError(
            path,
            None,
            "no 'Practitioner Services MUE Values' header found: not a CMS MUE practitioner "
            "table (export the CMS spreadsheet as CSV, or use the CSV CMS publishes)",
        )
    if count == 0:
        raise ImportFileError(path, None, "the MUE table has a header but no code rows")


def _row(path: Path, line: int, row: list[str], seen: set[str]) -> MueRow:
    if len(row) < 4:
        raise ImportFileError(
            path, line, f"expected 4 columns (code, units, indicator, rationale), found {len(row)}"
        )
    code = row[0].strip().upper()
    if not _CODE.match(code):
        raise ImportFileError(path, line, f"'{row[0].strip()[:20]}' is not a CPT or HCPCS code")
    if code in seen:
        raise ImportFileError(path, line, f"code {code} is listed twice")
    seen.add(code)
    units_text = row[1].strip()
    if not units_text.isdigit() or len(units_text) > 6:
        raise ImportFileError(
            path, line, f"{code}: MUE value '{units_text[:20]}' is not a whole number of units"
        )
    indicator_text = row[2].strip()
    indicator = int(indicator_text[:1]) if indicator_text[:1].isdigit() else 0
    if indicator not in INDICATORS or (
        len(indicator_text) > 1 and indicator_text[1:2] not in (" ", "")
    ):
        raise ImportFileError(
            path, line, f"{code}: adjudication indicator '{indicator_text[:40]}' is not 1, 2 or 3"
        )
    rationale = " ".join(row[3].split())[:200]
    return MueRow(code, int(units_text), indicator, rationale, line)
