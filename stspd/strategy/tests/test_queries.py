"""The strategy's page costs a fixed number of queries, whatever the number of actions."""

import datetime
from decimal import Decimal

import django
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stspd.indicators.models import IndicatorDefinition
from stspd.strategy.enums import Funder, PartnerRole
from stspd.strategy.models import (
    Action,
    ActionIndicator,
    ActionPartner,
    Axis,
    BudgetLine,
    Milestone,
    Objective,
)


def grow(world, actions: int) -> None:  # type: ignore[no-untyped-def]
    """Spread `actions` fully filled fiches over new axes and objectives."""
    activity = IndicatorDefinition.objects.get(name="Jeunes suivis")
    communes = list(world.council.communes())
    for n in range(actions):
        if n % 4 == 0:
            axis = Axis.objects.create(strategy=world.strategy, position=n + 2, title=f"Axe {n}")
            objective = Objective.objects.create(axis=axis, statement=f"Objectif {n}")
        action = Action.objects.create(
            objective=objective, title=f"Fiche {n}", lead=world.organisation
        )
        action.communes.set(communes)
        ActionPartner.objects.create(
            action=action, organisation=world.organisation, role=PartnerRole.FUNDER
        )
        Milestone.objects.create(action=action, title="Lancement", due_on=datetime.date(2026, 9, 1))
        for year in (2026, 2027):
            BudgetLine.objects.create(
                action=action, funder=Funder.COMMUNE, year=year, planned=Decimal(1000)
            )
        ActionIndicator.objects.create(action=action, definition=activity)


def count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    django.db.reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_strategy_page_does_not_grow_with_the_number_of_actions(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/strategies/{world.strategy.pk}/"
    grow(world, 4)
    small = count_queries(client, url)
    grow(world, 36)
    assert Action.objects.filter(objective__axis__strategy=world.strategy).count() == 41
    large = count_queries(client, url)
    assert large == small
    assert "Fiche 35" in client.get(url).content.decode()
