"""Reader for a clinic's own additions: a small CSV format (documented in docs/local-csv.md).

Header row (exactly these names, in any order; empty cells where a column does not
apply)::

    record,system,code,title,text,amount,unit,routes

``record`` is one of:

* ``code``    a code of the clinic's own (system ``LOCAL``) or a missing HCPCS/CPT code:
              ``title`` required, ``text`` = plain-language description.
* ``note``    a note on an existing code: ``system``, ``code``, ``text``.
* ``term``    a word or brand name a code should answer to: ``system``, ``code``,
              ``title`` = the term.
* ``synonym`` a word people type and what it means: ``title`` = the word,
              ``text`` = the words it means (``toradol`` -> ``ketorolac``).
* ``drug``    a drug with its billing unit: ``system`` (HCPCS or LOCAL), ``code``,
              ``amount`` and ``unit`` (mg, mcg, g, units, mL) required, ``routes``
              space separated (IM SC IV ID), ``title`` required for a new code.

Lines starting with ``#`` are comments. Text encoding: UTF-8 or Windows-1252 (see
:mod:`desktop.reference.importers.common`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from desktop.reference import keys
from desktop.reference.importers.common import (
    MAX_TEXT,
    FormatInfo,
    ImportFileError,
    LineReader,
    ProgressFn,
    csv_rows,
)
from desktop.reference.keys import LOCAL_SYSTEM, ROUTES, UNITS
from desktop.safe_io import echo

FORMAT = "local-csv"
COLUMNS = ("record", "system", "code", "title", "text", "amount", "unit", "routes")
RECORDS = ("code", "note", "term", "synonym", "drug")
SYSTEMS = (LOCAL_SYSTEM, *keys.SYSTEMS)
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,11}$", re.ASCII)
#: A clinic's additions are a few hundred lines.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_RECORDS = 100_000
#: Billing-unit amounts: positive, at most this large and this many decimal places.
MAX_AMOUNT = Decimal(100_000)
MAX_DECIMALS = 6


@dataclass(frozen=True, slots=True)
class LocalRecord:
    record: str
    system: str
    code: str
    title: str
    text: str
    amount: Decimal | None
    unit: str | None
    routes: tuple[str, ...]
    line: int


def looks_like(first_line: str) -> bool:
    try:
        header = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        return False
    return [h.strip().lower() for h in header][:1] == ["record"] and "code" in [
        h.strip().lower() for h in header
    ]


INFO = FormatInfo(
    id=FORMAT,
    label="Clinic's own additions (QuickRef local CSV)",
    publisher="This clinic",
    url="",
    licence="The clinic's own text",
    completes=None,
    recognises=lambda lines: bool(lines) and looks_like(lines[0]),
)


def read_local_csv(path: Path, progress: ProgressFn | None = None) -> Iterator[LocalRecord]:
    path = Path(path)
    reader = LineReader(path, progress, max_bytes=MAX_FILE_BYTES)
    rows = csv_rows(path, reader, comments=True)
    header: list[str] | None = None
    cols: dict[str, int] = {}
    count = 0
    for number, row in rows:
        if header is None:
            header = [h.strip().lower() for h in row]
            unknown = [h for h in header if h not in COLUMNS]
            missing = [c for c in COLUMNS if c not in header]
            if unknown or missing:
                raise ImportFileError(
                    path,
                    number,
                    "not a QuickRef local CSV: the header must be "
                    f"{','.join(COLUMNS)}"
                    + (f" (missing: {', '.join(missing)})" if missing else "")
                    + (f" (unknown: {echo(', '.join(unknown))})" if unknown else ""),
                )
            cols = {name: i for i, name in enumerate(header)}
            continue
        count += 1
        if count > MAX_RECORDS:
            raise ImportFileError(path, number, f"more than {MAX_RECORDS:,} records")
        yield _record(path, number, row, cols)
    if header is None:
        raise ImportFileError(path, None, "the file is empty")
    if count == 0:
        raise ImportFileError(path, reader.lines, "no records after the header row")


# One check a column, in the order of the format's documentation; read top to bottom.
def _record(  # noqa: C901
    path: Path, number: int, row: list[str], cols: dict[str, int]
) -> LocalRecord:
    def get(name: str) -> str:
        i = cols[name]
        value = row[i].strip() if i < len(row) else ""
        if len(value) > MAX_TEXT:
            raise ImportFileError(
                path, number, f"'{name}' is {len(value):,} characters long (at most {MAX_TEXT:,})"
            )
        return value

    def fail(message: str) -> ImportFileError:
        return ImportFileError(path, number, message)

    record = get("record").lower()
    if record not in RECORDS:
        raise fail(f"unknown record '{echo(record, 40)}' (one of: {', '.join(RECORDS)})")
    system = get("system").upper()
    code = get("code").upper()
    title, text = get("title"), get("text")
    if record == "synonym":
        if not title or not text:
            raise fail("a synonym needs the word in 'title' and what it means in 'text'")
        return LocalRecord(record, "", "", title.lower(), text.lower(), None, None, (), number)
    if system not in SYSTEMS:
        raise fail(f"unknown system '{echo(system, 40)}' (one of: {', '.join(SYSTEMS)})")
    if not _CODE.match(code):
        raise fail(f"'{echo(code, 40)}' is not a code (letters, digits, '.' or '-', up to 12)")
    if record == "code" and not title:
        raise fail(f"{code}: a code needs a title")
    if record == "note" and not text:
        raise fail(f"{code}: a note needs its text in 'text'")
    if record == "term" and not title:
        raise fail(f"{code}: a term needs the word in 'title'")
    amount: Decimal | None = None
    unit: str | None = None
    routes: tuple[str, ...] = ()
    if record == "drug":
        if system not in ("HCPCS", "LOCAL"):
            raise fail(f"{code}: a drug is a HCPCS or LOCAL code, not {system}")
        try:
            amount = Decimal(get("amount"))
        except InvalidOperation:
            raise fail(f"{code}: amount '{echo(get('amount'), 40)}' is not a number") from None
        if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
            raise fail(f"{code}: amount must be a positive number up to {MAX_AMOUNT:,}")
        exponent = amount.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
            raise fail(f"{code}: amount has more than {MAX_DECIMALS} decimal places")
        unit = get("unit")
        if unit not in UNITS:
            raise fail(f"{code}: unknown unit '{echo(unit, 40)}' (one of: {', '.join(UNITS)})")
        routes = tuple(get("routes").upper().split())
        bad = [r for r in routes if r not in ROUTES]
        if bad:
            raise fail(f"{code}: unknown route {echo(bad[0], 40)} (one of: {', '.join(ROUTES)})")
    return LocalRecord(record, system, code, title, text, amount, unit, routes, number)
