"""What the code-file importers share: the record they yield, errors, and line reading.

Every importer streams its file line by line (never reads it whole) and yields
:class:`CodeRow` records. Problems raise :class:`ImportFileError`, whose message names
the file and the line.

Text encoding (decided once, for every format): a file may be UTF-8 (with or without a
byte-order mark) or Windows-1252 (cp1252, what CMS files and Excel CSVs often are; it
includes plain ASCII and Latin-1's printable characters). Each line is decoded as UTF-8
first; a line that is not UTF-8 is decoded as cp1252. A file that mixes both (one line
UTF-8 with accents, another cp1252) is refused, naming the line, because one of them
would come out garbled. Bytes that are neither (NUL, or bytes cp1252 leaves undefined)
mean the file is not text: refused, naming the line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CodeRow",
    "FormatInfo",
    "ImportFileError",
    "LineReader",
    "ProgressFn",
    "check_text",
    "iso_date",
]

#: Called with (bytes read so far, file size) as a file is read.
ProgressFn = Callable[[int, int], None]


class ImportFileError(ValueError):
    """A file that cannot be imported. ``str(exc)`` names the file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        from desktop.safe_io import echo  # file names and echoed cells: capped, escaped

        name = echo(self.path.name)
        where = f"{name}, line {line}" if line else name
        super().__init__(f"{where}: {echo(message, 1000)}")


@dataclass(frozen=True, slots=True)
class CodeRow:
    """One code as an official file gives it."""

    system: str  # ICD-10-CM | HCPCS
    code: str  # as published: "E53.8" (ICD-10-CM with its dot), "J3420"
    title: str  # the long title / descriptor
    line: int  # where it starts in the file
    short_title: str = ""
    billable: bool | None = None
    kind: str = "code"  # code | category | modifier
    status: str = "active"  # active | deleted
    effective: str | None = None  # ISO date
    terminated: str | None = None  # ISO date
    replaced_by: tuple[str, ...] = ()  # codes to use instead (HCPCS cross references)
    action: str = ""  # HCPCS action code, as published
    parent: str | None = None  # ICD-10-CM parent code (tabular XML only)
    block: str | None = None  # ICD-10-CM block id (tabular XML only)
    notes: tuple[tuple[str, str], ...] | None = None  # ICD-10-CM notes (tabular XML only)


PUBLIC_DOMAIN = "Public domain (US Government work)"


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """What an importer module declares about the one file format it reads.

    ``recognises`` is given the first lines of a file (decoded leniently, line ends
    stripped, leading blank lines dropped) and says whether the file is in this format.
    ``completes`` names the code system a file of this format lists in full (codes it
    leaves out are deleted), or None for a file of additions.
    """

    id: str
    label: str  # what a person calls it
    publisher: str
    url: str
    licence: str
    completes: str | None
    recognises: Callable[[Sequence[str]], bool]


_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def iso_date(text: str) -> str | None:
    """``20260101`` -> ``2026-01-01``; blank or zeros -> None; anything else -> ValueError."""
    text = text.strip()
    if not text or set(text) == {"0"}:
        return None
    m = _DATE8.match(text)
    if not m:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            return text
        if re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", text):  # CSV exports from a spreadsheet
            month, day, year = text.split("/")
            return f"{year}-{int(month):02d}-{int(day):02d}"
        raise ValueError(f"not a date: {text!r}")
    year, month, day = m.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        raise ValueError(f"not a date: {text!r}")
    return f"{year}-{month}-{day}"


#: The longest line any importer accepts. The official files' lines are a few hundred
#: characters (HCPCS records are 320); a longer line means the file is not one of them.
MAX_LINE_BYTES = 64 * 1024
#: The longest title, descriptor or note text kept from a file (characters).
MAX_TEXT = 4000
_CHUNK = 1 << 16
_EOL = re.compile(rb"\r\n|\r|\n")


def check_text(path: Path, line: int, what: str, text: str) -> str:
    """``text`` unless it is longer than :data:`MAX_TEXT` (then ImportFileError)."""
    if len(text) > MAX_TEXT:
        raise ImportFileError(
            path, line, f"{what} is {len(text):,} characters long (at most {MAX_TEXT:,})"
        )
    return text


