"""The home page asks a fixed number of queries whatever the number of things to do."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stspd.accounts.models import Membership
from stspd.conftest import World
from stspd.councils.models import Decision, Formation, FormationMember
from stspd.evaluation.models import Appraisal
from stspd.steering.enums import MeasurementStatus
from stspd.steering.tests.reporting_helpers import measure
from stspd.strategy.enums import Status
from stspd.strategy.models import Action, ActionIndicator


def home_queries(client) -> tuple[int, list[object]]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response.context["todos"]


def add_things_to_do(world: World, first: int, n: int) -> None:
    """n more of each: submitted values, open decisions, draft appraisals, unsigned charters."""
    use = ActionIndicator.objects.get(action=world.action)
    done = set(use.measurements.values_list("period_start", flat=True))
    starts = [
        datetime.date(2026, month, 1)
        for month in range(1, 13)
        if datetime.date(2026, month, 1) not in done
    ]
    for start in starts[:n]:
        measure(use, start, 3, status=MeasurementStatus.SUBMITTED)
    for i in range(first, first + n):
        Decision.objects.create(
            meeting=world.plenary_meeting,
            owner=world.organisation,
            text=f"Décision {i}",
            due_on=datetime.date(2026, 2, 1),
        )
        action = Action.objects.create(
            objective=world.objective, position=10 + i, title=f"Fiche {i}", lead=world.organisation
        )
        Appraisal.objects.create(
            action=action, year=2026, implementation="partly", recommendation="adjust", reasons="."
        )
        group = Formation.objects.create(
            council=world.council,
            kind="working_group",
            scope="thematic",
            name=f"GT {i}",
            charter="Charte.",
        )
        for user in (world.coordinator, world.partner):
            FormationMember.objects.create(formation=group, user=user)


@pytest.mark.parametrize("who", ["coordinator", "partner", "reader"])
def test_the_home_asks_as_many_queries_for_one_thing_to_do_as_for_many(
    login,  # type: ignore[no-untyped-def]
    world: World,
    who: str,
) -> None:
    world.strategy.status = Status.IN_FORCE
    world.strategy.save()
    Membership.objects.create(user=world.partner, organisation=world.organisation)
    client = login(getattr(world, who))
    add_things_to_do(world, 0, 1)
    few, before = home_queries(client)
    add_things_to_do(world, 1, 4)
    many, after = home_queries(client)
    assert many == few
    if who != "reader":
        assert sum(t.total for t in after) > sum(t.total for t in before)
