"""CMS's Medicare NCCI procedure-to-procedure (PTP) edits, practitioner files.

CMS publishes the practitioner PTP edits quarterly as zipped, tab-delimited text files.
After a few lines of notice and a header that names the columns, each row is one edit::

    Column 1 <TAB> Column 2 <TAB> * = In existence prior to 1996 <TAB> Effective Date
    <TAB> Deletion Date *=no data <TAB> Modifier 0=not allowed 1=allowed 9=not applicable
    <TAB> PTP Edit Rationale

Dates are ``YYYYMMDD``; a deletion date of ``*`` (or blank) means the edit is in force.
Only pairs whose two codes are both in the reference data are kept (the full files hold
millions of pairs; a clinic needs the few among the codes QuickRef knows). Stored in the
``ptp_edits`` table (through the writer), which the claim check reads.
"""

from __future__ import annotations

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
    iso_date,
)

__all__ = ["FORMAT", "INFO", "PtpEdit", "looks_like", "read_ptp"]

FORMAT = "ncci-ptp"
DESCRIPTION = "NCCI procedure-to-procedure edits, practitioner (CMS, tab-delimited)"
_CODE = re.compile(r"^[0-9A-Z][0-9A-Z]{3}[0-9A-Z]$")
_MAX_LINE = 2000


@dataclass(frozen=True, slots=True)
class PtpEdit:
    column1: str
    column2: str
    effective: str | None
    deleted: str | None
    modifier: int
    rationale: str
    line: int


INFO = FormatInfo(
    id=FORMAT,
    label=DESCRIPTION,
    publisher="Centers for Medicare & Medicaid Services",
    url="https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/"
    "medicare-ncci-procedure-procedure-ptp-edits",
    licence=PUBLIC_DOMAIN,
    completes=None,
    recognises=lambda lines: looks_like(list(lines)),
)


def looks_like(lines: list[str]) -> bool:
    """A header line with the PTP columns, tab-delimited."""
    for line in lines:
        low = line.lower()
        if "\t" in line and "column 1" in low and "column 2" in low and "modifier" in low:
            return True
    return False


def read_ptp(path: Path, progress: ProgressFn | None = None) -> Iterator[PtpEdit]:
    """Every edit row of ``path`` (notice and header lines are skipped)."""
    reader = LineReader(Path(path), progress)
    header_seen = False
    for number, text in reader:
        if len(text) > _MAX_LINE:
            raise reader.fail(number, f"the line is longer than {_MAX_LINE} characters")
        fields = [f.strip() for f in text.split("\t")]
        if not header_seen:
            low = text.lower()
            header_seen = "column 1" in low and "column 2" in low
            continue
        if not any(fields):
            continue
        if len(fields) < 6:
            if _CODE.match(fields[0].upper()):
                raise reader.fail(number, "an edit row needs at least 6 tab-separated fields")
            continue  # a wrapped header line or a note
        c1, c2 = fields[0].upper(), fields[1].upper()
        if not (_CODE.match(c1) and _CODE.match(c2)):
            continue
        try:
            effective = iso_date(fields[3])
            deleted = None if fields[4] in ("*", "") else iso_date(fields[4])
        except ValueError as exc:
            raise reader.fail(number, str(exc)) from None
        if fields[5] not in ("0", "1", "9"):
            raise reader.fail(
                number, f"the modifier indicator must be 0, 1 or 9, not {fields[5]!r}"
            )
        rationale = fields[6][:200] if len(fields) > 6 else ""
        yield PtpEdit(c1, c2, effective, deleted, int(fields[5]), rationale, number)
    if not header_seen:
        raise ImportFileError(path, None, "no 'Column 1 / Column 2' header: not a PTP edit file")
