"""A pollster's file: every row error listed with its line and column, nothing stored on error;
columns found by code or mapping, answers by code or label; free texts redacted."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stspd.surveys.enums import AccessMode, Channel
from stspd.surveys.imports import ImportRefused, import_file
from stspd.surveys.models import Answer, Question, Response
from stspd.surveys.workflow import open_survey, save_question

from .helpers import draft_survey, opened_survey

GOOD = (
    "id_institut;Nom enquêté;Q1 quartier;sexe;age;quartier;inquietudes\n"
    "1;Jean Martin;Souvent;F;15-29;Centre;cambriolage|Une agression physique\n"
    "2;Marie Curie;jamais;h;60 à 74 ans;gare;\n"
    ";;;;;;\n"
)
MAPPING = {"insecurite_quartier": "Q1 quartier"}


def test_a_good_file_is_imported_with_no_column_that_is_not_a_question(world) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world)
    report = import_file(survey, GOOD.encode(), "institut.csv", MAPPING, by=world.coordinator)
    assert report.stored == 2
    responses = list(Response.objects.filter(survey=survey).order_by("pk"))
    assert [r.channel for r in responses] == [Channel.IMPORT, Channel.IMPORT]
    assert responses[0].source_line == "institut.csv, ligne 2"
    assert dict(responses[0].answers.values_list("question__code", "value")) == {
        "insecurite_quartier": "souvent",
        "sexe": "F",
        "age": "15-29",
        "quartier": "centre",
        "inquietudes": ["cambriolage", "agression"],
    }
    assert dict(responses[1].answers.values_list("question__code", "value")) == {
        "insecurite_quartier": "jamais",
        "sexe": "H",
        "age": "60-74",
        "quartier": "gare",
    }
    # The names of the file went nowhere.
    stored = " ".join(str(v) for v in Answer.objects.values_list("value", flat=True))
    assert "Martin" not in stored and "Curie" not in stored


def test_every_row_error_is_listed_with_line_and_column_and_nothing_is_stored(world) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world)
    bad = "insecurite_quartier;sexe;age\nparfois;F;15-29\nsouvent;F;15-29\njamais;X;200 ans\n"
    with pytest.raises(ImportRefused) as refused:
        import_file(survey, bad.encode(), "institut.csv", {}, by=world.coordinator)
    assert refused.value.errors == [
        "Ligne 2, colonne A (« insecurite_quartier ») : « parfois » n'est pas une réponse "
        "proposée (attendu : souvent, de_temps_en_temps, rarement, jamais).",
        "Ligne 4, colonne B (« sexe ») : « X » n'est pas une réponse proposée (attendu : F, H).",
        "Ligne 4, colonne C (« age ») : « 200 ans » n'est pas une réponse proposée "
        "(attendu : 15-29, 30-44, 45-59, 60-74, 75+).",
    ]
    assert not Response.objects.exists()


def test_a_mapping_to_a_missing_column_or_question_is_named(world) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world)
    with pytest.raises(ImportRefused) as refused:
        import_file(
            survey,
            b"sexe;age\nF;15-29\n",
            "institut.csv",
            {"inconnue": "x", "quartier": "Commune"},
            by=world.coordinator,
        )
    assert refused.value.errors == [
        "La correspondance nomme « inconnue », qui n'est pas une question de cette enquête.",
        "La colonne « Commune » (question « quartier ») n'est pas dans le fichier, dont les "
        "en-têtes sont : sexe, age.",
    ]
    assert not Response.objects.exists()


def test_a_workbook_is_read_and_free_texts_are_redacted(world) -> None:  # type: ignore[no-untyped-def]
    survey = draft_survey(world, access_mode=AccessMode.OPEN)
    save_question(
        Question(version=survey.current_version(), code="nombre", kind="number", text="Combien ?"),
        by=world.coordinator,
    )
    save_question(
        Question(version=survey.current_version(), code="remarques", kind="text", text="Remarques"),
        by=world.coordinator,
    )
    open_survey(survey, by=world.coordinator)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["sexe", "nombre", "remarques"])
    sheet.append(["Femme", 2, "Appelez-moi au 06 12 34 56 78 le soir"])
    sheet.append(["Homme", "3,5", "Rien à signaler"])
    data = io.BytesIO()
    book.save(data)
    report = import_file(survey, data.getvalue(), "institut.xlsx", {}, by=world.coordinator)
    assert (report.stored, report.redacted) == (2, 1)
    texts = list(
        Answer.objects.filter(question__code="remarques")
        .order_by("response_id")
        .values_list("value", flat=True)
    )
    assert texts == ["Appelez-moi au [donnée personnelle retirée] le soir", "Rien à signaler"]
    numbers = list(
        Answer.objects.filter(question__code="nombre")
        .order_by("response_id")
        .values_list("value", flat=True)
    )
    assert numbers == [2, 3.5]


def test_the_import_page_lists_the_errors_and_refuses_a_file_that_is_no_table(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    survey, _ = opened_survey(world)
    client.force_login(world.coordinator)
    url = reverse("surveys:import", args=[survey.pk])
    page = client.post(
        url,
        {"file": SimpleUploadedFile("institut.csv", b"sexe;age\nZ;15-29\n"), "mapping": ""},
    )
    assert "Le fichier n'est pas importé : 1 erreur" in page.content.decode()
    assert "Ligne 2, colonne A (« sexe »)" in page.content.decode()
    pdf = client.post(
        url, {"file": SimpleUploadedFile("institut.csv", b"%PDF-1.4 rien"), "mapping": ""}
    )
    assert "n&#x27;est pas un CSV malgré son extension .csv" in pdf.content.decode()
    mapping = client.post(
        url,
        {"file": SimpleUploadedFile("institut.csv", GOOD.encode()), "mapping": "sans signe égal"},
    )
    assert "n&#x27;a pas la forme « code de la question = en-tête de la colonne »" in (
        mapping.content.decode()
    )
    assert not Response.objects.exists()
    done = client.post(
        url,
        {
            "file": SimpleUploadedFile("institut.csv", GOOD.encode()),
            "mapping": "insecurite_quartier = Q1 quartier",
        },
    )
    assert done.status_code == 302
    assert Response.objects.filter(survey=survey).count() == 2
