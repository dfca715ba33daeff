"""The council's pages: creating a survey, its questions, opening, margins and weighting, with
French messages on bad input and nothing stored."""

from django.urls import reverse

from stspd.jobs.models import Job
from stspd.surveys.enums import MarginSource, SurveyStatus
from stspd.surveys.models import Margin, Question, Survey, WeightingRun

from .helpers import answered_survey, draft_survey, profile


def test_the_coordinator_creates_a_survey_with_its_neighbourhoods(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    url = reverse("surveys:create", args=[world.council.pk])
    refused = client.post(
        url,
        {
            "title": "Enquête 2027",
            "territory": "Métropole",
            "access_mode": "codes",
            "per_address_limit": "3",
            "neighbourhoods": "Centre",
        },
    )
    assert "Une question à choix propose au moins deux réponses" in refused.content.decode()
    assert not Survey.objects.exists()
    done = client.post(
        url,
        {
            "title": "Enquête 2027",
            "territory": "Métropole",
            "access_mode": "codes",
            "per_address_limit": "3",
            "neighbourhoods": "Centre\nRive gauche",
        },
    )
    survey = Survey.objects.get()
    assert done["Location"] == survey.get_absolute_url()
    assert survey.current_version().questions.get(code="quartier").choices == [
        ["centre", "Centre"],
        ["rive-gauche", "Rive gauche"],
    ]


def test_the_council_adds_edits_and_removes_its_own_question(world, client) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world)
    client.force_login(world.coordinator)
    add = reverse("surveys:question_add", args=[survey.pk])
    client.post(
        add,
        {
            "text": "Fréquentez-vous le parc le soir ?",
            "code": "parc",
            "kind": "single",
            "choices_text": "oui : Oui\nnon : Non",
        },
    )
    question = Question.objects.get(code="parc")
    assert question.choices == [["oui", "Oui"], ["non", "Non"]] and not question.core
    twice = client.post(add, {"text": "Autre", "code": "parc", "kind": "text", "choices_text": ""})
    assert "a déjà le code « parc »" in twice.content.decode()
    client.post(
        reverse("surveys:question_edit", args=[question.pk]),
        {
            "text": "Allez-vous au parc le soir ?",
            "code": "parc",
            "kind": "single",
            "choices_text": "oui : Oui\nnon : Non\nnsp : Je ne sais pas",
        },
    )
    question.refresh_from_db()
    assert question.text == "Allez-vous au parc le soir ?" and len(question.choices) == 3
    client.post(reverse("surveys:question_delete", args=[question.pk]))
    assert not Question.objects.filter(code="parc").exists()
    sexe = survey.current_version().questions.get(code="sexe")
    kept = client.post(reverse("surveys:question_delete", args=[sexe.pk]))
    assert "servent au redressement" in kept.content.decode()
    assert Question.objects.filter(pk=sexe.pk).exists()


def test_opening_needs_codes_then_freezes_the_questions(world, client) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world)
    client.force_login(world.coordinator)
    refused = client.post(reverse("surveys:open", args=[survey.pk]))
    assert "créez d&#x27;abord les codes" in refused.content.decode()
    client.post(reverse("surveys:codes", args=[survey.pk]), {"count": "2"})
    client.post(reverse("surveys:open", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    question = survey.current_version().questions.first()
    assert question is not None
    assert client.get(reverse("surveys:question_edit", args=[question.pk])).status_code == 403


def test_the_insee_margin_is_picked_for_age_and_a_bad_one_is_refused(world, client) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world)
    client.force_login(world.coordinator)
    age = survey.current_version().questions.get(code="age")
    client.post(reverse("surveys:margin", args=[age.pk]), {"departement": "76"})
    margin = Margin.objects.get(question=age)
    assert margin.source == MarginSource.INSEE
    assert margin.totals["75+"] == 40_577 + 34_344 + 25_304 + 12_642 + 3_944
    sexe = survey.current_version().questions.get(code="sexe")
    refused = client.post(
        reverse("surveys:margin", args=[sexe.pk]), {"n_F": "100", "n_H": "0", "note": "RP"}
    )
    assert refused.status_code == 200
    assert not Margin.objects.filter(question=sexe).exists()
    client.post(
        reverse("surveys:margin", args=[sexe.pk]), {"n_F": "100", "n_H": "90", "note": "RP 2021"}
    )
    assert Margin.objects.get(question=sexe).totals == {"F": 100.0, "H": 90.0}


def test_a_weighting_that_fails_shows_its_french_message_and_stores_nothing(world, client) -> None:  # type: ignore[no-untyped-def]
    survey = answered_survey(
        world, [profile("F", "15-29", "centre"), profile("F", "30-44", "gare")]
    )
    client.force_login(world.coordinator)
    sexe = survey.current_version().questions.get(code="sexe")
    client.post(
        reverse("surveys:margin", args=[sexe.pk]), {"n_F": "100", "n_H": "90", "note": "RP"}
    )
    page = client.post(
        reverse("surveys:weighting", args=[survey.pk]), {"method": "raking"}, follow=True
    )
    # The weighting is a background task: its page tells why nothing was stored.
    job = Job.objects.get()
    assert page.redirect_chain == [(job.get_absolute_url(), 302)]
    text = page.content.decode()
    assert "Pondération impossible, rien n&#x27;est enregistré" in text
    assert "« sexe »" in text and "« H »" in text
    assert job.state == "failed" and job.started_by == world.coordinator
    assert not WeightingRun.objects.exists()
    logit = client.post(
        reverse("surveys:weighting", args=[survey.pk]),
        {"method": "logit", "lower_bound": "1.5", "upper_bound": "3"},
    )
    assert "Le calage logit demande deux bornes" in logit.content.decode()


def test_the_collection_mode_is_fixed_once_open_and_edits_are_logged(world, client) -> None:  # type: ignore[no-untyped-def]
    from stspd.audit.models import Event

    from .helpers import opened_survey

    survey, _ = opened_survey(world)
    client.force_login(world.coordinator)
    client.post(
        reverse("surveys:edit", args=[survey.pk]),
        {
            "title": "Enquête 2027, vague 1",
            "territory": "La Métropole",
            "access_mode": "open",
            "per_address_limit": "5",
        },
    )
    survey.refresh_from_db()
    assert survey.title == "Enquête 2027, vague 1" and survey.per_address_limit == 5
    assert survey.access_mode == "codes"
    event = Event.objects.filter(verb="updated").latest("pk")
    assert event.changes["title"] == ["Enquête test", "Enquête 2027, vague 1"]
