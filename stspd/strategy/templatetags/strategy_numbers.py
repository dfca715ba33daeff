from decimal import Decimal

from django import template
from django.utils import numberformat

from stspd.strategy.snapshot import decimal_text

register = template.Library()


@register.filter
def number(value: Decimal | None) -> str:
    """1.200 -> "1,2", 15000.00 -> "15 000" (non-breaking space): French, no useless zeros."""
    if value is None:
        return ""
    return numberformat.format(
        Decimal(decimal_text(value) or "0"),
        ",",
        grouping=3,
        thousand_sep="\u00a0",
        force_grouping=True,
    )
