"""A drug and dose -> billing units, with the discarded amount and sanity warnings.

The one function :func:`drug_dose` serves ``quickref units``, the checklist's drug step
and the claim check, so they give the same units and the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.reference.billing.amounts import UnitError, parse_dose
from desktop.reference.keys import PACKAGING
from desktop.reference.store import CodeRecord, Mue, ReferenceStore
from desktop.reference.units import billing_units, exact_units

__all__ = [
    "MANY_UNITS",
    "DrugDose",
    "UnitError",
    "drug_dose",
    "drug_record",
    "mue_of",
    "packaging_of",
]

# A dose of more than this many billing units, or under 1/TINY_FRACTION of one unit, is
# usually a unit typed wrongly (mg for mcg, 1 for 1 g): warn, do not refuse.
MANY_UNITS = 100
TINY_FRACTION = 100


@dataclass(frozen=True, slots=True)
class DrugDose:
    """The drug and dose recorded on a ``drug_dose`` step, with its billing units.

    ``discarded`` is None when the discarded amount was not given (asked for later on
    a single-dose container), ``Decimal(0)`` when nothing was discarded.
    """

    code: str
    title: str
    dose: Decimal
    unit: str
    billing_unit: str  # as printed: "1,000 mcg"
    units: int
    single_dose: bool | None  # None: the container is not known (asked for Medicare)
    discarded: Decimal | None = None
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        s = "" if self.units == 1 else "s"
        return f"{self.code} {format(self.dose, 'f')} {self.unit} = {self.units} unit{s}"

    @property
    def wasted(self) -> bool:
        return self.discarded is not None and self.discarded > 0


def packaging_of(record: CodeRecord) -> str | None:
    """ "single_dose", "multi_dose", "both", or None (not known: ask)."""
    value = record.packaging
    if value in PACKAGING:
        return str(value)
    return "single_dose" if record.single_dose else None


def mue_of(store: ReferenceStore, code: str) -> Mue | None:
    """The code's CMS practitioner MUE, or None when the table has none for it."""
    return store.mue(code)


def drug_record(store: ReferenceStore, code: str) -> CodeRecord:
    shown = str(code).strip()[:20]
    record = (store.get(shown, "HCPCS") or store.get(shown)) if shown else None
    if record is None:
        raise UnitError(f"'{shown}' is not a HCPCS drug code in the reference data.")
    if record.billing_unit is None:
        raise UnitError(f"{record.code} is not billed per dose (it has no billing unit).")
    return record


def dose_warnings(store: ReferenceStore, record: CodeRecord, dose: Decimal, unit: str,
                  units: int) -> tuple[str, ...]:  # fmt: skip
    assert record.billing_unit is not None
    out: list[str] = []
    bu = record.billing_unit
    exact = exact_units(bu, dose, unit)
    if units > MANY_UNITS:
        out.append(
            f"{format(dose, 'f')} {unit} is {units} billing units of {record.code} (per {bu}): "
            "far more than a usual dose. Check the dose and its unit."
        )
    elif exact < Decimal(1) / TINY_FRACTION:
        out.append(
            f"{format(dose, 'f')} {unit} is less than 1/{TINY_FRACTION} of one billing unit of "
            f"{record.code} (per {bu}). Check the unit (mg or mcg? g or mg?)."
        )
    mue = mue_of(store, record.code)
    if mue is not None and units > mue.units:
        indicator = mue.indicator_text or f"indicator {mue.indicator}"
        out.append(
            f"{units} units is above the MUE for {record.code} ({mue.units} per day; "
            f"{indicator}). Check the dose; more units may be denied or need documentation."
        )
    return tuple(out)


def drug_dose(
    store: ReferenceStore,
    code: str,
    dose: Decimal | str | int | float,
    unit: str | None = None,
    *,
    single_dose: bool | None = None,
    discarded: Decimal | str | int | float | None = None,
) -> DrugDose:
    """Check a drug and dose against the reference, with its billing units.

    ``dose`` may carry its unit ("1 g", "500mg"); otherwise ``unit`` is used (a unit in
    the dose text wins). ``discarded`` is in the dose's unit; blank or None means "not
    given". Raises :class:`UnitError` (message for a person) for an unknown code, a bad
    amount or a unit that does not convert to the code's.
    """
    record = drug_record(store, code)
    assert record.billing_unit is not None
    given = parse_dose(dose, unit)
    units = billing_units(record.billing_unit, given.amount, given.unit)
    waste: Decimal | None = None
    if discarded is not None and str(discarded).strip():
        wasted = parse_dose(discarded, given.unit, allow_zero=True)
        if wasted.unit != given.unit:
            # Same dimension is checked by exact_units; keep the dose's unit for the record.
            factor = exact_units(record.billing_unit, Decimal(1), wasted.unit) / exact_units(
                record.billing_unit, Decimal(1), given.unit
            )
            waste = wasted.amount * factor
        else:
            waste = wasted.amount
    packaging = packaging_of(record)
    sd: bool | None = single_dose
    if sd is None:
        sd = {"single_dose": True, "multi_dose": False}.get(packaging or "")
    if sd is None and waste is not None and waste > 0:
        sd = True  # only a single-dose container has a discarded amount to report
    if waste is not None and waste > 0 and sd is False:
        raise UnitError(
            "A discarded amount is recorded only for a single-dose container "
            "(JW does not apply to multi-dose vials)."
        )
    return DrugDose(
        code=record.code,
        title=record.title,
        dose=given.amount,
        unit=given.unit,
        billing_unit=str(record.billing_unit),
        units=units,
        single_dose=sd,
        discarded=waste,
        warnings=dose_warnings(store, record, given.amount, given.unit, units),
    )
