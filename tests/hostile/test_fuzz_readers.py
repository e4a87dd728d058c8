"""Hypothesis feeds every importer's reader random bytes and lines.

Only two outcomes are allowed: clean records, or ImportFileError (TabularReadError for
the XML reader) with a short, escaped message. Never another exception, never a hang.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.reference.importers import (
    cpt_licensed,
    hcpcs_csv,
    hcpcs_fixed,
    icd10cm_order,
    icd10cm_tabular,
    local_csv,
)
from desktop.reference.importers.common import MAX_TEXT, CodeRow, ImportFileError, LineReader

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EOL = st.sampled_from(["\n", "\r\n", "\r"])
CELL = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


def _read(reader: Callable[[Path], Iterable[object]], data: bytes) -> list[object]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.txt"
        path.write_bytes(data)
        try:
            return list(reader(path))
        except (ImportFileError, icd10cm_tabular.TabularReadError) as exc:
            message = str(exc)
            assert len(message) < 2000
            assert not any(ord(c) < 0x20 for c in message), message
            return []


READERS: dict[str, Callable[[Path], Iterable[object]]] = {
    "cpt": lambda p: cpt_licensed.CptFile(p),
    "hcpcs-fixed": hcpcs_fixed.read_hcpcs_fixed,
    "hcpcs-csv": hcpcs_csv.read_hcpcs_csv,
    "icd-order": icd10cm_order.read_order_file,
    "local-csv": local_csv.read_local_csv,
    "icd-xml": icd10cm_tabular.read_tabular,
}


def _check_records(records: list[object]) -> None:
    for rec in records:
        if isinstance(rec, CodeRow):
            assert rec.code and len(rec.title) <= MAX_TEXT * 2
        elif isinstance(rec, cpt_licensed.LicensedRow):
            assert len(rec.text) <= MAX_TEXT and "\r" not in rec.text and "\n" not in rec.text
        elif isinstance(rec, local_csv.LocalRecord):
            assert rec.amount is None or rec.amount.is_finite()


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(sorted(READERS)))
def test_random_bytes(data: bytes, name: str) -> None:
    _check_records(_read(READERS[name], data))


@FUZZ
@given(
    st.lists(
        st.one_of(
            st.just("96372\tInjection"),
            st.just("J0696000013Injection, ceftriaxone sodium, per 250 mg".ljust(320)),
            st.just("00001 A000    0 Cholera" + " " * 53 + "Cholera long"),
            st.just("record,system,code,title,text,amount,unit,routes"),
            st.just("drug,HCPCS,J0696,,,1e999999,mg,IM"),
            st.just("HCPC,SEQNUM,RECID,LONG DESCRIPTION"),
            st.just("J0696,²,3,x"),
            st.lists(CELL, max_size=6).map(",".join),
            CELL,
        ),
        max_size=12,
    ),
    EOL,
    st.sampled_from(sorted(READERS)),
)
def test_plausible_lines_with_any_line_end(lines: list[str], eol: str, name: str) -> None:
    _check_records(_read(READERS[name], eol.join(lines).encode("utf-8")))


@FUZZ
@given(
    st.lists(st.text(alphabet="ab\t", min_size=1, max_size=20), max_size=20),
    st.lists(EOL, min_size=1),
)
def test_line_reader_splits_cr_lf_and_crlf_alike(lines: list[str], eols: list[str]) -> None:
    # (lines are not empty: CR, empty line, LF would be one CRLF)
    text = "".join(line + eols[i % len(eols)] for i, line in enumerate(lines))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lines.txt"
        path.write_bytes(text.encode())
        assert [t for _n, t in LineReader(path)] == lines


def test_crlf_split_across_the_read_chunk_is_one_line_end(tmp_path: Path) -> None:
    path = tmp_path / "edge.txt"
    first = "a" * ((1 << 16) - 1)  # its CR is the last byte of the first chunk read
    path.write_bytes(f"{first}\r\nsecond\rthird\n".encode())
    reader = LineReader(path)
    assert [t for _n, t in reader] == [first, "second", "third"]
    assert reader.ended_with_newline
