"""The survey's verbs: the questionnaire frozen at opening, codes used once, the per-address
limit, margins checked, and a weighting run that stores all or nothing."""

import gzip

import pytest

from crimestats.survey.calibration import CalibrationError
from stspd.audit.models import Event
from stspd.surveys.enums import AccessMode, Channel, Method, QuestionKind
from stspd.surveys.models import (
    AddressCount,
    Answer,
    InvitationCode,
    Question,
    Response,
    ResponseWeight,
    WeightingRun,
)
from stspd.surveys.questionnaire import CORE
from stspd.surveys.workflow import (
    INSEE_FILE,
    SurveyRefused,
    insee_totals,
    run_weighting,
    save_margin,
    save_question,
    submit_response,
)

from .helpers import answered_survey, draft_survey, opened_survey, profile


def test_a_new_survey_has_the_standard_core_and_the_profile_questions(world) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world)
    codes = list(survey.current_version().questions.values_list("code", flat=True))
    assert codes == [item.code for item in CORE]
    profiles = set(
        survey.current_version()
        .questions.filter(kind=QuestionKind.PROFILE)
        .values_list("code", flat=True)
    )
    assert profiles == {"sexe", "age", "quartier", "activite", "menage"}
    assert survey.current_version().questions.get(code="quartier").choices == [
        ["centre", "Centre"],
        ["gare", "Gare"],
    ]
    assert Event.objects.filter(verb="created", object_label=str(survey)).exists()


def test_the_link_is_long_random_and_not_the_id(world) -> None:  # type: ignore[no-untyped-def]
    first, second = draft_survey(world), draft_survey(world)
    assert len(first.token) >= 40 and first.token != second.token
    assert first.public_url() == f"/e/{first.token}/"


def test_the_questionnaire_is_frozen_when_collection_opens(world) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world)
    assert survey.current_version().frozen_at is not None
    question = Question(
        version=survey.current_version(), position=0, code="propre", kind="single", text="?"
    )
    question.choices = [["oui", "Oui"], ["non", "Non"]]
    with pytest.raises(SurveyRefused, match="figé depuis l'ouverture"):
        save_question(question, by=world.coordinator)
    assert not Question.objects.filter(code="propre").exists()


def test_a_council_question_needs_two_distinct_choices(world) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world)
    question = Question(version=survey.current_version(), code="x", kind="single", text="?")
    question.choices = [["oui", "Oui"]]
    with pytest.raises(SurveyRefused, match="au moins deux réponses"):
        save_question(question, by=world.coordinator)
    question.choices = [["oui", "Oui"], ["oui", "Bien sûr"]]
    with pytest.raises(SurveyRefused, match="même code"):
        save_question(question, by=world.coordinator)


def test_an_invitation_code_answers_once(world) -> None:  # type: ignore[no-untyped-def]
    survey, codes = opened_survey(world)
    # Stored hashed only.
    assert not InvitationCode.objects.filter(code_hash__in=codes).exists()
    submit_response(
        survey, {"insecurite_quartier": "souvent"}, channel=Channel.WEB, code=codes[0].lower()
    )
    with pytest.raises(SurveyRefused, match="déjà servi : une seule réponse est possible"):
        submit_response(
            survey, {"insecurite_quartier": "jamais"}, channel=Channel.WEB, code=codes[0]
        )
    with pytest.raises(SurveyRefused, match="n'est pas reconnu"):
        submit_response(survey, {}, channel=Channel.WEB, code="AAAAA-AAAAA")
    assert Response.objects.filter(survey=survey).count() == 1
    assert list(Answer.objects.filter(response__survey=survey).values_list("value", flat=True)) == [
        "souvent"
    ]


def test_an_open_survey_limits_the_answers_per_address(world) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world, access_mode=AccessMode.OPEN)
    for _ in range(survey.per_address_limit):
        submit_response(survey, {}, channel=Channel.WEB, address="203.0.113.9")
    with pytest.raises(SurveyRefused, match="3 réponses ont déjà été envoyées"):
        submit_response(survey, {}, channel=Channel.WEB, address="203.0.113.9")
    submit_response(survey, {}, channel=Channel.WEB, address="203.0.113.10")
    assert Response.objects.filter(survey=survey).count() == 4
    # The address itself is not stored, only its hash with the survey's token.
    assert not AddressCount.objects.filter(address_hash__contains="203.0").exists()


def test_a_draft_or_closed_survey_takes_no_answer(world) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world)
    with pytest.raises(SurveyRefused, match="pas encore ouverte"):
        submit_response(survey, {}, channel=Channel.PAPER)


def test_a_bad_answer_is_refused_in_french_and_nothing_is_stored(world) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world)
    with pytest.raises(SurveyRefused, match="« parfois » n'est pas une réponse proposée"):
        submit_response(survey, {"insecurite_quartier": "parfois"}, channel=Channel.PAPER)
    assert not Response.objects.filter(survey=survey).exists()


def test_no_field_of_a_response_can_hold_a_name_an_email_or_an_address() -> None:
    fields = {f.name for f in Response._meta.get_fields()} | {
        f.name for f in Answer._meta.get_fields()
    }
    assert fields == {
        "id",
        "survey",
        "version",
        "channel",
        "received_on",
        "source_line",
        "answers",
        "weights",
        "response",
        "question",
        "value",
    }


