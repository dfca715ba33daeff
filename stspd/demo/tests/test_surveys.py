"""The demo survey: about 1,200 answers drawn from the documented population model; its weighted
share holds the model's true share within its interval, as crimestats computes it directly."""

import pytest

from crimestats.survey.simulation import raked_share
from stspd.demo.surveys import demo_population, demo_sample, demo_survey
from stspd.surveys.results import survey_results


def test_the_demo_survey_finds_the_model_s_true_share_within_its_interval(world) -> None:  # type: ignore[no-untyped-def]
    survey = demo_survey(world.council, world.coordinator)
    population = demo_population()
    sample = demo_sample(population)
    assert 1_100 <= survey.responses.count() == sample.respondents.size <= 1_300
    headline = survey_results(survey).headlines[0]
    estimate = headline.overall
    assert estimate is not None
    truth = population.true_share
    assert estimate.low <= truth <= estimate.high
    # The same figure as crimestats' own raking of the model's sample (tested against R).
    direct = raked_share(population, sample)
    assert estimate.value == pytest.approx(direct.value, rel=1e-9)
    assert (estimate.low, estimate.high) == pytest.approx((direct.low, direct.high), rel=1e-9)
    # The raw answers over-represent the older residents, who feel less insecure.
    raw = float(population.insecure[sample.respondents].mean())
    assert raw < estimate.value
    # Every neighbourhood's share is shown (none is a small cell), each near its truth.
    by_place = next(b for b in headline.breakdowns if b.question.code == "quartier")
    assert all(cell.estimate is not None for cell in by_place.cells)
    # Published on the portal with the same figure.
    published = survey.published_summary["headlines"][0]["overall"]
    assert published["value"] == pytest.approx(estimate.value, rel=1e-12)
