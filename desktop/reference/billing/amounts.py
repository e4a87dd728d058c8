"""Amounts and units as a person types them: "1 g", "500mg", "1,000 mcg", "0.5 mL".

One parser for the CLI, the checklist and the claim check. It reads the amount and its
unit together and follows one rule for separators, which every refusal states:

* the point is the decimal mark (``1.5``);
* a comma is accepted only as a thousands separator between groups of exactly three
  digits (``1,000`` and ``1,000.5``); anything else with a comma (``1,5``, ``1.000,5``,
  ``10,00``) is refused as ambiguous rather than guessed;
* plain digits only: no exponent (``1e5``), no sign, no ``inf`` or ``nan``.

Nothing here raises anything but :class:`UnitError`, whose message is meant for a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "MAX_AMOUNT",
    "SEPARATOR_RULE",
    "UNIT_NAMES",
    "Dose",
    "UnitError",
    "normalise_unit",
    "parse_amount",
    "parse_dose",
]

UNIT_NAMES = ("g", "mg", "mcg", "units", "mL")

_ALIASES = {
    "g": "g", "gm": "g", "gram": "g", "grams": "g",
    "mg": "mg", "milligram": "mg", "milligrams": "mg",
    "mcg": "mcg", "µg": "mcg", "μg": "mcg", "ug": "mcg", "microgram": "mcg", "micrograms": "mcg",
    "units": "units", "unit": "units", "u": "units", "iu": "units",
    "ml": "mL", "milliliter": "mL", "milliliters": "mL", "millilitre": "mL",
    "millilitres": "mL", "cc": "mL",
}  # fmt: skip

SEPARATOR_RULE = (
    "QuickRef reads a point as the decimal mark (1.5) and a comma only as a thousands "
    "separator between groups of three digits (1,000)"
)
# Larger than any dose in any unit (10^12 mcg is a tonne): refused as a typing error.
MAX_AMOUNT = Decimal(10) ** 12
_MAX_DIGITS = 24
_ECHO = 40

_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", re.ASCII)
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?", re.ASCII)
_NUMBER_CHARS = re.compile(r"[0-9.,]*", re.ASCII)
_EXPONENT = re.compile(r"[eE][+-]?[0-9]", re.ASCII)


class UnitError(ValueError):
    """A dose or amount that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Dose:
    amount: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{format(self.amount, 'f')} {self.unit}"


def _echo(text: object) -> str:
    """What the person typed, short and printable, for a message."""
    s = str(text)
    s = "".join(ch if ch.isprintable() else "?" for ch in s)
    return s if len(s) <= _ECHO else s[: _ECHO - 1] + "…"


def normalise_unit(unit: str) -> str:
    """The canonical unit name for what a person typed ("MG" -> "mg", "IU" -> "units")."""
    canonical = _ALIASES.get(str(unit).strip().lower())
    if canonical is None:
        raise UnitError(f"Unknown unit '{_echo(unit)}'. Use one of: {', '.join(UNIT_NAMES)}.")
    return canonical


def _check_value(value: Decimal, shown: str, *, allow_zero: bool) -> Decimal:
    if not value.is_finite():
        raise UnitError(f"The amount must be a finite positive number, not '{shown}'.")
    if value < 0 or (value == 0 and not allow_zero):
        what = "zero or more" if allow_zero else "a positive number"
        raise UnitError(f"The amount must be {what}, not '{shown}'.")
    if value > MAX_AMOUNT:
        raise UnitError(f"'{shown}' is far too large for a dose: check the amount and its unit.")
    return value


def _number(text: str, shown: str, *, allow_zero: bool) -> Decimal:
    if _PLAIN.fullmatch(text):
        digits = text
    elif _GROUPED.fullmatch(text):
        digits = text.replace(",", "")
    elif "," in text:
        raise UnitError(f"'{shown}' is ambiguous: {SEPARATOR_RULE}. Write it as 1.5 or 1,500.")
    else:
        raise UnitError(f"'{shown}' is not a number.")
    if len(digits.replace(".", "").lstrip("0")) > _MAX_DIGITS:
        raise UnitError(f"'{shown}' has too many digits for a dose.")
    try:
        value = Decimal(digits)
    except (InvalidOperation, ValueError):  # pragma: no cover - the patterns above rule it out
        raise UnitError(f"'{shown}' is not a number.") from None
    return _check_value(value, shown, allow_zero=allow_zero)


def _split(text: str) -> tuple[str, str]:
    """(number part, unit part) of "500mg" / "1,000 mcg"; raises for signs and exponents."""
    s = text.strip()
    shown = _echo(text)
    if not s:
        raise UnitError("Enter the amount.")
    if s[0] in "+-−":
        raise UnitError(
            f"The amount must be a positive number written without a sign, not '{shown}'."
        )
    m = _NUMBER_CHARS.match(s)
    number = m.group(0) if m else ""
    rest = s[len(number) :].strip()
    if not number:
        low = s.lower()
        if low.startswith(("inf", "nan", "snan")):
            raise UnitError(f"The amount must be a finite positive number, not '{shown}'.")
        raise UnitError(f"'{shown}' is not a number.")
    if _EXPONENT.match(rest):
        raise UnitError(
            f"'{shown}' is written with an exponent: write the amount in plain digits "
            "(for example 1000, not 1e3)."
        )
    return number, rest


def parse_amount(text: str | Decimal | float | int, *, allow_zero: bool = False) -> Decimal:
    """A finite, positive amount (``allow_zero``: zero or more), without a unit."""
    if isinstance(text, bool):
        raise UnitError(f"'{text}' is not a number.")
    shown = _echo(text)
    if isinstance(text, Decimal):
        return _check_value(text, shown, allow_zero=allow_zero)
    if isinstance(text, int):
        return _check_value(Decimal(text), shown, allow_zero=allow_zero)
    if isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise UnitError(f"The amount must be a finite positive number, not '{shown}'.")
        return _check_value(Decimal(repr(text)), shown, allow_zero=allow_zero)
    number, rest = _split(str(text))
    if rest:
        raise UnitError(f"'{shown}' is not a number (give the unit separately).")
    return _number(number, shown, allow_zero=allow_zero)


def parse_dose(
    text: str | Decimal | float | int,
    default_unit: str | None = None,
    *,
    allow_zero: bool = False,
) -> Dose:
    """An amount with its unit: "1 g", "500mg", "1,000 mcg", "0.5 mL".

    A unit in ``text`` wins over ``default_unit``; with neither, the unit is asked for.
    """
    if not isinstance(text, str):
        amount = parse_amount(text, allow_zero=allow_zero)
        unit = None
    else:
        number, rest = _split(text)
        amount = _number(number, _echo(text), allow_zero=allow_zero)
        unit = normalise_unit(rest) if rest else None
    if unit is None:
        if default_unit is None or not str(default_unit).strip():
            raise UnitError(
                f"Give the unit with the amount (one of: {', '.join(UNIT_NAMES)}), "
                "for example '1 g' or '500 mg'."
            )
        unit = normalise_unit(default_unit)
    return Dose(amount, unit)
