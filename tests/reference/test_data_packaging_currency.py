"""Drug packaging and code-set currency, on the real database and the real builder."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.reference import update
from desktop.reference.build import BuildError, build
from desktop.reference.currency import release_window
from desktop.reference.paths import bundled_data_dir
from desktop.reference.store import ReferenceStore, stale_code_set_warnings
from tests.conftest import MINI_TABULAR

# ------------------------------------------------------------------ packaging


def test_every_drug_has_an_explicit_packaging(store: ReferenceStore) -> None:
    drugs = store.drugs()
    assert len(drugs) > 80
    for summary in drugs:
        rec = store.record(summary.id)
        assert rec is not None
        assert rec.packaging in ("single_dose", "multi_dose", "both"), rec.code
        assert rec.single_dose == (rec.packaging == "single_dose"), rec.code


@pytest.mark.parametrize(
    ("code", "packaging"),
    [
        ("J0500", "single_dose"),  # dicyclomine: 2 mL single-dose vials
        ("J0515", "single_dose"),  # benztropine
        ("J3420", "both"),  # B12: 1 mL vials and 10 / 30 mL multiple-dose vials
        ("J1071", "both"),  # testosterone cypionate: 1 mL single-dose, 10 mL multi-dose
        ("J3301", "both"),  # Kenalog-40: 1 mL single-dose, 5 / 10 mL multi-dose
        ("J2405", "both"),  # ondansetron: 2 mL single-dose, 20 mL multi-dose
        ("J1100", "both"),  # dexamethasone: 1 mL single-dose, 30 mL multi-dose
        ("J1010", "both"),  # methylprednisolone acetate: 1 mL single-dose, 5 mL multi-dose
        ("J1885", "single_dose"),  # ketorolac: single-dose (single-use) vials
        ("J2920", "single_dose"),  # Solu-Medrol 40 mg: single-dose vial
        ("J0696", "single_dose"),  # ceftriaxone: single-use vials
        ("J1050", "single_dose"),  # medroxyprogesterone 150 mg/mL: single-dose vials, syringes
        ("J2550", "single_dose"),  # promethazine: single-dose vials and ampules
        ("J1200", "single_dose"),  # diphenhydramine: 1 mL single-dose vials
    ],
)
def test_packaging_from_the_label(store: ReferenceStore, code: str, packaging: str) -> None:
    rec = store.get(code, "HCPCS")
    assert rec is not None and rec.packaging == packaging
    if code != "J0515":
        assert "fda-ndc-packaging" in {n.source_id for n in rec.notes}


def test_show_json_gains_packaging(reference_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--db", str(reference_db), "show", "J0500", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["packaging"] == "single_dose" and rec["single_dose_container"] is True
    assert cli_main(["--db", str(reference_db), "show", "96372", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["packaging"] is None


def _data_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data)
    return data


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('packaging = "single_dose"\n', "", "missing required field 'packaging'"),
        ('packaging = "single_dose"', 'packaging = "vial"', "unknown packaging 'vial'"),
        (
            'packaging = "single_dose"',
            'packaging = "single_dose"\nsingle_dose_container = true',
            "replaced by packaging",
        ),
    ],
)
def test_build_refuses_a_drug_without_valid_packaging(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    data = _data_copy(tmp_path)
    path = data / "hcpcs.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    xml = tmp_path / "mini.xml"
    xml.write_text(MINI_TABULAR, encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(tmp_path / "ref.sqlite", data, xml)
    assert message in str(err.value) and "hcpcs.toml" in str(err.value)


# ------------------------------------------------------------------ currency


def test_every_code_set_carries_its_window(store: ReferenceStore) -> None:
    info = store.info()
    windows = {c.system: (c.effective_from, c.effective_through) for c in info.code_sets}
    assert windows["ICD-10-CM"] == ("2026-04-01", "2026-09-30")
    assert windows["HCPCS"] == ("2026-10-01", "2026-12-31")
    assert windows["CPT"] == ("2026-01-01", "2026-12-31")
    assert info.mue is not None
    assert (info.mue.effective_from, info.mue.effective_through) == ("2026-04-01", "2026-06-30")


def test_current_follows_the_window(store: ReferenceStore) -> None:
    info = store.info()
    icd = next(c for c in info.code_sets if c.system == "ICD-10-CM")
    assert icd.current(dt.date(2026, 9, 30)) and not icd.current(dt.date(2026, 10, 1))
    warnings = stale_code_set_warnings(info, dt.date(2026, 12, 1))
    assert [w.split()[0] for w in warnings] == ["ICD-10-CM", "MUE"]
    assert "CDC" in warnings[0] and "tabular" in warnings[0]
    assert "CMS" in warnings[1] and "Medically Unlikely Edits" in warnings[1]
    assert all("File > Import reference files" in w for w in warnings)
    early = stale_code_set_warnings(info, dt.date(2026, 5, 1))
    assert not any("out of date" in w for w in early)
    assert [w.split()[0] for w in early] == ["HCPCS"] and "not in force yet" in early[0]


def test_db_info_json_gives_each_code_set_its_window(
    reference_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["--db", str(reference_db), "db", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    today = dt.date.today().isoformat()
    for c in info["code_sets"]:
        assert c["effective_from"] and c["effective_through"]
        assert c["current"] == (c["effective_from"] <= today <= c["effective_through"])
    assert info["mue"]["effective_from"] == "2026-04-01" and info["mue"]["codes"] > 1000
    assert isinstance(info["warnings"], list)


def test_release_windows_of_imported_files() -> None:
    assert release_window("ICD-10-CM", "FY2027 (icd10cm_tabular_2027.xml)") == (
        "2026-10-01",
        "2027-09-30",
    )
    assert release_window("HCPCS", "HCPC2027_JAN_ANWEB.txt", "HCPC2027_JAN_ANWEB.txt") == (
        "2027-01-01",
        "2027-03-31",
    )
    assert release_window("HCPCS", "hcpcs.csv") == (None, None)
    assert release_window("MUE", "", "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv") == (
        "2026-10-01",
        "2026-12-31",
    )


def test_import_sets_the_new_window(mini_bundled: Path, tmp_path: Path) -> None:
    xml = tmp_path / "icd10cm_tabular_2027.xml"
    xml.write_text(MINI_TABULAR.replace("<version>2026</version>", "<version>2027</version>"))
    staged = update.prepare_import([xml])
    new_db = staged.commit()
    assert new_db is not None
    with ReferenceStore(new_db) as store:
        info = store.info()
        icd = next(c for c in info.code_sets if c.system == "ICD-10-CM")
        assert (icd.effective_from, icd.effective_through) == ("2026-10-01", "2027-09-30")
        assert icd.current(dt.date(2026, 12, 1))
        assert not any(
            w.startswith("ICD-10-CM") for w in stale_code_set_warnings(info, dt.date(2026, 12, 1))
        )
