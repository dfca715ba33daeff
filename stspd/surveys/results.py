"""The weighted results of a survey: per question, shares with their 95 % intervals, headline
shares by profile (neighbourhood, sex, age...), and the national reference figures.

Weights are those of the latest weighting run; the run is re-solved here (a few milliseconds)
to get the calibration's model matrix the linearised variance needs, and checked equal to the
stored weights. Without a run the shares are the answers' raw shares, said so on the page.

Small cells are suppressed: a share is not shown when its effective sample is below 30 or its
interval is 30 points wide or more (NCHS presentation standards for proportions, Parker et al.
2017; docs/surveys.md). A cell of a few answers says nothing reliable and, in a small
neighbourhood, could point at a known resident's answers.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import t as student

from crimestats.french import signed
from crimestats.survey.calibration import CalibrationResult, CategoricalMargin, calibrate
from crimestats.survey.design import SampleDesign
from crimestats.survey.estimation import (
    Estimate,
    ProportionEstimate,
    WaveChange,
    compare_waves,
    mean,
    proportion,
)

from .enums import QuestionKind
from .models import Answer, Question, ResponseWeight, Survey, WeightingRun
from .questionnaire import HEADLINES, Headline
from .workflow import DATA

MIN_EFFECTIVE_SIZE = 30
MAX_INTERVAL_WIDTH = 0.30
LEVEL = 0.95


def suppressed(estimate: ProportionEstimate) -> bool:
    effective = estimate.n_effective if math.isfinite(estimate.n_effective) else estimate.n
    return effective < MIN_EFFECTIVE_SIZE or estimate.high - estimate.low >= MAX_INTERVAL_WIDTH


@dataclass(frozen=True)
class Reference:
    survey: str
    year: str
    indicator: str
    population: str
    value: float
    source_url: str
    publication: str
    note: str


def national_references() -> dict[tuple[str, str], list[Reference]]:
    """{(reference key, choice): rows} of data/national_reference.csv (choice "" for a
    headline share)."""
    found: dict[tuple[str, str], list[Reference]] = {}
    with (DATA / "national_reference.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found.setdefault((row["reference"], row["choice"]), []).append(
                Reference(
                    survey=row["survey"],
                    year=row["reference_year"],
                    indicator=row["indicator"],
                    population=row["population"],
                    value=float(row["value"]) / 100,
                    source_url=row["source_url"],
                    publication=row["original_publication"],
                    note=row["note"],
                )
            )
    return found


@dataclass(frozen=True)
class Share:
    value: str
    label: str
    estimate: ProportionEstimate | None  # None: suppressed (small cell) or no answer
    references: list[Reference] = field(default_factory=list)


@dataclass(frozen=True)
class MeanResult:
    estimate: Estimate
    low: float
    high: float


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answered: int
    shares: list[Share]
    mean: MeanResult | None = None


@dataclass(frozen=True)
class DomainShare:
    label: str
    estimate: ProportionEstimate | None


@dataclass(frozen=True)
class ProfileBreakdown:
    question: Question
    cells: list[DomainShare]


@dataclass(frozen=True)
class HeadlineResult:
    headline: Headline
    question: Question
    overall: ProportionEstimate | None
    references: list[Reference]
    breakdowns: list[ProfileBreakdown]


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    run: WeightingRun | None
    responses: int
    weighted_responses: int
    headlines: list[HeadlineResult]
    questions: list[QuestionResult]

    @property
    def not_weighted(self) -> int:
        """Answers received since the run: not in the results until the next run."""
        return self.responses - self.weighted_responses


class _Data:
    """The answers as columns: one list of values per question, one row per response."""

    def __init__(self, ids: list[int], questions: Sequence[Question], rows: list[Any]) -> None:
        self.index = {pk: i for i, pk in enumerate(ids)}
        self.values: dict[int, list[Any]] = {q.pk: [None] * len(ids) for q in questions}
        for response_id, question_id, value in rows:
            if response_id in self.index and question_id in self.values:
                self.values[question_id][self.index[response_id]] = value

    def answered(self, question: Question) -> npt.NDArray[np.bool_]:
        return np.array([v not in (None, "", []) for v in self.values[question.pk]])

    def indicator(self, question: Question, accepted: frozenset[str]) -> npt.NDArray[np.float64]:
        """1 where the answer is in ``accepted`` (or, for a multiple choice, contains one of
        them), 0 otherwise, NaN without an answer."""
        out = np.full(len(self.index), np.nan)
        for i, v in enumerate(self.values[question.pk]):
            if v in (None, "", []):
                continue
            if isinstance(v, list):
                out[i] = float(any(item in accepted for item in v))
            else:
                out[i] = float(v in accepted)
        return out


def _calibration(
    run: WeightingRun, data: _Data, profiles: dict[str, Question], design: SampleDesign
) -> CalibrationResult:
    margins = [
        CategoricalMargin(code, data.values[profiles[code].pk], totals)
        for code, totals in run.margins.items()
    ]
    bounds = (
        (run.lower_bound, run.upper_bound)
        if run.lower_bound is not None and run.upper_bound is not None
        else None
    )
    return calibrate(design.weights, margins, method=run.method, bounds=bounds)  # type: ignore[arg-type]  # a stored method name


def _share(
    y: npt.NDArray[np.float64],
    design: SampleDesign,
    calibration: CalibrationResult | None,
    domain: npt.NDArray[np.bool_],
    *,
    suppress: bool,
) -> ProportionEstimate | None:
    if not domain.any():
        return None
    estimate = proportion(y, design, calibration, domain=domain, level=LEVEL)
    return None if suppress and suppressed(estimate) else estimate


@dataclass
class _Loaded:
    """A survey's answers ready for estimation: the questions, the latest run, the answers as
    columns, the design and the run's calibration re-solved (None without a run)."""

    questions: list[Question]
    run: WeightingRun | None
    responses: int
    ids: list[int]
    data: _Data
    design: SampleDesign
    calibration: CalibrationResult | None
    profiles: dict[str, Question]


