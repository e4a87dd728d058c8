"""Streaming reader for CMS's HCPCS Level II alpha-numeric file (fixed-width records).

The annual and quarterly files (``HCPC20xx_<QTR>_ANWEB*.txt``) hold one 320-character
record a line. Fields used here (columns are 1-based, as in CMS's record layout)::

    1-5      HCPCS code
    6-10     sequence number
    11       record identifier: 3 = procedure, first line; 4 = procedure, continuation
             of the long description; 7 = modifier, first line; 8 = modifier continuation
    12-91    long description (this line's part of it)
    92-119   short description (first lines only)
    205-229  cross-reference codes, 5 x 5 characters (the codes to use instead)
    270-277  code added date, YYYYMMDD
    278-285  action effective date, YYYYMMDD
    286-293  termination date, YYYYMMDD
    294      action code (A add, B/C/F/P/S/T changes, D discontinued, N none, R re-added)

Continuation records carry the rest of the long description; the parts are joined
with one space. The file is the complete HCPCS Level II set: discontinued codes are in
it with a termination date and action code D, and are imported as deleted, with their
cross-references as replacements.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from desktop.reference.importers.common import (
    CodeRow,
    ImportFileError,
    LineReader,
    ProgressFn,
    iso_date,
)

FORMAT = "hcpcs-fixed"
SYSTEM = "HCPCS"
RECORD_LENGTH = 320
FIRST_IDS = {"3": "code", "7": "modifier"}
CONTINUATION_IDS = {"4": "3", "8": "7"}
ACTION_CODES = frozenset("ABCDFNPRST")
_CODE = re.compile(r"^[A-Z0-9]{2}$|^[A-V][0-9]{4}$")
_HEAD = re.compile(r"^[A-Z0-9 ]{5}\d{5}[3478]")


def looks_like(first_line: str) -> bool:
    return bool(_HEAD.match(first_line)) and len(first_line.rstrip("\r\n")) >= 92


def _field(text: str, first: int, last: int) -> str:
    """Columns ``first``..``last`` (1-based, inclusive), stripped."""
    return text[first - 1 : last].strip()


def is_deleted(action: str, terminated: str | None, today: dt.date | None = None) -> bool:
    """Discontinued (action D) or past its termination date."""
    today = today or dt.date.today()
    return action == "D" or (terminated is not None and terminated < today.isoformat())


class Pending:
    """A first record whose continuation lines may still follow."""

    __slots__ = (
        "action",
        "code",
        "effective",
        "kind",
        "line",
        "parts",
        "seq",
        "short",
        "terminated",
        "xrefs",
    )

    def __init__(self, code: str, kind: str, line: int, seq: int, first_part: str) -> None:
        self.code = code
        self.kind = kind
        self.line = line
        self.seq = seq
        self.parts = [first_part]
        self.short = ""
        self.effective: str | None = None
        self.terminated: str | None = None
        self.xrefs: tuple[str, ...] = ()
        self.action = ""


def read_hcpcs_fixed(path: Path, progress: ProgressFn | None = None) -> Iterator[CodeRow]:
    """Yield each code (continuations joined); raise :class:`ImportFileError` naming the line."""
    path = Path(path)
    reader = LineReader(path, progress)
    pending: Pending | None = None
    pending_id = ""
    seen_first = 0
    last = 0
    for number, text in reader:
        last = number
        if not text.strip():
            continue
        head = _HEAD.match(text)
        if head is None:
            if seen_first == 0:
                raise reader.fail(
                    number,
                    "not a HCPCS alpha-numeric file: expected code (columns 1-5), sequence "
                    "number (6-10) and record identifier 3, 4, 7 or 8 (column 11)",
                )
            raise reader.fail(number, "does not have the HCPCS record layout (damaged line?)")
        code = text[0:5].strip()
        seq = int(text[5:10])
        rec_id = text[10]
        if not _CODE.match(code):
            raise reader.fail(number, f"'{code}' is not a HCPCS code")
        long_part = _field(text, 12, 91)
        if rec_id in CONTINUATION_IDS:
            if pending is None or pending.code != code or pending_id != CONTINUATION_IDS[rec_id]:
                raise reader.fail(
                    number, f"continuation record for {code} without its first record"
                )
            if seq <= pending.seq:
                raise reader.fail(number, f"sequence number {seq} of {code} is out of order")
            pending.seq = seq
            if long_part:
                pending.parts.append(long_part)
            continue
        if len(text) < 294:
            raise reader.fail(
                number,
                f"record for {code} is {len(text)} characters long, the layout needs "
                f"{RECORD_LENGTH}: the line is cut off",
            )
        if pending is not None:
            yield finish(pending)
        action = _field(text, 294, 294)
        if action and action not in ACTION_CODES:
            raise reader.fail(number, f"unknown action code '{action}' (column 294)")
        try:
            added = iso_date(_field(text, 270, 277))
            effective = iso_date(_field(text, 278, 285))
            terminated = iso_date(_field(text, 286, 293))
        except ValueError as exc:
            raise reader.fail(number, f"{code}: {exc} (dates are YYYYMMDD)") from None
        xrefs = tuple(x for x in (_field(text, 205 + 5 * i, 209 + 5 * i) for i in range(5)) if x)
        pending = Pending(code, FIRST_IDS[rec_id], number, seq, long_part)
        pending.short = _field(text, 92, 119)
        pending.effective = added or effective
        pending.terminated = terminated
        pending.xrefs = xrefs
        pending.action = action
        pending_id = rec_id
        seen_first += 1
    if pending is not None:
        yield finish(pending)
    if seen_first == 0:
        raise ImportFileError(path, last or None, "the file is empty: no HCPCS records in it")


def finish(p: Pending) -> CodeRow:
    title = " ".join(part for part in p.parts if part).strip()
    return CodeRow(
        system=SYSTEM,
        code=p.code,
        title=title or p.short,
        short_title=p.short,
        billable=p.kind != "modifier",
        kind=p.kind,
        status="deleted" if is_deleted(p.action, p.terminated) else "active",
        effective=p.effective,
        terminated=p.terminated,
        replaced_by=p.xrefs,
        action=p.action,
        line=p.line,
    )
