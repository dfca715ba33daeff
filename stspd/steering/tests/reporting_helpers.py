"""A world whose strategy is in force and runs from 1 January last year to the end of next
year (so that last year's periods are over whatever today is), the partner being a member of
the action's lead organisation."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from stspd.accounts.models import Membership
from stspd.indicators.enums import IndicatorKind, Periodicity
from stspd.indicators.models import IndicatorDefinition
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.strategy.enums import Status
from stspd.strategy.models import ActionIndicator, ObjectiveIndicator, Strategy

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def in_force(world: Any) -> Any:
    today = timezone.localdate()
    Strategy.objects.filter(pk=world.strategy.pk).update(
        status=Status.IN_FORCE,
        starts_on=datetime.date(today.year - 1, 1, 1),
        ends_on=datetime.date(today.year + 1, 12, 31),
    )
    world.strategy.refresh_from_db()
    Membership.objects.get_or_create(user=world.partner, organisation=world.organisation)
    world.use = world.action.indicators.get()
    world.last_year = today.year - 1
    return world


def quarter(world: Any, n: int) -> datetime.date:
    """The first day of quarter `n` (1-4) of last year."""
    return datetime.date(world.last_year, 3 * n - 2, 1)


def own_result(world: Any, unit: str = "victimes", **extra: Any) -> ObjectiveIndicator:
    """A result indicator of the council's own on the world's objective (yearly)."""
    definition = IndicatorDefinition.objects.create(
        council=world.council,
        name=f"Indicateur propre en {unit}",
        kind=IndicatorKind.RESULT,
        unit=unit,
        periodicity=Periodicity.YEAR,
    )
    return ObjectiveIndicator.objects.create(
        objective=world.objective, definition=definition, direction="increase", **extra
    )


def measure(
    use: ActionIndicator | ObjectiveIndicator,
    start: datetime.date,
    value: int | str | None,
    *,
    status: str = MeasurementStatus.VALIDATED,
    **extra: Any,
) -> Measurement:
    field = "action_indicator" if isinstance(use, ActionIndicator) else "objective_indicator"
    state = "suppressed" if value is None else "zero" if Decimal(value) == 0 else "published"
    return Measurement.objects.create(
        period_start=start,
        state=state,
        value=None if value is None else Decimal(value),
        status=status,
        submitted_at=timezone.now(),
        **{field: use},
        **extra,
    )
