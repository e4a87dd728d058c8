"""Billing units: conversions, rounding up, and clear errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.reference.store import BillingUnit, ReferenceStore
from desktop.reference.units import UnitError, billing_units, normalise_unit, units_for_code

PER_250_MG = BillingUnit(Decimal(250), "mg")


@pytest.mark.parametrize(
    ("dose", "unit", "units"),
    [
        ("1", "g", 4),
        ("1000", "mg", 4),
        ("250", "mg", 1),
        ("251", "mg", 2),
        ("300", "mg", 2),
        ("500", "mg", 2),
        ("0.5", "g", 2),
        ("1", "mg", 1),
        ("250000", "mcg", 1),
        ("2", "G", 8),
    ],
)
def test_mass_conversions_round_up(dose: str, unit: str, units: int) -> None:
    assert billing_units(PER_250_MG, dose, unit) == units


def test_decimal_amounts_are_exact() -> None:
    assert billing_units(BillingUnit(Decimal("0.1"), "mg"), "0.3", "mg") == 3
    assert billing_units(BillingUnit(Decimal("0.1"), "mg"), "300", "mcg") == 3
    assert billing_units(BillingUnit(Decimal(100000), "units"), "1,200,000", "units") == 12
    assert billing_units(BillingUnit(Decimal(100000), "units"), "2400000", "IU") == 24


@pytest.mark.parametrize(
    ("billing", "dose", "unit", "message"),
    [
        (PER_250_MG, "1", "mL", "cannot be converted"),
        (PER_250_MG, "1", "units", "cannot be converted"),
        (BillingUnit(Decimal(100000), "units"), "1", "mg", "cannot be converted"),
        (PER_250_MG, "0", "mg", "positive"),
        (PER_250_MG, "-5", "mg", "positive"),
        (PER_250_MG, "abc", "mg", "not a number"),
        (PER_250_MG, "nan", "mg", "positive"),
        (PER_250_MG, "1", "bananas", "Unknown unit"),
        (PER_250_MG, "1e12", "g", "exponent"),
        (PER_250_MG, "1000000000", "g", "check the dose"),
    ],
)
def test_bad_doses_are_refused(billing: BillingUnit, dose: str, unit: str, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        billing_units(billing, dose, unit)


def test_aliases() -> None:
    assert normalise_unit("µg") == "mcg"
    assert normalise_unit("ML") == "mL"
    assert normalise_unit("iu") == "units"


def test_real_codes(store: ReferenceStore) -> None:
    assert units_for_code(store, "J0696", "1", "g").units == 4
    assert units_for_code(store, "j3420", "1000", "mcg").units == 1
    assert units_for_code(store, "J3420", "1", "mg").units == 1
    assert units_for_code(store, "J1885", "30", "mg").units == 2
    assert units_for_code(store, "J1885", "60", "mg").units == 4
    assert units_for_code(store, "J0561", "2400000", "units").units == 24
    with pytest.raises(UnitError, match="no billing unit"):
        units_for_code(store, "96372", "1", "mg")
    with pytest.raises(UnitError, match="not a HCPCS drug code"):
        units_for_code(store, "J0000", "1", "mg")
    with pytest.raises(UnitError, match="cannot be converted"):
        units_for_code(store, "J0696", "1", "mL")
