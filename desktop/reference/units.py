"""Drug dose -> billing units of a HCPCS code.

A HCPCS drug code is billed in units of its descriptor's amount ("per 250 mg", "up to
1,000 mcg"). The dose is converted to the code's unit (g, mg and mcg convert into each
other; units and mL only into themselves), divided by the unit amount, and a dose that
falls between whole units rounds up: 1 g of ceftriaxone is 4 units of J0696 (250 mg);
300 mg is 2. Decimal arithmetic throughout, so 0.3 mg / 0.1 mg is exactly 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from desktop.reference.store import BillingUnit, ReferenceStore

# Each unit: (dimension, factor to the dimension's base).
_UNITS: dict[str, tuple[str, Decimal]] = {
    "g": ("mass", Decimal(1_000_000)),
    "mg": ("mass", Decimal(1000)),
    "mcg": ("mass", Decimal(1)),
    "units": ("units", Decimal(1)),
    "mL": ("volume", Decimal(1)),
}
_ALIASES = {
    "g": "g", "gm": "g", "gram": "g", "grams": "g",
    "mg": "mg", "milligram": "mg", "milligrams": "mg",
    "mcg": "mcg", "µg": "mcg", "μg": "mcg", "ug": "mcg", "microgram": "mcg", "micrograms": "mcg",
    "units": "units", "unit": "units", "u": "units", "iu": "units",
    "ml": "mL", "milliliter": "mL", "milliliters": "mL", "millilitre": "mL", "cc": "mL",
}  # fmt: skip
MAX_UNITS = 100_000


class UnitError(ValueError):
    """A dose that cannot be turned into billing units; the message says why."""


@dataclass(frozen=True, slots=True)
class DoseUnits:
    code: str
    dose_amount: Decimal
    dose_unit: str
    billing_unit: BillingUnit
    units: int


def normalise_unit(unit: str) -> str:
    """The canonical unit name for what a person typed ("MG" -> "mg", "IU" -> "units")."""
    canonical = _ALIASES.get(unit.strip().lower())
    if canonical is None:
        raise UnitError(f"Unknown unit '{unit}'. Use one of: g, mg, mcg, units, mL.")
    return canonical


def parse_amount(text: str | Decimal | float | int) -> Decimal:
    """A positive, finite dose amount ("1,000" and "0.5" are fine)."""
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        raise UnitError(f"'{text}' is not a number.") from None
    if not value.is_finite() or value <= 0:
        raise UnitError(f"The dose must be a positive number, not '{text}'.")
    return value


def billing_units(
    billing_unit: BillingUnit, dose: Decimal | str | float | int, dose_unit: str
) -> int:
    """Whole billing units for ``dose`` of a code billed per ``billing_unit`` (rounded up)."""
    amount = parse_amount(dose)
    unit = normalise_unit(dose_unit)
    dim, factor = _UNITS[unit]
    code_dim, code_factor = _UNITS[billing_unit.unit]
    if dim != code_dim:
        raise UnitError(
            f"A dose in {unit} cannot be converted to this code's unit "
            f"({billing_unit}); enter the dose in {billing_unit.unit}"
            + (" (or g, mg, mcg)." if code_dim == "mass" else ".")
        )
    ratio = (amount * factor) / (billing_unit.amount * code_factor)
    units = int(ratio.to_integral_value(rounding=ROUND_CEILING))
    if units > MAX_UNITS:
        raise UnitError(f"{amount} {unit} is {units} units: check the dose and its unit.")
    return max(units, 1)


def units_for_code(
    store: ReferenceStore, code: str, dose: Decimal | str | float | int, dose_unit: str
) -> DoseUnits:
    """Billing units for a dose of the drug billed with ``code`` (e.g. J0696)."""
    record = store.get(code)
    if record is None:
        raise UnitError(f"Unknown code '{code}'.")
    if record.billing_unit is None:
        raise UnitError(f"{record.code} is not billed per dose (it has no billing unit).")
    units = billing_units(record.billing_unit, dose, dose_unit)
    return DoseUnits(
        record.code, parse_amount(dose), normalise_unit(dose_unit), record.billing_unit, units
    )
