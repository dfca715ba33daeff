"""Fiches action: every field, two people editing at once, partners, milestones, budget lines
and activity indicators."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from stspd.accounts.models import Organisation
from stspd.audit.models import Event
from stspd.indicators.models import IndicatorDefinition
from stspd.strategy.models import Action, ActionIndicator, ActionPartner, BudgetLine, Milestone
from stspd.territories.models import Commune

from .test_editing import page


def action_data(world, **changes: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "title": "Médiation de nuit",
        "problem": "Dégradations nocturnes",
        "description": "Deux médiateurs de 20 h à 2 h.",
        "public": "Jeunes de 16 à 25 ans",
        "communes": [Commune.objects.get(code="76575").pk],
        "neighbourhoods": "Château Blanc",
        "lead": world.organisation.pk,
        "starts_on": "2026-03-01",
        "ends_on": "2027-12-31",
        "status": "in_progress",
        "revision": world.action.revision,
    } | changes


def test_coordinator_creates_a_fiche_action(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/objectifs/{world.objective.pk}/fiches-action/nouvelle/"
    assert world.organisation.name in page(client.get(url))
    response = client.post(url, {"title": "Chantiers éducatifs", "lead": world.organisation.pk})
    action = Action.objects.get(title="Chantiers éducatifs")
    assert response["Location"] == f"/fiches-action/{action.pk}/"
    assert action.position == 2 and action.lead == world.organisation
    assert Event.objects.filter(verb="created", object_type="strategy.action").exists()
    assert "Fiche action 1.1.2 — Chantiers éducatifs" in page(client.get(response["Location"]))


def test_the_lead_is_a_member_of_the_council(world, login) -> None:  # type: ignore[no-untyped-def]
    stranger = Organisation.objects.create(name="Association lointaine", kind="association")
    response = login(world.coordinator).post(
        f"/fiches-action/{world.action.pk}/modifier/", action_data(world, lead=stranger.pk)
    )
    assert response.status_code == 200
    world.action.refresh_from_db()
    assert world.action.lead == world.organisation


def test_coordinator_fills_every_field_and_the_change_is_recorded(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/fiches-action/{world.action.pk}/modifier/"
    form = page(client.get(url))
    assert "Saint-Étienne-du-Rouvray" in form and "Rouen" in form
    assert "Le Havre" not in form  # communes of the council's territory only
    response = client.post(url, action_data(world))
    assert response["Location"] == f"/fiches-action/{world.action.pk}/"
    action = Action.objects.get(pk=world.action.pk)
    assert action.revision == 1 and action.status == "in_progress"
    assert [c.name for c in action.communes.all()] == ["Saint-Étienne-du-Rouvray"]
    event = Event.objects.get(verb="updated", object_type="strategy.action")
    assert event.changes["communes"] == ["", "Saint-Étienne-du-Rouvray (76575)"]
    assert event.changes["starts_on"] == ["", "01/03/2026"]
    text = page(client.get(f"/fiches-action/{world.action.pk}/"))
    assert "Château Blanc" in text and "du 01/03/2026 au 31/12/2027" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2026-01-15"}, "La fin de l&#x27;action doit suivre son début."),
        ({"starts_on": "2025-06-01"}, "La date doit tomber dans la période de la stratégie"),
    ],
)
def test_action_dates_are_checked(world, login, changes, message) -> None:  # type: ignore[no-untyped-def]
    response = login(world.coordinator).post(
        f"/fiches-action/{world.action.pk}/modifier/", action_data(world, **changes)
    )
    assert message in page(response)


def test_second_save_of_the_same_revision_is_refused_and_nothing_is_lost(
    world, login, client
) -> None:  # type: ignore[no-untyped-def]
    """Two people open the fiche at revision 0; the first saves; the second is told, keeps
    their input, sees the first one's values, and may save again knowingly."""
    url = f"/fiches-action/{world.action.pk}/modifier/"
    first = login(world.coordinator)
    first.post(url, action_data(world, description="Version de Claire"))
    second = login(world.site_admin)
    response = second.post(url, action_data(world, description="Version d'Alex", revision=0))
    text = page(response)
    assert response.status_code == 200
    assert "Quelqu&#x27;un a enregistré cette fiche action pendant que vous la modifiiez" in text
    assert "Version d&#x27;Alex" in text  # their input, kept in the form
    assert "Version de Claire" in text  # the other's value, shown beside
    assert "par Claire Lefebvre" in text
    assert 'name="revision" value="1"' in text
    action = Action.objects.get(pk=world.action.pk)
    assert action.description == "Version de Claire" and action.revision == 1
    assert Event.objects.filter(verb="updated", object_type="strategy.action").count() == 1
    # Saving again from the page shown replaces the other version, knowingly.
    second.post(url, action_data(world, description="Version d'Alex", revision=1))
    action.refresh_from_db()
    assert action.description == "Version d'Alex" and action.revision == 2


def item_url(world, kind: str) -> str:  # type: ignore[no-untyped-def]
    return f"/fiches-action/{world.action.pk}/{kind}/ajouter/"


