"""CMS MUE values: the committed subset on the real database, the importer, db import."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.reference import paths, update
from desktop.reference.importers import cms_mue
from desktop.reference.importers.common import ImportFileError
from desktop.reference.paths import bundled_data_dir
from desktop.reference.store import ReferenceStore, stale_code_set_warnings

SHARED = Path("/work/shared/data/cms/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv")
NOTICE = (
    '"Current Procedural Terminology (CPT) codes, descriptions and other data only are '
    "copyright 2025 American Medical Association. All rights reserved. \r\n\r\n"
    "CPT\xae is a registered trademark of the American Medical Association.\r\n\r\n"
    'Applicable FARS/DFARS Restrictions Apply to Government Use. ",,,\r\n'
)
HEADER = (
    '"HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,'
    "MUE Rationale\r\n"
)
ROWS = [
    ("96372", "6", "3 Date of Service Edit: Clinical", "Clinical: Data"),
    ("J3420", "2", "3 Date of Service Edit: Clinical", "Prescribing Information"),
    ("90471", "1", "2 Date of Service Edit: Policy", "Code Descriptor / CPT Instruction"),
    ("J1885", "8", "1 Line Edit", "Prescribing Information"),
]


def write_mue(path: Path, rows: list[tuple[str, ...]] = ROWS, *, header: str = HEADER) -> Path:
    """A file in CMS's real layout: cp1252, notice cell over several lines, split header."""
    body = NOTICE + header + "".join(",".join(r) + "\r\n" for r in rows)
    path.write_bytes(body.encode("cp1252"))
    return path


# ------------------------------------------------------------------ the shipped values


@pytest.mark.parametrize(
    ("code", "units", "indicator"),
    [
        ("96372", 4, 3),
        ("90471", 1, 2),
        ("90472", 8, None),
        ("J3420", 1, None),
        ("J1885", 8, None),
        ("J0696", 16, None),
        ("J3301", 16, None),
        ("96374", 1, None),
        ("G0008", 1, None),
    ],
)
def test_known_mue_values(
    store: ReferenceStore, code: str, units: int, indicator: int | None
) -> None:
    mue = store.mue(code)
    assert mue is not None and mue.code == code and mue.units == units
    if indicator is not None:
        assert mue.indicator == indicator
    assert mue.effective == "2026-04-01"
    assert mue.indicator_text and mue.rationale


def test_mue_lookup_is_normalised_and_none_for_codes_without_one(store: ReferenceStore) -> None:
    assert store.mue(" j3420 ") == store.mue("J3420")
    assert store.mue("JZ") is None and store.mue("") is None and store.mue("E53.8") is None
    assert store.mue("96372").indicator_text.startswith("Date of service edit, clinical")  # type: ignore[union-attr]
    assert store.mue("90471").indicator_text.startswith("Date of service edit, policy")  # type: ignore[union-attr]


def test_every_curated_billable_code_has_its_mue_when_cms_lists_one(store: ReferenceStore) -> None:
    subset = tomllib.loads((bundled_data_dir() / "mue.toml").read_text(encoding="utf-8"))
    listed = {row[0] for row in subset["rows"]}
    for name in ("cpt.toml", "hcpcs.toml"):
        for rec in tomllib.loads((bundled_data_dir() / name).read_text(encoding="utf-8"))["code"]:
            if rec["code"] in listed:
                assert store.mue(rec["code"]) is not None, rec["code"]
    assert subset["effective"] == "2026-04-01" and subset["source"] == "cms-mue-2026-q2"
    assert "cms-mue-2026-q2" in {s.id for s in store.sources()}


@pytest.mark.skipif(not SHARED.is_file(), reason="the CMS MUE table is not on this machine")
def test_subset_matches_the_real_cms_file() -> None:
    rows = {r.code: r for r in cms_mue.read_mue(SHARED)}
    assert len(rows) == 15095
    subset = tomllib.loads((bundled_data_dir() / "mue.toml").read_text(encoding="utf-8"))
    for code, units, indicator, rationale in subset["rows"]:
        assert (rows[code].units, rows[code].indicator, rows[code].rationale) == (
            units,
            indicator,
            rationale,
        ), code
    curated: set[str] = set()
    for name in ("cpt.toml", "hcpcs.toml"):
        text = (bundled_data_dir() / name).read_text(encoding="utf-8")
        curated |= {c["code"] for c in tomllib.loads(text)["code"]}
    missing = {c for c in curated if c in rows} - {r[0] for r in subset["rows"]}
    assert not missing, f"curated codes CMS lists but the subset lacks: {sorted(missing)}"
    assert cms_mue.effective_date(SHARED) == "2026-04-01"


