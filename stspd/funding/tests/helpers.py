"""A FIPD call of the cast's département and an application of the cast's fiche action."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from stspd.funding.models import Application, Call, Funder, Priority, Programme
from stspd.funding.reference import ensure_reference
from stspd.funding.workflow import create_application
from stspd.territories.models import Departement

D = Decimal


def make_call(year: int = 2025, *, cap: str = "50", blocks: bool = False) -> Call:
    ensure_reference()  # a transactional test before this one emptied the migration's rows
    fipd = Funder.objects.get(code="fipd")
    call, _ = Call.objects.get_or_create(
        funder=fipd,
        departement=Departement.objects.get(code="76"),
        year=year,
        defaults={
            "title": f"FIPD {year} — Seine-Maritime",
            "opens_on": datetime.date(year, 1, 15),
            "closes_on": datetime.date(year, 3, 15),
            "cap_percent": D(cap),
            "cap_rule": "Le FIPD finance au plus 50 % du coût total de l'action.",
            "report_months": 6,
            "blocks_without_report": blocks,
        },
    )
    call.programmes.add(*Programme.objects.filter(funder=fipd))
    priority, _ = Priority.objects.get_or_create(funder=fipd, year=year, label="Les jeunes")
    call.priorities.add(priority)
    return call


BALANCED = {"61": D("4000"), "64": D("16000"), "74": D("15000"), "75": D("5000")}


def make_application(world: Any, call: Call | None = None, **changes: Any) -> Application:
    call = call or make_call()
    arguments: dict[str, Any] = {
        "programme": Programme.objects.get(letter="D"),
        "priority": None,
        "sheet": {"title": "Médiation de nuit", "objectives": "Réduire les dégradations"},
        "fipd": D("10000"),
        "amounts": BALANCED,
        "by": world.coordinator,
    }
    return create_application(world.action, call, **(arguments | changes))
