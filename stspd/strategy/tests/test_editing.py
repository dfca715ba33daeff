"""The strategy's editing room: strategies of a council, the tree, axes, objectives and their
indicators. Fiches action are in test_editing_action.py."""

import datetime
from decimal import Decimal

import pytest

from stspd.audit.models import Event
from stspd.indicators.models import IndicatorDefinition
from stspd.strategy.enums import Status
from stspd.strategy.models import Axis, Objective, ObjectiveIndicator, Strategy


def page(response) -> str:  # type: ignore[no-untyped-def]
    text: str = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in text
    return text


def test_council_page_links_to_its_strategies(world, login) -> None:  # type: ignore[no-untyped-def]
    text = page(login(world.reader).get(f"/conseils/{world.council.pk}/"))
    assert f'href="/conseils/{world.council.pk}/strategies/"' in text


def test_any_role_lists_the_council_strategies_and_only_the_coordinator_may_create(  # type: ignore[no-untyped-def]
    world, login
) -> None:
    url = f"/conseils/{world.council.pk}/strategies/"
    text = page(login(world.reader).get(url))
    assert world.strategy.title in text and "Brouillon" in text
    assert "Nouvelle stratégie" not in text
    assert "Nouvelle stratégie" in page(login(world.coordinator).get(url))


def test_coordinator_creates_a_strategy_of_three_years_by_default(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/conseils/{world.council.pk}/strategies/nouvelle/"
    assert "Nouvelle stratégie territoriale" in page(client.get(url))
    response = client.post(
        url,
        {"title": "STSPD 2027-2029", "starts_on": "2027-01-01", "evaluation_method": "Bilan"},
    )
    strategy = Strategy.objects.get(title="STSPD 2027-2029")
    assert response["Location"] == f"/strategies/{strategy.pk}/"
    assert strategy.council == world.council and strategy.status == Status.DRAFT
    assert strategy.ends_on == datetime.date(2029, 12, 31)
    event = Event.objects.get(verb="created", object_type="strategy.strategy")
    assert event.actor == world.coordinator and event.council == world.council


def test_a_period_ending_before_it_starts_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.coordinator).post(
        f"/conseils/{world.council.pk}/strategies/nouvelle/",
        {"title": "X", "starts_on": "2027-01-01", "ends_on": "2026-12-31"},
    )
    assert "La période doit finir après son début." in page(response)
    assert not Strategy.objects.filter(title="X").exists()


def test_detail_shows_the_numbered_tree_with_indicators_budget_and_readiness(world, login) -> None:  # type: ignore[no-untyped-def]
    second = Objective.objects.create(axis=world.axis, position=2, statement="Second objectif")
    text = page(login(world.partner).get(f"/strategies/{world.strategy.pk}/"))
    assert "Axe 1 — Tranquillité publique" in text
    assert "Objectif 1.1 — " in text and "Objectif 1.2 — " in text and second.statement in text
    assert "<td>1.1.1</td>" in text and world.action.title in text
    assert "Préfecture de la Seine-Maritime" in text  # the lead
    assert "15\u202f000\xa0€ / 0\xa0€ / 0\xa0€" in text  # planned / committed / spent
    assert "Médiations réalisées" in text
    assert "1,2 au 31/12/2023" in text  # baseline
    # The second objective is neither quantified nor justified: the summary says so (a
    # quantification the review does not wait for, the adoption does).
    assert "1 chiffrage reste à faire avant son adoption" in text
    assert "point à compléter" not in text
    # A partner reads but has no edit link.
    assert "Modifier la stratégie" not in text and "/deplacer/" not in text


