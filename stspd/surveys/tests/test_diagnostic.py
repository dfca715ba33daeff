"""A survey's published results in the council's diagnostic: the coordinator chooses the section,
the page and the PDF show the headline shares as published with their intervals and the method in
one sentence; an unpublished survey is neither chosen nor shown; readers read, outsiders do not
see."""

from __future__ import annotations

import io
from html import unescape

import pytest
from django.urls import reverse
from pypdf import PdfReader

from crimestats.french import share
from stspd.audit.models import Event
from stspd.surveys.models import Survey
from stspd.surveys.workflow import unpublish_results

from .helpers import answered_survey, profile, published_survey


def diagnostic_page(client, council_id):  # type: ignore[no-untyped-def]
    return unescape(
        client.get(reverse("observatory:diagnostic", args=[council_id])).content.decode()
    )


def test_the_coordinator_shows_the_published_results_in_a_section_of_the_diagnostic(
    world, login
) -> None:  # type: ignore[no-untyped-def]
    survey = published_survey(world)
    client = login(world.coordinator)
    url = reverse("surveys:diagnostic", args=[survey.pk])
    assert "Les dégradations" in client.get(url).content.decode()
    assert client.post(url, {"diagnostic_section": world.section.pk}).status_code == 302
    survey.refresh_from_db()
    assert survey.diagnostic_section == world.section
    assert Event.objects.filter(verb="updated", object_id=str(survey.pk)).exists()
    overall = survey.published_summary["headlines"][0]["overall"]
    # 0.5 x 10/40 + 0.5 x 30/60 (the helper's answers raked on sex).
    assert overall["value"] == pytest.approx(0.375, rel=1e-12)
    page = diagnostic_page(login(world.reader), world.council.pk)
    assert "Résultats de l'enquête « Enquête test »" in page
    assert f"{share(overall['low'])} et {share(overall['high'])}" in page
    assert share(overall["value"]) in page
    assert "100 questionnaires" in page
    assert "redressés sur la population par sexe (calage par raking)" in page
    assert "intervalle de confiance à 95 %" in page


def test_the_diagnostic_pdf_holds_the_survey_s_results(world, login) -> None:  # type: ignore[no-untyped-def]
    survey = published_survey(world)
    Survey.objects.filter(pk=survey.pk).update(diagnostic_section=world.section)
    response = login(world.partner).get(
        reverse("observatory:diagnostic_pdf", args=[world.council.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Résultats de l'enquête « Enquête test »" in text
    assert "redressés" in text and "100 questionnaires" in text
    overall = survey.published_summary["headlines"][0]["overall"]
    assert share(overall["value"]) in text


def test_withdrawn_results_leave_the_diagnostic(world, login) -> None:  # type: ignore[no-untyped-def]
    survey = published_survey(world)
    Survey.objects.filter(pk=survey.pk).update(diagnostic_section=world.section)
    unpublish_results(survey, by=world.coordinator)
    assert "Résultats de l'enquête" not in diagnostic_page(login(world.reader), world.council.pk)


def test_an_unpublished_survey_is_not_chosen(world, login) -> None:  # type: ignore[no-untyped-def]
    survey = answered_survey(world, [profile("F", "30-44", "centre", insecurite_quartier="jamais")])
    response = login(world.coordinator).post(
        reverse("surveys:diagnostic", args=[survey.pk]), {"diagnostic_section": world.section.pk}
    )
    assert response.status_code == 200
    assert "Publiez d'abord les résultats" in unescape(response.content.decode())
    survey.refresh_from_db()
    assert survey.diagnostic_section is None


def test_another_council_s_section_cannot_be_chosen(world, login) -> None:  # type: ignore[no-untyped-def]
    from stspd.observatory.diagnostic import open_diagnostic

    other = open_diagnostic(world.other_council, by=world.site_admin).sections.first()
    survey = published_survey(world)
    response = login(world.coordinator).post(
        reverse("surveys:diagnostic", args=[survey.pk]), {"diagnostic_section": other.pk}
    )
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.diagnostic_section is None


def test_readers_may_not_choose_and_outsiders_do_not_see(world, login) -> None:  # type: ignore[no-untyped-def]
    survey = published_survey(world)
    url = reverse("surveys:diagnostic", args=[survey.pk])
    assert login(world.outsider).get(url).status_code == 404
    reader = login(world.reader)
    assert reader.get(url).status_code == 403
    assert reader.post(url, {"diagnostic_section": world.section.pk}).status_code == 403
    survey.refresh_from_db()
    assert survey.diagnostic_section is None
    Survey.objects.filter(pk=survey.pk).update(diagnostic_section=world.section)
    diagnostic = reverse("observatory:diagnostic", args=[world.council.pk])
    assert login(world.outsider).get(diagnostic).status_code == 404
