"""The evaluation page of an objective and the appraisal forms."""

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stspd.audit.models import Event
from stspd.conftest import World
from stspd.evaluation.models import Appraisal, InterventionStart
from stspd.strategy.enums import Status
from stspd.strategy.models import Action

from .conftest import Panel

APPRAISAL = {
    "year": "2026",
    "implementation": "partly",
    "effects": "Moins de rassemblements tardifs.",
    "unexpected_effects": "Déplacement vers la gare.",
    "partners_views": "La police nationale soutient la médiation.",
    "recommendation": "adjust",
    "reasons": "Étendre les horaires au week-end.",
}


def page(client, world: World) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("evaluation:objective", args=[world.objective.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def test_reader_sees_the_conclusion_and_no_form(login, world: World, panel: Panel) -> None:  # type: ignore[no-untyped-def]
    html = page(login(world.reader), world)
    assert "La baisse est significative et plus marquée que dans les communes comparables" in html
    assert "Commune synthétique" in html and 'data-counterfactual-chart="cf-' in html
    assert "Début de l'intervention : 2021 (fixé par le coordinateur" in html
    assert "Apprécier l'objectif" not in html
    # Rouen follows its comparison communes' shape before 2021: parallel pre-trends, leads
    # 2016-2019 relative to 2020 within rounding of 0 %.
    assert "Tendances avant le début (étude d'événements)" in html
    assert "tendances parallèles au seuil de 10 %" in html
    assert '<th scope="row">2016</th><td>0 %</td>' in html


def test_coordinator_appraises_an_objective_and_the_event_is_recorded(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("evaluation:objective_appraisal_add", args=[world.objective.pk])
    response = client.post(url, APPRAISAL)
    assert response.status_code == 302
    appraisal = Appraisal.objects.get(objective=world.objective, year=2026)
    assert appraisal.recommendation == "adjust" and appraisal.updated_by == world.coordinator
    event = Event.objects.get(object_type="evaluation.appraisal", object_id=str(appraisal.pk))
    assert event.verb == "created" and event.changes["recommendation"] == ["", "Ajuster"]
    html = page(client, world)
    assert "Étendre les horaires au week-end." in html


def test_a_second_appraisal_of_the_same_year_is_a_form_error(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("evaluation:objective_appraisal_add", args=[world.objective.pk])
    client.post(url, APPRAISAL)
    response = client.post(url, APPRAISAL)
    assert response.status_code == 400
    assert "Cet objectif a déjà une appréciation pour cette année." in response.content.decode()
    assert Appraisal.objects.count() == 1


def test_editing_an_appraisal_records_what_changed(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    client.post(reverse("evaluation:action_appraisal_add", args=[world.action.pk]), APPRAISAL)
    appraisal = Appraisal.objects.get(action=world.action)
    response = client.post(
        reverse("evaluation:appraisal_edit", args=[appraisal.pk]),
        APPRAISAL | {"recommendation": "stop", "reasons": "Le public ne vient plus."},
    )
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.recommendation == "stop"
    event = Event.objects.filter(verb="updated", object_type="evaluation.appraisal").get()
    assert event.changes["recommendation"] == ["Ajuster", "Arrêter"]


def test_a_year_outside_the_strategy_is_refused(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("evaluation:objective_appraisal_add", args=[world.objective.pk])
    assert client.post(url, APPRAISAL | {"year": "2019"}).status_code == 400
    assert not Appraisal.objects.exists()


def test_appraisals_are_written_after_adoption(login, world: World) -> None:  # type: ignore[no-untyped-def]
    """Evaluation is not the strategy's content: a strategy in force is still appraised."""
    world.strategy.status = Status.IN_FORCE
    world.strategy.save()
    client = login(world.coordinator)
    url = reverse("evaluation:action_appraisal_add", args=[world.action.pk])
    assert client.post(url, APPRAISAL).status_code == 302


@pytest.mark.parametrize("who", ["reader", "partner"])
def test_only_the_coordinator_writes_an_appraisal(login, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    client = login(getattr(world, who))
    url = reverse("evaluation:objective_appraisal_add", args=[world.objective.pk])
    events = Event.objects.count()
    assert client.post(url, APPRAISAL).status_code == 403
    assert not Appraisal.objects.exists() and Event.objects.count() == events


def test_coordinator_dates_the_intervention(login, world: World, panel: Panel) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("evaluation:intervention_start", args=[panel.use.pk])
    response = client.post(url, {"year": "2020", "reason": "Vidéoprotection installée en 2020."})
    assert response.status_code == 302
    assert InterventionStart.objects.get(objective_indicator=panel.use).year == 2020
    assert Event.objects.filter(object_type="evaluation.interventionstart").exists()
    assert "Années avant : 2016, 2017, 2018, 2019 ;" in page(client, world)


def test_evaluation_page_queries_do_not_grow_with_actions(
    login, world: World, panel: Panel
) -> None:  # type: ignore[no-untyped-def]
    client = login(world.reader)
    url = reverse("evaluation:objective", args=[world.objective.pk])

    def count() -> int:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = count()
    for n in range(5):
        action = Action.objects.create(objective=world.objective, title=f"Action {n}")
        for year in (2026, 2027):
            Appraisal.objects.create(
                action=action,
                year=year,
                implementation="as_planned",
                recommendation="continue",
                reasons="Bien.",
            )
    assert count() == before


def test_too_few_donors_say_non_concluant_and_why(login, world: World) -> None:  # type: ignore[no-untyped-def]
    """Only 3 comparable communes publish their figures (the 21 others are under statistical
    secrecy every year): the synthetic control's placebo p-value cannot go below 1/4, so the
    page says "non concluant" and why, never "no effect"."""
    from .conftest import YEARS, make_panel

    hidden = {(f"76{700 + j}", year) for j in range(3, 24) for year in YEARS}
    make_panel(world, suppressed=hidden)
    html = page(login(world.reader), world)
    assert (
        "non concluant (3 communes témoins seulement, la p-valeur des placebos ne peut pas "
        "descendre sous 1/4 (0,25), il en faut au moins 19 pour le seuil de 5 %"
    ) in html
    assert "aucun effet" not in html
