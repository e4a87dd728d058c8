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
from dataclasses import dataclass
from pathlib import Path

from desktop.reference.importers.common import (
    MAX_TEXT,
    PUBLIC_DOMAIN,
    CodeRow,
    FormatInfo,
    ImportFileError,
    LineReader,
    ProgressFn,
    iso_date,
)
from desktop.safe_io import echo

FORMAT = "hcpcs-fixed"
SYSTEM = "HCPCS"
RECORD_LENGTH = 320
FIRST_IDS = {"3": "code", "7": "modifier"}
CONTINUATION_IDS = {"4": "3", "8": "7"}
ACTION_CODES = frozenset("ABCDFNPRST")
CODE_RE = re.compile(r"^[A-Z0-9]{2}$|^[A-V][0-9]{4}$")  # a modifier or a Level II code
_HEAD = re.compile(r"^[A-Z0-9 ]{5}[0-9]{5}[3478]")
#: The annual file is ~3 MB (about 9,000 records of 320 characters).
MAX_FILE_BYTES = 128 * 1024 * 1024


def looks_like(first_line: str) -> bool:
    return bool(_HEAD.match(first_line)) and len(first_line.rstrip("\r\n")) >= 92


INFO = FormatInfo(
    id=FORMAT,
    label="HCPCS Level II alpha-numeric file (CMS, fixed width)",
    publisher="CMS",
    url="https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system",
    licence=PUBLIC_DOMAIN,
    completes=SYSTEM,
    recognises=lambda lines: bool(lines) and looks_like(lines[0]),
)


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
        "length",
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
        self.length = len(first_part)
        self.short = ""
        self.effective: str | None = None
        self.terminated: str | None = None
        self.xrefs: tuple[str, ...] = ()
        self.action = ""


@dataclass(frozen=True, slots=True)
class HcpcsLine:
    """One record of a HCPCS file, read from either layout (fixed-width or CSV).

    Continuation records fill only the first five fields. Dates are the file's text.
    """

    number: int
    code: str
    seq: int
    rec_id: str
    long_part: str
    short: str = ""
    action: str = ""
    added: str = ""
    effective: str = ""
    terminated: str = ""
    xrefs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Layout:
    """What differs between the layouts when records are joined: words in messages,
    and whether sequence numbers can be trusted to be in order."""

    record: str  # what a line is called: "record" or "row"
    action_where: str  # where the action code is, for the message
    date_hint: str
    empty: str  # the message for a file with no first record
    check_sequence: bool


FIXED_LAYOUT = Layout(
    record="record",
    action_where=" (column 294)",
    date_hint=" (dates are YYYYMMDD)",
    empty="the file is empty: no HCPCS records in it",
    check_sequence=True,
)


def join_records(
    reader: LineReader, lines: Iterator[HcpcsLine], layout: Layout
) -> Iterator[CodeRow]:
    """Join first and continuation records into codes, in file order; check each."""
    path = reader.path
    pending: Pending | None = None
    pending_id = ""
    firsts = 0
    for line in lines:
        number, code, rec_id = line.number, line.code, line.rec_id
        if rec_id in CONTINUATION_IDS:
            if pending is None or pending.code != code or pending_id != CONTINUATION_IDS[rec_id]:
                raise ImportFileError(
                    path,
                    number,
                    f"continuation {layout.record} for {code} without its first {layout.record}",
                )
            if layout.check_sequence:
                if line.seq <= pending.seq:
                    raise ImportFileError(
                        path, number, f"sequence number {line.seq} of {code} is out of order"
                    )
                pending.seq = line.seq
            if line.long_part:
                pending.parts.append(line.long_part)
                pending.length += len(line.long_part) + 1
                if pending.length > MAX_TEXT:
                    raise ImportFileError(
                        path,
                        number,
                        f"the long description of {code} is longer than {MAX_TEXT:,} "
                        "characters (too many continuation records)",
                    )
            continue
        if pending is not None:
            yield finish(pending)
        if line.action and line.action not in ACTION_CODES:
            raise ImportFileError(
                path, number, f"unknown action code '{echo(line.action, 20)}'{layout.action_where}"
            )
        try:
            added = iso_date(line.added)
            effective = iso_date(line.effective)
            terminated = iso_date(line.terminated)
        except ValueError as exc:
            raise ImportFileError(path, number, f"{code}: {exc}{layout.date_hint}") from None
        if len(line.long_part) > MAX_TEXT or len(line.short) > MAX_TEXT:
            raise ImportFileError(
                path, number, f"the description of {code} is longer than {MAX_TEXT:,} characters"
            )
        pending = Pending(code, FIRST_IDS[rec_id], number, line.seq, line.long_part)
        pending.short = line.short
        pending.effective = added or effective
        pending.terminated = terminated
        pending.xrefs = line.xrefs
        pending.action = line.action
        pending_id = rec_id
        firsts += 1
    if pending is not None:
        yield finish(pending)
    if firsts == 0:
        raise ImportFileError(path, reader.lines or None, layout.empty)


def read_hcpcs_fixed(path: Path, progress: ProgressFn | None = None) -> Iterator[CodeRow]:
    """Yield each code (continuations joined); raise :class:`ImportFileError` naming the line."""
    path = Path(path)
    reader = LineReader(path, progress, max_bytes=MAX_FILE_BYTES)

    def lines() -> Iterator[HcpcsLine]:
        seen_first = False
        for number, text in reader:
            if not text.strip():
                continue
            head = _HEAD.match(text)
            if head is None:
                if not seen_first:
                    raise reader.fail(
                        number,
                        "not a HCPCS alpha-numeric file: expected code (columns 1-5), sequence "
                        "number (6-10) and record identifier 3, 4, 7 or 8 (column 11)",
                    )
                raise reader.fail(number, "does not have the HCPCS record layout (damaged line?)")
            code = text[0:5].strip()
            seq = int(text[5:10])
            rec_id = text[10]
            if not CODE_RE.match(code):
                raise reader.fail(number, f"'{echo(code)}' is not a HCPCS code")
            long_part = _field(text, 12, 91)
            if rec_id in CONTINUATION_IDS:
                yield HcpcsLine(number, code, seq, rec_id, long_part)
                continue
            if len(text) < 294:
                raise reader.fail(
                    number,
                    f"record for {code} is {len(text)} characters long, the layout needs "
                    f"{RECORD_LENGTH}: the line is cut off",
                )
            seen_first = True
            yield HcpcsLine(
                number,
                code,
                seq,
                rec_id,
                long_part,
                short=_field(text, 92, 119),
                action=_field(text, 294, 294),
                added=_field(text, 270, 277),
                effective=_field(text, 278, 285),
                terminated=_field(text, 286, 293),
                xrefs=tuple(
                    x for x in (_field(text, 205 + 5 * i, 209 + 5 * i) for i in range(5)) if x
                ),
            )

    yield from join_records(reader, lines(), FIXED_LAYOUT)


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
