"""The public summary: published by the coordinator once weighted, frozen until published again,
linked from the council's public page, a 404 otherwise."""

import pytest
from django.urls import reverse

from crimestats.french import share
from stspd.public.tests.helpers import publish
from stspd.surveys.enums import Method
from stspd.surveys.results import survey_results
from stspd.surveys.workflow import SurveyRefused, publish_results, run_weighting, save_margin

from .helpers import answered_survey, profile, published_survey


def test_results_are_published_only_once_weighted(world) -> None:  # type: ignore[no-untyped-def]
    survey = answered_survey(world, [profile("F", "15-29", "centre")] * 3)
    with pytest.raises(SurveyRefused, match="Pondérez d'abord les réponses"):
        publish_results(survey, {}, by=world.coordinator)
    survey.refresh_from_db()
    assert survey.published_at is None


def test_the_public_summary_shows_the_published_figures_until_published_again(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    survey = published_survey(world)
    overall = survey_results(survey).headlines[0].overall
    assert overall is not None
    # 0.5 x 10/40 + 0.5 x 30/60 (post-stratified on sex).
    assert overall.value == pytest.approx(0.375, rel=1e-12)
    url = reverse("surveys:public_summary", args=[survey.pk])
    text = client.get(url).content.decode()
    assert f"Ensemble des habitants : <strong>{share(overall.value)}</strong>" in text
    assert "100 personnes ont répondu" in text
    # A new run on other margins changes the coordinator's page, not the published one.
    sexe = survey.current_version().questions.get(code="sexe")
    save_margin(survey, sexe, {"F": 9000.0, "H": 1000.0}, by=world.coordinator)
    run_weighting(survey, method=Method.RAKING, by=world.coordinator)
    new = survey_results(survey).headlines[0].overall
    assert new is not None and new.value == pytest.approx(0.9 * 0.25 + 0.1 * 0.5, rel=1e-12)
    assert f"<strong>{share(overall.value)}</strong>" in client.get(url).content.decode()


def test_the_council_page_links_the_published_survey_and_unpublished_is_404(world, client) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    survey = published_survey(world)
    page = client.get(reverse("public:council", args=[world.council.pk])).content.decode()
    assert reverse("surveys:public_summary", args=[survey.pk]) in page
    client.force_login(world.coordinator)
    client.post(reverse("surveys:unpublish", args=[survey.pk]))
    client.logout()
    assert client.get(reverse("surveys:public_summary", args=[survey.pk])).status_code == 404
    page = client.get(reverse("public:council", args=[world.council.pk])).content.decode()
    assert reverse("surveys:public_summary", args=[survey.pk]) not in page


def test_the_coordinator_publishes_from_the_survey_page(world, client) -> None:  # type: ignore[no-untyped-def]
    survey = published_survey(world)
    client.force_login(world.coordinator)
    assert client.post(reverse("surveys:publish", args=[survey.pk])).status_code == 302
    survey.refresh_from_db()
    assert survey.published_summary["responses"] == 100


def test_the_report_pdf_holds_the_method_margins_and_weighted_shares(world, client) -> None:  # type: ignore[no-untyped-def]
    import io

    from pypdf import PdfReader

    survey = published_survey(world)
    client.force_login(world.reader)
    response = client.get(reverse("surveys:report_pdf", args=[survey.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    overall = survey_results(survey).headlines[0].overall
    assert overall is not None
    assert "100 questionnaires ont été pondérés" in text
    assert f"Ensemble : {share(overall.value)} ({share(overall.low)} à {share(overall.high)}" in (
        text
    )
    assert "Vécu et ressenti en matière de sécurité" in text
