"""Reading a dose as a person types it: "1 g", "1000mcg", "0.5 mL" or just "1000".

Plain Python. The amount and unit are read together; a bare number takes the default
unit (the drug's own billing unit). :func:`dose_warning` says when a dose is far from
what the code's billing unit suggests (or above the code's MUE, when that data exists).
"""

from __future__ import annotations

import re
from decimal import Decimal

from desktop.reference.store import BillingUnit
from desktop.reference.units import UnitError, billing_units, normalise_unit, parse_amount

_DOSE = re.compile(r"^\s*(?P<amount>[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)\s*(?P<unit>[^\d\s].*)?$")
# More billing units than this for one dose is unusual enough to ask for a second look;
# so is a dose under a tenth of one billing unit (1 mg of a drug billed per 250 mg).
FAR_ABOVE_UNITS = 20
FAR_BELOW_SHARE = 10


def split_dose(text: str, default_unit: str) -> tuple[Decimal, str]:
    """(amount, canonical unit) of ``text``; raises :class:`UnitError` with a message."""
    match = _DOSE.match(text)
    if match is None:
        raise UnitError(f"'{text.strip()}' is not a dose: type an amount and a unit, e.g. 1 g.")
    amount = parse_amount(match.group("amount"))
    unit = match.group("unit")
    return amount, normalise_unit(unit) if unit else normalise_unit(default_unit)


def dose_warning(
    units: int,
    billing_unit: BillingUnit,
    dose: Decimal,
    dose_unit: str,
    mue: int | None = None,
) -> str:
    """A warning for a dose far outside its billing unit (empty when it looks usual)."""
    per = f"{format(billing_unit.amount.normalize(), 'f')} {billing_unit.unit}"
    if mue is not None and units > mue:
        return (
            f"{units} units is above this code's MUE of {mue} per day: check the dose and its unit."
        )
    if units > FAR_ABOVE_UNITS:
        return (
            f"{units} billing units is a lot for one dose: check the unit "
            f"(this code is billed per {per})."
        )
    tenth = BillingUnit(billing_unit.amount / FAR_BELOW_SHARE, billing_unit.unit)
    if billing_units(tenth, dose, dose_unit) == 1:  # at most a tenth of one unit
        return (
            f"{format(dose, 'f')} {dose_unit} is under a tenth of one billing unit "
            f"({per}): check the unit."
        )
    return ""
