"""Drug dose -> billing units of a HCPCS code.

A HCPCS drug code is billed in units of its descriptor's amount ("per 250 mg", "up to
1,000 mcg"). The dose is converted to the code's unit (g, mg and mcg convert into each
other; units and mL only into themselves), divided by the unit amount, and a dose that
falls between whole units rounds up: 1 g of ceftriaxone is 4 units of J0696 (250 mg);
300 mg is 2. Decimal arithmetic throughout, so 0.3 mg / 0.1 mg is exactly 3.

Amounts are read by :mod:`desktop.reference.billing.amounts` (one rule for separators);
the billing module (:func:`desktop.reference.billing.dose.drug_dose`) adds the discard,
the container and the warnings, and is what the CLI and the checklist call.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from desktop.reference.billing.amounts import UnitError, normalise_unit, parse_amount, parse_dose
from desktop.reference.store import BillingUnit, ReferenceStore

__all__ = [
    "MAX_UNITS",
    "DoseUnits",
    "UnitError",
    "billing_units",
    "exact_units",
    "normalise_unit",
    "parse_amount",
    "parse_dose",
    "units_for_code",
]

# Each unit: (dimension, factor to the dimension's base).
_UNITS: dict[str, tuple[str, Decimal]] = {
    "g": ("mass", Decimal(1_000_000)),
    "mg": ("mass", Decimal(1000)),
    "mcg": ("mass", Decimal(1)),
    "units": ("units", Decimal(1)),
    "mL": ("volume", Decimal(1)),
}
MAX_UNITS = 100_000


@dataclass(frozen=True, slots=True)
class DoseUnits:
    code: str
    dose_amount: Decimal
    dose_unit: str
    billing_unit: BillingUnit
    units: int
    warnings: tuple[str, ...] = ()


def exact_units(
    billing_unit: BillingUnit, dose: Decimal | str | float | int, dose_unit: str
) -> Decimal:
    """``dose`` in billing units, not rounded (0.5 for 125 mg of a per-250-mg code)."""
    amount = parse_amount(dose, allow_zero=True)
    unit = normalise_unit(dose_unit)
    dim, factor = _UNITS[unit]
    code_dim, code_factor = _UNITS[billing_unit.unit]
    if dim != code_dim:
        raise UnitError(
            f"A dose in {unit} cannot be converted to this code's unit "
            f"({billing_unit}); enter the dose in {billing_unit.unit}"
            + (" (or g, mg, mcg)." if code_dim == "mass" else ".")
        )
    return (amount * factor) / (billing_unit.amount * code_factor)


def billing_units(
    billing_unit: BillingUnit, dose: Decimal | str | float | int, dose_unit: str
) -> int:
    """Whole billing units for ``dose`` of a code billed per ``billing_unit`` (rounded up)."""
    amount = parse_amount(dose)
    unit = normalise_unit(dose_unit)
    ratio = exact_units(billing_unit, amount, unit)
    if ratio > MAX_UNITS:
        raise UnitError(
            f"{format(amount, 'f')} {unit} is more than {MAX_UNITS:,} billing units of "
            f"{billing_unit}: check the dose and its unit."
        )
    units = int(ratio.to_integral_value(rounding=ROUND_CEILING))
    return max(units, 1)


def units_for_code(
    store: ReferenceStore, code: str, dose: Decimal | str | float | int, dose_unit: str | None
) -> DoseUnits:
    """Billing units for a dose of the drug billed with ``code`` (e.g. J0696).

    The same function the checklist uses (through the billing module), so the CLI and
    the window answer alike, warnings included.
    """
    from desktop.reference.billing.dose import drug_dose, drug_record

    record = drug_record(store, code)
    d = drug_dose(store, code, dose, dose_unit)
    assert record.billing_unit is not None
    return DoseUnits(d.code, d.dose, d.unit, record.billing_unit, d.units, d.warnings)
