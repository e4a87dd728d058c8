"""Generators of small code files in the real official layouts, for the import tests."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


def order_line(n: int, code: str, billable: bool, long_title: str, short: str = "") -> str:
    """One line of CMS's icd10cm_order_YYYY.txt (code without its dot)."""
    key = code.replace(".", "")
    short = (short or long_title)[:60]
    return f"{n:05d} {key:<7} {int(billable)} {short:<60} {long_title}"


def write_order_file(
    path: Path,
    codes: Iterable[tuple[str, bool, str]],
    *,
    newline: str = "\r\n",
    encoding: str = "ascii",
) -> Path:
    """``codes``: (code, billable, long title) in file order."""
    with path.open("w", encoding=encoding, newline="") as fh:
        for n, (code, billable, title) in enumerate(codes, 1):
            fh.write(order_line(n, code, billable, title) + newline)
    return path


@dataclass
class Hcpcs:
    code: str
    long: str
    short: str = ""
    modifier: bool = False
    added: str = "20000101"
    effective: str = ""
    terminated: str = ""
    action: str = "N"
    xrefs: Sequence[str] = field(default_factory=tuple)


def _put(buf: list[str], first: int, text: str) -> None:
    for i, ch in enumerate(text):
        buf[first - 1 + i] = ch


def hcpcs_lines(rec: Hcpcs) -> list[str]:
    """The 320-character records of one code: a first record and continuations."""
    # CMS breaks long descriptions between words, 80 characters a record.
    parts = textwrap.wrap(rec.long, 80) or [""]
    out = []
    first_id, cont_id = ("7", "8") if rec.modifier else ("3", "4")
    for seq, part in enumerate(parts, 1):
        buf = [" "] * 320
        _put(buf, 1, rec.code.ljust(5))
        _put(buf, 6, f"{seq * 100:05d}")
        _put(buf, 11, first_id if seq == 1 else cont_id)
        _put(buf, 12, part.ljust(80))
        if seq == 1:
            _put(buf, 92, (rec.short or rec.long)[:28].ljust(28))
            for i, x in enumerate(rec.xrefs[:5]):
                _put(buf, 205 + 5 * i, x.ljust(5))
            _put(buf, 270, rec.added.ljust(8))
            _put(buf, 278, rec.effective.ljust(8))
            _put(buf, 286, rec.terminated.ljust(8))
            _put(buf, 294, rec.action)
        out.append("".join(buf))
    return out


def write_hcpcs_fixed(path: Path, recs: Iterable[Hcpcs], encoding: str = "ascii") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        for rec in recs:
            for line in hcpcs_lines(rec):
                fh.write(line + "\r\n")
    return path


def write_hcpcs_csv(path: Path, recs: Iterable[Hcpcs]) -> Path:
    """The same records as CMS's spreadsheet saved as CSV (continuation rows kept)."""
    import csv

    header = ["HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION", "SHORT DESCRIPTION"]
    header += [f"XREF{i}" for i in range(1, 6)] + ["ADD DT", "ACT EFF DT", "TERM DT", "ACTION CD"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for rec in recs:
            for line in hcpcs_lines(rec):
                rec_id = line[10]
                first = rec_id in "37"
                xrefs = [line[204 + 5 * i : 209 + 5 * i].strip() for i in range(5)]
                w.writerow(
                    [
                        line[0:5].strip(),
                        line[5:10],
                        rec_id,
                        line[11:91].strip(),
                        line[91:119].strip() if first else "",
                        *(xrefs if first else [""] * 5),
                        rec.added if first else "",
                        rec.effective if first else "",
                        rec.terminated if first else "",
                        rec.action if first else "",
                    ]
                )
    return path


LONGULT_HEADER = [
    "CPT five-digit numeric codes, descriptions, and other data only are copyright 2026",
    "American Medical Association. All rights reserved.",
    "",
    "AMA-ULT LONG DESCRIPTORS (test fixture: generated text, not AMA text)",
]


def write_cpt(path: Path, rows: Iterable[tuple[str, str]], *, header: bool = True) -> Path:
    """LONGULT.txt layout (header block, then code<TAB>text); made-up texts only."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        if header:
            for line in LONGULT_HEADER:
                fh.write(line + "\r\n")
        for code, text in rows:
            fh.write(f"{code}\t{text}\r\n")
    return path


def write_local_csv(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record", "system", "code", "title", "text", "amount", "unit", "routes"])
        for row in rows:
            w.writerow(list(row) + [""] * (8 - len(row)))
    return path