def _load(survey: Survey, codes: set[str] | None = None) -> _Loaded | None:
    """The survey's answers and weights (module docstring), None when nobody answered. With
    ``codes``, only the answers to those questions and to the profile questions are read."""
    questions = list(survey.current_version().questions.all())
    run = survey.runs.first()
    responses = survey.responses.count()
    if run is not None:
        weights = list(
            ResponseWeight.objects.filter(run=run)
            .order_by("response_id")
            .values_list("response_id", "design_weight", "weight")
        )
        ids = [w[0] for w in weights]
        d = np.array([w[1] for w in weights], dtype=np.float64)
        stored = np.array([w[2] for w in weights], dtype=np.float64)
    else:
        ids = list(survey.responses.order_by("pk").values_list("pk", flat=True))
        d = np.ones(len(ids))
        stored = d
    if not ids:
        return None
    answers = Answer.objects.filter(response__survey=survey)
    if codes is not None:
        read = [q for q in questions if q.code in codes or q.kind == QuestionKind.PROFILE]
        answers = answers.filter(question__in=read)
    else:
        read = questions
    rows = list(answers.values_list("response_id", "question_id", "value"))
    data = _Data(ids, read, rows)
    population = float(d.sum())
    design = SampleDesign.from_arrays(
        d, sampling_fraction=len(ids) / population if run is not None else 0.0
    )
    profiles = {q.code: q for q in questions if q.kind == QuestionKind.PROFILE}
    calibration = None
    if run is not None:
        calibration = _calibration(run, data, profiles, design)
        if not np.allclose(calibration.weights, stored, rtol=1e-9):
            raise RuntimeError("stored weights differ from the run's calibration")
    return _Loaded(questions, run, responses, ids, data, design, calibration, profiles)


@dataclass(frozen=True)
class AnswerShare:
    """The weighted share of the residents giving one of some answers to a question, as the
    results page computes it; ``estimate`` None with ``reason`` when it is not shown."""

    estimate: ProportionEstimate | None
    reason: str
    question: Question | None
    weighted: bool


