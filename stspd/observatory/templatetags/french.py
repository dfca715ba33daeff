"""`{% load french %}`: crimestats.french's spellings as filters, for every room's templates
(the observatory is the lowest room whose pages show figures)."""

from decimal import Decimal

from django import template

from crimestats import french

register = template.Library()

Number = int | float | Decimal


@register.filter
def number(value: Number | None, decimals: int | None = None) -> str:
    """1.200 -> "1,2", 15000.00 -> "15 000"; `number:0` rounds to the unit; None -> ""."""
    return french.number(value, decimals)


@register.filter
def rate(value: Number | None) -> str:
    """A rate per 1,000, two decimals; an empty cell (None) shows "—"."""
    return french.MISSING if value is None else french.rate(value)


@register.filter
def euros(value: Number | None) -> str:
    """15000 -> "15 000 €", 1234.5 -> "1 234,50 €", None -> "—"."""
    return french.euros(value)


@register.filter
def percent(value: Number | None, decimals: int = 1) -> str:
    """A rate already in percent, one decimal unless told: 87.5 -> "87,5 %", None -> "—"."""
    return french.percent(value, decimals)


@register.filter
def share(value: Number | None) -> str:
    """A part between 0 and 1 as a whole percentage: 0.394 -> "39 %", None -> "—"."""
    return french.share(value)
