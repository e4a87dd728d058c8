"""NCCI PTP edits: CMS's practitioner tab-delimited layout, imported through `db import`,
kept only for codes in the data, and found by the claim check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop.reference import importers, paths, update
from desktop.reference.billing.claim import check_claim
from desktop.reference.importers import ncci_ptp
from desktop.reference.importers.common import ImportFileError
from desktop.reference.store import ReferenceStore

NOTICE = (
    "CPT codes, descriptions and other data only are copyright American Medical Association.\n"
    "All Rights Reserved.\n"
)
HEADER = (
    "Column 1\tColumn 2\t* = In existence prior to 1996\tEffective Date\t"
    "Deletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\t"
    "PTP Edit Rationale\n"
)


def write_ptp(path: Path, rows: list[tuple[str, ...]], *, crlf: bool = False) -> Path:
    text = NOTICE + HEADER + "".join("\t".join(r) + "\n" for r in rows)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(text.encode("cp1252"))
    return path


ROWS = [
    ("96374", "96372", "", "20100101", "*", "1", "Misuse of column two code with column one code"),
    ("99211", "96372", "", "20050101", "*", "0", "CMS policy"),
    ("96372", "J3420", "", "20200101", "20210101", "0", "deleted long ago"),
    ("27447", "20610", "", "19960101", "*", "1", "Standards of medical / surgical practice"),
]


def test_reader_reads_the_cms_layout(tmp_path: Path) -> None:
    path = write_ptp(tmp_path / "ccipra_v324r0_f1.txt", ROWS, crlf=True)
    assert ncci_ptp.looks_like(importers._first_lines(path))
    assert update.detect_format(path) == ncci_ptp.FORMAT
    edits = list(ncci_ptp.read_ptp(path))
    assert [(e.column1, e.column2, e.modifier) for e in edits] == [
        ("96374", "96372", 1), ("99211", "96372", 0), ("96372", "J3420", 0), ("27447", "20610", 1)
    ]  # fmt: skip
    assert edits[0].effective == "2010-01-01" and edits[0].deleted is None
    assert edits[2].deleted == "2021-01-01"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("96374", "96372", "", "20101345", "*", "1", ""), "not a date"),
        (("96374", "96372", "", "20100101", "*", "7", ""), "0, 1 or 9"),
        (("96374", "96372", "x"), "6 tab-separated"),
    ],
)
def test_bad_rows_name_the_line(tmp_path: Path, row: tuple[str, ...], message: str) -> None:
    path = write_ptp(tmp_path / "bad.txt", [row])
    with pytest.raises(ImportFileError, match=message) as exc:
        list(ncci_ptp.read_ptp(path))
    assert exc.value.line == 4


def test_import_keeps_pairs_in_the_data_and_the_check_finds_them(
    mini_bundled: Path, tmp_path: Path
) -> None:
    path = write_ptp(tmp_path / "ccipra_v324r0_f1.txt", ROWS)
    staged = update.prepare_import([path])
    assert staged.files[0].format == ncci_ptp.FORMAT
    assert staged.files[0].records == 3  # 27447/20610 are not in the data
    staged.commit()
    with ReferenceStore(paths.default_reference_db()) as store:
        store.verify()
        kept = store.ptp_edits(["96372", "96374", "99211", "J3420", "27447", "20610"])
        assert {(c1, c2) for c1, c2, *_ in kept} == {
            ("96374", "96372"), ("99211", "96372"), ("96372", "J3420")
        }  # fmt: skip
        today = dt.date(2026, 12, 1)
        never = check_claim(store, ["99211", "96372", "J3420", "Z23"], today=today)
        f = next(f for f in never.findings if f.rule == "ptp")
        assert f.severity == "error" and "never" in f.message and f.codes == ("99211", "96372")
        needs = check_claim(store, ["96374", "96372", "J3420", "Z23"], today=today)
        assert any(f.rule == "ptp" and f.severity == "warning" for f in needs.findings)
        with_59 = check_claim(store, ["96374", "96372-59", "J3420", "Z23"], today=today)
        assert not any(f.rule == "ptp" for f in with_59.findings)
        # The deleted edit (96372/J3420) is not a finding.
        assert all(f.codes != ("96372", "J3420") for f in needs.findings if f.rule == "ptp")


def test_a_database_without_imported_edits_has_no_ptp_findings(store: ReferenceStore) -> None:
    result = check_claim(store, ["99211", "96372", "J3420", "Z23"], today=dt.date(2026, 12, 1))
    assert not any(f.rule == "ptp" for f in result.findings)
