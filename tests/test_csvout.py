"""The formula-safe CSV writer (OWASP CSV injection advice), on real files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from desktop.csvout import CsvWriteError, safe_cell, write_csv, write_csv_file


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx", "=", "-"])
def test_cells_a_spreadsheet_would_run_are_written_as_text(text: str) -> None:
    assert safe_cell(text) == "'" + text
    buf = io.StringIO()
    write_csv(buf, ["h"], [[text]])
    [header, [cell]] = list(csv.reader(io.StringIO(buf.getvalue())))
    assert header == ["h"] and cell == "'" + text


@pytest.mark.parametrize("value", ["96372", "J3420 x 1 JZ", "a=b", "1-2", "", None, 3])
def test_ordinary_cells_are_unchanged(value: object) -> None:
    assert safe_cell(value) == ("" if value is None else str(value))


def test_write_csv_file_with_bom_and_quoting(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows = [["a, b", 'say "hi"', "line\nbreak"], ["=cmd", "ok", ""]]
    assert write_csv_file(path, ["one", "two", "three"], rows, bom=True) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh))
    assert back == [["one", "two", "three"], rows[0], ["'=cmd", "ok", ""]]


def test_a_folder_or_a_missing_folder_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    with pytest.raises(CsvWriteError, match="is a folder"):
        write_csv_file(tmp_path, ["h"], [])
    with pytest.raises(CsvWriteError, match="does not exist"):
        write_csv_file(tmp_path / "nope" / "x.csv", ["h"], [])
    assert list(tmp_path.iterdir()) == []
    assert not (tmp_path.parent / (tmp_path.name + ".tmp")).exists()


def test_a_failing_row_source_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv_file(path, ["h"], [["old"]])

    def rows():  # type: ignore[no-untyped-def]
        yield ["new"]
        raise OSError(28, "No space left on device")

    with pytest.raises(CsvWriteError, match="No space left"):
        write_csv_file(path, ["h"], rows())
    assert path.read_text(encoding="utf-8").splitlines() == ["h", "old"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
