"""Collection: the residents' questionnaire at the survey's link, the staff's paper entry."""

from django.urls import reverse

from stspd.surveys.enums import AccessMode, Channel
from stspd.surveys.models import Answer, Question, Response
from stspd.surveys.workflow import close_survey, open_survey, save_question

from .helpers import draft_survey, opened_survey


def test_a_resident_answers_with_a_code_once_without_an_account(world, client) -> None:  # type: ignore[no-untyped-def]
    survey, codes = opened_survey(world)
    url = reverse("surveys:answer", args=[survey.token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Code d&#x27;invitation" in page.content.decode() or "Code d'invitation" in (
        page.content.decode()
    )
    answer = {
        "invitation_code": codes[0],
        "insecurite_quartier": "de_temps_en_temps",
        "inquietudes": ["cambriolage", "vol"],
        "sexe": "F",
        "age": "30-44",
        "quartier": "gare",
    }
    done = client.post(url, answer)
    assert done.status_code == 302
    assert done["Location"] == reverse("surveys:thanks", args=[survey.token])
    response = Response.objects.get(survey=survey)
    assert response.channel == Channel.WEB
    stored = dict(response.answers.values_list("question__code", "value"))
    assert stored == {
        "insecurite_quartier": "de_temps_en_temps",
        "inquietudes": ["cambriolage", "vol"],
        "sexe": "F",
        "age": "30-44",
        "quartier": "gare",
    }
    again = client.post(url, answer | {"insecurite_quartier": "jamais"})
    assert again.status_code == 200
    assert "une seule réponse est possible par code" in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_an_open_survey_stops_at_the_limit_of_one_address(world, client) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world, access_mode=AccessMode.OPEN)
    url = reverse("surveys:answer", args=[survey.token])
    for _ in range(3):
        assert client.post(url, {"sexe": "H"}, REMOTE_ADDR="198.51.100.4").status_code == 302
    refused = client.post(url, {"sexe": "H"}, REMOTE_ADDR="198.51.100.4")
    assert "3 réponses ont déjà été envoyées depuis votre connexion" in refused.content.decode()
    assert client.post(url, {"sexe": "F"}, REMOTE_ADDR="198.51.100.5").status_code == 302
    assert Response.objects.filter(survey=survey).count() == 4


def test_a_free_text_with_personal_data_is_refused_and_nothing_stored(world, client) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world, access_mode=AccessMode.OPEN)
    question = Question(
        version=survey.current_version(), code="remarques", kind="text", text="Vos remarques ?"
    )
    save_question(question, by=world.coordinator)
    open_survey(survey, by=world.coordinator)
    url = reverse("surveys:answer", args=[survey.token])
    for text, what in [
        ("Contactez-moi : marie.durand@example.org", "une adresse électronique"),
        ("Mon numéro : 06 12 34 56 78", "un numéro de téléphone"),
        ("Le voisin Jean DUPONT fait du bruit", "ce qui ressemble au nom d&#x27;une personne"),
    ]:
        page = client.post(url, {"remarques": text})
        assert page.status_code == 200
        assert f"Votre réponse contient {what}" in page.content.decode()
    assert client.post(url, {"remarques": "Plus d'éclairage rue de la Gare"}).status_code == 302
    assert list(Answer.objects.values_list("value", flat=True)) == [
        "Plus d'éclairage rue de la Gare"
    ]


def test_a_draft_or_closed_survey_says_so_and_takes_nothing(world, client) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world, access_mode=AccessMode.OPEN)
    url = reverse("surveys:answer", args=[survey.token])
    assert "pas encore ouvert" in client.get(url).content.decode()
    open_survey(survey, by=world.coordinator)
    close_survey(survey, by=world.coordinator)
    page = client.post(url, {"sexe": "F"})
    assert page.status_code == 200 and "collecte des réponses est terminée" in (
        page.content.decode()
    )
    assert not Response.objects.exists()


def test_an_unknown_link_is_a_404(world, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("surveys:answer", args=["pas-un-jeton"])).status_code == 404


def test_the_staff_types_a_paper_questionnaire_without_a_code(world, client) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world)
    client.force_login(world.coordinator)
    url = reverse("surveys:paper", args=[survey.pk])
    done = client.post(url, {"insecurite_domicile": "jamais", "sexe": "H", "age": "75+"})
    assert done.status_code == 302 and done["Location"] == url
    response = Response.objects.get(survey=survey)
    assert response.channel == Channel.PAPER
    assert dict(response.answers.values_list("question__code", "value")) == {
        "insecurite_domicile": "jamais",
        "sexe": "H",
        "age": "75+",
    }


def test_the_coordinator_gets_the_codes_once_as_a_csv(world, client) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world)
    client.force_login(world.coordinator)
    response = client.post(reverse("surveys:codes", args=[survey.pk]), {"count": "3"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "code_invitation;lien" and len(lines) == 4
    code = lines[1].split(";")[0]
    assert len(code.replace("-", "")) == 10
    assert survey.codes.count() == 3
    assert survey.codes.filter(code_hash=survey.code_hash(code)).exists()
    refused = client.post(reverse("surveys:codes", args=[survey.pk]), {"count": "0"})
    assert refused.status_code == 200 and survey.codes.count() == 3


def test_the_questionnaire_and_the_survey_page_take_a_fixed_number_of_queries(
    world, client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("surveys:answer", args=[survey.token])).status_code == 200
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code == 200


def test_the_error_summary_links_to_the_first_option_of_a_question(world, client) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world)
    page = client.post(reverse("surveys:answer", args=[survey.token]), {"sexe": "Z"})
    text = page.content.decode()
    assert '<a href="#id_sexe_0">Votre sexe</a>' in text and 'id="id_sexe_0"' in text
    assert '<a href="#id_invitation_code">' in text
