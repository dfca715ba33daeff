"""French spellings of numbers, rates, percents, changes, amounts, dates and lower bounds.

One rule per concept, for the pure package and the whole project (see ``docs/decisions.md``,
"One French spelling per number"):

- thousands are separated by the narrow no-break space U+202F (:data:`THOUSANDS`), the French
  typographic norm and what ``django.utils.formats`` and the browsers' ``Intl`` write for ``fr``;
  the decimal mark is a comma; a negative number takes a hyphen-minus;
- a number that rounds to zero is "0", never "-0";
- rounding is Python's formatting (half to even on the exact value), as everywhere before;
- a euro sign is joined by a no-break space U+00A0 (never alone at the start of a line); a
  percent sign keeps the plain space every sentence already used;
- a date is ``jj/mm/aaaa``, a month "mars 2026".

The examples show U+202F as ``·`` (``_show``), so that they can be read.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Final

__all__ = [
    "MISSING",
    "MONTHS",
    "NO_BREAK",
    "THOUSANDS",
    "at_least",
    "date",
    "date_time",
    "euros",
    "month",
    "number",
    "percent",
    "percent_change",
    "period",
    "rate",
    "share",
    "signed",
]

THOUSANDS: Final = "\u202f"
"""The thousands separator: narrow no-break space."""
NO_BREAK: Final = "\u00a0"
"""The space between an amount and its euro sign: no-break space."""
MISSING: Final = "—"
"""What a cell shows for an amount or a percent that does not exist, or a number not finite."""
MONTHS: Final = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

Number = int | float | Decimal


def _show(text: str) -> str:
    """The examples' way of showing the invisible separators."""
    return text.replace(THOUSANDS, "·").replace(NO_BREAK, "_")


def number(
    value: Number | None, decimals: int | None = 0, *, trim: bool = False, group: bool = True
) -> str:
    """A number in French: ``decimals`` decimals (None: every significant digit of the value,
    no useless zero), ``trim`` drops the zeros the rounding left at the end, ``group`` separates
    thousands (a spreadsheet's cell wants none). None gives "".

    >>> _show(number(12345.678, 2)), number(0.5), number(2.5), number(-0.001, 2)
    ('12·345,68', '0', '2', '0,00')
    >>> number(Decimal("1.200"), None), _show(number(Decimal("15000.00"), None)), number(None)
    ('1,2', '15·000', '')
    >>> number(1234.5, 2, trim=True, group=False), number(12.0, 2, trim=True), number(math.nan)
    ('1234,5', '12', '—')
    """
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return MISSING
    if decimals is None:
        exact = value if isinstance(value, Decimal) else Decimal(repr(value))
        exact = exact.normalize()
        if exact == exact.to_integral_value():
            exact = exact.quantize(Decimal(1))  # 1E+2 -> 100
        text = f"{exact:,f}"
    else:
        text = f"{value:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # a value that rounds to zero has no sign
    return text.replace(",", THOUSANDS if group else "").replace(".", ",")


def signed(value: Number, decimals: int | None = 0, *, trim: bool = False) -> str:
    """A change with its sign: "+" above zero, "-" below, none when it rounds to zero.

    >>> signed(1.25, 1), signed(-3), signed(0.004, 2), signed(0.5, 2, trim=True)
    ('+1,2', '-3', '0,00', '+0,5')
    """
    text = number(value, decimals, trim=trim)
    if text.strip("0,") and not text.startswith("-"):
        return "+" + text
    return text


def percent(value: Number | None, decimals: int = 0, *, trim: bool = False) -> str:
    """A value already in percent; None gives "—".

    >>> percent(Decimal("87.5"), 1), percent(36), percent(None)
    ('87,5 %', '36 %', '—')
    """
    return MISSING if value is None else f"{number(value, decimals, trim=trim)} %"


def share(value: Number | None, decimals: int = 0) -> str:
    """A part of a whole (between 0 and 1) as a percent; None gives "—".

    >>> share(0.394), share(Decimal(1) / Decimal(8), 1), share(None)
    ('39 %', '12,5 %', '—')
    """
    return MISSING if value is None else percent(100 * value, decimals)


def percent_change(relative: float, *, sign: bool = True) -> str:
    """A relative change (0.23 for a rise of 23 %) in whole percent; ``sign=False`` gives its
    size only (for "hausse de 23 %").

    >>> percent_change(0.23), percent_change(-0.104), percent_change(0.004), _show(
    ...     percent_change(-12.5, sign=False))
    ('+23 %', '-10 %', '0 %', '1·250 %')
    """
    return f"{signed(100 * relative) if sign else number(abs(100 * relative))} %"


def rate(value: Number | None) -> str:
    """A rate per 1,000 (inhabitants or dwellings): two decimals; None gives "".

    >>> rate(12.3456), _show(rate(1234.5)), rate(None)
    ('12,35', '1·234,50', '')
    """
    return number(value, 2)


def euros(value: Number | str | None) -> str:
    """An amount in euros: cents only when there are some; None gives "—".

    >>> _show(euros(15000)), _show(euros(Decimal("1234.5"))), _show(euros("8000.50"))
    ('15·000_€', '1·234,50_€', '8·000,50_€')
    >>> _show(euros(Decimal("12.004"))), euros(None)
    ('12_€', '—')
    """
    if value is None:
        return MISSING
    text = number(Decimal(value) if isinstance(value, str) else value, 2)
    return f"{text.removesuffix(',00')}{NO_BREAK}€"


def at_least(text: str, lower_bound: bool = True) -> str:
    """A figure known only as a lower bound (a territory with a member under statistical
    secrecy) reads "au moins ...".

    >>> at_least("120"), at_least("120", lower_bound=False)
    ('au moins 120', '120')
    """
    return f"au moins {text}" if lower_bound else text


def date(day: datetime.date) -> str:
    """A day as ``jj/mm/aaaa``.

    >>> date(datetime.date(2026, 3, 5))
    '05/03/2026'
    """
    return f"{day:%d/%m/%Y}"


def date_time(moment: datetime.datetime) -> str:
    """A moment as it is given (convert it to local time first).

    >>> date_time(datetime.datetime(2026, 3, 5, 14, 7))
    '05/03/2026 14:07'
    """
    return f"{moment:%d/%m/%Y %H:%M}"


def month(day: datetime.date) -> str:
    """The month of a day, in words.

    >>> month(datetime.date(2026, 8, 31))
    'août 2026'
    """
    return f"{MONTHS[day.month - 1]} {day.year}"


def period(start: datetime.date, months: int) -> str:
    """A period of 1, 3 or 12 months named from its first day.

    >>> [period(datetime.date(2026, 4, 1), m) for m in (1, 3, 12)]
    ['avril 2026', 'T2 2026', '2026']
    """
    if months == 12:
        return str(start.year)
    if months == 3:
        return f"T{(start.month - 1) // 3 + 1} {start.year}"
    if months == 1:
        return month(start)
    raise ValueError(f"période de {months} mois : 1, 3 ou 12 attendus")
