"""Expected statuses of the obligations' URLs for the permission matrix
(core/tests/test_permissions.py), the State's agents included.

- A council's obligations, agreements and yearly returns: any role of the council and the
  préfecture agent of its département read them (the cast's councils are in Seine-Maritime, the
  agent's département); the coordinator writes; the national agent is an outsider (404).
- The département view: its préfecture agent and the site admin; the rest 403.
- The national view: the national agent and the site admin; the rest 403.
"""

import datetime
from collections.abc import Callable
from typing import Any

Expectation = tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]

LOGIN = 302
COUNCIL_READ = {
    "anonymous": LOGIN,
    "outsider": 404,
    "reader": 200,
    "partner": 200,
    "wg_unsigned": 200,
    "wg_signed": 200,
    "coordinator": 200,
    "site_admin": 200,
    "prefecture_agent": 200,
    "national_agent": 404,
}
COUNCIL_EDIT = COUNCIL_READ | {
    "reader": 403,
    "partner": 403,
    "wg_unsigned": 403,
    "wg_signed": 403,
    "prefecture_agent": 403,
}
SIGNED_IN_403 = dict.fromkeys(COUNCIL_READ, 403) | {"anonymous": LOGIN}
DEPARTEMENT = SIGNED_IN_403 | {"site_admin": 200, "prefecture_agent": 200}
NATIONAL = SIGNED_IN_403 | {"site_admin": 200, "national_agent": 200}


def council(world: Any) -> dict[str, int]:
    return {"council_id": world.council.pk}


def item(world: Any) -> dict[str, int]:
    from stspd.obligations.models import MeetingItem

    made = MeetingItem.objects.create(meeting=world.plenary_meeting, kind="briefing")
    return {"item_id": made.pk}


def agreement(world: Any) -> dict[str, int]:
    from stspd.obligations.models import Agreement

    made = Agreement.objects.create(
        council=world.council,
        kind="coordination",
        title="Convention de coordination",
        parties="Maire\nPréfet",
        signed_on=datetime.date(2024, 1, 10),
    )
    return {"agreement_id": made.pk}


def year(world: Any) -> dict[str, int]:
    return {"council_id": world.council.pk, "year": 2025}


ALL: dict[str, Expectation] = {
    "obligations:council": (council, COUNCIL_READ, ""),
    "obligations:item_add": (council, COUNCIL_EDIT, ""),
    "obligations:item_delete": (item, COUNCIL_EDIT, ""),
    "obligations:agreements": (council, COUNCIL_READ, ""),
    "obligations:agreement_add": (council, COUNCIL_EDIT, ""),
    "obligations:agreement_edit": (agreement, COUNCIL_EDIT, ""),
    "obligations:yearly_return": (year, COUNCIL_READ, ""),
    "obligations:yearly_return_pdf": (year, COUNCIL_READ, ""),
    "obligations:yearly_return_xlsx": (year, COUNCIL_READ, ""),
    "obligations:coverage": (council, COUNCIL_READ, ""),
    "obligations:national_axes": (lambda w: {"action_id": w.action.pk}, COUNCIL_EDIT, ""),
    "obligations:departement": (lambda w: {"code": "76"}, DEPARTEMENT, ""),
    "obligations:plan": (lambda w: {"code": "76"}, DEPARTEMENT, ""),
    "obligations:national": (lambda w: {}, NATIONAL, ""),
}
