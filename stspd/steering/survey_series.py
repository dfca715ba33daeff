"""Values of the objectives' indicators fed by the council's residents' surveys.

An indicator of the library may name a question of the council's surveys and the answers it
counts (``IndicatorDefinition.survey_question`` and ``survey_answers``: "souvent" and "de temps
en temps" to "vous arrive-t-il de vous sentir en insécurité dans votre quartier ?"). Each
**wave** is one of the council's surveys whose results are published and whose collection is
closed, and which asks that question: its value is the weighted share of the residents giving
one of those answers, with its 95 % interval, computed exactly as the survey's results page
computes it (stspd.surveys.results.answer_share), in percent, dated by the collection's end.
A wave whose share is not shown there (small effective sample, interval too wide) is a value
"non diffusé" with its reason, never 0. The change between the last two waves is the one the
surveys' comparison page tests (stspd.surveys.results.compare_shares).

This lives in steering because indicators and surveys are independent rooms: steering is above
both.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from crimestats.french import date, number
from stspd.strategy.models import ObjectiveIndicator
from stspd.surveys.models import Question, Survey
from stspd.surveys.results import AnswerShare, WaveComparison, answer_share, compare_shares


@dataclass(frozen=True)
class Wave:
    """One published wave of a survey-fed indicator."""

    survey: Survey
    on: datetime.date  # the end of its collection
    share: AnswerShare

    @property
    def value(self) -> float | None:
        """The share in percent (the indicator's unit), None when not shown."""
        estimate = self.share.estimate
        return 100 * estimate.value if estimate is not None else None

    @property
    def low(self) -> float | None:
        estimate = self.share.estimate
        return 100 * estimate.low if estimate is not None else None

    @property
    def high(self) -> float | None:
        estimate = self.share.estimate
        return 100 * estimate.high if estimate is not None else None

    @property
    def text(self) -> str:
        """ "23,4 % (20,1 à 26,9 %)", or why it is not shown."""
        if self.value is None or self.low is None or self.high is None:
            return self.share.reason
        return (
            f"{number(self.value, 1)} % ({number(self.low, 1)} à {number(self.high, 1)} %, "
            f"{number(self.share.estimate.n if self.share.estimate else 0)} réponses)"
        )


@dataclass(frozen=True)
class SurveySeries:
    """The waves of one indicator, oldest first, and the change between the last two."""

    question: Question | None  # as asked in the latest wave (its wording and answers' labels)
    answers: list[str]
    waves: list[Wave]

    @property
    def answer_labels(self) -> list[str]:
        labels = self.question.labels() if self.question is not None else {}
        return [labels.get(value, value) for value in self.answers]

    @property
    def change(self) -> WaveComparison | None:
        """The last two waves' change with its test (None with fewer than two waves)."""
        if len(self.waves) < 2:
            return None
        before, after = self.waves[-2], self.waves[-1]
        return compare_shares(
            f"{before.survey.title} → {after.survey.title}",
            before.share.estimate,
            after.share.estimate,
        )

    def change_text(self) -> str:
        """The change between the last two waves and its test, in one French sentence."""
        if not self.waves:
            return (
                "Aucune vague publiée et close des enquêtes du conseil ne pose cette question "
                "pour l'instant."
            )
        if len(self.waves) < 2:
            return "Une seule vague publiée : l'évolution se lira à la prochaine."
        comparison = self.change
        assert comparison is not None  # two waves
        before, after = self.waves[-2], self.waves[-1]
        text = (
            f"Évolution entre les deux dernières vagues (« {before.survey.title} », collecte "
            f"close le {date(before.on)}, et « {after.survey.title} », close le "
            f"{date(after.on)}) : "
        )
        change = comparison.change
        if change is None:
            return text + "une des deux parts n'est pas diffusée, l'écart n'est pas testé."
        if comparison.significant:
            reading = f"évolution significative au seuil de 5 % (p = {number(change.p_value, 3)})"
        else:
            reading = f"pas d'évolution démontrée au seuil de 5 % (p = {number(change.p_value, 2)})"
        return (
            f"{text}{comparison.change_text}, {reading}. Écart en points de pourcentage avec "
            "son intervalle à 95 % (Newcombe), les deux vagues prises comme des échantillons "
            "indépendants."
        )

    def origin(self) -> str:
        """Where the values come from, in one sentence."""
        question = f"« {self.question.text} »" if self.question else "la question"
        answers = " ou ".join(f"« {label} »" for label in self.answer_labels)
        return (
            f"Valeurs : enquêtes auprès des habitants, part pondérée des personnes répondant "
            f"{answers} à {question}, une valeur par vague publiée, datée de la fin de sa "
            "collecte, avec son intervalle de confiance à 95 %."
        )


def _waves(council_ids: set[int]) -> dict[int, list[Survey]]:
    """Council pk -> its published and closed surveys, in the order of their collection's end."""
    found: dict[int, list[Survey]] = {}
    for survey in Survey.objects.filter(
        council_id__in=council_ids, published_at__isnull=False, closed_at__isnull=False
    ).order_by("closed_at", "pk"):
        found.setdefault(survey.council_id, []).append(survey)
    return found


def survey_series(uses: Sequence[ObjectiveIndicator]) -> dict[int, SurveySeries]:
    """ObjectiveIndicator pk -> its waves, for those of `uses` fed by surveys (the others are
    left out; no query when there is none). ``uses`` must have their definition and strategy
    loaded."""
    fed = [use for use in uses if use.definition.from_survey]
    if not fed:
        return {}
    strategy_councils = dict(
        ObjectiveIndicator.objects.filter(pk__in=[use.pk for use in fed]).values_list(
            "pk", "objective__axis__strategy__council_id"
        )
    )
    surveys = _waves(set(strategy_councils.values()))
    shares: dict[tuple[int, str, tuple[str, ...]], AnswerShare] = {}
    series: dict[int, SurveySeries] = {}
    for use in fed:
        code = use.definition.survey_question
        answers = [str(value) for value in use.definition.survey_answers]
        waves = []
        for survey in surveys.get(strategy_councils[use.pk], []):
            key = (survey.pk, code, tuple(sorted(answers)))
            if key not in shares:
                shares[key] = answer_share(survey, code, answers)
            share = shares[key]
            if share.question is None:  # this survey did not ask the question
                continue
            assert survey.closed_at is not None  # _waves keeps closed surveys only
            waves.append(Wave(survey, timezone.localdate(survey.closed_at), share))
        question = waves[-1].share.question if waves else None
        series[use.pk] = SurveySeries(question, answers, waves)
    return series
