"""The French spellings, on known answers (U+202F between thousands, comma decimals)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from crimestats import french
from crimestats.states import STORED, ValueState

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "decimals", "trim", "expected"),
    [
        (1234567, 0, False, f"1{NNBSP}234{NNBSP}567"),
        (12345.678, 2, False, f"12{NNBSP}345,68"),
        (-1234.5, 1, False, f"-1{NNBSP}234,5"),
        (-0.004, 2, False, "0,00"),
        (2.5, 0, False, "2"),  # half to even, as Python formats
        (3.5, 0, False, "4"),
        (1.50, 2, True, "1,5"),
        (100.0, 2, True, "100"),
        (Decimal("15000.00"), None, False, f"15{NNBSP}000"),
        (Decimal("1.200"), None, False, "1,2"),
        (1e-07, None, False, "0,0000001"),
        (Decimal("-0"), None, False, "0"),
    ],
)
def test_number_has_one_spelling(
    value: object, decimals: int | None, trim: bool, expected: str
) -> None:
    assert french.number(value, decimals, trim=trim) == expected  # type: ignore[arg-type]


def test_a_spreadsheet_cell_has_no_thousands_separator() -> None:
    assert french.number(Decimal("1234.50"), None, group=False) == "1234,5"


def test_missing_and_not_finite_values() -> None:
    assert french.number(None) == ""
    assert french.number(float("inf"), 2) == "—"
    assert french.euros(None) == french.percent(None) == french.share(None) == "—"


def test_signs_of_changes() -> None:
    assert french.signed(0.004, 2) == "0,00"
    assert french.signed(-2.25, 1) == "-2,2"
    assert french.signed(1500) == f"+1{NNBSP}500"
    assert french.percent_change(0.2349) == "+23 %"
    assert french.percent_change(-0.005) == "0 %"  # rounds to zero: no sign
    assert french.percent_change(-0.4, sign=False) == "40 %"


def test_percents_and_shares() -> None:
    assert french.percent(Decimal("36.0"), 1) == "36,0 %"
    assert french.share(Decimal(3) / Decimal(8)) == "38 %"  # 37.5 to even
    assert french.share(0.394) == "39 %"


def test_euros_show_cents_only_when_there_are() -> None:
    assert french.euros(Decimal("15000.00")) == f"15{NNBSP}000\u00a0€"
    assert french.euros("8000.5") == f"8{NNBSP}000,50\u00a0€"
    assert french.euros(-100) == "-100\u00a0€"


def test_dates_months_periods_and_bounds() -> None:
    day = datetime.date(2026, 2, 9)
    assert french.date(day) == "09/02/2026"
    assert french.date_time(datetime.datetime(2026, 2, 9, 8, 5)) == "09/02/2026 08:05"
    assert french.month(day) == "février 2026"
    assert [french.period(datetime.date(2026, 10, 1), m) for m in (1, 3, 12)] == [
        "octobre 2026",
        "T4 2026",
        "2026",
    ]
    with pytest.raises(ValueError, match="1, 3 ou 12"):
        french.period(day, 6)
    assert french.at_least(french.rate(12.3456)) == "au moins 12,35"


def test_value_states_have_one_label_and_keep_their_published_names() -> None:
    assert [s.value for s in ValueState] == ["published", "zero", "suppressed", "lower_bound"]
    assert [s.open_data for s in ValueState] == [
        "publiee",
        "zero",
        "non_diffusee",
        "borne_inferieure",
    ]
    assert ValueState.LOWER_BOUND not in STORED
    assert ValueState.from_open_data("borne_inferieure") is ValueState.LOWER_BOUND
    assert [s.is_known for s in ValueState] == [True, True, False, False]
    with pytest.raises(KeyError):
        ValueState.from_open_data("lower_bound")