class LineReader:
    """Iterate a text file line by line with line numbers, decoding as described above.

    ``for number, text in LineReader(path):`` yields each line without its line end.
    A line ends at LF, CRLF or a lone CR (old Mac files), all three recognised in one
    file. ``ended_with_newline`` tells, after the loop, whether the last line had a line
    end (a file cut off in the middle of a record has none). ``progress`` is called every
    ``every`` lines with (bytes read, file size).

    Only a regular file is read (a FIFO, device or folder is refused before it is
    opened: see :mod:`desktop.safe_io`); a line longer than ``max_line`` bytes or a file
    larger than ``max_bytes`` is refused at once, so memory stays flat.
    """

    def __init__(
        self,
        path: Path,
        progress: ProgressFn | None = None,
        *,
        every: int = 2000,
        max_line: int = MAX_LINE_BYTES,
        max_bytes: int | None = None,
    ) -> None:
        from desktop.safe_io import NotRegularFileError, check_regular

        self.path = Path(path)
        self.progress = progress
        self.every = every
        self.max_line = max_line
        self.encoding: str | None = None  # "utf-8" or "cp1252" once a non-ASCII line is seen
        self.encoding_line = 0
        self.ended_with_newline = True
        self.lines = 0
        try:
            self.size = check_regular(self.path).st_size
        except NotRegularFileError as exc:
            raise ImportFileError(self.path, None, exc.reason) from None
        if max_bytes is not None and self.size > max_bytes:
            raise ImportFileError(
                self.path,
                None,
                f"is {self.size / 1e6:,.0f} MB; a file of this kind is at most "
                f"{max_bytes / 1e6:,.0f} MB (is it the right file?)",
            )

    def fail(self, line: int | None, message: str) -> ImportFileError:
        return ImportFileError(self.path, line, message)

    def decode(self, raw: bytes, number: int) -> str:
        if b"\0" in raw:
            raise self.fail(number, "contains NUL bytes: this is not a text file")
        if raw.isascii():
            return raw.decode("ascii")
        try:
            text = raw.decode("utf-8")
            found = "utf-8"
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise self.fail(
                    number,
                    f"byte 0x{raw[exc.start]:02X} at column {exc.start + 1} is neither UTF-8 "
                    "nor Windows-1252 text",
                ) from None
            found = "cp1252"
        if self.encoding is None:
            self.encoding, self.encoding_line = found, number
        elif self.encoding != found:
            names = {"utf-8": "UTF-8", "cp1252": "Windows-1252 (cp1252)"}
            raise self.fail(
                number,
                f"this line is {names[found]} but line {self.encoding_line} is "
                f"{names[self.encoding]}: the file mixes two text encodings; save it again "
                "in one encoding (UTF-8 is best)",
            )
        return text

    def _too_long(self, number: int) -> ImportFileError:
        return self.fail(
            number,
            f"the line is longer than {self.max_line:,} bytes: not a code file QuickRef "
            "reads (their lines are a few hundred characters)",
        )

    def raw_lines(self) -> Iterator[tuple[bytes, bool, int]]:
        """(line without its end, whether it had one, bytes read so far), bounded."""
        from desktop.safe_io import NotRegularFileError, open_regular

        try:
            fh = open_regular(self.path)
        except NotRegularFileError as exc:
            raise self.fail(None, exc.reason) from None
        with fh:
            buf = b""
            done = 0
            skip_lf = False  # the last chunk ended in CR: a LF starting the next is its pair
            number = 0
            while chunk := fh.read(_CHUNK):
                done += len(chunk)
                if skip_lf and chunk.startswith(b"\n"):
                    chunk = chunk[1:]
                skip_lf = False
                buf += chunk
                start = 0
                while m := _EOL.search(buf, start):
                    number += 1
                    if m.start() - start > self.max_line:
                        raise self._too_long(number)
                    yield buf[start : m.start()], True, done
                    start = m.end()
                    if m.group() == b"\r" and start == len(buf):
                        skip_lf = True
                buf = buf[start:]
                if len(buf) > self.max_line:
                    raise self._too_long(number + 1)
            if buf:
                yield buf, False, done

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for number, (raw, ended, done) in enumerate(self.raw_lines(), 1):
            self.lines = number
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            self.ended_with_newline = ended
            yield number, self.decode(raw, number)
            if self.progress is not None and number % self.every == 0:
                self.progress(done, self.size)
        if self.progress is not None:
            self.progress(self.size, self.size)


def csv_rows(
    path: Path, reader: LineReader, *, comments: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows of a CSV file with their line numbers, streamed.

    ``comments``: lines starting with ``#`` count as blank. A malformed row raises
    :class:`ImportFileError` naming its line.
    """

    def lines() -> Iterator[str]:
        for _number, text in reader:
            yield "\n" if comments and text.lstrip().startswith("#") else text + "\n"

    rows = csv.reader(lines())
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(path, rows.line_num, f"not valid CSV ({exc})") from None
        if any(cell.strip() for cell in row):
            yield rows.line_num, row