def suppression_reason(estimate: ProportionEstimate) -> str:
    """Why a share is not shown (results.suppressed is true), in French."""
    effective = estimate.n_effective if math.isfinite(estimate.n_effective) else estimate.n
    if effective < MIN_EFFECTIVE_SIZE:
        return (
            f"part non diffusée : échantillon effectif de {effective:.0f} réponses, sous le "
            f"seuil de {MIN_EFFECTIVE_SIZE}"
        )
    return (
        f"part non diffusée : intervalle de confiance de {100 * (estimate.high - estimate.low):.0f}"
        f" points, pour un maximum de {round(100 * MAX_INTERVAL_WIDTH)}"
    )


def answer_share(survey: Survey, code: str, values: Sequence[str]) -> AnswerShare:
    """The share of the answers to question ``code`` that are one of ``values`` (for a multiple
    choice, that contain one of them), among those who answered: the same computation, weights
    and suppression rule as the results page (a headline share when ``values`` are a
    headline's, one answer's share when a single value)."""
    loaded = _load(survey, {code})
    if loaded is None:
        return AnswerShare(None, "aucune réponse à l'enquête", None, False)
    question = next((q for q in loaded.questions if q.code == code), None)
    if question is None:
        return AnswerShare(None, f"l'enquête n'a pas de question « {code} »", None, False)
    y = loaded.data.indicator(question, frozenset(values))
    answered = ~np.isnan(y)
    weighted = loaded.run is not None
    if not answered.any():
        return AnswerShare(None, "personne n'a répondu à cette question", question, weighted)
    estimate = _share(y, loaded.design, loaded.calibration, answered, suppress=False)
    assert estimate is not None  # some answered
    if suppressed(estimate):
        return AnswerShare(None, suppression_reason(estimate), question, weighted)
    return AnswerShare(estimate, "", question, weighted)


def survey_results(survey: Survey) -> SurveyResults:
    """Everything the results page shows, in a fixed number of queries."""
    loaded = _load(survey)
    if loaded is None:
        return SurveyResults(survey, survey.runs.first(), survey.responses.count(), 0, [], [])
    questions, run, responses, ids = loaded.questions, loaded.run, loaded.responses, loaded.ids
    data, design, calibration = loaded.data, loaded.design, loaded.calibration
    profiles = loaded.profiles
    references = national_references()
    by_code = {q.code: q for q in questions}
    headlines = []
    for headline in HEADLINES:
        question = by_code.get(headline.code)
        if question is None:
            continue
        y = data.indicator(question, headline.values)
        answered = ~np.isnan(y)
        breakdowns = []
        for profile in profiles.values():
            cells = []
            values = data.values[profile.pk]
            for value, label in profile.choices:
                inside = answered & np.array([v == value for v in values])
                cells.append(
                    DomainShare(label, _share(y, design, calibration, inside, suppress=True))
                )
            breakdowns.append(ProfileBreakdown(profile, cells))
        headlines.append(
            HeadlineResult(
                headline,
                question,
                _share(y, design, calibration, answered, suppress=True),
                references.get((headline.key, ""), []),
                breakdowns,
            )
        )
    results = []
    for question in questions:
        answered = data.answered(question)
        shares: list[Share] = []
        mean_result = None
        if question.has_choices:
            for value, label in question.choices:
                y = data.indicator(question, frozenset({value}))
                shares.append(
                    Share(
                        value,
                        label,
                        _share(y, design, calibration, answered, suppress=True),
                        references.get((question.reference, value), [])
                        if question.reference
                        else [],
                    )
                )
        elif question.kind == QuestionKind.NUMBER and answered.sum() >= 2:
            y = np.array([float(v) if v is not None else np.nan for v in data.values[question.pk]])
            estimate = mean(y, design, calibration, domain=answered)
            z = float(student.ppf(0.5 + LEVEL / 2, estimate.df)) if estimate.df > 0 else 1.96
            mean_result = MeanResult(
                estimate, estimate.value - z * estimate.se, estimate.value + z * estimate.se
            )
        results.append(QuestionResult(question, int(answered.sum()), shares, mean_result))
    return SurveyResults(survey, run, responses, len(ids), headlines, results)


def _figure(estimate: ProportionEstimate | None) -> dict[str, float | int] | None:
    if estimate is None:
        return None
    return {"value": estimate.value, "low": estimate.low, "high": estimate.high, "n": estimate.n}


