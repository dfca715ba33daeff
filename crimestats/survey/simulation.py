"""A known population of residents, and surveys drawn from it with non-response.

Used to check that weighted results find the truth (the coverage of the intervals) and to
generate demonstration answers. Everything here is made up, documented and reproducible (a seed).

**Population** (``PopulationModel``, default a territory of 60,000 residents aged 15 and over):
age band x sex x neighbourhood, each cell ``size x share(age) x share(sex | age) x
share(neighbourhood)``. Each resident feels insecure in the neighbourhood ("often" or "from time
to time") with probability ``expit(intercept + age + sex + neighbourhood)``, drawn once: the
true share is that of the generated population, known exactly. Defaults (seed 19): 21.8 %
overall (the national VRS figure is 21 % in 2023), 30 % of the 15-29 against 15 % of the 60-74,
25 % of women against 18 % of men, from 12 % in the village to 33 % around the station.

**Survey** (:func:`draw_survey`): ``invited`` residents drawn by simple random sampling without
replacement; each answers with probability ``response(age) x response(sex)`` (a log-linear
non-response, the model raking corrects), about 20 % on average (10 % of the young men, 36 % of
the women aged 60-74): the raw answers over-represent the older residents, who feel less
insecure, and underestimate the share by about 1.8 points. The answers carry the design weight
``size / invited`` and are raked to the population's age, sex and neighbourhood margins.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from crimestats.survey.calibration import CategoricalMargin, calibrate
from crimestats.survey.design import SampleDesign
from crimestats.survey.estimation import ProportionEstimate, proportion

__all__ = [
    "AGE_BANDS",
    "SEXES",
    "CoverageResult",
    "Population",
    "PopulationModel",
    "SurveyAnswers",
    "coverage",
    "draw_survey",
    "generate_population",
    "raked_share",
]

AGE_BANDS = ("15-29", "30-44", "45-59", "60-74", "75+")
SEXES = ("F", "H")
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PopulationModel:
    """The documented population (module docstring); every figure can be changed."""

    size: int = 60_000
    neighbourhoods: tuple[str, ...] = ("Centre", "Gare", "Plateau", "Rives", "Village")
    age_share: tuple[float, ...] = (0.22, 0.23, 0.24, 0.19, 0.12)
    women_share_by_age: tuple[float, ...] = (0.50, 0.51, 0.51, 0.53, 0.60)
    neighbourhood_share: tuple[float, ...] = (0.30, 0.20, 0.25, 0.15, 0.10)
    insecure_intercept: float = -1.75
    insecure_age: tuple[float, ...] = (0.55, 0.2, -0.1, -0.35, -0.2)
    insecure_women: float = 0.45
    insecure_neighbourhood: tuple[float, ...] = (0.2, 0.75, 0.0, -0.35, -0.6)
    response_age: tuple[float, ...] = (0.10, 0.17, 0.25, 0.36, 0.30)
    response_sex: tuple[float, ...] = field(default=(1.0, 0.75))


@dataclass(frozen=True)
class Population:
    """One resident per element: codes into ``AGE_BANDS``, ``SEXES`` and the model's
    neighbourhoods, ``insecure`` (0/1) and the probability of answering."""

    model: PopulationModel
    age: IntArray
    sex: IntArray
    neighbourhood: IntArray
    insecure: FloatArray
    response: FloatArray

    @property
    def true_share(self) -> float:
        """The share of residents who feel insecure, exactly."""
        return float(self.insecure.mean())

    def margins(self) -> dict[str, dict[Hashable, float]]:
        """Population counts by age band, sex and neighbourhood (the council's figures)."""
        return {
            "âge": _counts(self.age, AGE_BANDS),
            "sexe": _counts(self.sex, SEXES),
            "quartier": _counts(self.neighbourhood, self.model.neighbourhoods),
        }


def _counts(codes: IntArray, labels: tuple[str, ...]) -> dict[Hashable, float]:
    counts = np.bincount(codes, minlength=len(labels))
    return {label: float(c) for label, c in zip(labels, counts, strict=True)}


def generate_population(model: PopulationModel | None = None, seed: int = 19) -> Population:
    """The residents of ``model`` (module docstring), reproducible from ``seed``."""
    m = model or PopulationModel()
    rng = np.random.default_rng(seed)
    age = rng.choice(len(AGE_BANDS), m.size, p=np.array(m.age_share) / sum(m.age_share))
    women = rng.random(m.size) < np.array(m.women_share_by_age)[age]
    sex = np.where(women, 0, 1).astype(np.int64)
    share = np.array(m.neighbourhood_share) / sum(m.neighbourhood_share)
    neighbourhood = rng.choice(len(m.neighbourhoods), m.size, p=share)
    logit = (
        m.insecure_intercept
        + np.array(m.insecure_age)[age]
        + np.where(women, m.insecure_women, 0.0)
        + np.array(m.insecure_neighbourhood)[neighbourhood]
    )
    insecure = (rng.random(m.size) < expit(logit)).astype(np.float64)
    response = np.array(m.response_age)[age] * np.array(m.response_sex)[sex]
    return Population(
        m, age.astype(np.int64), sex, neighbourhood.astype(np.int64), insecure, response
    )


@dataclass(frozen=True)
class SurveyAnswers:
    """The residents who answered (indices into the population) out of ``invited``."""

    respondents: IntArray
    invited: int


def draw_survey(population: Population, invited: int, rng: np.random.Generator) -> SurveyAnswers:
    """Invite ``invited`` residents at random; keep those who answer (module docstring)."""
    drawn = rng.choice(population.age.size, invited, replace=False)
    answers = rng.random(invited) < population.response[drawn]
    return SurveyAnswers(respondents=np.sort(drawn[answers]).astype(np.int64), invited=invited)


def raked_share(
    population: Population, survey: SurveyAnswers, *, level: float = 0.95
) -> ProportionEstimate:
    """The share feeling insecure among the answers, raked to the population's age, sex and
    neighbourhood margins, with its Korn-Graubard interval (respondents taken as a simple
    random sample of the population, finite population correction included)."""
    who = survey.respondents
    size = population.age.size
    design = SampleDesign.from_arrays(
        np.full(who.size, size / survey.invited), sampling_fraction=who.size / size
    )
    margins = population.margins()
    labels = {"âge": AGE_BANDS, "sexe": SEXES, "quartier": population.model.neighbourhoods}
    codes = {"âge": population.age, "sexe": population.sex, "quartier": population.neighbourhood}
    raked = calibrate(
        design.weights,
        [
            CategoricalMargin(name, [labels[name][c] for c in codes[name][who]], margins[name])
            for name in margins
        ],
        method="raking",
    )
    return proportion(population.insecure[who], design, raked, level=level)


@dataclass(frozen=True)
class CoverageResult:
    """Over ``samples`` surveys: how often the interval held the true share, the mean and
    standard deviation of the estimates, the mean interval width, the mean number of answers,
    and the bias of the unweighted share of the answers."""

    samples: int
    covered: int
    true_share: float
    mean_estimate: float
    sd_estimate: float
    mean_width: float
    mean_answers: float
    unweighted_bias: float

    @property
    def rate(self) -> float:
        return self.covered / self.samples

    @property
    def simulation_se(self) -> float:
        """Standard error of ``rate`` from the number of samples."""
        return float(np.sqrt(self.rate * (1 - self.rate) / self.samples))


def coverage(
    population: Population, samples: int, invited: int, seed: int, *, level: float = 0.95
) -> CoverageResult:
    """Draw ``samples`` surveys of ``invited`` invitations; count the raked intervals that hold
    the population's true share."""
    rng = np.random.default_rng(seed)
    truth = population.true_share
    covered = 0
    estimates, widths, answers, raw = [], [], [], []
    for _ in range(samples):
        survey = draw_survey(population, invited, rng)
        result = raked_share(population, survey, level=level)
        covered += int(result.low <= truth <= result.high)
        estimates.append(result.value)
        widths.append(result.high - result.low)
        answers.append(survey.respondents.size)
        raw.append(float(population.insecure[survey.respondents].mean()))
    return CoverageResult(
        samples=samples,
        covered=covered,
        true_share=truth,
        mean_estimate=float(np.mean(estimates)),
        sd_estimate=float(np.std(estimates, ddof=1)),
        mean_width=float(np.mean(widths)),
        mean_answers=float(np.mean(answers)),
        unweighted_bias=float(np.mean(raw)) - truth,
    )
