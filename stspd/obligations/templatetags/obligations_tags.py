import datetime

from django import template

register = template.Library()


@register.filter
def iso_date(value: str | None) -> datetime.date | None:
    """A date stored as ISO text in a frozen return ("2025-12-31") as a date, for `|date`."""
    return datetime.date.fromisoformat(value) if value else None