def public_summary(results: SurveyResults) -> dict[str, Any]:
    """The headline figures as the portal shows them (JSON, stored when published): overall
    and by neighbourhood, small cells already suppressed, with the national references."""
    run = results.run
    assert run is not None, "only weighted results are published"
    return {
        "responses": results.weighted_responses,
        "method": run.get_method_display(),
        "margins": list(run.margins),
        "weighted_on": run.created_at.date().isoformat(),
        "headlines": [
            {
                "label": item.headline.label,
                "overall": _figure(item.overall),
                "by_neighbourhood": [
                    {"label": cell.label, "figure": _figure(cell.estimate)}
                    for breakdown in item.breakdowns
                    if breakdown.question.code == "quartier"
                    for cell in breakdown.cells
                ],
                "references": [
                    {
                        "survey": r.survey,
                        "year": r.year,
                        "population": r.population,
                        "value": r.value,
                        "publication": r.publication,
                    }
                    for r in item.references
                ],
            }
            for item in results.headlines
        ],
    }


@dataclass(frozen=True)
class WaveComparison:
    label: str
    before: ProportionEstimate | None
    after: ProportionEstimate | None
    change: WaveChange | None  # None when a wave's share is not shown

    @property
    def significant(self) -> bool:
        return self.change is not None and self.change.p_value < 1 - LEVEL

    @property
    def change_text(self) -> str:
        """ "+3 points (-2 à +8)": the change in percentage points and its interval."""
        if self.change is None:
            return ""
        c = self.change
        return (
            f"{signed(100 * c.difference)} points ({signed(100 * c.low)} à {signed(100 * c.high)})"
        )


def compare_surveys(before: SurveyResults, after: SurveyResults) -> list[WaveComparison]:
    """The headline shares of two independent waves and their change (Newcombe's interval,
    Wald p-value on the effective samples: crimestats.survey.compare_waves)."""
    earlier = {item.headline.key: item for item in before.headlines}
    rows = []
    for item in after.headlines:
        old = earlier.get(item.headline.key)
        rows.append(compare_shares(item.headline.label, old.overall if old else None, item.overall))
    return rows


def compare_shares(
    label: str, before: ProportionEstimate | None, after: ProportionEstimate | None
) -> WaveComparison:
    """One share in two independent waves and its change, tested (no change when a wave's
    share is not shown)."""
    change = (
        compare_waves(before, after, level=LEVEL)
        if before is not None and after is not None
        else None
    )
    return WaveComparison(label, before, after, change)


RESULT_COLUMNS = [
    "question",
    "libelle_question",
    "sous_population",
    "reponse",
    "libelle_reponse",
    "part",
    "borne_basse_95",
    "borne_haute_95",
    "reponses",
    "echantillon_effectif",
    "pondere",
]


def result_rows(results: SurveyResults) -> list[list[Any]]:
    """Rows of RESULT_COLUMNS: every share of every question, then the headline shares by
    profile (``sous_population`` "sexe = F"); a suppressed share has empty figures."""
    weighted = "oui" if results.run else "non"

    def figures(estimate: ProportionEstimate | None) -> list[Any]:
        if estimate is None:
            return ["", "", "", "", ""]
        effective = estimate.n_effective if math.isfinite(estimate.n_effective) else estimate.n
        return [
            round(estimate.value, 6),
            round(estimate.low, 6),
            round(estimate.high, 6),
            estimate.n,
            round(effective, 1),
        ]

    rows: list[list[Any]] = []
    for item in results.questions:
        for answer in item.shares:
            rows.append(
                [
                    item.question.code,
                    item.question.text,
                    "ensemble",
                    answer.value,
                    answer.label,
                    *figures(answer.estimate),
                    weighted,
                ]
            )
    for headline in results.headlines:
        for breakdown in headline.breakdowns:
            for (value, _), cell in zip(breakdown.question.choices, breakdown.cells, strict=True):
                rows.append(
                    [
                        headline.headline.key,
                        headline.headline.label,
                        f"{breakdown.question.code} = {value}",
                        "+".join(sorted(headline.headline.values)),
                        cell.label,
                        *figures(cell.estimate),
                        weighted,
                    ]
                )
    return rows
