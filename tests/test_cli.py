"""The command line contract: output shapes, exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__
from desktop.cli import main

COVID_CODES = (
    "0001A 0002A 0003A 0004A 0011A 0012A 0013A 0021A 0022A 0031A 0034A 0041A 0042A 0044A "
    "0051A 0052A 0053A 0054A 0064A 0071A 0072A 0073A 0074A 0081A 0082A 0083A 0091A 0092A "
    "0093A 0094A 0104A 0111A 0112A 0113A 0124A 0134A 0144A 0154A 0164A 0173A"
).split()


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_search_json(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "--db", str(reference_db), "search", "im injection", "--json")
    assert out["query"] == "im injection"
    first = out["results"][0]
    assert first == {
        "code": "96372", "system": "CPT", "title": first["title"], "billable": True,
        "status": "active", "matched": first["matched"], "dose": None,
    }  # fmt: skip
    dosed = run_json(capsys, "--db", str(reference_db), "search", "rocephin 1 g", "--json")
    assert dosed["results"][0]["code"] == "J0696"
    assert dosed["results"][0]["dose"] == {"amount": "1", "unit": "g", "units": 4}
    chf = run_json(capsys, "--db", str(reference_db), "search", "chf", "--json")
    assert chf["results"][0]["code"] == "I50.9" and chf["results"][0]["matched"] == "chf"


def test_a_modifier_not_in_the_reference_is_left_out_and_said(
    reference_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_json(capsys, "--db", str(reference_db), "search", "96372-59", "--json")
    assert [r["code"] for r in out["results"]] == ["96372"]  # "59" searched nothing
    assert out["modifiers_not_in_reference"] == ["59"]
    known = run_json(capsys, "--db", str(reference_db), "search", "99213-25", "--json")
    assert known["modifiers_not_in_reference"] == []
    assert main(["--db", str(reference_db), "search", "96372 mod xu"]) == 0
    assert "left out: modifier XU" in capsys.readouterr().out


def test_search_system_and_limit(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys, "--db", str(reference_db), "search", "vitamin", "--system", "ICD-10-CM",
        "--limit", "3", "--json",
    )  # fmt: skip
    assert len(out["results"]) == 3
    assert {r["system"] for r in out["results"]} == {"ICD-10-CM"}


def test_search_plain_text(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(reference_db), "search", "toradol"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("J1885") and "ketorolac" in first.lower()


def test_show_96372_carries_every_cross_reference(
    reference_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = run_json(capsys, "--db", str(reference_db), "show", "96372", "--json")
    assert rec["code"] == "96372" and rec["system"] == "CPT" and rec["billable"] is True
    assert rec["status"] == "active" and rec["billing_unit"] is None
    refs = {(x["relation"], x["code"]) for x in rec["see_also"]}
    for code in ("90460", "90461", "90471", "90472", *COVID_CODES, "96401", "96402"):
        assert ("use_instead", code) in refs, code
    for code in ("G0008", "G0009", "G0010"):
        assert ("use_instead", code) in refs, code
    assert {("report_with", "JW"), ("report_with", "JZ")} <= refs
    assert ("see_also", "99211") in refs
    notes = " ".join(rec["notes"]).lower()
    for phrase in ("modifier 25", "99211", "direct supervision", "facility", "jz", "jw",
                   "hydration", "96401", "96402"):  # fmt: skip
        assert phrase in notes, phrase
    qa = " ".join(q["question"] + " " + q["answer"] for q in rec["questions"]).lower()
    assert "anatomic" in qa
    assert all(n["source"] for n in rec["notes_detail"])


def test_show_drug(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = run_json(capsys, "--db", str(reference_db), "show", "j0696", "--json")
    assert rec["billing_unit"] == {"amount": 250, "unit": "mg"}
    assert any(t.lower() == "rocephin" for t in rec["terms"])


def test_show_icd_without_dot(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = run_json(capsys, "--db", str(reference_db), "show", "E538", "--json")
    assert rec["code"] == "E53.8" and rec["parent"] == "E53" and rec["billable"] is True
    cat = run_json(capsys, "--db", str(reference_db), "show", "E53", "--json")
    assert cat["billable"] is False and "E53.8" in cat["children"]


def test_show_unknown_code(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(reference_db), "show", "9637Q"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no code '9637Q'" in err and "96372" in err


def test_units(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "--db", str(reference_db), "units", "J0696", "1", "g", "--json")
    assert out == {
        "code": "J0696",
        "dose": {"amount": 1, "unit": "g"},
        "billing_unit": {"amount": 250, "unit": "mg"},
        "units": 4,
        "warnings": [],
    }
    assert main(["--db", str(reference_db), "units", "J0696", "1", "mL"]) == 1
    assert "cannot be converted" in capsys.readouterr().err


def test_db_info(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    info = run_json(capsys, "--db", str(reference_db), "db", "info", "--json")
    assert info["checksum_ok"] is True and info["schema_version"] == 2
    assert {c["system"] for c in info["code_sets"]} == {"CPT", "HCPCS", "ICD-10-CM"}


def test_damaged_database_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"\0" * 4096)
    assert main(["--db", str(bad), "search", "shot"]) == 2
    err = capsys.readouterr().err
    assert "quickref db build" in err and "Traceback" not in err


def test_installed_entry_point(reference_db: Path) -> None:
    version = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == f"QuickRef {__version__}"
    out = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--db", str(reference_db), "search", "b12", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(out.stdout)["results"][0]["code"] == "J3420"


@pytest.mark.parametrize(
    ("argv", "window"),
    [
        ([], True),
        (["--db", "x.sqlite"], True),
        (["--db=x.sqlite", "--self-test"], True),
        (["--self-test", "--db", "x.sqlite"], True),
        (["search", "b12"], False),
        (["--db", "x.sqlite", "show", "96372"], False),
        (["--help"], False),
        (["--version"], False),
        (["--db"], False),
        (["--db", "--self-test"], False),
        (["nonsense"], False),
    ],
)
def test_window_only_tells_a_window_start_from_a_command(argv: list[str], window: bool) -> None:
    from desktop.cli import window_only

    assert window_only(argv) is window


@pytest.mark.parametrize("argv", [[], ["--db", "x.sqlite"], ["--self-test", "--db=y.sqlite"]])
def test_window_parser_reads_a_window_start_as_the_full_parser_does(argv: list[str]) -> None:
    from desktop.cli import _parser

    light, full = _parser(commands=False).parse_args(argv), _parser().parse_args(argv)
    assert (light.command, light.db, light.self_test) == (full.command, full.db, full.self_test)


def test_an_unknown_command_is_still_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["nonsense"])
    assert exc.value.code == 1
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err