def test_coordinator_adds_a_partner_once_per_role(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    data = {"organisation": world.organisation.pk, "role": "funder"}
    response = client.post(item_url(world, "partenaires"), data)
    assert response["Location"] == f"/fiches-action/{world.action.pk}/#partenaires"
    partner = ActionPartner.objects.get()
    event = Event.objects.get(object_type="strategy.actionpartner")
    assert event.object_label == f"{world.action.title} — {partner}"
    again = client.post(item_url(world, "partenaires"), data)
    assert "Cette organisation a déjà ce rôle dans l&#x27;action." in page(again)
    assert ActionPartner.objects.count() == 1


def test_coordinator_adds_a_milestone_never_done_in_the_future(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        item_url(world, "jalons"),
        {"title": "Recrutement", "due_on": "2026-06-30", "done_on": tomorrow.isoformat()},
    )
    assert "Un jalon ne peut pas être réalisé à une date future." in page(response)
    client.post(item_url(world, "jalons"), {"title": "Recrutement", "due_on": "2026-06-30"})
    milestone = Milestone.objects.get()
    assert "Recrutement" in page(client.get(f"/fiches-action/{world.action.pk}/"))
    client.post(f"/fiches-action/jalons/{milestone.pk}/supprimer/")
    assert not Milestone.objects.exists()


def budget(**changes: object) -> dict[str, object]:
    return {
        "funder": "commune",
        "funder_name": "",
        "year": "2027",
        "planned": "1000",
        "committed": "800",
        "spent": "500",
    } | changes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"spent": "900"}, "Le dépensé ne peut pas dépasser l&#x27;engagé."),
        ({"planned": "-5"}, "Un montant ne peut pas être négatif."),
        ({"year": "2030"}, "Une année de la période de la stratégie (2026 à 2028)."),
        ({"funder": "other"}, "Précisez le nom de ce financeur."),
        ({"funder": "fipd", "year": "2026"}, "Ce financeur a déjà une ligne pour cette année."),
    ],
)
def test_budget_lines_are_checked(world, login, changes, message) -> None:  # type: ignore[no-untyped-def]
    response = login(world.coordinator).post(item_url(world, "budget"), budget(**changes))
    assert message in page(response)
    assert BudgetLine.objects.count() == 1


def test_committed_above_planned_is_saved_with_a_warning(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(item_url(world, "budget"), budget(committed="1200"), follow=True)
    text = page(response)
    assert "L&#x27;engagé dépasse le prévu de cette ligne" in text
    assert "au-delà du prévu" in text
    line = BudgetLine.objects.get(year=2027)
    assert line.committed == Decimal(1200)
    assert "16\u202f000\xa0€" in text  # total planned: 15,000 + 1,000


def test_coordinator_edits_a_budget_line_and_the_change_is_recorded(world, login) -> None:  # type: ignore[no-untyped-def]
    line = world.action.budget_lines.get()
    client = login(world.coordinator)
    url = f"/fiches-action/budget/{line.pk}/modifier/"
    assert "15000" in page(client.get(url))
    client.post(url, budget(funder="fipd", year="2026", planned="15000", committed="12000"))
    line.refresh_from_db()
    assert line.committed == Decimal(12000)
    event = Event.objects.get(object_type="strategy.budgetline")
    assert event.changes["committed"] == ["0.00", "12000"]


def test_coordinator_adds_an_activity_indicator_with_a_target(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    form = page(client.get(item_url(world, "indicateurs")))
    assert "Jeunes suivis" in form
    assert "Destructions et dégradations volontaires" not in form  # results go to objectives
    youths = IndicatorDefinition.objects.get(name="Jeunes suivis")
    client.post(item_url(world, "indicateurs"), {"definition": youths.pk, "target_value": "40"})
    assert ActionIndicator.objects.get(definition=youths).target_value == Decimal(40)
    again = client.post(item_url(world, "indicateurs"), {"definition": youths.pk})
    assert "Cet indicateur suit déjà cette action." in page(again)
    negative = client.post(
        item_url(world, "indicateurs"),
        {
            "definition": IndicatorDefinition.objects.get(name="Réunions tenues").pk,
            "target_value": "-3",
        },
    )
    assert "Une cible d&#x27;activité ne peut pas être négative." in page(negative)


def test_unknown_item_kind_is_not_found(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    assert client.get(item_url(world, "inconnu")).status_code == 404
    assert client.get(f"/fiches-action/inconnu/{world.action.pk}/modifier/").status_code == 404


def test_an_item_of_another_council_is_not_found(world, login) -> None:  # type: ignore[no-untyped-def]
    line = world.action.budget_lines.get()
    client = login(world.outsider)
    assert client.get(f"/fiches-action/budget/{line.pk}/modifier/").status_code == 404
    assert client.get(f"/fiches-action/{world.action.pk}/").status_code == 404


def test_coordinator_moves_a_fiche_action_down(world, login) -> None:  # type: ignore[no-untyped-def]
    other = Action.objects.create(objective=world.objective, position=2, title="Deuxième")
    login(world.coordinator).post(f"/deplacer/fiche/{world.action.pk}/", {"sens": "bas"})
    assert list(world.objective.actions.values_list("pk", flat=True)) == [other.pk, world.action.pk]
