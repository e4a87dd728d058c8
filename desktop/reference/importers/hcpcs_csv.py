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
from collections.abc import Iterator
from pathlib import Path

from desktop.reference.importers.common import (
    PUBLIC_DOMAIN,
    CodeRow,
    FormatInfo,
    ImportFileError,
    LineReader,
    ProgressFn,
    csv_rows,
)
from desktop.reference.importers.hcpcs_fixed import (
    CODE_RE,
    CONTINUATION_IDS,
    FIRST_IDS,
    MAX_FILE_BYTES,
    HcpcsLine,
    Layout,
    join_records,
)
from desktop.safe_io import echo

FORMAT = "hcpcs-csv"
# A CSV may leave SEQNUM out (read as 0), so its order is not checked.
CSV_LAYOUT = Layout(
    record="row",
    action_where="",
    date_hint="",
    empty="the file is empty: no HCPCS rows",
    check_sequence=False,
)
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


INFO = FormatInfo(
    id=FORMAT,
    label="HCPCS Level II alpha-numeric file (CSV)",
    publisher="CMS",
    url="https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system",
    licence=PUBLIC_DOMAIN,
    completes="HCPCS",
    recognises=lambda lines: bool(lines) and looks_like(lines[0]),
)


def read_hcpcs_csv(path: Path, progress: ProgressFn | None = None) -> Iterator[CodeRow]:
    path = Path(path)
    reader = LineReader(path, progress, max_bytes=MAX_FILE_BYTES)
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
            f"(found: {echo(', '.join(h.strip() for h in header[:8]))})",
        )

    def get(row: list[str], name: str) -> str:
        i = cols.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def lines() -> Iterator[HcpcsLine]:
        for number, row in rows:
            if len(row) < len(header) and number == reader.lines and not reader.ended_with_newline:
                raise ImportFileError(path, number, "the last row is cut off (truncated file?)")
            code = get(row, "HCPC").upper()
            if not CODE_RE.match(code):
                raise ImportFileError(path, number, f"'{echo(code)}' is not a HCPCS code")
            rec_id = get(row, "RECID") or "3"
            seq_text = get(row, "SEQNUM") or "0"
            if rec_id not in FIRST_IDS and rec_id not in CONTINUATION_IDS:
                raise ImportFileError(
                    path, number, f"unknown RECID '{echo(rec_id, 20)}' (3, 4, 7 or 8)"
                )
            if not (seq_text.isascii() and seq_text.isdigit() and len(seq_text) <= 5):
                raise ImportFileError(
                    path,
                    number,
                    f"SEQNUM '{echo(seq_text, 20)}' is not a sequence number (up to 5 digits 0-9)",
                )
            seq = int(seq_text)
            long_part = get(row, "LONG DESCRIPTION")
            if rec_id in CONTINUATION_IDS:
                yield HcpcsLine(number, code, seq, rec_id, long_part)
                continue
            yield HcpcsLine(
                number,
                code,
                seq,
                rec_id,
                long_part,
                short=get(row, "SHORT DESCRIPTION"),
                action=get(row, "ACTION CD").upper(),
                added=get(row, "ADD DT"),
                effective=get(row, "ACT EFF DT"),
                terminated=get(row, "TERM DT"),
                xrefs=tuple(x for x in (get(row, f"XREF{i}").upper() for i in range(1, 6)) if x),
            )

    yield from join_records(reader, lines(), CSV_LAYOUT)
