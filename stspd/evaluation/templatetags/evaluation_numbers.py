from decimal import Decimal

from django import template

from stspd.evaluation.funds import euros as euros_text
from stspd.evaluation.funds import percent as percent_text

register = template.Library()


@register.filter
def euros(value: Decimal | None) -> str:
    """15000 -> "15 000 €", 1234.5 -> "1 234,50 €" (narrow no-break space, French)."""
    return euros_text(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """A rate already in percent: 87.5 -> "87,5 %", None -> "—"."""
    return percent_text(value)


@register.filter
def share(value: float | None) -> str:
    """A weight between 0 and 1 as a percentage: 0.394 -> "39 %"."""
    if value is None:
        return "—"
    return f"{round(value * 100)} %"


@register.filter
def decimal_fr(value: float | Decimal | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return f"{float(value):.{decimals}f}".replace(".", ",")
