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


def test_the_second_wave_finds_the_model_s_known_fall_and_the_strategy_s_indicator_tests_it(
    world,
) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from stspd.demo.surveys import (
        AXIS_TITLE,
        SECOND_SURVEY_SEED,
        SECOND_WAVE_MODEL,
        demo_waves,
        survey_indicator,
    )
    from stspd.steering.dashboard import dashboard_data
    from stspd.strategy.models import Axis

    today = datetime.date(2026, 12, 1)
    first, second = demo_waves(world.council, world.coordinator, today=today)
    before, after = demo_population(), demo_population(SECOND_WAVE_MODEL)
    # The known change: the same residents, a lower probability of feeling insecure.
    assert after.true_share < before.true_share - 0.05
    assert (after.insecure <= before.insecure).all()
    for survey, population, seed in ((first, before, 2026), (second, after, SECOND_SURVEY_SEED)):
        estimate = survey_results(survey).headlines[0].overall
        assert estimate is not None
        assert estimate.low <= population.true_share <= estimate.high
        direct = raked_share(population, demo_sample(population, seed))
        assert estimate.value == pytest.approx(direct.value, rel=1e-9)
    axis = Axis.objects.create(strategy=world.strategy, position=2, title=AXIS_TITLE)
    use = survey_indicator(world.strategy, world.coordinator)
    assert use is not None and use.objective.axis == axis
    row = next(
        r for r in dashboard_data(world.strategy.pk, today=today).indicators if r.use.pk == use.pk
    )
    first_share = survey_results(first).headlines[0].overall
    second_share = survey_results(second).headlines[0].overall
    assert first_share is not None and second_share is not None
    assert [p.value for p in row.points] == pytest.approx(
        [100 * first_share.value, 100 * second_share.value], rel=1e-12
    )
    assert float(use.baseline_value) == pytest.approx(100 * first_share.value, abs=0.05)
    assert row.survey is not None and row.survey.change is not None
    change = row.survey.change.change
    # The direction the model says: a fall, and one the test can see with 1,200 answers a wave.
    assert change is not None and change.difference < 0 and change.high < 0
    assert row.survey.change.significant
