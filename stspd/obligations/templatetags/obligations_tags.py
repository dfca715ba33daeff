import datetime
from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def iso_date(value: str | None) -> datetime.date | None:
    """A date stored as ISO text in a frozen return ("2025-12-31") as a date, for `|date`."""
    return datetime.date.fromisoformat(value) if value else None


@register.filter
def as_decimal(value: str | None) -> Decimal | None:
    """A decimal stored as text in a frozen return ("0.5"), for `|number`."""
    return Decimal(value) if value else None
