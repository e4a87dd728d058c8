"""The one amount parser: amount and unit together, one rule for separators, no traceback."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.reference.billing.amounts import (
    SEPARATOR_RULE,
    Dose,
    UnitError,
    parse_amount,
    parse_dose,
)


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("1 g", None, Dose(Decimal(1), "g")),
        ("500mg", None, Dose(Decimal(500), "mg")),
        ("1,000 mcg", None, Dose(Decimal(1000), "mcg")),
        ("0.5 mL", None, Dose(Decimal("0.5"), "mL")),
        ("1,000.5 mg", None, Dose(Decimal("1000.5"), "mg")),
        (".5 ml", None, Dose(Decimal("0.5"), "mL")),
        ("2400000 IU", None, Dose(Decimal(2400000), "units")),
        ("1", "mg", Dose(Decimal(1), "mg")),
        ("1 g", "mg", Dose(Decimal(1), "g")),  # the unit typed wins over the default
        ("  250   mg ", "g", Dose(Decimal(250), "mg")),
    ],
)
def test_amount_and_unit_are_read_together(text: str, default: str | None, expected: Dose) -> None:
    assert parse_dose(text, default) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,5", "ambiguous"),
        ("1.000,5", "ambiguous"),
        ("10,00", "ambiguous"),
        ("1,0000", "ambiguous"),
        (",5", "ambiguous"),
        ("1e999999", "exponent"),
        ("1e5000", "exponent"),
        ("1E3", "exponent"),
        ("inf", "finite"),
        ("-inf", "without a sign"),
        ("nan", "finite"),
        ("NaN", "finite"),
        ("-5", "without a sign"),
        ("+5", "without a sign"),
        ("0", "positive"),
        ("0.000", "positive"),
        ("abc", "not a number"),
        ("1.2.3", "not a number"),
        ("", "Enter the amount"),
        ("²", "not a number"),
        ("١٢", "not a number"),
        ("9" * 40, "too many digits"),
        ("10000000000000", "far too large"),
        ("1 bananas", "Unknown unit"),
    ],
)
def test_bad_amounts_get_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        parse_dose(text, "mg")


def test_the_ambiguity_message_states_the_rule() -> None:
    with pytest.raises(UnitError) as exc:
        parse_dose("1,5 g")
    assert SEPARATOR_RULE in str(exc.value)


def test_a_unit_is_asked_for_when_none_is_given() -> None:
    with pytest.raises(UnitError, match="Give the unit"):
        parse_dose("5")


def test_zero_allowed_only_when_asked() -> None:
    assert parse_amount("0", allow_zero=True) == 0
    with pytest.raises(UnitError):
        parse_amount("0")


def test_numbers_from_code_are_checked_too() -> None:
    assert parse_amount(Decimal("2.5")) == Decimal("2.5")
    assert parse_amount(3) == 3
    for bad in (Decimal("Infinity"), Decimal("NaN"), float("inf"), float("nan"), -1, True):
        with pytest.raises(UnitError):
            parse_amount(bad)


def test_a_long_input_is_not_echoed_in_full() -> None:
    with pytest.raises(UnitError) as exc:
        parse_dose("x" * 100_000, "mg")
    assert len(str(exc.value)) < 200


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=30) | st.from_regex(r"[0-9.,eE+\- ]{0,14}(mg|g|mcg|mL|u)?", fullmatch=True))
def test_parser_returns_a_finite_positive_decimal_or_raises_unit_error(text: str) -> None:
    try:
        dose = parse_dose(text, "mg")
    except UnitError as exc:
        assert str(exc)
        return
    assert isinstance(dose.amount, Decimal)
    assert dose.amount.is_finite() and dose.amount > 0
    assert dose.unit in ("g", "mg", "mcg", "units", "mL")
