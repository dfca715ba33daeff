"""Expected statuses of the funding URLs for the permission matrix
(core/tests/test_permissions.py): any role of the council reads calls, applications, opinions
and their documents; the coordinator (or a member of the fiche's lead organisation, outside the
cast: see test_access.py) writes."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

Expectation = tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]

# Access kinds of the matrix (copied: the matrix imports this module).
COUNCIL_READ = {
    "anonymous": 302,
    "outsider": 404,
    "reader": 200,
    "partner": 200,
    "wg_unsigned": 200,
    "wg_signed": 200,
    "coordinator": 200,
    "site_admin": 200,
}
COUNCIL_EDIT = COUNCIL_READ | {"reader": 403, "partner": 403, "wg_unsigned": 403, "wg_signed": 403}


def call(world: Any) -> dict[str, Any]:
    from .helpers import make_call

    return {"council_id": world.council.pk, "call_id": make_call().pk}


def action_call(world: Any) -> dict[str, Any]:
    from .helpers import make_call

    return {"action_id": world.action.pk, "call_id": make_call().pk}


def _application(world: Any) -> Any:
    from stspd.funding.models import Application
    from stspd.funding.workflow import prefill

    from .helpers import make_application, make_call

    found = Application.objects.filter(action=world.action, call=make_call()).first()
    return found or make_application(world, sheet=prefill(world.action))


def application(world: Any) -> dict[str, Any]:
    return {"application_id": _application(world).pk}


def grant(world: Any) -> dict[str, Any]:
    from stspd.funding.models import Programme
    from stspd.funding.workflow import record_grant

    found = record_grant(
        _application(world),
        programme=Programme.objects.get(letter="D"),
        amount=Decimal("9000"),
        decided_on=datetime.date(2025, 5, 20),
        by=world.coordinator,
    )
    return {"grant_id": found.pk}


ALL: dict[str, Expectation] = {
    "funding:calls": (lambda w: {"council_id": w.council.pk}, COUNCIL_READ, ""),
    "funding:call": (call, COUNCIL_READ, ""),
    "funding:opinions": (call, COUNCIL_EDIT, ""),
    "funding:opinions_pdf": (call, COUNCIL_READ, ""),
    "funding:opinions_xlsx": (call, COUNCIL_READ, ""),
    "funding:application_add": (action_call, COUNCIL_EDIT, ""),
    "funding:application": (application, COUNCIL_READ, ""),
    "funding:application_edit": (application, COUNCIL_EDIT, ""),
    "funding:co_funding_add": (application, COUNCIL_EDIT, ""),
    "funding:application_pdf": (application, COUNCIL_READ, ""),
    "funding:application_xlsx": (application, COUNCIL_READ, ""),
    "funding:grant_add": (application, COUNCIL_EDIT, ""),
    "funding:payment_add": (grant, COUNCIL_EDIT, ""),
    "funding:report_add": (application, COUNCIL_EDIT, ""),
}
