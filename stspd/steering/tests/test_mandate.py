"""A new mandate from the last one (issue 14, item 8): the strategy in force copied into a new
draft that differs from it only by identifiers, dates, state and baselines."""

import datetime
import json
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from crimestats.states import ValueState
from stspd.audit.models import Event
from stspd.indicators.enums import Direction, IndicatorKind, Periodicity
from stspd.indicators.models import IndicatorDefinition
from stspd.steering.enums import MeasurementStatus
from stspd.steering.mandate import last_observed
from stspd.steering.models import Measurement
from stspd.steering.observatory_series import observatory_series
from stspd.strategy.enums import Status
from stspd.strategy.models import ObjectiveIndicator, Strategy
from stspd.strategy.tests.test_documents import enrich

# What the copy changes on purpose (stspd/steering/mandate.py): identifiers (keys), the
# period and the dates of the old one (a fiche's dates, a target's deadline), the state and
# version (a new draft), the title asked, the baselines; milestones and budget lines belong to
# the old period's calendar and years, and each fiche starts again "prévue".
CHANGED = {
    "key",
    "title_of_strategy",
    "starts_on",
    "ends_on",
    "deadline",
    "status",
    "version_number",
    "baseline_value",
    "baseline_on",
    "milestones",
    "budget",
}


def strip(data: Any, top: bool = True) -> Any:
    if isinstance(data, dict):
        return {
            k: strip(v, False)
            for k, v in data.items()
            if k not in CHANGED and not (top and k == "title")
        }
    if isinstance(data, list):
        return [strip(item, False) for item in data]
    return data


def exported(client, strategy: Strategy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("strategy:document_json", args=[strategy.pk]))
    assert response.status_code == 200
    return json.loads(response.content)  # type: ignore[no-any-return]


def reported_result(world) -> ObjectiveIndicator:  # type: ignore[no-untyped-def]
    """A result indicator reported by the partners: one validated value, a later one waiting."""
    definition = IndicatorDefinition.objects.create(
        council=world.council,
        name="Dégradations signalées au bailleur",
        kind=IndicatorKind.RESULT,
        unit="nombre",
        periodicity=Periodicity.YEAR,
    )
    use = ObjectiveIndicator.objects.create(
        objective=world.objective,
        definition=definition,
        baseline_value=Decimal(40),
        baseline_on=datetime.date(2025, 12, 31),
        target_value=Decimal(30),
        deadline=datetime.date(2028, 12, 31),
        direction=Direction.DECREASE,
    )
    for year, value, status in ((2026, 35, MeasurementStatus.VALIDATED), (2027, 33, "submitted")):
        Measurement.objects.create(
            objective_indicator=use,
            period_start=datetime.date(year, 1, 1),
            value=Decimal(value),
            status=status,
            submitted_by=world.partner,
            submitted_at=timezone.now(),
        )
    return use


def test_the_copy_differs_from_its_source_only_by_ids_dates_and_baselines(world, login) -> None:  # type: ignore[no-untyped-def]
    enrich(world)
    use = reported_result(world)
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.IN_FORCE)
    world.strategy.refresh_from_db()
    client = login(world.coordinator)
    source_page = client.get(world.strategy.get_absolute_url()).content.decode()
    url = reverse("steering:new_mandate", args=[world.strategy.pk])
    assert url in source_page
    source = exported(client, world.strategy)
    form = client.get(url).context["form"]
    assert form.initial["starts_on"] == datetime.date(2029, 1, 1)
    assert form.initial["ends_on"] == datetime.date(2031, 12, 31)
    response = client.post(
        url,
        {
            "title": "Stratégie territoriale 2029-2031",
            "starts_on": "01/01/2029",
            "ends_on": "31/12/2031",
        },
    )
    assert response.status_code == 302
    copy = Strategy.objects.get(title="Stratégie territoriale 2029-2031")
    assert response["Location"] == copy.get_absolute_url()
    assert (copy.status, copy.starts_on, copy.ends_on) == (
        Status.DRAFT,
        datetime.date(2029, 1, 1),
        datetime.date(2031, 12, 31),
    )
    copied = exported(client, copy)
    assert strip(copied) == strip(source)
    actions = [a for x in copied["axes"] for o in x["objectives"] for a in o["actions"]]
    assert len(copied["axes"]) == 2 and len(actions) == 3
    assert actions[0]["partners"] and actions[0]["communes"] and actions[0]["indicators"]
    assert exported(client, world.strategy) == source  # the source is untouched

    # Identifiers are new: the old strategy's remarks and values stay with it.
    keys = {a["key"] for a in source["axes"]} | {
        o["key"] for a in source["axes"] for o in a["objectives"]
    }
    assert keys.isdisjoint(
        {a["key"] for a in copied["axes"]}
        | {o["key"] for a in copied["axes"] for o in a["objectives"]}
    )
    # The reported indicator starts from its last validated value (not the one waiting).
    new_use = ObjectiveIndicator.objects.get(
        objective__axis__strategy=copy, definition=use.definition
    )
    assert (new_use.baseline_value, new_use.baseline_on) == (
        Decimal(35),
        datetime.date(2026, 12, 31),
    )
    assert (new_use.target_value, new_use.deadline) == (Decimal(30), copy.ends_on)
    # Nothing of the old period's life comes along.
    assert not Measurement.objects.filter(objective_indicator__objective__axis__strategy=copy)
    assert not copy.versions.exists() and not copy.transitions.exists()
    assert not copy.signatures.exists() and not copy.deliberations.exists()
    event = Event.objects.get(
        verb="created", object_type="strategy.strategy", object_id=str(copy.pk)
    )
    assert event.changes["copie de"][1].startswith(world.strategy.title)


def test_the_last_observed_value_of_an_observatory_indicator_is_its_last_exact_rate(world) -> None:  # type: ignore[no-untyped-def]
    use = world.objective.indicators.get(definition__observatory_indicator=world.indicator)
    last = last_observed([use])[use.pk]
    series = observatory_series([use])[use.pk]
    exact = [v for v in series if v.state in (ValueState.PUBLISHED, ValueState.ZERO)]
    assert exact and last.on == exact[-1].period_end and last.source == "observatoire"
    assert last.value == Decimal(str(exact[-1].value)).quantize(Decimal("0.001"))


def test_only_a_strategy_in_force_or_closed_is_copied(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("steering:new_mandate", args=[world.strategy.pk])
    page = client.get(url)
    assert page.status_code == 200 and "un nouveau mandat part" in page.context["refusal"]
    assert url not in client.get(world.strategy.get_absolute_url()).content.decode()
    response = client.post(
        url, {"title": "Copie", "starts_on": "01/01/2029", "ends_on": "31/12/2031"}
    )
    assert response.status_code == 400
    assert Strategy.objects.filter(council=world.council).count() == 1


def test_the_new_period_is_checked(world, login) -> None:  # type: ignore[no-untyped-def]
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.CLOSED)
    client = login(world.coordinator)
    url = reverse("steering:new_mandate", args=[world.strategy.pk])
    response = client.post(
        url, {"title": "Copie", "starts_on": "01/01/2025", "ends_on": "31/12/2024"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"]
    response = client.post(
        url, {"title": "Copie", "starts_on": "01/01/2025", "ends_on": "31/12/2027"}
    )
    assert "commence après le début de la stratégie copiée" in str(
        response.context["form"].errors["starts_on"]
    )
    assert Strategy.objects.filter(council=world.council).count() == 1