def test_show_json_gains_mue(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--db", str(reference_db), "show", "96372", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["mue"]["units"] == 4 and rec["mue"]["indicator"] == 3
    assert rec["mue"]["effective"] == "2026-04-01" and rec["mue"]["rationale"]
    assert cli_main(["--db", str(reference_db), "show", "JZ", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mue"] is None


# ------------------------------------------------------------------ the reader


def test_reader_takes_the_real_layout(tmp_path: Path) -> None:
    path = write_mue(tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv")
    rows = list(cms_mue.read_mue(path))
    assert [(r.code, r.units, r.indicator) for r in rows] == [
        ("96372", 6, 3),
        ("J3420", 2, 3),
        ("90471", 1, 2),
        ("J1885", 8, 1),
    ]
    assert rows[0].line == 8  # the 5-line notice and the 2-line header come first
    assert cms_mue.effective_date(path) == "2026-07-01"
    assert update.detect_format(path) == cms_mue.FORMAT


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (ROWS, "Code,Units,Indicator,Rationale\r\n", "no 'Practitioner Services MUE Values'"),
        ([("96372", "four", "3 Date of Service Edit: Clinical", "x")], HEADER, "not a whole"),
        ([("96372", "4", "4 Date of Service Edit", "x")], HEADER, "is not 1, 2 or 3"),
        ([("963", "4", "3 Date", "x")], HEADER, "is not a CPT or HCPCS code"),
        ([ROWS[0], ROWS[0]], HEADER, "listed twice"),
        ([("96372", "4")], HEADER, "expected 4 columns"),
        ([], HEADER, "no code rows"),
        ([("96372", "4", "3 " + "x" * 6000, "y")], HEADER, "longer than"),
    ],
)
def test_malformed_files_get_a_clear_message(
    tmp_path: Path, rows: list[tuple[str, ...]], header: str, message: str
) -> None:
    path = write_mue(
        tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv", rows, header=header
    )
    with pytest.raises(ImportFileError) as err:
        list(cms_mue.read_mue(path))
    assert message in str(err.value) and path.name in str(err.value)


# ------------------------------------------------------------------ db import


def test_db_import_takes_a_later_quarter(mini_bundled: Path, tmp_path: Path) -> None:
    path = write_mue(tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv")
    with ReferenceStore(mini_bundled) as before:
        assert before.mue("96372").units == 4  # type: ignore[union-attr]
        old_codes = before.info().code_sets
    staged = update.prepare_import([path])
    assert staged.files[0].format == cms_mue.FORMAT and staged.files[0].records == 4
    new_db = staged.commit()
    assert new_db is not None and paths.default_reference_db() == new_db
    with ReferenceStore(verify=True) as store:
        mue = store.mue("96372")
        assert mue is not None and (mue.units, mue.effective) == (6, "2026-07-01")
        assert store.mue("J1885").indicator == 1  # type: ignore[union-attr]
        assert store.mue("90472") is None  # the new quarter replaces the table whole
        info = store.info()
        assert info.mue is not None
        assert (info.mue.effective_from, info.mue.effective_through) == ("2026-07-01", "2026-09-30")
        assert info.code_sets == old_codes  # code sets untouched by an MUE import
        assert not any(
            w.startswith("MUE") for w in stale_code_set_warnings(info, _day("2026-08-01"))
        )


def test_bad_mue_file_changes_nothing(mini_bundled: Path, tmp_path: Path) -> None:
    path = write_mue(
        tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv",
        [ROWS[0], ("J3420", "x", "3 Date of Service Edit: Clinical", "y")],
    )
    with pytest.raises(ImportFileError, match="not a whole number"):
        update.prepare_import([path])
    assert paths.default_reference_db() == mini_bundled
    unnamed = write_mue(tmp_path / "mue.csv")
    with pytest.raises(ImportFileError, match="which quarter"):
        update.prepare_import([unnamed])


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.skipif(not SHARED.is_file(), reason="the CMS MUE table is not on this machine")
def test_db_import_of_the_real_cms_file(mini_bundled: Path, tmp_path: Path) -> None:
    staged = update.prepare_import([SHARED])
    assert staged.files[0].format == cms_mue.FORMAT and staged.files[0].records == 15095
    new_db = staged.commit()
    assert new_db is not None
    with ReferenceStore(new_db) as store:
        assert store.mue("96372").units == 4  # type: ignore[union-attr]
        assert store.mue("V5364") is not None  # rows beyond QuickRef's own codes too
        info = store.info()
        assert info.mue is not None and info.mue.rows == 15095
        assert (info.mue.effective_from, info.mue.effective_through) == ("2026-04-01", "2026-06-30")