def test_coordinator_edits_the_strategy_and_the_change_is_recorded(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/strategies/{world.strategy.pk}/modifier/"
    assert world.strategy.title in page(client.get(url))
    client.post(
        url,
        {
            "title": "STSPD 2026-2028",
            "starts_on": "2026-01-01",
            "ends_on": "2028-12-31",
            "evaluation_method": "Comité de suivi semestriel",
        },
    )
    world.strategy.refresh_from_db()
    assert world.strategy.evaluation_method == "Comité de suivi semestriel"
    event = Event.objects.get(verb="updated", object_type="strategy.strategy")
    assert event.changes["title"] == ["Stratégie territoriale 2026-2028", "STSPD 2026-2028"]


def test_coordinator_adds_edits_and_deletes_an_axis(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/strategies/{world.strategy.pk}/axes/nouveau/",
        {"title": "Prévention de la récidive", "description": "Enjeux"},
    )
    axis = Axis.objects.get(title="Prévention de la récidive")
    assert axis.position == 2
    assert response["Location"] == f"/strategies/{world.strategy.pk}/#axe-{axis.pk}"
    client.post(f"/axes/{axis.pk}/modifier/", {"title": "Récidive", "description": ""})
    axis.refresh_from_db()
    assert axis.title == "Récidive"
    assert "Rien d'autre ne dépend" in page(client.get(f"/axes/{axis.pk}/supprimer/"))
    client.post(f"/axes/{axis.pk}/supprimer/")
    assert not Axis.objects.filter(pk=axis.pk).exists()
    verbs = list(
        Event.objects.filter(object_type="strategy.axis").order_by("pk").values_list("verb")
    )
    assert verbs == [("created",), ("updated",), ("deleted",)]


def test_coordinator_moves_an_axis_up(world, login) -> None:  # type: ignore[no-untyped-def]
    second = Axis.objects.create(strategy=world.strategy, position=2, title="Second axe")
    client = login(world.coordinator)
    response = client.post(f"/deplacer/axe/{second.pk}/", {"sens": "haut"})
    assert response["Location"] == f"/strategies/{world.strategy.pk}/#axe-{second.pk}"
    assert [a.title for a in world.strategy.axes.all()] == ["Second axe", "Tranquillité publique"]
    assert Event.objects.get(object_type="strategy.axis").changes == {"ordre": ["2", "1"]}
    # Already first: nothing moves, nothing is recorded.
    client.post(f"/deplacer/axe/{second.pk}/", {"sens": "haut"})
    assert Event.objects.filter(object_type="strategy.axis").count() == 1
    assert client.get(f"/deplacer/axe/{second.pk}/").status_code == 405
    assert client.post(f"/deplacer/inconnu/{second.pk}/").status_code == 404


def test_coordinator_adds_an_objective_and_reads_its_page(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/axes/{world.axis.pk}/objectifs/nouveau/",
        {"statement": "Réduire les cambriolages", "unquantified_reason": ""},
    )
    objective = Objective.objects.get(statement="Réduire les cambriolages")
    assert response["Location"] == f"/objectifs/{objective.pk}/"
    text = page(client.get(f"/objectifs/{objective.pk}/"))
    assert "Objectif 1.2 — Réduire les cambriolages" in text
    assert "Ajouter un indicateur" in text
    assert Event.objects.filter(verb="created", object_type="strategy.objective").exists()


def indicator_data(world, **changes: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    definition = IndicatorDefinition.objects.get(observatory_indicator=world.indicator)
    return {
        "definition": definition.pk,
        "baseline_value": "12",
        "baseline_on": "2025-12-31",
        "target_value": "10",
        "deadline": "2028-06-30",
        "direction": "decrease",
    } | changes


@pytest.fixture
def objective(world):  # type: ignore[no-untyped-def]
    return Objective.objects.create(axis=world.axis, position=2, statement="Objectif vide")


def test_coordinator_adds_a_quantified_indicator_to_an_objective(world, login, objective) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/objectifs/{objective.pk}/indicateurs/nouveau/"
    form = page(client.get(url))
    assert "Destructions et dégradations volontaires" in form
    assert "Médiations réalisées" not in form  # activity indicators belong to actions
    assert "Le Havre" not in form  # a perimeter is a commune of the council's territory
    rouen = world.council.communes().get(name="Rouen")
    response = client.post(url, indicator_data(world, public="on", commune=str(rouen.pk)))
    assert response["Location"] == f"/objectifs/{objective.pk}/"
    use = objective.indicators.get()
    assert use.is_quantified and use.public and use.target_value == Decimal(10)
    assert use.commune == rouen
    assert "<td>Rouen</td>" in page(client.get(f"/objectifs/{objective.pk}/"))
    event = Event.objects.get(object_type="strategy.objectiveindicator")
    assert event.object_label.startswith("Objectif vide — Destructions")
    assert event.changes["target_value"] == ["", "10"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deadline": ""}, "Une cible a besoin d&#x27;une échéance."),
        ({"baseline_on": ""}, "Indiquez la date de la valeur de référence."),
        ({"baseline_on": "2028-07-01"}, "La valeur de référence doit dater d&#x27;avant"),
        ({"deadline": "2030-01-01"}, "L&#x27;échéance doit tomber dans la période"),
        ({"target_value": "14"}, "alors que le sens souhaité est à la baisse"),
        ({"target_value": "-1", "direction": "increase"}, "inférieure à la valeur de référence"),
    ],
)
def test_objective_indicator_is_checked(world, login, objective, changes, message) -> None:  # type: ignore[no-untyped-def]
    response = login(world.coordinator).post(
        f"/objectifs/{objective.pk}/indicateurs/nouveau/", indicator_data(world, **changes)
    )
    assert message in page(response)
    assert not objective.indicators.exists()


def test_an_indicator_follows_an_objective_once(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.coordinator).post(
        f"/objectifs/{world.objective.pk}/indicateurs/nouveau/", indicator_data(world)
    )
    assert "Cet indicateur suit déjà cet objectif." in page(response)


def test_another_council_indicator_cannot_be_picked(world, login, objective) -> None:  # type: ignore[no-untyped-def]
    foreign = IndicatorDefinition.objects.create(
        council=world.other_council, name="Tags", kind="result", unit="nombre"
    )
    response = login(world.coordinator).post(
        f"/objectifs/{objective.pk}/indicateurs/nouveau/",
        indicator_data(world, definition=str(foreign.pk)),
    )
    assert response.status_code == 200
    assert not objective.indicators.exists()


def test_coordinator_edits_and_deletes_an_objective_indicator(world, login) -> None:  # type: ignore[no-untyped-def]
    use = world.objective.indicators.get()
    client = login(world.coordinator)
    client.post(
        f"/indicateurs-objectif/{use.pk}/modifier/",
        indicator_data(world, target_value="0.9", baseline_value="1.2"),
    )
    use.refresh_from_db()
    assert use.target_value == Decimal("0.9")
    client.post(f"/indicateurs-objectif/{use.pk}/supprimer/")
    assert not ObjectiveIndicator.objects.filter(pk=use.pk).exists()
    assert Event.objects.filter(verb="deleted", object_type="strategy.objectiveindicator").exists()


def test_deleting_an_objective_says_what_goes_with_it(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    text = page(client.get(f"/objectifs/{world.objective.pk}/supprimer/"))
    assert "Fiches action : 1" in text
    client.post(f"/objectifs/{world.objective.pk}/supprimer/")
    assert not Objective.objects.filter(pk=world.objective.pk).exists()


@pytest.mark.parametrize("status", [Status.SIGNED, Status.ADOPTED, Status.IN_FORCE])
def test_a_strategy_past_adoption_cannot_be_edited(world, login, status) -> None:  # type: ignore[no-untyped-def]
    Strategy.objects.filter(pk=world.strategy.pk).update(status=status)
    client = login(world.coordinator)
    use = world.objective.indicators.get()
    line = world.action.budget_lines.get()
    urls = [
        f"/strategies/{world.strategy.pk}/modifier/",
        f"/strategies/{world.strategy.pk}/axes/nouveau/",
        f"/axes/{world.axis.pk}/modifier/",
        f"/axes/{world.axis.pk}/supprimer/",
        f"/axes/{world.axis.pk}/objectifs/nouveau/",
        f"/objectifs/{world.objective.pk}/modifier/",
        f"/objectifs/{world.objective.pk}/supprimer/",
        f"/objectifs/{world.objective.pk}/indicateurs/nouveau/",
        f"/indicateurs-objectif/{use.pk}/modifier/",
        f"/indicateurs-objectif/{use.pk}/supprimer/",
        f"/objectifs/{world.objective.pk}/fiches-action/nouvelle/",
        f"/fiches-action/{world.action.pk}/modifier/",
        f"/fiches-action/{world.action.pk}/supprimer/",
        f"/fiches-action/{world.action.pk}/jalons/ajouter/",
        f"/fiches-action/budget/{line.pk}/modifier/",
        f"/fiches-action/budget/{line.pk}/supprimer/",
        f"/deplacer/fiche/{world.action.pk}/",
    ]
    events = Event.objects.count()
    for url in urls:
        response = client.post(url, {"title": "Changé"})
        assert response.status_code == 403, url
        assert "son contenu ne se modifie plus" in response.content.decode(), url
    assert Event.objects.count() == events
    # The pages still read, without edit links.
    text = page(client.get(f"/strategies/{world.strategy.pk}/"))
    assert "Modifier la stratégie" not in text and "Ouvrez une révision" in text
    assert "Modifier la fiche" not in page(client.get(f"/fiches-action/{world.action.pk}/"))


def test_a_new_period_keeps_the_years_of_the_budget_lines(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.coordinator).post(
        f"/strategies/{world.strategy.pk}/modifier/",
        {"title": "STSPD", "starts_on": "2027-01-01", "ends_on": "2029-12-31"},
    )
    assert "Des lignes budgétaires portent sur 2026, hors de cette période" in page(response)
    world.strategy.refresh_from_db()
    assert world.strategy.starts_on == datetime.date(2026, 1, 1)
