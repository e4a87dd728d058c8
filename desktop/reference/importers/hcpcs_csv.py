"""Reader for the HCPCS Level II alpha-numeric file saved as CSV.

CMS publishes the same records as a spreadsheet (``HCPC20xx_<QTR>_ANWEB*.xlsx``); saved
as CSV it has a header row with CMS's column names. Used here (case, spaces and
underscores in the names do not matter)::

    HCPC (or HCPCS)     the code                      required
    LONG DESCRIPTION    long description (this row's part)  required
    SEQNUM, RECID       sequence number; 3/7 first row, 4/8 continuation  optional
    SHORT DESCRIPTION   short description             optional
    XREF1 .. XREF5      codes to use instead          optional
    ADD DT, ACT EFF DT, TERM DT   dates (YYYYMMDD, YYYY-MM-DD or M/D/YYYY)  optional
    ACTION CD           action code (D = discontinued)  optional

Without RECID every row is a whole code (continuations already joined). The file is
streamed row by row; like the fixed-width file it is the complete code set.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from desktop.reference.importers.common import (
    CodeRow,
    ImportFileError,
    LineReader,
    ProgressFn,
    csv_rows,
    iso_date,
)
from desktop.reference.importers.hcpcs_fixed import (
    ACTION_CODES,
    CONTINUATION_IDS,
    FIRST_IDS,
    Pending,
    finish,
)

FORMAT = "hcpcs-csv"
_CODE = re.compile(r"^[A-Z0-9]{2}$|^[A-V][0-9]{4}$")
_ALIASES = {"HCPCS": "HCPC", "HCPCS CODE": "HCPC", "CODE": "HCPC"}


def _norm(name: str) -> str:
    name = " ".join(name.replace("_", " ").upper().split())
    return _ALIASES.get(name, name)


def looks_like(first_line: str) -> bool:
    try:
        header = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        return False
    names = {_norm(h) for h in header}
    return "HCPC" in names and "LONG DESCRIPTION" in names


def read_hcpcs_csv(path: Path, progress: ProgressFn | None = None) -> Iterator[CodeRow]:
    path = Path(path)
    reader = LineReader(path, progress)
    rows = csv_rows(path, reader)
    first = next(rows, None)
    if first is None:
        raise ImportFileError(path, None, "the file is empty: no header row")
    header_line, header = first
    cols = {_norm(h): i for i, h in enumerate(header)}
    missing = [c for c in ("HCPC", "LONG DESCRIPTION") if c not in cols]
    if missing:
        raise ImportFileError(
            path,
            header_line,
            f"not a HCPCS CSV: the header has no {' or '.join(missing)} column "
            f"(found: {', '.join(h.strip() for h in header[:8])})",
        )

    def get(row: list[str], name: str) -> str:
        i = cols.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    pending: Pending | None = None
    pending_id = ""
    firsts = 0
    for number, row in rows:
        if len(row) < len(header) and number == reader.lines and not reader.ended_with_newline:
            raise ImportFileError(path, number, "the last row is cut off (truncated file?)")
        code = get(row, "HCPC").upper()
        if not _CODE.match(code):
            raise ImportFileError(path, number, f"'{code}' is not a HCPCS code")
        rec_id = get(row, "RECID") or "3"
        seq_text = get(row, "SEQNUM") or "0"
        if rec_id not in FIRST_IDS and rec_id not in CONTINUATION_IDS:
            raise ImportFileError(path, number, f"unknown RECID '{rec_id}' (3, 4, 7 or 8)")
        if not seq_text.isdigit():
            raise ImportFileError(path, number, f"SEQNUM '{seq_text}' is not a number")
        seq = int(seq_text)
        long_part = get(row, "LONG DESCRIPTION")
        if rec_id in CONTINUATION_IDS:
            if pending is None or pending.code != code or pending_id != CONTINUATION_IDS[rec_id]:
                raise ImportFileError(
                    path, number, f"continuation row for {code} without its first row"
                )
            if long_part:
                pending.parts.append(long_part)
            continue
        if pending is not None:
            yield finish(pending)
        action = get(row, "ACTION CD").upper()
        if action and action not in ACTION_CODES:
            raise ImportFileError(path, number, f"unknown action code '{action}'")
        try:
            added = iso_date(get(row, "ADD DT"))
            effective = iso_date(get(row, "ACT EFF DT"))
            terminated = iso_date(get(row, "TERM DT"))
        except ValueError as exc:
            raise ImportFileError(path, number, f"{code}: {exc}") from None
        pending = Pending(code, FIRST_IDS[rec_id], number, seq, long_part)
        pending.short = get(row, "SHORT DESCRIPTION")
        pending.effective = added or effective
        pending.terminated = terminated
        pending.xrefs = tuple(x for x in (get(row, f"XREF{i}").upper() for i in range(1, 6)) if x)
        pending.action = action
        pending_id = rec_id
        firsts += 1
    if pending is not None:
        yield finish(pending)
    if firsts == 0:
        raise ImportFileError(path, reader.lines or None, "the file is empty: no HCPCS rows")
