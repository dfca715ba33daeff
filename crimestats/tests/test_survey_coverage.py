"""The raked intervals cover the true share of a known population (small version of
bench/survey_coverage.py: 200 surveys instead of 1,000)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crimestats.survey.calibration import CalibrationError
from crimestats.survey.simulation import (
    SurveyAnswers,
    coverage,
    generate_population,
    raked_share,
)

SAMPLES = 200
INVITED = 6_000


@pytest.fixture(scope="module")
def population():  # type: ignore[no-untyped-def]
    return generate_population()


def test_the_population_is_the_documented_one(population) -> None:  # type: ignore[no-untyped-def]
    assert population.age.size == 60_000
    assert population.true_share == pytest.approx(0.218, abs=0.001)
    margins = population.margins()
    assert sum(margins["âge"].values()) == sum(margins["quartier"].values()) == 60_000
    assert population.response.mean() == pytest.approx(0.199, abs=0.001)


def test_raked_intervals_cover_the_true_share(population) -> None:  # type: ignore[no-untyped-def]
    result = coverage(population, SAMPLES, INVITED, seed=2026)
    # a 95 % interval covers in 95 % of samples; with 200 samples the observed rate has a
    # standard error of sqrt(0.95 x 0.05 / 200) = 1.5 points: 3 of them either side
    simulation_se = math.sqrt(0.95 * 0.05 / SAMPLES)
    assert 0.95 - 3 * simulation_se <= result.rate <= 0.95 + 3 * simulation_se
    # the raked estimate is unbiased within the simulation error ...
    assert abs(result.mean_estimate - result.true_share) <= 3 * result.sd_estimate / math.sqrt(
        SAMPLES
    )
    # ... where the raw answers are not: the non-response is not ignorable here
    assert result.unweighted_bias < -10 * result.sd_estimate / math.sqrt(SAMPLES)
    assert 1_100 <= result.mean_answers <= 1_300


def test_a_survey_missing_a_neighbourhood_is_refused(population) -> None:  # type: ignore[no-untyped-def]
    survey = SurveyAnswers(
        respondents=np.flatnonzero(population.neighbourhood != 4)[:500], invited=500
    )
    with pytest.raises(CalibrationError, match="« Village » de la marge « quartier »"):
        raked_share(population, survey)
