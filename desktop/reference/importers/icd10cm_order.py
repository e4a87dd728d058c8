"""Streaming reader for CMS's ICD-10-CM order file (``icd10cm_order_YYYY.txt``).

Layout (CMS, "ICD-10-CM and ICD-10-PCS Order Files", fixed width, one code a line)::

    columns  1-5    order number, right justified, zero filled
             6      blank
             7-13   code, no dot, left justified, blank filled
             14     blank
             15     1 = valid for HIPAA transactions (billable), 0 = header (not billable)
             16     blank
             17-76  short description (60 characters)
             77     blank
             78-    long description (to the end of the line)

The file is the complete code set of one fiscal year: a code that is not in it has
been deleted. FY ``YYYY`` starts on October 1 of ``YYYY - 1``, so codes missing from
``icd10cm_order_2026.txt`` were terminated on 2025-09-30 (taken from the file name;
None if the name carries no year).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from desktop.reference.importers.common import (
    PUBLIC_DOMAIN,
    CodeRow,
    FormatInfo,
    ImportFileError,
    LineReader,
    ProgressFn,
    check_text,
)
from desktop.safe_io import echo

FORMAT = "icd10cm-order"
SYSTEM = "ICD-10-CM"
_LINE = re.compile(r"^([0-9]{5}) ([A-Z0-9 ]{7}) ([01]) (.{60}) (.*)$")
#: The FY2026 file has about 98,000 lines of ~250 characters.
MAX_FILE_BYTES = 256 * 1024 * 1024
_CODE = re.compile(r"^[A-Z][0-9A-Z]{2}([0-9A-Z]{1,4})?$")  # QA0 (FY2026) has two letters
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def looks_like(first_line: str) -> bool:
    """True when a file's first line has the order-file layout."""
    return bool(_LINE.match(first_line.rstrip("\r\n")))


INFO = FormatInfo(
    id=FORMAT,
    label="ICD-10-CM order file (CMS, fixed width)",
    publisher="CMS / CDC NCHS",
    url="https://www.cms.gov/medicare/coding-billing/icd-10-codes",
    licence=PUBLIC_DOMAIN,
    completes=SYSTEM,
    recognises=lambda lines: bool(lines) and looks_like(lines[0]),
)


def with_dot(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def fiscal_year(path: Path) -> str | None:
    m = _YEAR.search(Path(path).name)
    return m.group(1) if m else None


def termination_date(path: Path) -> str | None:
    """The day before fiscal year ``YYYY`` starts: codes missing from its file end then."""
    year = fiscal_year(path)
    return f"{int(year) - 1}-09-30" if year else None


def read_order_file(path: Path, progress: ProgressFn | None = None) -> Iterator[CodeRow]:
    """Yield every code of the file; raise :class:`ImportFileError` naming the line."""
    path = Path(path)
    reader = LineReader(path, progress, max_bytes=MAX_FILE_BYTES)
    previous = 0
    count = 0
    last = 0
    for number, text in reader:
        last = number
        if not text.strip():
            continue  # blank lines (a trailing one) carry nothing
        m = _LINE.match(text)
        if m is None:
            if count == 0:
                raise reader.fail(
                    number,
                    "not an ICD-10-CM order file: expected 'NNNNN CODE    F short title "
                    "... long title' at fixed columns (order number 1-5, code 7-13, "
                    "flag 15, short title 17-76, long title from 78)",
                )
            raise reader.fail(number, "does not have the order-file layout (damaged line?)")
        order, code, flag, short, long_title = m.groups()
        code = code.rstrip()
        if not _CODE.match(code):
            raise reader.fail(number, f"'{echo(code)}' is not an ICD-10-CM code")
        if int(order) <= previous:
            raise reader.fail(
                number, f"order number {order} does not follow {previous:05d} (lines out of order)"
            )
        previous = int(order)
        long_title = long_title.strip()
        if not long_title:
            raise reader.fail(number, f"{code} has no long title (file cut short?)")
        check_text(path, number, f"the title of {code}", long_title)
        count += 1
        yield CodeRow(
            system=SYSTEM,
            code=with_dot(code),
            title=long_title,
            short_title=short.strip(),
            billable=flag == "1",
            kind="category" if len(code) == 3 else "code",
            line=number,
        )
    if count == 0:
        raise ImportFileError(path, last or None, "the file is empty: no codes in it")
    if not reader.ended_with_newline:
        raise ImportFileError(
            path, last, "the last line has no line end: the file was cut off (truncated copy?)"
        )
