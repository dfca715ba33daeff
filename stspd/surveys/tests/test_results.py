"""The results: weighted shares against closed forms, small cells suppressed, the national
references beside, and a page whose queries do not grow with the answers."""

import numpy as np
import pytest
from django.urls import reverse

from crimestats.french import share
from stspd.surveys.enums import Method
from stspd.surveys.results import survey_results
from stspd.surveys.workflow import create_survey, run_weighting, save_margin

from .helpers import answered_survey, profile


def post_stratified(world, women=(40, 10), men=(60, 30)):  # type: ignore[no-untyped-def]
    """``women`` and ``men``: (answers, of whom feel insecure)."""
    rows = []
    for sexe, (n, yes) in (("F", women), ("H", men)):
        for i in range(n):
            answer = "souvent" if i < yes else "jamais"
            rows.append(profile(sexe, "30-44", "centre", insecurite_quartier=answer))
    survey = answered_survey(world, rows)
    sexe = survey.current_version().questions.get(code="sexe")
    save_margin(survey, sexe, {"F": 5000.0, "H": 5000.0}, by=world.coordinator)
    run_weighting(survey, method=Method.RAKING, by=world.coordinator)
    return survey


def test_a_share_raked_on_one_margin_is_the_post_stratified_share_with_its_closed_form_se(
    world,
) -> None:  # type: ignore[no-untyped-def]
    survey = post_stratified(world)
    results = survey_results(survey)
    headline = results.headlines[0]
    assert headline.headline.key == "insecurite_quartier"
    estimate = headline.overall
    assert estimate is not None
    # Post-stratification: sum_h (N_h / N) p_h = 0.5 x 10/40 + 0.5 x 30/60.
    assert estimate.value == pytest.approx(0.375, rel=1e-12)
    # Its linearised variance (residuals within the strata, simple random sampling of n = 100
    # among N = 10,000): (1 - n/N) n/(n - 1) sum_h (N_h/N)^2 p_h (1 - p_h) / n_h.
    n, big_n = 100, 10_000
    variance = (1 - n / big_n) * n / (n - 1) * (0.25 * 0.25 * 0.75 / 40 + 0.25 * 0.5 * 0.5 / 60)
    assert estimate.se == pytest.approx(np.sqrt(variance), rel=1e-9)
    assert estimate.low < 0.375 < estimate.high
    assert estimate.n == 100
    # The raw share of the answers (40 of 100) is not what the page shows.
    assert results.responses == results.weighted_responses == 100


def test_a_small_cell_is_not_shown(world) -> None:  # type: ignore[no-untyped-def]
    survey = post_stratified(world, women=(12, 3), men=(60, 30))
    headline = survey_results(survey).headlines[0]
    by_sex = next(b for b in headline.breakdowns if b.question.code == "sexe")
    cells = {cell.label: cell.estimate for cell in by_sex.cells}
    # 12 answers: an effective sample below 30, suppressed; 60 men, shown.
    assert cells["Femme"] is None
    assert cells["Homme"] is not None
    assert cells["Homme"].value == pytest.approx(0.5, rel=1e-12)


def test_the_results_page_shows_the_weighted_share_and_the_national_reference(
    world, client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    survey = post_stratified(world)
    client.force_login(world.partner)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:results", args=[survey.pk]))
    text = page.content.decode()
    assert "Se sentent en insécurité dans leur quartier ou village" in text
    overall = survey_results(survey).headlines[0].overall
    assert overall is not None
    assert f"Ensemble : <strong>{share(overall.value)}</strong>" in text
    assert f"({share(overall.low)} à {share(overall.high)} ; 100 réponses)" in text
    assert "enquête CVS 2021" in text
    assert "non diffusé" in text


def test_the_page_queries_do_not_grow_with_the_answers(
    world, client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    survey = post_stratified(world, women=(200, 50), men=(300, 150))
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 200


def test_without_a_run_the_page_says_the_shares_are_not_weighted(world, client) -> None:  # type: ignore[no-untyped-def]
    survey = answered_survey(world, [profile("F", "15-29", "centre")] * 3)
    client.force_login(world.coordinator)
    text = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "ne sont pas encore pondérées" in text


def test_two_waves_are_compared_with_the_change_of_their_shares(world, client) -> None:  # type: ignore[no-untyped-def]
    from stspd.surveys.results import compare_surveys

    before = post_stratified(world, women=(40, 10), men=(60, 30))
    after = post_stratified(world, women=(50, 5), men=(50, 10))
    rows = compare_surveys(survey_results(before), survey_results(after))
    change = rows[0].change
    assert change is not None
    # 0.5 x 5/50 + 0.5 x 10/50 = 0.15, after 0.375: 22.5 points down.
    assert change.difference == pytest.approx(0.15 - 0.375, rel=1e-12)
    assert change.low < change.difference < change.high < 0
    assert rows[0].significant
    client.force_login(world.reader)
    page = client.get(reverse("surveys:results", args=[after.pk])).content.decode()
    url = reverse("surveys:compare", args=[after.pk, before.pk])
    assert url in page
    text = client.get(url).content.decode()
    assert rows[0].change_text.startswith("-2") and rows[0].change_text in text
    assert "évolution significative" in text
    # A survey of another council is no wave of this one.
    elsewhere = create_survey(
        world.other_council, title="Le Havre", territory="Le Havre", by=world.outsider
    )
    assert client.get(reverse("surveys:compare", args=[after.pk, elsewhere.pk])).status_code == 404


def test_the_csv_has_every_share_and_leaves_suppressed_cells_empty(world, client) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    survey = post_stratified(world, women=(12, 3), men=(60, 30))
    client.force_login(world.partner)
    response = client.get(reverse("surveys:results_csv", args=[survey.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    women = next(
        r
        for r in rows
        if r["question"] == "insecurite_quartier" and r["sous_population"] == "sexe = F"
    )
    assert women["part"] == "" and women["reponses"] == ""
    men = next(
        r
        for r in rows
        if r["question"] == "insecurite_quartier" and r["sous_population"] == "sexe = H"
    )
    assert float(men["part"]) == pytest.approx(0.5, abs=1e-6) and men["reponses"] == "60"
    often = next(
        r
        for r in rows
        if r["question"] == "insecurite_quartier"
        and r["sous_population"] == "ensemble"
        and r["reponse"] == "souvent"
    )
    # 0.5 x 3/12 + 0.5 x 30/60, raked on sex (5,000 each).
    assert float(often["part"]) == pytest.approx(0.375, abs=1e-6)
    assert often["pondere"] == "oui"
