"""Expected statuses of the reporting URLs for the permission matrix (core/tests/test_permissions).

Reporting has its own kind of access: an action's lead reports its values. In these rows the
working-group member who signed (wg_signed) is made a member of the action's lead organisation;
the other partners are not, and get 403.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from stspd.accounts.models import Membership
from stspd.steering.models import Measurement

Expectation = tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]

ANONYMOUS = {"anonymous": 302}
COUNCIL_READ = ANONYMOUS | {
    "outsider": 404,
    "reader": 200,
    "partner": 200,
    "wg_unsigned": 200,
    "wg_signed": 200,
    "coordinator": 200,
    "site_admin": 200,
}
COUNCIL_EDIT = COUNCIL_READ | {"reader": 403, "partner": 403, "wg_unsigned": 403, "wg_signed": 403}
# The action's lead (a member of its lead organisation) and the coordinator.
ACTION_LEAD = COUNCIL_EDIT | {"wg_signed": 200}
READERS = [who for who, status in ACTION_LEAD.items() if status == 200]


def lead_member(world: Any) -> None:
    Membership.objects.get_or_create(user=world.wg_signed, organisation=world.organisation)


def council(world: Any) -> dict[str, int]:
    return {"council_id": world.council.pk}


def action_indicator(world: Any) -> dict[str, Any]:
    lead_member(world)
    return {"kind": "action", "use_id": world.action.indicators.get().pk}


def measurement(world: Any) -> dict[str, int]:
    lead_member(world)
    value, _ = Measurement.objects.get_or_create(
        action_indicator=world.action.indicators.get(),
        period_start=datetime.date(world.strategy.starts_on.year, 1, 1),
        defaults={
            "value": Decimal(12),
            "submitted_by": world.wg_signed,
            "submitted_at": timezone.now(),
        },
    )
    return {"measurement_id": value.pk}


ALL: dict[str, Expectation] = {
    # Any role opens its list (a reader's says it reports nothing).
    "steering:my_reporting": (council, COUNCIL_READ, ""),
    "steering:report": (action_indicator, ACTION_LEAD, ""),
    "steering:values": (lambda w: {"strategy_id": w.strategy.pk}, COUNCIL_EDIT, ""),
    # An indicator fed by the surveys: the coordinator creates it.
    "steering:survey_indicator_add": (council, COUNCIL_EDIT, ""),
    # A value is read by its reporters and the coordinator; a POST (validate, return) is the
    # coordinator's only (tested in test_reporting_views).
    "steering:measurement": (measurement, ACTION_LEAD, ""),
    # The row's value has no file: those who may read it get 404 rather than 403 (the download
    # itself is tested with a file in test_reporting_views).
    "steering:evidence": (measurement, ACTION_LEAD | dict.fromkeys(READERS, 404), ""),
}
