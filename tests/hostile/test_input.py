"""Hostile import files, usage errors and echoed input, through the real CLI."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.conftest import HANG_TIMEOUT, Runner


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "stdin", "proc", "folder"])
def test_import_refuses_what_is_not_a_regular_file(run: Runner, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "codes.txt"
    words = {
        "fifo": "is not a regular file (it is a pipe/FIFO)",
        "dev-zero": "is not a regular file (it is a device)",
        "stdin": "not a regular file",
        "proc": "is a system file",
        "folder": "is a folder",
    }[kind]
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "stdin":
        path = Path("/dev/stdin")
    elif kind == "proc":
        path = Path("/proc/self/status")
    else:
        path.mkdir()
    r = run("db", "import", "--dry-run", str(path), timeout=HANG_TIMEOUT)
    assert r.code == 1 and words in r.err, r.err


def test_a_200_mb_one_line_cpt_file_is_refused_quickly(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "LONGULT.txt"
    with path.open("wb") as fh:
        fh.write(b"96372\t")
        block = b"x" * (1 << 20)
        for _ in range(200):
            fh.write(block)
    r = run("db", "import", "--dry-run", str(path), timeout=HANG_TIMEOUT * 2)
    assert r.code == 1 and "MB" in r.err and "nothing was changed" in r.err


def test_a_long_line_is_refused_naming_it(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "cpt.txt"
    path.write_bytes(b"96372\tok\n96373\t" + b"y" * 100_000 + b"\n")
    r = run("db", "import", "--dry-run", str(path), timeout=HANG_TIMEOUT * 2)
    assert r.code == 1 and "line 2" in r.err and "longer than" in r.err


HCPCS_CSV_HEADER = "HCPC,SEQNUM,RECID,LONG DESCRIPTION,SHORT DESCRIPTION\n"


@pytest.mark.parametrize("seq", ["²", "٣", "1" * 5000])
def test_hcpcs_csv_seqnum_that_is_no_number(run: Runner, tmp_path: Path, seq: str) -> None:
    path = tmp_path / "hcpcs.csv"
    path.write_text(HCPCS_CSV_HEADER + f"J0696,{seq},3,Injection ceftriaxone,Ceftriaxone\n")
    r = run("db", "import", "--dry-run", str(path))
    assert r.code == 1 and "SEQNUM" in r.err and len(r.err) < 1000


@pytest.mark.parametrize("version", ["²", "9" * 5000, "20x6"])
def test_xml_version_that_is_no_year(run: Runner, tmp_path: Path, version: str) -> None:
    path = tmp_path / "tabular.xml"
    path.write_text(f"<ICD10CM.tabular><version>{version}</version></ICD10CM.tabular>")
    r = run("db", "import", "--dry-run", str(path))
    assert r.code == 1 and "is not a year" in r.err and len(r.err) < 1000


def test_end_of_input_at_the_switch_prompt_changes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "local.csv"
    path.write_text("record,system,code,title,text,amount,unit,routes\ncode,LOCAL,X1,Mine,,,,\n")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "db", "import", str(path)],
        env=env,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(slave)
    os.write(master, b"\x04")  # Ctrl+D: end of input
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert "Traceback" not in err and proc.returncode == 0, err
    assert "Nothing was changed" in out
    assert not (Path(env["QUICKREF_DATA_DIR"]) / "reference" / "active.json").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["search", "x", "--limit", "1e9"],
        ["search", "x", "--limit", "0"],
        ["search", "x", "--limit", "99999999999999999999"],
        ["db", "import", "-x.csv"],
        ["show"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_1_not_2(run: Runner, args: list[str]) -> None:
    r = run(*args)
    assert r.code == 1 and "error" in r.err


def test_a_dash_file_name_gets_a_hint(run: Runner) -> None:
    assert "./-x.csv" in run("db", "import", "-x.csv").err


@pytest.mark.parametrize(
    "amount",
    [
        "1,5",  # decimal comma or thousands? refused, never read as 15
        "1.000,5",
        "1e999999",
        "-inf",
        "1e5000",
        "nan",
    ],
)
def test_unusable_amounts_get_a_clear_message_and_exit_1(run: Runner, amount: str) -> None:
    r = run("units", "J0696", amount, "g")
    assert r.code == 1 and r.out == "" and amount in r.err


def test_echoed_input_is_capped_and_escaped(run: Runner) -> None:
    code = "\x1b[31mEVIL\x1b]0;title\x07" + "A" * 100_000
    r = run("show", code)
    assert r.code == 1
    assert "\x1b" not in r.err and "\x07" not in r.err and len(r.err) < 1000
    assert "\\x1b[31mEVIL" in r.err
    r = run("search", "\x1b[2J" + "q" * 100_000)
    assert "\x1b" not in r.out and len(r.out) < 1000


def test_import_message_escapes_a_cell(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "local.csv"
    path.write_text(
        "record,system,code,title,text,amount,unit,routes\n"
        f"code,\x1b[31m{'S' * 50_000},X1,Mine,,,,\n"
    )
    r = run("db", "import", "--dry-run", str(path))
    assert r.code == 1 and "\x1b" not in r.err and len(r.err) < 1500
