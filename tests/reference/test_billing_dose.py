"""One dose function for the CLI and the checklist: same units, same messages, warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.records.checklist import Checklists
from desktop.records.store import UserStore
from desktop.reference.billing.amounts import UnitError
from desktop.reference.billing.dose import MANY_UNITS, drug_dose
from desktop.reference.store import ReferenceStore


@pytest.mark.parametrize(
    ("amount", "unit"),
    [("1,5", "g"), ("1.000,5", "g"), ("1e999999", "mg"), ("inf", "mg"), ("1", "mL"), ("0", "mg")],
)
def test_cli_and_checklist_refuse_with_the_same_message(
    reference_db: Path,
    store: ReferenceStore,
    user_dir: Path,
    capsys: pytest.CaptureFixture[str],
    amount: str,
    unit: str,
) -> None:
    assert main(["--db", str(reference_db), "units", "J0696", amount, unit]) == 1
    cli_message = capsys.readouterr().err.strip().removeprefix("quickref: ")
    with UserStore() as user:
        run = Checklists(user, store).start("injection-96372")
        with pytest.raises(UnitError) as exc:
            run.set_drug("J0696", amount, unit)
    assert str(exc.value) == cli_message
    assert "Traceback" not in cli_message


def test_units_reads_the_unit_inside_the_amount(
    reference_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(reference_db), "units", "J0696", "1 g", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["units"] == 4 and out["dose"] == {"amount": 1, "unit": "g"}


def test_units_json_warns_when_the_dose_is_far_off(
    reference_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(reference_db), "units", "J0696", "1", "mg", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["units"] == 1 and "1/100 of one billing unit" in out["warnings"][0]
    assert main(["--db", str(reference_db), "units", "J0696", "50", "g", "--json"]) == 0
    many = json.loads(capsys.readouterr().out)
    assert many["units"] == 200 and f"{many['units']} billing units" in many["warnings"][0]
    assert main(["--db", str(reference_db), "units", "J0696", "1", "g"]) == 0
    assert "Warning" not in capsys.readouterr().out


def test_many_units_threshold(store: ReferenceStore) -> None:
    at = drug_dose(store, "J0696", f"{MANY_UNITS * 250} mg")
    # At the threshold only the MUE (16 a day for J0696) speaks, not the many-units check.
    assert at.units == MANY_UNITS and all("MUE" in w for w in at.warnings)
    over = drug_dose(store, "J0696", f"{MANY_UNITS * 250 + 1} mg")
    assert over.units == MANY_UNITS + 1
    assert any(f"{MANY_UNITS + 1} billing units" in w for w in over.warnings)


def test_mue_warning_when_the_store_has_mue_data(store: ReferenceStore) -> None:
    if not hasattr(ReferenceStore, "mue"):
        pytest.skip("the MUE table (data lane) is not in this build's store yet")
    mue = store.mue("J0696")  # type: ignore[attr-defined]
    if mue is None:
        pytest.skip("no MUE for J0696 in this build")
    d = drug_dose(store, "J0696", f"{(mue.units + 1) * 250} mg")
    assert any("above the MUE" in w for w in d.warnings)


def test_discarded_amount_in_another_unit_is_converted(store: ReferenceStore) -> None:
    d = drug_dose(store, "J0696", "300 mg", single_dose=True, discarded="0.2 g")
    assert d.discarded == 200 and d.unit == "mg"
    with pytest.raises(UnitError, match="ambiguous"):
        drug_dose(store, "J0696", "300 mg", single_dose=True, discarded="1,5")