def test_insee_margins_are_the_departement_population_aged_15_and_over(world) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world)
    sexe = survey.current_version().questions.get(code="sexe")
    age = survey.current_version().questions.get(code="age")
    by_sex, note = insee_totals(sexe, "76")
    by_age, _ = insee_totals(age, "76")
    # Seine-Maritime on 1 January 2021: 1,250,846 residents (INSEE), of whom 68,032 + 76,963 +
    # 79,114 aged 0 to 14 (the file's first three bands).
    assert sum(by_sex.values()) == sum(by_age.values()) == 1_250_846 - 68_032 - 76_963 - 79_114
    # The 15-29: 80,726 + 75,049 + 68,884 (the file's 15-19, 20-24, 25-29, both sexes).
    assert by_age["15-29"] == 80_726 + 75_049 + 68_884
    assert "INSEE" in note and "76" in note
    with gzip.open(INSEE_FILE, "rt") as handle:
        assert handle.readline().strip() == "annee,dep,dep_nom,sexe,age,population"
    # Applied to a territory of 120,000 residents aged 15 or more: the département's structure.
    scaled, scaled_note = insee_totals(age, "76", territory_population=120_000)
    assert sum(scaled.values()) == pytest.approx(120_000, rel=1e-12)
    assert scaled["15-29"] / 120_000 == pytest.approx(
        (80_726 + 75_049 + 68_884) / (1_250_846 - 68_032 - 76_963 - 79_114), rel=1e-12
    )
    assert "même répartition que le département" in scaled_note
    with pytest.raises(SurveyRefused, match="n'est pas dans les estimations INSEE"):
        insee_totals(sexe, "2A")
    quartier = survey.current_version().questions.get(code="quartier")
    with pytest.raises(SurveyRefused, match="ne donnent que le sexe et l'âge"):
        insee_totals(quartier, "76")


def test_a_margin_names_the_missing_or_bad_category(world) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world)
    sexe = survey.current_version().questions.get(code="sexe")
    with pytest.raises(SurveyRefused, match="Il manque l'effectif de « Homme »"):
        save_margin(survey, sexe, {"F": 10.0}, by=world.coordinator)
    with pytest.raises(SurveyRefused, match="« X » n'est pas une réponse de la question"):
        save_margin(survey, sexe, {"F": 10.0, "H": 5.0, "X": 1.0}, by=world.coordinator)
    with pytest.raises(SurveyRefused, match=r"« Homme ».*supérieur à zéro"):
        save_margin(survey, sexe, {"F": 10.0, "H": 0.0}, by=world.coordinator)
    assert not survey.margins.exists()


def four_answers(world):  # type: ignore[no-untyped-def]
    return answered_survey(
        world,
        [
            profile("F", "15-29", "centre", insecurite_quartier="souvent"),
            profile("F", "30-44", "centre", insecurite_quartier="jamais"),
            profile("H", "15-29", "gare", insecurite_quartier="jamais"),
            profile("H", "30-44", "gare", insecurite_quartier="rarement"),
        ],
    )


def test_raking_on_one_margin_gives_each_answer_its_category_population_share(world) -> None:  # type: ignore[no-untyped-def]
    survey = four_answers(world)
    sexe = survey.current_version().questions.get(code="sexe")
    save_margin(survey, sexe, {"F": 52.0, "H": 48.0}, by=world.coordinator)
    run = run_weighting(survey, method=Method.RAKING, by=world.coordinator)
    # Post-stratification (closed form): N_h / n_h = 52 / 2 and 48 / 2.
    weights = sorted(ResponseWeight.objects.filter(run=run).values_list("weight", flat=True))
    assert weights == pytest.approx([24.0, 24.0, 26.0, 26.0], rel=1e-12)
    assert run.responses == 4 and run.margins == {"sexe": {"F": 52.0, "H": 48.0}}


def test_a_calibration_error_stores_nothing_and_names_the_margin_and_category(world) -> None:  # type: ignore[no-untyped-def]
    survey = four_answers(world)
    questions = survey.current_version().questions
    save_margin(survey, questions.get(code="sexe"), {"F": 52.0, "H": 48.0}, by=world.coordinator)
    # Every age band has a population, but only two have answers: an empty cell.
    save_margin(
        survey,
        questions.get(code="age"),
        {"15-29": 20.0, "30-44": 20.0, "45-59": 20.0, "60-74": 20.0, "75+": 20.0},
        by=world.coordinator,
    )
    with pytest.raises(CalibrationError) as refused:
        run_weighting(survey, method=Method.RAKING, by=world.coordinator)
    assert refused.value.margin == "age"
    assert refused.value.category == "45-59"
    assert "45-59" in str(refused.value) and "age" in str(refused.value)
    assert not WeightingRun.objects.exists() and not ResponseWeight.objects.exists()


def test_margins_of_different_populations_are_refused_in_french(world) -> None:  # type: ignore[no-untyped-def]
    survey = four_answers(world)
    questions = survey.current_version().questions
    save_margin(survey, questions.get(code="sexe"), {"F": 52.0, "H": 48.0}, by=world.coordinator)
    save_margin(
        survey,
        questions.get(code="quartier"),
        {"centre": 60.0, "gare": 60.0},
        by=world.coordinator,
    )
    with pytest.raises(CalibrationError, match="ne portent pas sur la même population"):
        run_weighting(survey, method=Method.RAKING, by=world.coordinator)
    assert not WeightingRun.objects.exists()


def test_an_answer_without_a_profile_value_is_named(world) -> None:  # type: ignore[no-untyped-def]
    survey = answered_survey(
        world,
        [
            profile("F", "15-29", "centre"),
            {"age": "15-29", "quartier": "gare"},
            profile("H", "30-44", "gare"),
        ],
    )
    sexe = survey.current_version().questions.get(code="sexe")
    save_margin(survey, sexe, {"F": 52.0, "H": 48.0}, by=world.coordinator)
    with pytest.raises(
        CalibrationError,
        match="1 réponse sur 3 ne donne pas de réponse à la question de profil « sexe »",
    ):
        run_weighting(survey, method=Method.LINEAR, by=world.coordinator)
    assert not WeightingRun.objects.exists()
